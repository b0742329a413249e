"""What each customer notice says (docs/customer-notices.md): from the consumed event's
validated payload and the order's identity to the notice's kind, subject, text and typed facts.

Pure functions. Every value put into a text has passed a contract (the event's or the order's
at intake); the subject and the text are still escaped and clipped to their bounds, so no
combination of valid values makes a notice the contract refuses."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from shared.contracts import (
    BalanceDue,
    ConfirmationIssued,
    DeliveryRevised,
    DepositRequested,
    GoodsShipped,
    InvoiceIssued,
    OrderDelayed,
    OrderHeld,
    OrderPlaced,
    ReviewCompleted,
)
from shared.contracts.bounds import (
    DATE_MAX,
    NOTICE_SUBJECT_MAX,
    NOTICE_TEXT_MAX,
    REJECTION_PROBLEMS,
    safe_text,
)
from shared.contracts.common import Problem
from shared.contracts.notices import NoticeKind


@dataclass(frozen=True)
class About:
    """The order a notice is about, as the customer knows it, and whom it greets."""

    order_id: str
    reference: str
    addressee: str

    @property
    def order(self) -> str:
        return f"your order {self.reference} (our number {self.order_id})"


@dataclass(frozen=True)
class Wording:
    """A notice's kind, subject and text, and the typed facts of its kind."""

    kind: NoticeKind
    subject: str
    text: str
    facts: dict[str, Any] = field(default_factory=dict)

    def payload_fields(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "subject": safe_text(self.subject, NOTICE_SUBJECT_MAX),
            "text": safe_text(self.text, NOTICE_TEXT_MAX),
            **self.facts,
        }


def _money(amount: Decimal, currency: str) -> str:
    return f"{amount:,.2f} {currency}"


def _letter(about: About, *sentences: str) -> str:
    return " ".join([f"Dear {about.addressee},", *(item for item in sentences if item)])


def expect_by(placed_at_day: date, review: timedelta) -> date:
    """The day the customer may expect the confirmation or an answer (P1.5), never past the
    contracts' window."""
    return placed_at_day + review if DATE_MAX - placed_at_day >= review else DATE_MAX


def confirmation_expected(about: About, event: OrderPlaced, review: timedelta) -> Wording:
    """P1.5: on order.placed, by when the confirmation (or an answer) comes."""
    day = expect_by(event.occurred_at.date(), review)
    return Wording(
        "confirmation_expected",
        f"Order {about.reference} received: our confirmation by {day.isoformat()}",
        _letter(
            about,
            f"thank you for {about.order}.",
            f"We are reviewing it and will send you the order confirmation, or tell you what we "
            f"need from you, by {day.isoformat()}.",
        ),
        {"expect_by": day},
    )


def held_reasons(reasons: Sequence[Problem]) -> list[Problem]:
    """The reasons a notice carries: all of them, or the first ones and how many more."""
    if len(reasons) <= REJECTION_PROBLEMS:
        return list(reasons)
    shown = list(reasons[: REJECTION_PROBLEMS - 1])
    return [*shown, Problem(field="", message=f"and {len(reasons) - len(shown)} more")]


def order_held(about: About, event: OrderHeld) -> Wording:
    """P1.3, P1.5: the answer to an order that cannot proceed: what must be corrected."""
    reasons = held_reasons(event.payload.reasons)
    listed = "; ".join(
        f"{item.field}: {item.message}" if item.field else item.message for item in reasons
    )
    return Wording(
        "order_held",
        f"Order {about.reference}: please correct it so that we can proceed",
        _letter(
            about,
            f"we cannot proceed with {about.order} yet.",
            f"Please correct or confirm the following: {listed}.",
            "Send us the corrected order under the same reference.",
        ),
        {"reasons": reasons},
    )


def order_declined(about: About, event: ReviewCompleted) -> Wording | None:
    """A declined review; an approval is told by the confirmation that follows it."""
    if event.payload.outcome != "declined":
        return None
    reason = event.payload.reason
    return Wording(
        "order_declined",
        f"Order {about.reference}: we cannot accept it",
        _letter(
            about,
            f"we are sorry: we cannot accept {about.order}.",
            f"The reason: {reason}" if reason else "",
        ),
        {"reason": reason},
    )


def confirmation(about: About, event: ConfirmationIssued) -> Wording:
    """P3.1: the confirmation to sign and return, with the deposit it asks (P3.3)."""
    issued = event.payload
    deposit = (
        f"A deposit of {_money(issued.deposit_amount, issued.currency)} is due before "
        "production starts."
        if issued.deposit_amount > 0
        else ""
    )
    return Wording(
        "confirmation",
        f"Order {about.reference}: our order confirmation",
        _letter(
            about,
            f"here is our confirmation of {about.order}, to sign and return on the day you "
            "receive it.",
            f"We confirm delivery on {issued.confirmed_delivery_date.isoformat()}; the order "
            f"total is {_money(issued.total_amount, issued.currency)}.",
            deposit,
        ),
        {
            "delivery_date": issued.confirmed_delivery_date,
            "amount": issued.total_amount,
            "deposit_amount": issued.deposit_amount,
            "currency": issued.currency,
            "document_path": issued.document_path,
        },
    )


