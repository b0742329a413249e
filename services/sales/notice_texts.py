"""What each customer notice says (docs/customer-notices.md): from the consumed event's
validated payload and the order's identity to the notice's kind, subject, text and typed facts.

Pure functions. Every value put into a text has passed a contract (the event's or the order's
at intake); the subject and the text are still escaped and clipped to their bounds, so no
combination of valid values makes a notice the contract refuses."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, timedelta
from decimal import Decimal
from typing import Any

from shared.contracts import (
    BalanceDue,
    ChangeDecided,
    ChangeRequested,
    ConfirmationIssued,
    CreditChanged,
    CreditNoteIssued,
    DeliveryRevised,
    DepositRequested,
    GoodsShipped,
    InvoiceIssued,
    OrderDelayed,
    OrderHeld,
    OrderPlaced,
    ReturnStepped,
    ReviewCompleted,
)
from shared.contracts.bounds import (
    DATE_MAX,
    DATE_MIN,
    NOTICE_SUBJECT_MAX,
    NOTICE_TEXT_MAX,
    REJECTION_PROBLEMS,
    safe_text,
)
from shared.contracts.changes import change_number
from shared.contracts.common import Problem
from shared.contracts.notices import NoticeKind


@dataclass(frozen=True)
class About:
    """The order a notice is about, as the customer knows it, and whom it greets."""

    order_id: str
    reference: str
    addressee: str
    currency: str = "EUR"
    """The order's currency, for amounts the consumed event gives without one."""

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
    facts: dict[str, Any] = {
        "delivery_date": issued.confirmed_delivery_date,
        "amount": issued.total_amount,
        "deposit_amount": issued.deposit_amount,
        "currency": issued.currency,
        "document_path": issued.document_path,
    }
    confirmed = (
        f"We confirm delivery on {issued.confirmed_delivery_date.isoformat()}; the order "
        f"total is {_money(issued.total_amount, issued.currency)}."
    )
    if issued.version > 1:  # P7.3: a change reviewed again
        number = change_number(event.order_id, issued.version)
        return Wording(
            "amended_confirmation",
            f"Order {about.reference}: our amended order confirmation ({number})",
            _letter(
                about,
                f"here is our amended confirmation of {about.order} after your change "
                f"{number}, to sign and return on the day you receive it.",
                confirmed,
                deposit,
            ),
            {**facts, "change_number": number},
        )
    return Wording(
        "confirmation",
        f"Order {about.reference}: our order confirmation",
        _letter(
            about,
            f"here is our confirmation of {about.order}, to sign and return on the day you "
            "receive it.",
            confirmed,
            deposit,
        ),
        facts,
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


# -- changes, refunds and returns (P7.1, P7.2, P7.4, P6.2, P7.5) ------------------------------


def change_received(about: About, event: ChangeRequested) -> Wording | None:
    """P7.1: a change after the confirmation is being decided with every department. One
    before it is applied at once: the customer hears of it by `change_applied`."""
    asked = event.payload
    if asked.stage == "before_confirmation":
        return None
    number = change_number(about.order_id, asked.change_no)
    day = min(max(asked.answer_by.astimezone(UTC).date(), DATE_MIN), DATE_MAX)
    return Wording(
        "change_received",
        f"Order {about.reference}: your change {number} is being decided",
        _letter(
            about,
            f"we have recorded your change {number} of {about.order}.",
            f"Every department is checking it and answers by {day.isoformat()}; we will tell "
            "you as soon as it is decided.",
        ),
        {"change_number": number, "expect_by": day},
    )


def change_decided(about: About, event: ChangeDecided) -> Wording | None:
    """P7.2, P7.4: a change applied (the new total and any charge for what was already spent)
    or refused (why). A withdrawn or superseded change tells nothing: the customer asked."""
    decided = event.payload
    number = change_number(about.order_id, decided.change_no)
    if decided.outcome == "refused":
        return Wording(
            "change_refused",
            f"Order {about.reference}: we cannot make your change {number}",
            _letter(
                about,
                f"we are sorry: we cannot make your change {number} of {about.order}.",
                f"The reason: {decided.reason}",
            ),
            {"change_number": number, "reason": decided.reason},
        )
    if decided.outcome != "applied":
        return None
    cancelled = "cancel" in decided.kinds
    nothing = Decimal("0.00")
    total = nothing if cancelled else (decided.total_amount or nothing)
    charge = decided.charge or nothing
    what = (
        f"{about.order} is cancelled."
        if cancelled
        else f"{about.order} is changed as you asked; its total is now "
        f"{_money(total, about.currency)}."
    )
    return Wording(
        "change_applied",
        f"Order {about.reference}: your change {number} is made",
        _letter(
            about,
            f"as you asked in {number}, {what}",
            f"For what was already spent we charge {_money(charge, about.currency)}"
            + (f": {decided.charge_reason}." if decided.charge_reason else ".")
            if charge > 0
            else "",
        ),
        {"change_number": number, "amount": total, "charge": charge, "currency": about.currency},
    )


def refund(about: About, event: CreditChanged) -> Wording | None:
    """P6.2: money of the customer's credit on the order is paid back."""
    changed = event.payload
    if changed.change != "refunded":
        return None
    return Wording(
        "refund",
        f"Order {about.reference}: refund of {_money(changed.amount, changed.currency)}",
        _letter(
            about,
            f"we are refunding {_money(changed.amount, changed.currency)} of your credit on "
            f"{about.order}.",
        ),
        {"amount": changed.amount, "currency": changed.currency},
    )


def return_step(about: About, event: ReturnStepped) -> Wording | None:
    """P7.5: the steps of a return the customer waits for: authorised (send the goods, quoting
    the number), declined (why), rejected goods sent back (carrier and tracking number)."""
    step = event.payload
    number = step.return_number
    if step.step == "authorised":
        return Wording(
            "return_authorised",
            f"Order {about.reference}: return {number} authorised",
            _letter(
                about,
                f"we authorise your return {number} of goods from {about.order}.",
                f"Please send them to us quoting {number}.",
            ),
            {"return_number": number},
        )
    if step.step == "declined":
        return Wording(
            "return_declined",
            f"Order {about.reference}: we cannot take back return {number}",
            _letter(
                about,
                f"we are sorry: we cannot accept your return {number} of goods from {about.order}.",
                f"The reason: {step.reason}",
            ),
            {"return_number": number, "reason": step.reason},
        )
    if step.step == "sent_back" and step.carrier and step.tracking_number:
        return Wording(
            "return_sent_back",
            f"Order {about.reference}: returned goods sent back ({number})",
            _letter(
                about,
                f"the goods of your return {number} that our inspection could not accept are on "
                f"their way back to you with {step.carrier}, tracking number "
                f"{step.tracking_number}.",
            ),
            {
                "return_number": number,
                "carrier": step.carrier,
                "tracking_number": step.tracking_number,
            },
        )
    return None


def credit_note(about: About, event: CreditNoteIssued) -> Wording:
    """P7.5, P6.3: the credit note for returned goods QA accepted."""
    note = event.payload
    return Wording(
        "credit_note",
        f"Order {about.reference}: credit note {note.credit_note_number}",
        _letter(
            about,
            f"for your return {note.return_number} we credit you "
            f"{_money(note.amount, note.currency)} on {about.order} (credit note "
            f"{note.credit_note_number}).",
        ),
        {
            "credit_note_number": note.credit_note_number,
            "return_number": note.return_number,
            "amount": note.amount,
            "currency": note.currency,
        },
    )
