"""What logistics is told by other departments and asked by its people (P5.1 to P5.6)."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from shared.decisions import Signature

Units = dict[str, int]
"""Units per product code."""


@dataclass(frozen=True)
class Address:
    name: str
    street: str
    postal_code: str
    city: str
    country: str


@dataclass(frozen=True)
class Contact:
    name: str
    email: str | None = None
    phone: str | None = None


@dataclass(frozen=True)
class Placement:
    """What was ordered, and where and to whom it goes (order.placed)."""

    customer_id: str
    currency: str
    ordered: Units
    delivery_address: Address
    contact: Contact


@dataclass(frozen=True)
class RecordProduction:
    """Production's finished totals per product, as of `at` (goods.produced)."""

    production_order_id: str
    finished: Units
    at: datetime


@dataclass(frozen=True)
class FinanceCheck:
    """Finance's payment check of one shipment (payment.checked, P5.2)."""

    passed: bool
    tier: str
    credit_exception: bool
    amount: Decimal
    currency: str
    reason: str
    signed: Signature | None
    at: datetime


@dataclass(frozen=True)
class RequestShipment:
    """Customer service's shipping request (P5.1); None: as produced, as on file."""

    lines: Units | None
    delivery_address: Address | None
    contact: Contact | None
    correction_reason: str = ""
    partial_agreement: str = ""


@dataclass(frozen=True)
class Dispatch:
    """The dispatcher's shipping notice (P5.5)."""

    carrier: str
    tracking_number: str
    expected_delivery_on: date


@dataclass(frozen=True)
class RecordDelivery:
    """The customer's signed delivery receipt (P5.6); lines None: as shipped."""

    delivered_on: date
    received_by: str
    lines: Units | None
    discrepancy: str = ""
    cash_collected: Decimal = Decimal("0.00")


def units(pairs: "list[tuple[str, int]] | tuple[tuple[str, int], ...]") -> Units:
    """Units per product, the same product on several lines added up."""
    total: Units = {}
    for product_code, quantity in pairs:
        total[product_code] = total.get(product_code, 0) + quantity
    return total


def differences(expected: Units, found: Units) -> dict[str, tuple[int, int]]:
    """Per product whose units differ: (expected, found)."""
    return {
        code: (expected.get(code, 0), found.get(code, 0))
        for code in sorted(set(expected) | set(found))
        if expected.get(code, 0) != found.get(code, 0)
    }