def deposit_request(about: About, event: DepositRequested) -> Wording:
    """P3.3: the deposit to pay before production starts."""
    asked = event.payload
    return Wording(
        "deposit_request",
        f"Order {about.reference}: deposit of {_money(asked.amount, asked.currency)}",
        _letter(
            about,
            f"before production of {about.order} can start, please pay the deposit of "
            f"{_money(asked.amount, asked.currency)}, quoting our number {about.order_id}.",
        ),
        {"amount": asked.amount, "currency": asked.currency},
    )


def delay(about: About, event: OrderDelayed) -> Wording:
    """P4.10: the order will miss its confirmed date. Production's cause and words stay
    inside the company; the sales rep agrees the new date with the customer."""
    late = event.payload
    return Wording(
        "delay",
        f"Order {about.reference}: delivery later than confirmed",
        _letter(
            about,
            f"we regret that {about.order} will not be ready by the confirmed date, "
            f"{late.confirmed_delivery_date.isoformat()}: we now expect it by "
            f"{late.expected_delivery_date.isoformat()}.",
            "Your sales representative will contact you to agree a new date.",
        ),
        {
            "delivery_date": late.expected_delivery_date,
            "previous_delivery_date": late.confirmed_delivery_date,
        },
    )


def new_date(about: About, event: DeliveryRevised) -> Wording:
    """P4.10: the delivery date agreed with the customer."""
    revised = event.payload
    return Wording(
        "new_date",
        f"Order {about.reference}: new delivery date {revised.delivery_date.isoformat()}",
        _letter(
            about,
            f"as agreed, the delivery date of {about.order} is now "
            f"{revised.delivery_date.isoformat()}, instead of "
            f"{revised.previous_delivery_date.isoformat()}.",
            f"What was agreed: {revised.reason}" if revised.reason else "",
        ),
        {
            "delivery_date": revised.delivery_date,
            "previous_delivery_date": revised.previous_delivery_date,
            "reason": revised.reason,
        },
    )


def shipping_notice(about: About, event: GoodsShipped) -> Wording:
    """P5.5: the shipping notice: carrier, tracking number and the day to expect the goods."""
    shipped = event.payload
    expected = shipped.expected_delivery_on
    return Wording(
        "shipping_notice",
        f"Order {about.reference}: shipped with {shipped.carrier}",
        _letter(
            about,
            f"{about.order} has left our warehouse with {shipped.carrier}, tracking number "
            f"{shipped.tracking_number} (our shipment {shipped.shipment_id}).",
            f"Please expect it on {expected.isoformat()}." if expected else "",
        ),
        {
            "shipment_id": shipped.shipment_id,
            "carrier": shipped.carrier,
            "tracking_number": shipped.tracking_number,
            "delivery_date": expected,
        },
    )


def invoice(about: About, event: InvoiceIssued) -> Wording:
    """P6.3: an invoice by the order's terms, or a pro-forma to pay before shipment."""
    issued = event.payload
    what = "pro-forma invoice" if issued.kind == "proforma" else "invoice"
    return Wording(
        "invoice",
        f"Order {about.reference}: {what} {issued.invoice_number}",
        _letter(
            about,
            f"here is our {what} {issued.invoice_number} for {about.order}: "
            f"{_money(issued.amount, issued.currency)}, due on {issued.due_date.isoformat()}.",
            "It is payable before we ship." if issued.kind == "proforma" else "",
        ),
        {
            "invoice_number": issued.invoice_number,
            "invoice_kind": issued.kind,
            "amount": issued.amount,
            "currency": issued.currency,
            "due_date": issued.due_date,
            "shipment_id": issued.shipment_id,
        },
    )


def balance_due(about: About, event: BalanceDue) -> Wording:
    """P6.3: what must be paid before the goods leave."""
    due = event.payload
    waiting = f" before shipment {due.shipment_id} can leave" if due.shipment_id else ""
    return Wording(
        "balance_due",
        f"Order {about.reference}: {_money(due.amount_due, due.currency)} due",
        _letter(
            about,
            f"a balance of {_money(due.amount_due, due.currency)} on {about.order} is "
            f"due{waiting}.",
            f"The reason: {due.reason}" if due.reason else "",
        ),
        {
            "amount": due.amount_due,
            "currency": due.currency,
            "shipment_id": due.shipment_id,
            "reason": due.reason,
        },
    )
