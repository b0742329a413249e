"""What finance is asked to do, by the bus or by a person (P2.7, P3.3, P5.2, P6.1 to P6.4)."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Final

CASH_PREFIX: Final = "COD-"
CREDIT_PREFIX: Final = "CREDIT-"
OWN_TRANSACTION_PREFIXES: Final = (CASH_PREFIX, CREDIT_PREFIX)
"""P6.1, P6.2: the bank transaction ids finance gives its own money (cash on delivery, a credit
applied); a bank's payment notified with one of them is never recorded as a payment."""


def cash_transaction(shipment_id: str) -> str:
    """P6.1: the transaction of the cash the carrier collected on delivery of a shipment."""
    return f"{CASH_PREFIX}{shipment_id}"


def credit_transaction(payment_id: str) -> str:
    """P6.2: the transaction of a credit applied to another order, as payment `payment_id`."""
    return f"{CREDIT_PREFIX}{payment_id}"


def is_finance_own(bank_transaction_id: str) -> bool:
    """P6.2: the id lies in finance's own namespace (OWN_TRANSACTION_PREFIXES)."""
    return bank_transaction_id.startswith(OWN_TRANSACTION_PREFIXES)


@dataclass(frozen=True)
class Line:
    """One priced line of the order, as sales registered it."""

    product_code: str
    quantity: int
    amount: Decimal


@dataclass(frozen=True)
class Units:
    """Units of one product a shipment takes."""

    product_code: str
    quantity: int


@dataclass(frozen=True)
class OpenAccount:
    """Command: open the account of a placed order (P2.7: finance gets every order), with its
    lines (to value shipments, P5.2) and the payment terms asked for (null: the customer's)."""

    order_id: str
    customer_id: str
    currency: str
    total_amount: Decimal
    lines: tuple[Line, ...] = ()
    payment_terms: str | None = None


@dataclass(frozen=True)
class ConfirmOrder:
    """Command: record the confirmation sales sent the customer (P3.1, P2.7), with the deposit
    a B or C customer pays before production (P3.3); zero: none. `version` above 1: the
    amended confirmation of that version, with the new total and deposit (P7.3)."""

    order_id: str
    customer_id: str
    currency: str
    total_amount: Decimal
    deposit_amount: Decimal
    confirmed_delivery_date: date
    tier: str | None = None
    version: int = 1


@dataclass(frozen=True)
class ReceivePayment:
    """Command: record money the bank reports against an order (P6.1, P6.2)."""

    bank_transaction_id: str
    order_reference: str
    amount: Decimal
    currency: str
    booked_at: datetime
    payer: str


@dataclass(frozen=True)
class RequestShipment:
    """Command: a shipment waits for finance's payment check (P5.2)."""

    shipment_id: str
    lines: tuple[Units, ...]


@dataclass(frozen=True)
class ShipGoods:
    """Command: a shipment left; invoice what it took (P6.3)."""

    shipment_id: str
    lines: tuple[Units, ...]
    shipped_on: date


@dataclass(frozen=True)
class CustomerTerms:
    """What finance knows of an order's customer when it decides: the tier (P5.2), the
    default payment terms (P6.3), the credit limit, the open balance and whether an invoice of
    the customer is overdue (P6.4)."""

    tier: str | None = None
    default_terms: str | None = None
    credit_limit: Decimal | None = None
    open_balance: Decimal = Decimal("0.00")
    overdue_invoices: int = 0


@dataclass(frozen=True)
class ApplyChange:
    """Command: sales applied change n (P7.1, P7.2, P7.3): the order's lines and total become
    these; `charge` is what the customer pays for what was spent (zero: none); `delivery_date`
    the date asked at version n, which a change of kind date after the confirmation sets."""

    change_no: int
    kinds: tuple[str, ...]
    lines: tuple[Line, ...]
    total_amount: Decimal
    charge: Decimal
    decided_on: date
    charge_reason: str = ""
    delivery_date: date | None = None
    after_confirmation: bool = True


@dataclass(frozen=True)
class CreditReturn:
    """Command: QA accepted returned units of return n for a credit note (P7.5)."""

    return_number: str
    return_no: int
    accepted: tuple[Units, ...]
    issued_on: date
