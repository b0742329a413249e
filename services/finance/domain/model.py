"""The account of one order: opened when the order is placed, invoiced when shipped, paid
(at any time, P6.2), closed (P6)."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum


class AccountStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class Outcome(StrEnum):
    """The order's final outcome, as sales closed it."""

    FULFILLED = "fulfilled"
    DECLINED = "declined"


class PaymentKind(StrEnum):
    DEPOSIT = "deposit"
    BALANCE = "balance"


PAYMENT_TERM_DAYS = 30
"""Days from the invoice to its due date."""

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class OpenAccount:
    """Command: open the account of a placed order (P2.7: finance gets every order)."""

    order_id: str
    customer_id: str
    currency: str
    total_amount: Decimal


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
class Invoice:
    invoice_number: str
    amount: Decimal
    currency: str
    issued_on: date
    due_date: date


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


DomainEvent = InvoiceWasIssued | PaymentWasReceived


class CurrencyMismatch(Exception):
    """Money in another currency cannot be put against the order as it is."""


def invoice_number(order_id: str) -> str:
    """One invoice per order, numbered after it: INV-<order id>."""
    return f"INV-{order_id}"


def format_payment_number(year: int, sequence: int) -> str:
    """Payment numbers are unique and readable: PAY-<year>-<6-digit sequence>."""
    return f"PAY-{year}-{sequence:06d}"


@dataclass
class Account:
    order_id: str
    customer_id: str
    currency: str
    total_amount: Decimal
    paid_total: Decimal = ZERO
    invoice: Invoice | None = None
    status: AccountStatus = AccountStatus.OPEN
    outcome: Outcome | None = None
    events: list[DomainEvent] = field(default_factory=list, compare=False, repr=False)

    @classmethod
    def open(cls, command: OpenAccount) -> "Account":
        return cls(
            order_id=command.order_id,
            customer_id=command.customer_id,
            currency=command.currency,
            total_amount=command.total_amount,
        )

    @property
    def balance_due(self) -> Decimal:
        """What is still owed; an overpayment leaves nothing due, never a negative balance."""
        return max(self.total_amount - self.paid_total, ZERO)

    @property
    def settled(self) -> bool:
        return self.paid_total >= self.total_amount

    def issue_invoice(self, today: date) -> None:
        """Invoice the order total, due after the payment term (P6.3); one invoice per order."""
        if self.invoice is not None:
            return
        self.invoice = Invoice(
            invoice_number=invoice_number(self.order_id),
            amount=self.total_amount,
            currency=self.currency,
            issued_on=today,
            due_date=today + timedelta(days=PAYMENT_TERM_DAYS),
        )
        self.events.append(InvoiceWasIssued(self.order_id, self.invoice))

    def receive_payment(self, payment_id: str, command: ReceivePayment) -> Payment:
        """Put a payment against the order, invoiced or not, open or closed (P6.2)."""
        if command.currency != self.currency:
            raise CurrencyMismatch(
                f"payment in {command.currency} for order {self.order_id} in {self.currency}"
            )
        payment = Payment(
            payment_id=payment_id,
            order_id=self.order_id,
            bank_transaction_id=command.bank_transaction_id,
            kind=PaymentKind.BALANCE,
            amount=command.amount,
            currency=command.currency,
            booked_at=command.booked_at,
            payer=command.payer,
        )
        self.paid_total += command.amount
        self.events.append(
            PaymentWasReceived(
                self.order_id, payment, self.paid_total, self.balance_due, self.settled
            )
        )
        return payment

    def close(self, outcome: Outcome) -> None:
        """File the account with the order's final outcome (P7.6). Money that still comes in
        is recorded all the same (P6.2)."""
        if self.status is AccountStatus.CLOSED:
            return
        self.status = AccountStatus.CLOSED
        self.outcome = outcome
