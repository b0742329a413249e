"""The capacity planner: an order's units in the ISO week of its requested date, or the first
later week with room, or nowhere (P2.4, P4.5)."""

from datetime import date

from services.production.domain.capacity import (
    CapacityCalendar,
    CapacityPlan,
    candidate_weeks,
    iso_week,
    plan_capacity,
)
from services.production.domain.feasibility import Answer, Verdict

REQUESTED = date(2031, 8, 6)  # a Wednesday in 2031-W32
CALENDAR = CapacityCalendar(default_units=1000, overrides={"2031-W32": 500, "2031-W33": 500})


def plan(units: int, booked: dict[str, int] | None = None, horizon: int = 52) -> CapacityPlan:
    return plan_capacity(CALENDAR, booked or {}, REQUESTED, units, horizon)


def test_weeks_are_named_as_iso_weeks_the_way_the_seed_writes_them() -> None:
    assert iso_week(REQUESTED) == "2031-W32"
    assert iso_week(date(2027, 1, 1)) == "2026-W53"
    assert iso_week(date(2031, 1, 6)) == "2031-W02"


def test_a_weeks_capacity_is_its_override_or_else_the_default() -> None:
    assert CALENDAR.units_in("2031-W32") == 500
    assert CALENDAR.units_in("2031-W34") == 1000


def test_the_planner_looks_at_the_requested_week_and_52_weeks_after_it_p4_5() -> None:
    weeks = candidate_weeks(REQUESTED)

    assert len(weeks) == 53
    assert weeks[:3] == ["2031-W32", "2031-W33", "2031-W34"]


def test_an_order_that_fits_the_requested_week_is_feasible_and_booked_there_p2_4() -> None:
    result = plan(300, {"2031-W32": 200})

    assert result.answer.verdict is Verdict.FEASIBLE
    assert result.answer.available_from is None
    assert result.week == "2031-W32"


def test_units_exactly_filling_the_week_still_fit() -> None:
    assert plan(500).answer.verdict is Verdict.FEASIBLE


def test_units_other_orders_booked_are_not_free_any_more_p4_5() -> None:
    result = plan(301, {"2031-W32": 200})

    assert result.answer.verdict is Verdict.LATER


def test_a_full_week_moves_the_order_to_the_first_later_week_with_room_p2_4() -> None:
    result = plan(600)

    assert result.answer == Answer(
        Verdict.LATER, available_from=date(2031, 8, 20), reason=result.answer.reason
    )
    assert result.week == "2031-W34"
    assert "2031-W34" in result.answer.reason


def test_a_later_week_is_found_past_weeks_other_orders_filled() -> None:
    result = plan(400, {"2031-W32": 200, "2031-W33": 200, "2031-W34": 700})

    assert result.answer.available_from == date(2031, 8, 27)
    assert result.week == "2031-W35"


def test_an_order_larger_than_any_week_is_not_feasible_p2_4() -> None:
    result = plan(1001)

    assert result.answer.verdict is Verdict.NOT_FEASIBLE
    assert result.answer.available_from is None
    assert result.week is None
    assert "1001 units" in result.answer.reason


def test_no_room_within_the_horizon_is_not_feasible() -> None:
    booked = {week: 1000 for week in candidate_weeks(REQUESTED, 3)}

    result = plan(100, booked, horizon=3)

    assert result.answer.verdict is Verdict.NOT_FEASIBLE
    assert result.week is None


def test_the_planner_looks_no_further_than_the_calendars_last_day() -> None:
    last_week = date(2100, 12, 27)

    assert candidate_weeks(last_week) == ["2100-W52"]
    assert candidate_weeks(date(2100, 12, 1))[-1] == "2100-W52"


def test_a_full_last_week_of_the_calendar_is_not_feasible_rather_than_later_beyond_it_p2_4() -> (
    None
):
    full_at_the_end = CapacityCalendar(default_units=1000, overrides={"2100-W52": 0})

    result = plan_capacity(full_at_the_end, {}, date(2100, 12, 31), 10)

    assert result.answer.verdict is Verdict.NOT_FEASIBLE
    assert result.week is None
