"""What finance keeps of one order's account (P2.7, P3.3, P5.2, P6.1 to P6.4), and what follows
from it: what is due, paid, in credit and overdue. The account's changes are in `model.py`
(the order), `shipments.py` (checks and invoices) and `payments.py` (money and collection)."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Self

from services.finance.domain import collection
from services.finance.domain import credit as credits
from services.finance.domain.checks import PaymentCheck
from services.finance.domain.collection import Invoice
from services.finance.domain.commands import CustomerTerms, Line, Units
from services.finance.domain.credit_notes import CreditNote
from services.finance.domain.events import DomainEvent
from services.finance.domain.terms import terms_of
from services.finance.domain.valuation import Valued
from shared.decisions import NotFound
from shared.delivery_dates import DateSource

ZERO = Decimal("0.00")


class AccountStatus(StrEnum):
    AWAITING_ORDER = "awaiting_order"
    """Something about the order arrived before the order itself."""
    OPEN = "open"
    CLOSED = "closed"


class Outcome(StrEnum):
    """The order's final outcome, as sales closed it."""

    FULFILLED = "fulfilled"
    DECLINED = "declined"
    CANCELLED = "cancelled"
    """The customer cancelled (P7.2): a charge stays owed, money beyond it is credit."""


@dataclass(frozen=True)
class Shipped:
    """A shipment that left (P5.5), invoiced once the order is known."""

    shipment_id: str
    lines: tuple[Units, ...]
    shipped_on: date


@dataclass
class AccountState:
    order_id: str
    customer_id: str | None = None
    currency: str | None = None
    total_amount: Decimal | None = None
    lines: tuple[Line, ...] = ()
    payment_terms: str | None = None
    tier: str | None = None
    paid_total: Decimal = ZERO
    credit_used: Decimal = ZERO
    shipped_on: date | None = None
    status: AccountStatus = AccountStatus.AWAITING_ORDER
    outcome: Outcome | None = None
    confirmed: bool = False
    confirmed_delivery_date: date | None = None
    """The order's current delivery date (see `dates.py`)."""
    delivery_date_source: DateSource | None = None
    delivery_date_version: int = 1
    """The order's version the current delivery date comes from (P7.3, see `dates.py`)."""
    deposit_amount: Decimal = ZERO
    deposit_requested: bool = False
    valued: tuple[Valued, ...] = ()
    checks: tuple[PaymentCheck, ...] = ()
    shipped: tuple[Shipped, ...] = ()
    invoices: tuple[Invoice, ...] = ()
    version: int = 1
    """The highest change applied from change.decided (P7.1); 1: the order as placed."""
    confirmed_version: int = 1
    """The highest version confirmed to the customer (confirmation.issued, P7.3); 1: the
    confirmation as first sent (or none yet)."""
    acknowledged_change: int = 1
    """The highest change number acknowledged on change.acknowledged; 1: none yet."""
    charged: Decimal = ZERO
    """Charges of applied changes for what was spent (P7.2), owed on top of the total."""
    credited: Decimal = ZERO
    """Credit notes for returned goods (P7.5): they lower what is owed."""
    credit_notes: tuple[CreditNote, ...] = ()
    events: list[DomainEvent] = field(default_factory=list, compare=False, repr=False)

    @classmethod
    def start(cls, order_id: str) -> Self:
        """An account known only by its order number, until the order itself arrives."""
        return cls(order_id=order_id)

    @property
    def is_opened(self) -> bool:
        """Whether the order (customer, currency, total) is known; an applied change that
        came before the order brings a total but no customer (P7.1 rule 6)."""
        return (
            self.total_amount is not None
            and self.customer_id is not None
            and self.currency is not None
        )

    @property
    def valuable(self) -> bool:
        """Whether its shipments can be valued: the order's lines are known (P5.2)."""
        return self.is_opened and bool(self.lines)

    @property
    def valuation_total(self) -> Decimal:
        """What the lines finance holds are worth in all, for valuing shipments (P5.2): the
        total, or the lines' own sum while an amended confirmation's total has come before the
        lines of its version (P7.3), so that no shipment takes the new total on the old lines."""
        total = self.total_amount or ZERO
        if self.confirmed_version <= self.version or not self.lines:
            return total
        return min(sum((line.amount for line in self.lines), ZERO), total)

    @property
    def billable(self) -> Decimal:
        """What the customer is billed on the order: the (applied) total plus the charges of
        applied changes (P7.2); invoices never add up to more."""
        return (self.total_amount or ZERO) + self.charged

    @property
    def owed(self) -> Decimal | None:
        """What the customer owes in all: total + charges - credit notes (P7.2, P7.5); None
        while the total is unknown."""
        if self.total_amount is None:
            return None
        return max(self.billable - self.credited, ZERO)

    @property
    def balance_due(self) -> Decimal:
        """What is still owed (total - credited - paid, P7.5); an overpayment leaves nothing
        due, never a negative balance."""
        return max((self.owed or ZERO) - self.paid_total, ZERO)

    @property
    def settled(self) -> bool:
        owed = self.owed
        return owed is not None and self.paid_total >= owed

    @property
    def credit(self) -> Decimal:
        """P6.2: paid beyond what is owed and not yet refunded or applied."""
        return credits.available(self.paid_total, self.owed, self.credit_used)

    @property
    def invoiced(self) -> Decimal:
        """The amount of the order's invoices (not pro-formas) issued so far."""
        return sum((i.amount for i in self.invoices if i.kind == "invoice"), ZERO)

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

    @property
    def overdue_invoices(self) -> int:
        """Invoices past a collection step and unpaid: outside the terms (P6.4)."""
        return sum(1 for invoice in self.invoices if invoice.overdue)

    @property
    def next_collection_on(self) -> date | None:
        """The day the next collection step of one of its invoices is reached (P6.3)."""
        days = [d for i in self.invoices if (d := collection.next_step_on(i)) is not None]
        return min(days, default=None)

    def check(self, shipment_id: str) -> PaymentCheck | None:
        return next((c for c in self.checks if c.shipment_id == shipment_id), None)

    def require_check(self, shipment_id: str) -> PaymentCheck:
        found = self.check(shipment_id)
        if found is None:
            raise NotFound(f"finance knows no shipment {shipment_id} of order {self.order_id}")
        return found

    def invoice(self, number: str) -> Invoice:
        found = next((i for i in self.invoices if i.invoice_number == number), None)
        if found is None:
            raise NotFound(f"finance knows no invoice {number}")
        return found

    def terms(self, customer: CustomerTerms) -> str:
        """P6.3: the order's payment terms, else the customer's default."""
        return terms_of(self.payment_terms, customer.default_terms)
