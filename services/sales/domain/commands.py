"""What people and other systems ask sales to do, and who decided it."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

VERBAL_CHANNELS = frozenset({"phone", "visit"})
"""Orders taken by word of mouth: they wait for the customer's written confirmation (P1.1)."""


@dataclass(frozen=True)
class Line:
    """One ordered line: the amount is always quantity x unit price; what the submitter stated
    is kept only to check it (P1.3)."""

    line_no: int
    product_code: str
    quantity: int
    unit_price: Decimal
    stated_amount: Decimal | None = None

    @property
    def amount(self) -> Decimal:
        return self.unit_price * self.quantity


@dataclass(frozen=True)
class PlaceOrder:
    """Command: register a submitted order (P1.2). Submitter and customer reference identify
    it: the same pair sent again is the same order (P1.6)."""

    submitter: str
    customer_reference: str
    customer_id: str
    channel: str
    currency: str
    lines: tuple[Line, ...]
    stated_total: Decimal | None
    requested_delivery_date: date
    delivery_address: dict[str, Any] | None
    contact: dict[str, Any]
    payment_terms: str | None = None

    @property
    def is_verbal(self) -> bool:
        return self.channel in VERBAL_CHANNELS


@dataclass(frozen=True)
class Decider:
    """Who makes a decision, in which role, and when (P8.1, P7.6)."""

    user: str
    role: str
    at: datetime
