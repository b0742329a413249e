"""The capacity planner (P2.4, P4.5): finished units per ISO week, and where an order fits.

Capacity is counted in finished units per ISO week ("2031-W32"): a default for every week and
overrides for particular weeks (holidays, maintenance). An order is booked, as a whole, into one
week; what other orders booked in that week is not free any more.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from services.production.domain.feasibility import Answer, Verdict
from shared.contracts.bounds import DATE_MAX

HORIZON_WEEKS = 52
"""How many weeks after the requested one the planner looks for room (P4.5)."""

DEFAULT_WEEK = "default"
"""Key under which the default units per week are kept next to the per-week overrides."""


def iso_week(day: date) -> str:
    """The ISO week a day falls in, as the seed writes it: '2031-W32'."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def candidate_days(requested: date, horizon: int = HORIZON_WEEKS) -> list[date]:
    """The requested day and the same weekday in each of the following `horizon` weeks, as far
    as the calendar reaches (the contracts' last date): no week is planned beyond it."""
    days = (
        requested + timedelta(days=7 * k) for k in range(min(horizon, _weeks_left(requested)) + 1)
    )
    return [day for day in days if day <= DATE_MAX]


def _weeks_left(requested: date) -> int:
    return max((DATE_MAX - requested).days // 7, 0)


def candidate_weeks(requested: date, horizon: int = HORIZON_WEEKS) -> list[str]:
    """The ISO weeks the planner may look at for an order requested on `requested`."""
    return [iso_week(day) for day in candidate_days(requested, horizon)]


@dataclass(frozen=True)
class CapacityCalendar:
    """Units production can finish per ISO week: a default and per-week overrides."""

    default_units: int
    overrides: Mapping[str, int] = field(default_factory=dict)

    def units_in(self, week: str) -> int:
        return self.overrides.get(week, self.default_units)


@dataclass(frozen=True)
class CapacityPlan:
    """The production department's answer and the week to book the order in (None: nowhere)."""

    answer: Answer
    week: str | None


def plan_capacity(
    calendar: CapacityCalendar,
    booked: Mapping[str, int],
    requested: date,
    units: int,
    horizon: int = HORIZON_WEEKS,
) -> CapacityPlan:
    """Where `units` fit (P2.4, P4.5): in the requested week if its capacity minus what other
    orders booked there covers them (feasible); else in the first later week, up to `horizon`
    weeks ahead, that has room (later, available from the requested day plus whole weeks);
    else nowhere (not feasible). `booked` holds the units other orders booked, per week."""
    for k, day in enumerate(candidate_days(requested, horizon)):
        week = iso_week(day)
        capacity = calendar.units_in(week)
        free = capacity - booked.get(week, 0)
        if units <= free:
            if k == 0:
                reason = f"{units} units fit in {week} ({free} of {capacity} free)"
                return CapacityPlan(Answer(Verdict.FEASIBLE, reason=reason), week)
            requested_week = iso_week(requested)
            reason = (
                f"{requested_week} has no room for {units} units "
                f"({max(calendar.units_in(requested_week) - booked.get(requested_week, 0), 0)} "
                f"free); first week with room is {week}"
            )
            return CapacityPlan(Answer(Verdict.LATER, available_from=day, reason=reason), week)
    reason = f"no week within {horizon} weeks of {iso_week(requested)} has room for {units} units"
    return CapacityPlan(Answer(Verdict.NOT_FEASIBLE, reason=reason), None)
