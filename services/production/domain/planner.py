"""The planner (P2.4, P4.5, P4.6): where an order fits in the weekly schedule, and what a rush
order does to the others.

Capacity is counted in finished units per ISO week ("2031-W32"): a default for every week and
overrides for some. An order is booked, as a whole, into the week it is made in. It can start
once its last material is expected (its earliest start) and not before that week's Monday; its
goods are ready `lead_days` after the start. It is on time when it is ready before its due date:
goods ready on the delivery day are late.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from shared.contracts.bounds import DATE_MAX

HORIZON_WEEKS = 52
"""How many weeks after the earliest one the planner looks for room."""

DEFAULT_WEEK = "default"
"""Key under which the default units per week are kept next to the per-week overrides."""


def iso_week(day: date) -> str:
    """The ISO week a day falls in, as the seed writes it: '2031-W32'."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


@dataclass(frozen=True)
class CapacityCalendar:
    """Units production can finish per ISO week: a default and per-week overrides."""

    default_units: int
    overrides: Mapping[str, int] = field(default_factory=dict)
    lead_days: int = 5
    """Days from the start of production to goods ready (P4.5)."""

    def units_in(self, week: str) -> int:
        return self.overrides.get(week, self.default_units)


@dataclass(frozen=True)
class Slot:
    """Where an order is booked: the week whose capacity it uses, its start and ready day."""

    week: str
    start: date
    ready: date

    def on_time_for(self, due: date) -> bool:
        return self.ready < due

    @property
    def earliest_delivery(self) -> date:
        """The first day it can be delivered: the day after it is ready."""
        return min(self.ready + timedelta(days=1), DATE_MAX)


def earliest_slot(
    calendar: CapacityCalendar,
    booked: Mapping[str, int],
    units: int,
    earliest_start: date,
    horizon: int = HORIZON_WEEKS,
) -> Slot | None:
    """The first week, from the week of `earliest_start` on and up to `horizon` weeks later,
    whose capacity minus what others `booked` there holds `units`; None: no such week inside
    the contracts' calendar."""
    first = monday(earliest_start)
    for k in range(horizon + 1):
        week_start = first + timedelta(days=7 * k)
        start = max(earliest_start, week_start)
        if (DATE_MAX - start).days < calendar.lead_days:
            return None
        week = iso_week(week_start)
        if units <= calendar.units_in(week) - booked.get(week, 0):
            return Slot(week, start, start + timedelta(days=calendar.lead_days))
    return None


@dataclass(frozen=True)
class Booked:
    """An order as the rush planner sees it."""

    order_id: str
    slot: Slot
    units: int
    earliest_start: date
    due: date
    """Confirmed (or, before release, requested) delivery date."""
    urgent: bool
    movable: bool
    """Not started yet: its booking may still change."""

    @property
    def slack(self) -> int:
        return (self.due - self.slot.ready).days


def booked_per_week(orders: Iterable[Booked]) -> dict[str, int]:
    units: dict[str, int] = {}
    for order in orders:
        units[order.slot.week] = units.get(order.slot.week, 0) + order.units
    return units


def schedule_urgent(
    calendar: CapacityCalendar,
    rush: Booked,
    others: Sequence[Booked],
) -> dict[str, Slot]:
    """Put a rush order ahead of the others (P4.6). It counts only urgent orders and orders
    already started against a week's capacity; in the first week where it fits among them, the
    orders that are neither urgent nor started leave the week, the one with most slack first,
    until it fits. Each one displaced is planned again from its earliest start. Returns the new
    slot of the rush order and of every order that moved; {} when the rush order fits nowhere,
    or an order it would displace fits nowhere else: no week is ever booked over capacity."""
    fixed = [order for order in others if order.urgent or not order.movable]
    slot = earliest_slot(calendar, booked_per_week(fixed), rush.units, rush.earliest_start)
    if slot is None:
        return {}
    moved: dict[str, Slot] = {rush.order_id: slot}
    staying = [order for order in others if order.slot.week != slot.week or order in fixed]
    in_week = sorted(
        (order for order in others if order.slot.week == slot.week and order not in fixed),
        key=lambda order: (-order.slack, order.order_id),
    )
    free = calendar.units_in(slot.week) - sum(o.units for o in others if o.slot.week == slot.week)
    displaced: list[Booked] = []
    for order in in_week:
        if free >= rush.units:
            staying.append(order)
            continue
        displaced.append(order)
        free += order.units
    placed = [*staying, replace(rush, slot=slot)]
    for order in sorted(displaced, key=lambda o: (o.due, o.order_id)):
        again = earliest_slot(calendar, booked_per_week(placed), order.units, order.earliest_start)
        if again is None:
            return {}  # nowhere to go: the rush order may not overfill its week
        moved[order.order_id] = again
        placed.append(replace(order, slot=again))
    return moved


def weeks_from(day: date, horizon: int = HORIZON_WEEKS) -> list[str]:
    """The ISO weeks the planner may look at for an order that can start on `day`."""
    first = monday(day)
    days = (first + timedelta(days=7 * k) for k in range(horizon + 1))
    return [iso_week(d) for d in days if d <= DATE_MAX]
