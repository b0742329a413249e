"""Which lines and which date a released order has while its versions arrive in any order
(rules 3 and 4 of docs/changes-and-returns.md; P7.2, P7.3). Pure.

Production keeps the lines of the highest-version `order.released` it took and those of the
highest version applied from `change.decided`: the released quantity is, per product, the
lower of the two. So a decrease applies without a new release, and an increase only once it is
released, whichever of the release and the decision comes first; a repeated or older release
changes nothing. Within a version the release's date is a later step than the decision's.
"""

from datetime import date
from enum import StrEnum

from services.production.domain import quality
from services.production.domain.commands import Line, ReleaseOrder
from services.production.domain.lines import grew, ordered, released_lines
from services.production.domain.model import ProductionOrder, ProductionStatus


class Effect(StrEnum):
    """What the plant must do after the order took a decision or a release."""

    NOTHING = "nothing"
    RESHAPED = "reshaped"
    """Not released: new lines; the tentative booking is dropped or planned again."""
    DECREASED = "decreased"
    """Released, not started: fewer units; material beyond the new need goes back."""
    INCREASED = "increased"
    """Released, not started: more units (P7.3); the extra material is reserved or bought."""
    CANCELLED = "cancelled"
    CUT = "cut"
    """Started: fewer units; units finished beyond the new quantity are nobody's (P7.2)."""
    SUPPLEMENTED = "supplemented"
    """Started: more units (P7.3): made under the order while it is in production; a produced
    order went back to released for a new start."""


def take_release(order: ProductionOrder, command: ReleaseOrder) -> Effect:
    """A later `order.released` of an order released already (P7.3): a higher version than
    any taken gives rule 3's released part and its date (unless a newer version was applied
    since); a repeated or older one changes nothing."""
    if (
        not order.released
        or order.status is ProductionStatus.CLOSED
        or command.version <= order.release_version
    ):
        return Effect.NOTHING
    order.release_version = command.version
    order.release_lines = command.lines
    effect = take_lines(order)
    if command.version >= order.version:
        move_due_date(order, command.delivery_date)
    return effect


def take_applied(order: ProductionOrder, lines: tuple[Line, ...]) -> Effect:
    """The lines of a newly applied version of a released order: rule 3's applied part."""
    order.applied_lines = lines
    return take_lines(order)


def take_lines(order: ProductionOrder) -> Effect:
    """The order takes rule 3's lines: per product the lower of the released and the applied
    ones. More of some product raises a started order's quantity too: a produced one goes back
    to released for its extra; fewer of every product completes a started one that has them
    (also one that went back to released for an extra cut again)."""
    current = order.lines or ()
    released = order.release_lines if order.release_lines is not None else current
    applied = order.applied_lines if order.applied_lines is not None else current
    lines = released_lines(released, applied)
    if ordered(lines) == ordered(current):
        return Effect.NOTHING
    more = grew(current, lines)
    order.lines = lines
    if order.plannable:
        if more:
            return Effect.INCREASED
        _complete_if_made(order)
        return Effect.DECREASED
    if more:
        start_again_for_more(order)
        return Effect.SUPPLEMENTED
    order.finish_if_complete()
    return Effect.CUT


def start_again_for_more(order: ProductionOrder) -> None:
    """A produced order whose quantity grew goes back to released for its extra (P7.3): the
    production manager starts it again, its passed patrols stand, and its new booking holds
    capacity only for the units not received yet. One in production goes on as it is."""
    if order.status is not ProductionStatus.PRODUCED:
        return
    order.status = ProductionStatus.RELEASED
    order.ready_on = None
    order.made_before = sum(
        min(quality.tally(code, order.inspections, order.receipts).received, units)
        for code, units in ordered(order.lines or ()).items()
    )


def _complete_if_made(order: ProductionOrder) -> None:
    """A restarted order whose extra was cut again before its new start: produced once more,
    with the new quantity, if every unit of it was received already."""
    if order.started is None or order.status is not ProductionStatus.RELEASED:
        return
    units = ordered(order.lines or ())
    if all(
        quality.tally(code, order.inspections, order.receipts).received >= count
        for code, count in units.items()
    ):
        order.status = ProductionStatus.IN_PRODUCTION
        order.finish_if_complete()


def move_due_date(order: ProductionOrder, delivery_date: date | None) -> None:
    """A newer version's date is the due date from now on (rule 4): re-booked, and a delay
    reported again if the plan misses it (P4.10). The same date changes nothing."""
    if delivery_date is not None and delivery_date != order.confirmed_delivery_date:
        order.revise_delivery(delivery_date)
