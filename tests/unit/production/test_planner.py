"""The planner: the first ISO week with room from an order's earliest start, the planned start
and ready day, what "on time" means, and what a rush order does to the orders of its week
(P4.5, P4.6)."""

from dataclasses import replace
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from services.production.domain.planner import (
    Booked,
    CapacityCalendar,
    Slot,
    booked_per_week,
    earliest_slot,
    iso_week,
    monday,
    schedule_urgent,
    weeks_from,
)
from shared.contracts.bounds import DATE_MAX
from tests.unit.production.builders import CALENDAR, LEAD_DAYS, MONDAY, TODAY

W32, W33, W34, W35 = "2031-W32", "2031-W33", "2031-W34", "2031-W35"


def week_monday(k: int) -> date:
    """The Monday `k` weeks after the Monday of 2031-W32."""
    return MONDAY + timedelta(days=7 * k)


def slot(start: date) -> Slot:
    return Slot(iso_week(start), start, start + timedelta(days=LEAD_DAYS))


# -- weeks -------------------------------------------------------------------------------------


def test_weeks_are_named_the_way_the_seed_writes_them() -> None:
    """P4.5"""
    assert iso_week(TODAY) == W32
    assert iso_week(date(2027, 1, 1)) == "2026-W53"
    assert iso_week(date(2031, 1, 6)) == "2031-W02"


def test_a_week_starts_on_its_monday() -> None:
    """P4.5"""
    assert monday(TODAY) == MONDAY
    assert monday(MONDAY) == MONDAY
    assert monday(MONDAY + timedelta(days=6)) == MONDAY


def test_a_weeks_capacity_is_its_override_or_else_the_default() -> None:
    """P4.5"""
    assert CALENDAR.units_in(W33) == 60
    assert CALENDAR.units_in(W34) == 100


def test_the_planner_looks_at_the_week_of_the_start_and_the_52_after_it() -> None:
    """P4.5"""
    weeks = weeks_from(TODAY)

    assert len(weeks) == 53
    assert weeks[:3] == [W32, W33, W34]


def test_the_weeks_the_planner_looks_at_end_with_the_calendar() -> None:
    """P4.5"""
    assert weeks_from(date(2100, 12, 1)) == [
        "2100-W48",
        "2100-W49",
        "2100-W50",
        "2100-W51",
        "2100-W52",
    ]


# -- the first week with room ------------------------------------------------------------------


def test_an_order_starts_on_its_earliest_start_when_that_week_has_room() -> None:
    """P4.5"""
    assert earliest_slot(CALENDAR, {}, 40, TODAY) == Slot(W32, TODAY, date(2031, 8, 11))


def test_goods_are_ready_the_lead_time_after_the_start() -> None:
    """P4.5"""
    found = earliest_slot(CALENDAR, {}, 40, TODAY)

    assert found is not None
    assert found.ready - found.start == timedelta(days=CALENDAR.lead_days)


def test_in_a_later_week_the_order_starts_on_its_monday() -> None:
    """P4.5"""
    found = earliest_slot(CALENDAR, {W32: 100}, 40, TODAY)

    assert found == Slot(W33, week_monday(1), week_monday(1) + timedelta(days=LEAD_DAYS))


def test_the_start_is_never_before_the_earliest_start_in_its_own_week() -> None:
    """P4.5"""
    thursday = TODAY + timedelta(days=1)

    found = earliest_slot(CALENDAR, {}, 10, thursday)

    assert found is not None
    assert found.week == W32
    assert found.start == thursday


def test_units_that_exactly_fill_what_is_left_of_a_week_fit() -> None:
    """P4.5"""
    found = earliest_slot(CALENDAR, {W32: 60}, 40, TODAY)

    assert found is not None
    assert found.week == W32


def test_one_unit_more_than_a_week_has_left_goes_to_a_later_week() -> None:
    """P4.5"""
    found = earliest_slot(CALENDAR, {W32: 60}, 41, TODAY)

    assert found is not None
    assert found.week == W33


def test_a_week_whose_override_is_too_small_is_skipped() -> None:
    """P4.5"""
    found = earliest_slot(CALENDAR, {W32: 100}, 70, TODAY)

    assert found == Slot(W34, week_monday(2), week_monday(2) + timedelta(days=LEAD_DAYS))


def test_an_order_larger_than_any_week_fits_nowhere() -> None:
    """P4.5"""
    assert earliest_slot(CALENDAR, {}, 101, TODAY) is None


def test_a_week_52_weeks_after_the_first_is_still_looked_at() -> None:
    """P4.5"""
    last = iso_week(week_monday(52))
    calendar = CapacityCalendar(default_units=0, overrides={last: 10})

    found = earliest_slot(calendar, {}, 10, TODAY)

    assert found is not None
    assert found.week == last


