"""What happened to an order's account, for the wire (P3.3, P5.2, P6.1 to P6.4)."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from services.finance.domain.checks import PaymentCheck
from services.finance.domain.collection import Invoice
from services.finance.domain.credit_notes import CreditNote
from shared.decisions import Signature


class PaymentKind(StrEnum):
    DEPOSIT = "deposit"
    BALANCE = "balance"
    CASH_ON_DELIVERY = "cash_on_delivery"
    CREDIT = "credit"


@dataclass(frozen=True)
class Payment:
    payment_id: str
    order_id: str
    bank_transaction_id: str
    kind: PaymentKind
    amount: Decimal
    currency: str
    booked_at: datetime
    payer: str


@dataclass(frozen=True)
class InvoiceWasIssued:
    order_id: str
    invoice: Invoice


@dataclass(frozen=True)
class PaymentWasReceived:
    order_id: str
    payment: Payment
    paid_total: Decimal
    balance_due: Decimal
    settled: bool
    credit: Decimal = Decimal("0.00")


@dataclass(frozen=True)
class DepositWasRequested:
    order_id: str
    customer_id: str
    amount: Decimal
    currency: str


@dataclass(frozen=True)
class PaymentWasChecked:
    order_id: str
    check: PaymentCheck
    currency: str


@dataclass(frozen=True)
class BalanceWasDue:
    order_id: str
    customer_id: str
    shipment_id: str | None
    amount: Decimal
    currency: str
    reason: str


@dataclass(frozen=True)
class CreditWasChanged:
    order_id: str
    customer_id: str
    change: str
    amount: Decimal
    currency: str
    available: Decimal
    applied_to: str | None = None
    reason: str = ""
    decided: Signature | None = None


@dataclass(frozen=True)
class CollectionWasStepped:
    order_id: str
    customer_id: str
    invoice: Invoice
    step: str
    days_overdue: int
    note: str = ""
    recorded: Signature | None = None


@dataclass(frozen=True)
class ChangeWasAcknowledged:
    """Finance's answer to change n (P7.1): what was paid, asked as deposit and invoiced."""

    order_id: str
    change_no: int
    paid_total: Decimal
    deposit_amount: Decimal
    invoiced: Decimal


@dataclass(frozen=True)
class CreditNoteWasIssued:
    order_id: str
    note: CreditNote
    balance_due: Decimal
    credit: Decimal


DomainEvent = (
    InvoiceWasIssued
    | PaymentWasReceived
    | DepositWasRequested
    | PaymentWasChecked
    | BalanceWasDue
    | CreditWasChanged
    | CollectionWasStepped
    | ChangeWasAcknowledged
    | CreditNoteWasIssued
)
