"""The account of one order: opened when the order is placed, confirmed (with a deposit to
request for B and C customers), invoiced when shipped, paid (at any time, P6.2), closed (P3.3,
P6).

Finance hears about an order from several services on several topics, and Kafka keeps no order
between topics: the confirmation, the shipment or the order's closing can arrive before the
order itself. So any of them can start the account; the order or its confirmation opens it
(both carry customer, currency and total), and it is invoiced once it knows both the order and
the shipment, whichever came first.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum


class AccountStatus(StrEnum):
    AWAITING_ORDER = "awaiting_order"
    """Something about the order arrived before the order itself."""
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
class ConfirmOrder:
    """Command: record the confirmation sales sent the customer (P3.1, P2.7), with the deposit
    a B or C customer pays before production (P3.3); zero: none."""

    order_id: str
    customer_id: str
    currency: str
    total_amount: Decimal
    deposit_amount: Decimal
    confirmed_delivery_date: date


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


@dataclass(frozen=True)
class DepositWasRequested:
    order_id: str
    customer_id: str
    amount: Decimal
    currency: str


DomainEvent = InvoiceWasIssued | PaymentWasReceived | DepositWasRequested


class CurrencyMismatch(Exception):
    """Money in another currency cannot be put against the order as it is."""


class AccountNotOpened(Exception):
    """Money cannot be put against an order finance does not know yet."""


def invoice_number(order_id: str) -> str:
    """One invoice per order, numbered after it: INV-<order id>."""
    return f"INV-{order_id}"


def format_payment_number(year: int, sequence: int) -> str:
    """Payment numbers are unique and readable: PAY-<year>-<6-digit sequence>."""
    return f"PAY-{year}-{sequence:06d}"


@dataclass
class Account:
    order_id: str
    customer_id: str | None = None
    currency: str | None = None
    total_amount: Decimal | None = None
    paid_total: Decimal = ZERO
    shipped_on: date | None = None
    invoice: Invoice | None = None
    status: AccountStatus = AccountStatus.AWAITING_ORDER
    outcome: Outcome | None = None
    confirmed: bool = False
    confirmed_delivery_date: date | None = None
    deposit_amount: Decimal = ZERO
    deposit_requested: bool = False
    events: list[DomainEvent] = field(default_factory=list, compare=False, repr=False)

    @classmethod
    def start(cls, order_id: str) -> "Account":
        """An account known only by its order number, until the order itself arrives."""
        return cls(order_id=order_id)

    @property
    def is_opened(self) -> bool:
        """Whether the order (customer, currency, total) is known."""
        return self.total_amount is not None

    @property
    def balance_due(self) -> Decimal:
        """What is still owed; an overpayment leaves nothing due, never a negative balance."""
        return max((self.total_amount or ZERO) - self.paid_total, ZERO)

    @property
    def settled(self) -> bool:
        return self.total_amount is not None and self.paid_total >= self.total_amount

    @property
    def deposit_paid(self) -> Decimal:
        """The part of the deposit the money received covers (P3.3, P6.1)."""
        return min(self.paid_total, self.deposit_amount)

    @property
    def deposit_outstanding(self) -> bool:
        """Whether a requested deposit is not yet fully paid (P3.3, P6.1)."""
        return self.deposit_requested and self.deposit_paid < self.deposit_amount

    @property
    def open_amount(self) -> Decimal:
        """What the order adds to its customer's open balance (P6.4): the unpaid part of a
        confirmed order that was not declined; nothing for an order not confirmed (yet)."""
        if not self.confirmed or self.outcome is Outcome.DECLINED:
            return ZERO
        return self.balance_due

    def open(self, command: OpenAccount) -> None:
        """Take the order's customer, currency and total (P2.7); the first copy counts. An
        order shipped before its account opened is invoiced now."""
        if self.is_opened:
            return
        self.customer_id = command.customer_id
        self.currency = command.currency
        self.total_amount = command.total_amount
        if self.status is AccountStatus.AWAITING_ORDER:
            self.status = AccountStatus.OPEN
        self._invoice_if_due()

    def confirm(self, command: ConfirmOrder) -> None:
        """Record the order as confirmed to the customer (P3.1, P2.7), opening the account if
        the order itself has not arrived yet. Money already received counts towards the deposit;
        what is still to pay of it is requested once (P3.3, P6.1), never for an order already
        closed. A repeated confirmation changes nothing."""
        if self.confirmed:
            return
        self.open(
            OpenAccount(
                order_id=command.order_id,
                customer_id=command.customer_id,
                currency=command.currency,
                total_amount=command.total_amount,
            )
        )
        self.confirmed = True
        self.confirmed_delivery_date = command.confirmed_delivery_date
        self.deposit_amount = command.deposit_amount
        still_to_pay = command.deposit_amount - self.deposit_paid
        if still_to_pay > ZERO and self.status is not AccountStatus.CLOSED:
            self.deposit_requested = True
            assert self.customer_id is not None and self.currency is not None
            self.events.append(
                DepositWasRequested(self.order_id, self.customer_id, still_to_pay, self.currency)
            )

    def record_shipment(self, today: date) -> None:
        """The goods left: the order is invoiced (P6.3); a repeated shipment report counts once."""
        if self.shipped_on is not None:
            return
        self.shipped_on = today
        self._invoice_if_due()

    def _invoice_if_due(self) -> None:
        """Invoice the order total, due after the payment term (P6.3); one invoice per order."""
        if (
            self.invoice is not None
            or self.shipped_on is None
            or self.total_amount is None
            or self.currency is None
        ):
            return
        self.invoice = Invoice(
            invoice_number=invoice_number(self.order_id),
            amount=self.total_amount,
            currency=self.currency,
            issued_on=self.shipped_on,
            due_date=self.shipped_on + timedelta(days=PAYMENT_TERM_DAYS),
        )
        self.events.append(InvoiceWasIssued(self.order_id, self.invoice))

    def receive_payment(self, payment_id: str, command: ReceivePayment) -> Payment:
        """Put a payment against the order, invoiced or not, open or closed (P6.2). Money that
        comes while a requested deposit is not yet fully paid is the deposit (P3.3, P6.1);
        any other money goes against the balance."""
        if not self.is_opened:
            raise AccountNotOpened(f"order {self.order_id} is not known yet")
        if command.currency != self.currency:
            raise CurrencyMismatch(
                f"payment in {command.currency} for order {self.order_id} in {self.currency}"
            )
        kind = PaymentKind.DEPOSIT if self.deposit_outstanding else PaymentKind.BALANCE
        payment = Payment(
            payment_id=payment_id,
            order_id=self.order_id,
            bank_transaction_id=command.bank_transaction_id,
            kind=kind,
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

    def revise_delivery(self, delivery_date: date) -> None:
        """Sales agreed a new date with the customer after a delay (P4.10): the account's
        confirmed date follows it, once the order is confirmed and while it is open."""
        if self.confirmed and self.status is not AccountStatus.CLOSED:
            self.confirmed_delivery_date = delivery_date

    def close(self, outcome: Outcome) -> None:
        """File the account with the order's final outcome (P7.6). Money that still comes in
        is recorded all the same (P6.2)."""
        if self.status is AccountStatus.CLOSED:
            return
        self.status = AccountStatus.CLOSED
        self.outcome = outcome