def test_the_planner_looks_no_further_than_its_horizon() -> None:
    """P4.5"""
    beyond = iso_week(week_monday(53))
    calendar = CapacityCalendar(default_units=0, overrides={beyond: 10})

    assert earliest_slot(calendar, {}, 10, TODAY) is None
    assert earliest_slot(calendar, {}, 10, TODAY, horizon=53) is not None


def test_goods_that_would_be_ready_after_the_calendars_last_day_fit_nowhere() -> None:
    """P4.5"""
    assert earliest_slot(CALENDAR, {}, 1, DATE_MAX - timedelta(days=LEAD_DAYS - 1)) is None


def test_goods_ready_on_the_calendars_last_day_still_fit() -> None:
    """P4.5"""
    start = DATE_MAX - timedelta(days=LEAD_DAYS)

    assert earliest_slot(CALENDAR, {}, 1, start) == Slot(iso_week(start), start, DATE_MAX)


# -- on time -----------------------------------------------------------------------------------


def test_an_order_ready_the_day_before_its_due_date_is_on_time() -> None:
    """P4.5"""
    ready = slot(TODAY)

    assert ready.on_time_for(ready.ready + timedelta(days=1))


def test_an_order_ready_on_its_due_date_is_late() -> None:
    """P4.5, P4.10"""
    ready = slot(TODAY)

    assert not ready.on_time_for(ready.ready)


def test_material_arriving_on_the_delivery_day_makes_the_order_late() -> None:
    """P4.5, P4.10"""
    due = TODAY + timedelta(days=14)

    found = earliest_slot(CALENDAR, {}, 1, due)

    assert found is not None
    assert not found.on_time_for(due)


def test_material_arriving_a_lead_time_and_a_day_before_the_due_date_is_in_time() -> None:
    """P4.5"""
    due = TODAY + timedelta(days=14)

    in_time = earliest_slot(CALENDAR, {}, 1, due - timedelta(days=LEAD_DAYS + 1))
    one_day_later = earliest_slot(CALENDAR, {}, 1, due - timedelta(days=LEAD_DAYS))

    assert in_time is not None and in_time.on_time_for(due)
    assert one_day_later is not None and not one_day_later.on_time_for(due)


def test_the_earliest_delivery_is_the_day_after_the_goods_are_ready() -> None:
    """P4.5, P4.10"""
    assert slot(TODAY).earliest_delivery == date(2031, 8, 12)
    assert Slot("2100-W52", DATE_MAX, DATE_MAX).earliest_delivery == DATE_MAX


# -- rush orders -------------------------------------------------------------------------------


def booked(
    order_id: str,
    start: date,
    units: int,
    slack_days: int = 30,
    urgent: bool = False,
    movable: bool = True,
    earliest: date | None = None,
) -> Booked:
    """An order booked at `start`, due `slack_days` after it is ready."""
    at = slot(start)
    return Booked(
        order_id,
        at,
        units,
        earliest_start=earliest or start,
        due=at.ready + timedelta(days=slack_days),
        urgent=urgent,
        movable=movable,
    )


def rush(units: int, earliest: date = MONDAY) -> Booked:
    return Booked("RUSH", Slot("", earliest, earliest), units, earliest, DATE_MAX, True, True)


def test_a_rush_order_takes_the_first_week_and_the_order_with_most_slack_leaves_it() -> None:
    """P4.6"""
    relaxed = booked("SO-A", MONDAY, 60, slack_days=40)
    pressed = booked("SO-B", MONDAY, 40, slack_days=5)

    moved = schedule_urgent(CALENDAR, rush(50), [relaxed, pressed])

    assert moved["RUSH"] == slot(MONDAY)
    assert moved["SO-A"].week != W32
    assert "SO-B" not in moved


def test_only_as_many_orders_leave_the_week_as_the_rush_order_needs() -> None:
    """P4.6"""
    others = [
        booked("SO-A", MONDAY, 30, slack_days=40),
        booked("SO-B", MONDAY, 30, slack_days=20),
        booked("SO-C", MONDAY, 30, slack_days=10),
    ]

    # 10 units are free: SO-A leaving makes 40, SO-B leaving too makes the 45 the rush needs
    moved = schedule_urgent(CALENDAR, rush(45), others)

    assert set(moved) == {"RUSH", "SO-A", "SO-B"}


def test_a_displaced_order_is_planned_again_in_the_first_week_with_room() -> None:
    """P4.6, P4.5"""
    displaced = booked("SO-A", MONDAY, 60, slack_days=40)

    moved = schedule_urgent(CALENDAR, rush(50), [displaced, booked("SO-B", MONDAY, 40, 5)])

    # W33 holds only 60, W32 is left with 90 booked: SO-A starts on the Monday of W33
    assert moved["SO-A"] == slot(week_monday(1))


