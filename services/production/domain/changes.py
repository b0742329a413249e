"""A change of an order at production (P7.1, P7.2, P7.3, P7.4): production answers what is
already spent (started, units finished, material issued, material bought), holds the start
while a decrease, cancellation or changed requirement is open, and applies the decision sales
took. Pure: the plant gives back the material a smaller order no longer needs, and finds the
extra a larger one needs.

Topics keep no order between them, so a decision may come before its request (rule 5 of
docs/changes-and-returns.md): a request of a version applied or decided already is answered
with empty facts and holds nothing. The released quantity is, per product, the lower of the
released lines and the applied ones (rule 3, `versions`), so a decrease applies without a new
release and an increase once its release came too.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from services.production.domain import quality
from services.production.domain.commands import Line
from services.production.domain.lines import ordered
from services.production.domain.model import ProductionOrder, ProductionStatus
from services.production.domain.versions import Effect, move_due_date, take_applied

HOLDING_KINDS = frozenset({"decrease", "cancel", "requirement"})
"""The kinds of change that hold the start; an increase or a new date holds nothing."""

MAX_LISTED = 1000
"""Entries one acknowledgement lists of each kind (the contract's bound)."""


@dataclass(frozen=True)
class ChangeAsked:
    """change.requested, as production needs it."""

    change_no: int
    kinds: frozenset[str]


@dataclass(frozen=True)
class ChangeDecision:
    """change.decided, as production needs it."""

    change_no: int
    applied: bool
    kinds: frozenset[str]
    lines: tuple[Line, ...]
    delivery_date: date | None
    before_confirmation: bool

    @property
    def cancel(self) -> bool:
        return "cancel" in self.kinds


@dataclass(frozen=True)
class Bought:
    """Material on a purchase order of this order (P4.3)."""

    purchase_order: str
    material_code: str
    ordered: Decimal
    delivered: Decimal


@dataclass(frozen=True)
class Consumed:
    material_code: str
    unit: str
    quantity: Decimal


@dataclass(frozen=True)
class Acknowledgement:
    """Production's answer: refused with a reason, or what is spent and what it holds."""

    change_no: int
    refusal: str = ""
    started: bool = False
    units_finished: tuple[Line, ...] = ()
    consumed: tuple[Consumed, ...] = ()
    bought: tuple[Bought, ...] = ()
    held: tuple[str, ...] = ()


def units_finished(order: ProductionOrder) -> tuple[Line, ...]:
    """Units received into the store so far, per product (P4.9)."""
    finished = []
    for code in sorted(ordered(order.lines or ())):
        received = quality.tally(code, order.inspections, order.receipts).received
        if received:
            finished.append(Line(code, received))
    return tuple(finished)


def take_request(
    order: ProductionOrder, asked: ChangeAsked, bought: Sequence[Bought]
) -> Acknowledgement | None:
    """P7.1, P7.2: the answer to a change request, once per change (None: answered already).
    A changed requirement once production has begun is refused; a holding kind holds the
    start of an order not started yet."""
    if asked.change_no <= order.answered:
        return None
    order.answered = asked.change_no
    if order.lines is None or asked.change_no <= order.settled:
        return Acknowledgement(asked.change_no)
    started = order.started is not None
    finished = units_finished(order)
    consumed = tuple(
        Consumed(line.material_code, line.unit, line.issued)
        for line in order.materials
        if line.consumed
    )[:MAX_LISTED]
    facts = Acknowledgement(
        asked.change_no,
        started=started,
        units_finished=finished,
        consumed=consumed,
        bought=tuple(bought)[:MAX_LISTED],
    )
    if "requirement" in asked.kinds and started:
        return Acknowledgement(
            asked.change_no,
            refusal=f"{order.production_order_id} has started: a changed requirement needs "
            "a cancellation and a new order",
            started=True,
            units_finished=finished,
            consumed=consumed,
            bought=facts.bought,
        )
    if HOLDING_KINDS & asked.kinds and order.plannable:
        order.held_for = asked.change_no
        return Acknowledgement(
            asked.change_no,
            started=started,
            units_finished=finished,
            consumed=consumed,
            bought=facts.bought,
            held=(order.production_order_id,),
        )
    return facts


def apply_decision(order: ProductionOrder, decision: ChangeDecision) -> Effect:
    """P7.2, P7.3, P7.4: a decision of a newer version than applied: the hold is lifted, and
    an applied change takes effect: before release its lines and date are the order's; after
    it, rule 3 gives the lines (an increase counts once its release came too), and a new date
    is the due date unless the release of that version came first with its own (rule 4). A
    repeated or older decision changes nothing."""
    order.settled = max(order.settled, decision.change_no)
    if order.held_for is not None and order.held_for <= decision.change_no:
        order.held_for = None
    if not decision.applied or decision.change_no <= order.version:
        return Effect.NOTHING
    order.version = decision.change_no
    if order.status is ProductionStatus.CLOSED:
        return Effect.NOTHING
    if decision.cancel:
        return Effect.CANCELLED
    if not order.released:
        if decision.delivery_date is not None:
            order.requested_delivery_date = decision.delivery_date
        order.lines = order.applied_lines = decision.lines
        return Effect.RESHAPED
    effect = take_applied(order, decision.lines)
    if "date" in decision.kinds and decision.change_no > order.release_version:
        move_due_date(order, decision.delivery_date)
    return effect


def surplus(
    order: ProductionOrder, before: Sequence[Line], after: Sequence[Line]
) -> tuple[Line, ...]:
    """Per product, the finished units a cut from `before` to `after` leaves to nobody: what
    was received beyond the new quantity less what was beyond the old one (given to free stock
    by an earlier cut already)."""
    old, new = ordered(before), ordered(after)
    left = []
    for code in sorted(set(old) | set(new)):  # a product the cut removed is all surplus
        received = quality.tally(code, order.inspections, order.receipts).received
        beyond_new = max(received - new.get(code, 0), 0)
        beyond_old = max(received - old.get(code, 0), 0)
        if beyond_new > beyond_old:
            left.append(Line(code, beyond_new - beyond_old))
    return tuple(left)


def units_held(order: ProductionOrder) -> tuple[Line, ...]:
    """Finished units the order still holds: received, up to its current quantity (what a cut
    left beyond it went to free stock then)."""
    quantities = ordered(order.lines or ())
    return tuple(
        Line(line.product_code, min(line.quantity, quantities[line.product_code]))
        for line in units_finished(order)
    )
