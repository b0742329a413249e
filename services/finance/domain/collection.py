"""Invoices and their collection (P6.3): payments cover an order's invoices oldest first, and
an invoice unpaid after its due day walks through steps on the clock.

| step | who | from |
|---|---|---|
| reminder | customer service | 1 day overdue |
| follow_up | the sales rep, who records the promised day | 8 days |
| sales_manager | escalated | 15 days, or the day after the promised day if later |
| general_manager | escalated | 30 days |

A step is never reached before the one ahead of it. The promised day defers only the sales
manager's step, and only while it is ahead: once it is reached the escalation is the managers',
a follow-up is refused and no promised day moves a later step. `cleared`: the invoice was paid
after it reached a step. Pro-formas ask for money before shipment and are not chased.
"""

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Final

from shared.contracts.bounds import MAX_DAYS_IN_WINDOW
from shared.decisions import InvalidDecision, NotAllowedNow

ZERO = Decimal("0.00")
STEP_DAYS: Final = {"reminder": 1, "follow_up": 8, "sales_manager": 15, "general_manager": 30}
STEPS: Final = tuple(STEP_DAYS)
ESCALATED: Final = frozenset({"sales_manager", "general_manager"})
CLEARED: Final = "cleared"


@dataclass(frozen=True)
class Invoice:
    invoice_number: str
    amount: Decimal
    currency: str
    issued_on: date
    due_date: date
    kind: str = "invoice"
    shipment_id: str | None = None
    payment_terms: str | None = None
    note: str = ""
    unpaid: Decimal | None = None
    """What is still unpaid of it; None: all of it."""
    steps: tuple[str, ...] = ()
    """Collection steps reached, in order."""
    promised_on: date | None = None
    voided: bool = False
    """A pro-forma of a shipment that was cancelled (P7.2): it asks for nothing."""

    @property
    def open_amount(self) -> Decimal:
        return self.amount if self.unpaid is None else self.unpaid

    @property
    def chased(self) -> bool:
        """Collected on the clock: an invoice (not a pro-forma) with money unpaid."""
        return self.kind == "invoice" and self.open_amount > ZERO

    @property
    def step(self) -> str | None:
        return self.steps[-1] if self.steps else None

    @property
    def escalated(self) -> bool:
        return self.step in ESCALATED

    @property
    def overdue(self) -> bool:
        """Reached a step and still unpaid: outside the terms (P6.4)."""
        return self.chased and bool(self.steps) and self.step != CLEARED


def step_day(invoice: Invoice, step: str) -> date:
    """The day `step` is reached: its days after the due date, never before the step ahead of
    it; the sales manager's not before the day after the promised day while it is ahead (P6.3:
    once reached, the promised day moves no later step)."""
    day = invoice.due_date
    promised = deferring_promise(invoice)
    for name in STEPS:
        own = invoice.due_date + timedelta(days=STEP_DAYS[name])
        if name == "sales_manager" and promised is not None:
            own = max(own, promised + timedelta(days=1))
        day = max(day, own)
        if name == step:
            return day
    raise ValueError(f"no collection step {step}")


def deferring_promise(invoice: Invoice) -> date | None:
    """P6.3: the promised day, while it may still defer the sales manager's step (that step is
    ahead); None once the invoice has reached it or a later one, even if cleared since."""
    if reached_escalation(invoice):
        return None
    return invoice.promised_on


def reached_escalation(invoice: Invoice) -> bool:
    """Reached the sales manager's step (or a later one) at some time."""
    return not ESCALATED.isdisjoint(invoice.steps)


def days_overdue(invoice: Invoice, today: date) -> int:
    return min(max((today - invoice.due_date).days, 0), MAX_DAYS_IN_WINDOW)


def allocate(invoices: Sequence[Invoice], covered: Decimal) -> list[Invoice]:
    """P6.3: `covered` (the money against the order, up to its total) pays the invoices
    oldest first; pro-formas are left as they are."""
    left = covered
    out = []
    for invoice in invoices:
        if invoice.kind != "invoice":
            out.append(invoice)
            continue
        paid = min(left, invoice.amount)
        left -= paid
        out.append(replace(invoice, unpaid=invoice.amount - paid))
    return out


def reached(invoice: Invoice, today: date) -> list[str]:
    """The steps an unpaid invoice reaches by `today` that it had not reached, in order."""
    if not invoice.chased:
        return []
    return [
        step for step in STEPS if step not in invoice.steps and step_day(invoice, step) <= today
    ]


def next_step_on(invoice: Invoice) -> date | None:
    """The day the invoice reaches its next step; None when it is paid or at the last."""
    if not invoice.chased:
        return None
    for step in STEPS:
        if step not in invoice.steps:
            return step_day(invoice, step)
    return None


def clears(invoice: Invoice) -> bool:
    """Paid after it reached a step: `cleared` is published once."""
    return not invoice.chased and bool(invoice.steps) and invoice.step != CLEARED


def record(invoice: Invoice, step: str, today: date, promised_on: date | None = None) -> Invoice:
    """P6.3: a person records a step the invoice has reached (409 before it, or once paid); a
    follow-up records the day the customer promised to pay (422 in the past), only while the
    sales manager's step is ahead (409 once reached: the escalation is then the managers')."""
    if not invoice.chased:
        raise NotAllowedNow(f"invoice {invoice.invoice_number} has nothing unpaid")
    if step not in invoice.steps:
        raise NotAllowedNow(
            f"invoice {invoice.invoice_number} has not reached the {step} step "
            f"(from {step_day(invoice, step)})"
        )
    if step == "follow_up" and reached_escalation(invoice):
        raise NotAllowedNow(
            f"invoice {invoice.invoice_number} has reached the sales_manager step: its "
            "collection is the managers' now, a follow-up is no longer recorded"
        )
    if promised_on is not None:
        if promised_on < today:
            raise InvalidDecision(f"the promised day {promised_on} is in the past")
        return replace(invoice, promised_on=promised_on)
    return invoice