def test_a_displaced_order_is_planned_again_from_its_own_earliest_start() -> None:
    """P4.6, P4.5"""
    late_material = week_monday(2) + timedelta(days=2)
    displaced = booked("SO-A", MONDAY, 60, slack_days=40, earliest=late_material)

    moved = schedule_urgent(CALENDAR, rush(50), [displaced, booked("SO-B", MONDAY, 40, 5)])

    assert moved["SO-A"] == slot(late_material)


def test_orders_already_started_are_never_displaced() -> None:
    """P4.6"""
    started = booked("SO-A", MONDAY, 60, slack_days=90, movable=False)
    waiting = booked("SO-B", MONDAY, 40, slack_days=5)

    moved = schedule_urgent(CALENDAR, rush(40), [started, waiting])

    assert moved["RUSH"].week == W32
    assert "SO-A" not in moved
    assert moved["SO-B"].week != W32


def test_other_urgent_orders_are_never_displaced_and_count_against_the_week() -> None:
    """P4.6"""
    other_rush = booked("SO-U", MONDAY, 80, slack_days=90, urgent=True)
    waiting = booked("SO-B", week_monday(1), 60, slack_days=90)

    moved = schedule_urgent(CALENDAR, rush(30), [other_rush, waiting])

    # W32 has only 20 left among urgent orders: the rush order goes to W33 and SO-B leaves it
    assert "SO-U" not in moved
    assert moved["RUSH"] == slot(week_monday(1))
    assert moved["SO-B"].week not in (W32, W33)


def test_orders_of_other_weeks_stay_where_they_are() -> None:
    """P4.6"""
    elsewhere = booked("SO-X", week_monday(3), 100)

    moved = schedule_urgent(CALENDAR, rush(50), [booked("SO-A", MONDAY, 60), elsewhere])

    assert "SO-X" not in moved


def test_a_rush_order_that_fits_no_week_changes_nothing() -> None:
    """P4.6"""
    assert schedule_urgent(CALENDAR, rush(101), [booked("SO-A", MONDAY, 60)]) == {}


def test_a_rush_order_is_not_placed_if_an_order_it_displaces_fits_nowhere_else() -> None:
    """P4.6, P4.5"""
    one_week = CapacityCalendar(default_units=0, overrides={W32: 100}, lead_days=LEAD_DAYS)

    assert schedule_urgent(one_week, rush(50), [booked("SO-A", MONDAY, 60)]) == {}


def test_a_rush_order_in_a_week_with_room_displaces_nobody() -> None:
    """P4.6"""
    assert schedule_urgent(CALENDAR, rush(40), [booked("SO-A", MONDAY, 60)]) == {
        "RUSH": slot(MONDAY)
    }


@st.composite
def weeks_of_orders(draw: st.DrawFn) -> tuple[CapacityCalendar, list[Booked], Booked]:
    """A calendar, orders booked within capacity one after the other, and a rush order."""
    weeks = [iso_week(week_monday(k)) for k in range(4)]
    calendar = CapacityCalendar(
        default_units=draw(st.integers(0, 50)),
        overrides={week: draw(st.integers(0, 50)) for week in weeks if draw(st.booleans())},
        lead_days=LEAD_DAYS,
    )
    others: list[Booked] = []
    for index in range(draw(st.integers(0, 8))):
        earliest = week_monday(draw(st.integers(0, 3))) + timedelta(days=draw(st.integers(0, 6)))
        units = draw(st.integers(1, 30))
        found = earliest_slot(calendar, booked_per_week(others), units, earliest, horizon=6)
        if found is None:
            continue
        others.append(
            Booked(
                f"SO-{index}",
                found,
                units,
                earliest,
                found.ready + timedelta(days=draw(st.integers(-5, 30))),
                urgent=draw(st.booleans()),
                movable=draw(st.booleans()),
            )
        )
    return calendar, others, rush(draw(st.integers(1, 40)), week_monday(draw(st.integers(0, 2))))


@settings(max_examples=200, deadline=None, derandomize=True, database=None)
@given(weeks_of_orders())
def test_a_rush_order_never_books_a_week_over_its_capacity(
    case: tuple[CapacityCalendar, list[Booked], Booked],
) -> None:
    """P4.5, P4.6"""
    calendar, others, urgent = case

    moved = schedule_urgent(calendar, urgent, others)

    if not moved:
        return
    after = [replace(o, slot=moved.get(o.order_id, o.slot)) for o in [*others, urgent]]
    for week, units in booked_per_week(after).items():
        assert units <= calendar.units_in(week), week
    for order in others:
        if order.urgent or not order.movable:
            assert order.order_id not in moved
    for order_id, placed in moved.items():
        before = next(o for o in [*others, urgent] if o.order_id == order_id)
        assert placed.start >= before.earliest_start
