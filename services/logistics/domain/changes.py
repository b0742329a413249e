"""A change of an order at logistics (P7.1, P7.2, P5.4): a decrease or cancellation holds
every shipment not handed over while it is open, or is refused once more has left with a
carrier than the change leaves ordered ("raise a return"); the decision releases the holds
that still fit and cancels the others. Pure: the caller loads the order and its shipments
under their row locks, so a hold and a handover never both win."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from services.logistics.domain.commands import Units
from services.logistics.domain.model import OrderShipping
from services.logistics.domain.shipment import Shipment, change_number

HOLDING_KINDS = frozenset({"decrease", "cancel", "requirement"})
"""Kinds that hold the shipments not handed over while the change is open: the goods may have
to be fewer or different (P7.2, P7.3); more units or a new date hold nothing."""

MAX_LISTED = 1000
"""Shipment numbers one acknowledgement lists (the contract's bound)."""

NAMED_IN_REASON = 5
"""Shipment numbers a refusal's reason names before it counts the rest."""


@dataclass(frozen=True)
class ChangeAsked:
    """change.requested, as logistics needs it."""

    change_no: int
    kinds: frozenset[str]
    lines: Units
    """The complete new units per product; empty for a cancellation."""

    @property
    def cancel(self) -> bool:
        return "cancel" in self.kinds


@dataclass(frozen=True)
class ChangeDecision:
    """change.decided, as logistics needs it."""

    change_no: int
    outcome: str
    kinds: frozenset[str]
    lines: Units
    at: datetime
    delivery_date: date | None = None
    """The date asked at this version; a change of kind date after the confirmation sets it."""
    after_confirmation: bool = True

    @property
    def cancel(self) -> bool:
        return "cancel" in self.kinds

    @property
    def new_date(self) -> date | None:
        """P7.3: the date a change of kind date after the confirmation sets, until the
        amended confirmation of its version brings the confirmed one; None: the date stays."""
        if "date" in self.kinds and self.after_confirmation:
            return self.delivery_date
        return None


@dataclass(frozen=True)
class Acknowledgement:
    """Logistics' answer to a change: refused with a reason, or accepted with the shipments
    it holds and what has left with a carrier."""

    change_no: int
    refusal: str = ""
    held: tuple[str, ...] = ()
    handed_over: Units = field(default_factory=dict)


def _add(total: Units, more: Units) -> None:
    for code, count in more.items():
        total[code] = total.get(code, 0) + count


def handed_over(shipments: Iterable[Shipment]) -> Units:
    """Units per product that have left with a carrier."""
    total: Units = {}
    for shipment in shipments:
        if shipment.handed_over:
            _add(total, shipment.lines)
    return total


def take_request(
    order: OrderShipping, shipments: Sequence[Shipment], asked: ChangeAsked
) -> Acknowledgement | None:
    """P7.1, P7.2: the answer to a change request, once per change (None: answered already).
    An order logistics has not heard of, a change applied already (decided before requested)
    or a kind that holds nothing is accepted with empty facts."""
    if asked.change_no <= order.answered:
        return None
    order.answered = asked.change_no
    if (
        order.placement is None
        or asked.change_no <= order.version
        or not HOLDING_KINDS & asked.kinds
    ):
        return Acknowledgement(asked.change_no)
    left = handed_over(shipments)
    refusal = _refusal(order.order_id, shipments, asked, left)
    if refusal:
        return Acknowledgement(asked.change_no, refusal=refusal, handed_over=left)
    order.pending_change = asked.change_no
    held: list[str] = []
    for shipment in shipments:
        if shipment.active and not shipment.handed_over:
            shipment.held_for = asked.change_no
            held.append(shipment.shipment_id)
    return Acknowledgement(asked.change_no, held=tuple(held[:MAX_LISTED]), handed_over=left)


def _refusal(order_id: str, shipments: Sequence[Shipment], asked: ChangeAsked, left: Units) -> str:
    """Why the change cannot be taken: less would be ordered than has left already."""
    short = {code for code, count in left.items() if count > asked.lines.get(code, 0)}
    if not short:
        return ""
    gone = [
        s.shipment_id
        for s in shipments
        if s.handed_over and (asked.cancel or short & s.lines.keys())
    ]
    named = ", ".join(gone[:NAMED_IN_REASON])
    more = f" and {len(gone) - NAMED_IN_REASON} more" if len(gone) > NAMED_IN_REASON else ""
    verb = "were" if len(gone) > 1 else "was"
    what = "the cancellation" if asked.cancel else "the decrease"
    return (
        f"{named}{more} {verb} handed to the carrier before {what} "
        f"{change_number(order_id, asked.change_no)}: raise a return"
    )


def apply_decision(
    order: OrderShipping, shipments: Sequence[Shipment], decided: ChangeDecision
) -> None:
    """P7.2, P7.3: an applied change's lines are what is ordered from now on (only if it is
    above the version applied), more after an increase; a change of kind date after the
    confirmation sets its date. Every shipment not handed over (held, or not held when the
    decision came first) that still fits, in number order, goes on, one that does not is
    cancelled: a cancellation cancels everything that has not left. Refused, withdrawn or
    superseded: the change's holds are lifted."""
    if order.pending_change == decided.change_no:
        order.pending_change = None
    if decided.outcome != "applied":
        for shipment in shipments:
            if shipment.held_for == decided.change_no:
                shipment.held_for = None
        return
    if decided.change_no <= order.version:
        return
    order.version = decided.change_no
    order.applied = {} if decided.cancel else dict(decided.lines)
    if decided.new_date is not None:
        order.take_change_date(decided.new_date, decided.change_no)
    if order.pending_change is not None and order.pending_change < decided.change_no:
        order.pending_change = None
    _settle(order, shipments, decided)


def _settle(order: OrderShipping, shipments: Sequence[Shipment], decided: ChangeDecision) -> None:
    held = [s for s in shipments if s.active and not s.handed_over]
    settling = {s.shipment_id for s in held}
    room = dict(order.ordered)
    for shipment in shipments:
        if shipment.active and shipment.shipment_id not in settling:
            for code, count in shipment.lines.items():
                room[code] = room.get(code, 0) - count
    number = change_number(order.order_id, decided.change_no)
    for shipment in held:
        if all(count <= room.get(code, 0) for code, count in shipment.lines.items()):
            shipment.held_for = None
            for code, count in shipment.lines.items():
                room[code] -= count
            continue
        reason = (
            f"{number} cancelled the order"
            if decided.cancel
            else f"{number} leaves less ordered than {shipment.shipment_id} takes: "
            "request a shipment of the new quantity"
        )
        shipment.cancel(decided.change_no, reason, decided.at)
        order.cancelled += 1
        order.taken = {
            code: units - shipment.lines.get(code, 0)
            for code, units in order.taken.items()
            if units - shipment.lines.get(code, 0) > 0
        }
