"""The production order: assessed once for review, released once with its material list,
booked and re-booked with a delay reported once per later expected date, started only when its
materials are reserved and its planned start has come, inspected and received until it is
complete exactly once, and closed giving back what it never used (P4.1, P4.2, P4.5, P4.6, P4.7,
P4.8, P4.9, P4.10)."""

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest

from services.production.domain import quality
from services.production.domain.commands import AssessFeasibility, Line, ReleaseOrder
from services.production.domain.events import (
    DomainEvent,
    FeasibilityWasAssessed,
    GoodsWereProduced,
    MaterialsWereListed,
    OrderWasDelayed,
    ScheduleWasChanged,
)
from services.production.domain.feasibility import Answer, Verdict
from services.production.domain.model import (
    Outcome,
    ProductionOrder,
    ProductionStatus,
    production_order_number,
)
from services.production.domain.planner import Slot, iso_week
from services.production.domain.quality import Disposition, Tally
from services.production.domain.safety_stock import (
    SafetyStockRequest,
    SafetyStockStatus,
    decide_safety_stock,
)
from services.production.domain.stock import MaterialLine
from shared.decisions import InvalidDecision, NotAllowedNow
from tests.unit.production.builders import (
    CALENDAR,
    CLERK,
    GENERAL_MANAGER,
    INSPECTOR,
    LEAD_DAYS,
    MANAGER,
    PLANNER,
    SALES_MANAGER,
    TODAY,
    line,
    signed,
)

ORDER = "SO-2031-000001"
VALVE, FLANGE = "VALVE-DN50", "FLANGE-DN50"
LINES = (Line(VALVE, 20),)
CONFIRMED = date(2031, 9, 17)
REQUEST = AssessFeasibility(ORDER, "CUST-0001", CONFIRMED, LINES)
PURCHASING = Answer(Verdict.FEASIBLE, reason="all materials in stock")
MATERIALS = (line("GASKET-PTFE", "1", unit="pc"), line("STEEL-CAST", "130"))
ROUTING = {VALVE: ["casting machining", "assembly"]}


def release_command(lines: tuple[Line, ...] = LINES, confirmed: date = CONFIRMED) -> ReleaseOrder:
    return ReleaseOrder(ORDER, confirmed, lines, "signed")


def slot(start: date) -> Slot:
    return Slot(iso_week(start), start, start + timedelta(days=LEAD_DAYS))


def ready_on(day: date) -> Slot:
    """A booking whose goods are ready on `day`."""
    return slot(day - timedelta(days=LEAD_DAYS))


def assessed(requested: date = CONFIRMED) -> ProductionOrder:
    order = ProductionOrder.start(ORDER)
    order.assess(
        replace(REQUEST, requested_delivery_date=requested), CALENDAR, {}, PURCHASING, TODAY, TODAY
    )
    return order


def released(
    materials: tuple[MaterialLine, ...] = MATERIALS,
    lines: tuple[Line, ...] = LINES,
    order: ProductionOrder | None = None,
) -> ProductionOrder:
    order = order or ProductionOrder.start(ORDER)
    operations = quality.routing_operations([item.product_code for item in lines], ROUTING)
    order.release(release_command(lines), materials, operations, LEAD_DAYS)
    return order


def booked(start: date = TODAY, materials: tuple[MaterialLine, ...] = MATERIALS) -> ProductionOrder:
    order = released(materials)
    order.book(slot(start), "capacity")
    order.events.clear()
    return order


def started(lines: tuple[Line, ...] = LINES) -> ProductionOrder:
    order = released(lines=lines)
    order.book(slot(TODAY), "capacity")
    order.begin(TODAY, signed(MANAGER))
    for operation in order.operations:
        order.patrol(operation.number, True, "", signed(INSPECTOR))
    order.events.clear()
    return order


def of(kind: type[DomainEvent], order: ProductionOrder) -> list[DomainEvent]:
    return [event for event in order.events if isinstance(event, kind)]


def inspect(order: ProductionOrder, product: str, passed: int, failed: int) -> int:
    """Ask for inspection of passed + failed units and sign the result; the request's number."""
    order.request_inspection(product, passed + failed, signed(MANAGER))
    return sign(order, passed, failed)


def sign(order: ProductionOrder, passed: int, failed: int) -> int:
    number = len(order.inspections)
    note = "leaks at the seat" if failed else ""
    order.sign_inspection(number, passed, failed, note, signed(INSPECTOR))
    return number


# -- the order ---------------------------------------------------------------------------------


def test_the_production_order_is_numbered_mo_and_the_customer_order_number() -> None:
    """P4.1"""
    assert production_order_number(ORDER) == "MO-SO-2031-000001"
    assert ProductionOrder.start(ORDER).production_order_id == "MO-SO-2031-000001"


def test_material_is_needed_a_lead_time_and_a_day_before_the_due_date() -> None:
    """P4.1, P4.5"""
    assert released().needed_by(LEAD_DAYS) == CONFIRMED - timedelta(days=LEAD_DAYS + 1)


# -- assessment (review's question, answered by the planner) -----------------------------------


def test_an_order_ready_before_the_requested_date_is_feasible_and_booked_tentatively() -> None:
    """P4.5"""
    order = assessed()

    assert order.assessment is not None
    assert order.assessment.production.verdict is Verdict.FEASIBLE
    assert "2031-W32" in order.assessment.production.reason
    assert order.assessment.purchasing == PURCHASING
    assert order.booking == slot(TODAY)
    assert order.status is ProductionStatus.AWAITING_RELEASE
    assert [type(event) for event in order.events] == [ScheduleWasChanged, FeasibilityWasAssessed]


def test_an_order_ready_only_on_the_requested_date_is_feasible_later_from_the_day_after() -> None:
    """P4.5"""
    ready = slot(TODAY).ready

    order = assessed(requested=ready)

    assert order.assessment is not None
    assert order.assessment.production.verdict is Verdict.LATER
    assert order.assessment.production.available_from == ready + timedelta(days=1)
    assert of(OrderWasDelayed, order) == []  # a tentative booking is never a delay


def test_an_order_whose_materials_nobody_delivers_is_not_feasible_and_not_booked() -> None:
    """P4.3, P4.5"""
    order = ProductionOrder.start(ORDER)

    order.assess(REQUEST, CALENDAR, {}, PURCHASING, None, TODAY)

    assert order.assessment is not None
    assert order.assessment.production.verdict is Verdict.NOT_FEASIBLE
    assert order.booking is None
    assert [type(event) for event in order.events] == [FeasibilityWasAssessed]


def test_an_order_no_week_has_room_for_is_not_feasible() -> None:
    """P4.5"""
    order = ProductionOrder.start(ORDER)
    request = replace(REQUEST, lines=(Line(VALVE, 101),))

    order.assess(request, CALENDAR, {}, PURCHASING, TODAY, TODAY)

    assert order.assessment is not None
    assert order.assessment.production.verdict is Verdict.NOT_FEASIBLE
    assert "101 units" in order.assessment.production.reason


def test_an_order_is_assessed_only_once() -> None:
    """P4.5"""
    order = assessed()
    first = order.assessment
    order.events.clear()

    order.assess(REQUEST, CALENDAR, {"2031-W32": 100}, PURCHASING, None, TODAY)

    assert order.assessment == first
    assert order.booking == slot(TODAY)
    assert order.events == []


def test_an_assessment_after_the_release_is_answered_but_keeps_the_releases_booking() -> None:
    """P4.5"""
    order = released()
    order.book(slot(TODAY + timedelta(days=7)), "capacity")
    order.events.clear()

    order.assess(REQUEST, CALENDAR, {}, PURCHASING, TODAY, TODAY)

    assert order.booking == slot(TODAY + timedelta(days=7))
    assert [type(event) for event in order.events] == [FeasibilityWasAssessed]


# -- release (P4.1) ----------------------------------------------------------------------------


def test_the_release_lists_the_materials_with_the_day_they_are_needed_by() -> None:
    """P4.1, P4.2"""
    order = released()

    assert order.status is ProductionStatus.RELEASED
    assert order.confirmed_delivery_date == CONFIRMED
    assert order.release_gate == "signed"
    assert order.materials == MATERIALS
    assert [op.name for op in order.operations] == ["casting machining", "assembly"]
    assert order.events == [
        MaterialsWereListed(ORDER, MATERIALS, CONFIRMED - timedelta(days=LEAD_DAYS + 1), False)
    ]


def test_the_materials_are_listed_once_however_often_the_order_is_released() -> None:
    """P4.1"""
    order = released()
    order.events.clear()

    order.release(release_command(confirmed=date(2031, 12, 1)), (), (), LEAD_DAYS)

    assert order.materials == MATERIALS
    assert order.confirmed_delivery_date == CONFIRMED
    assert order.events == []


def test_a_release_after_the_assessment_takes_the_released_lines_and_date() -> None:
    """P4.1"""
    order = released(lines=(Line(VALVE, 12),), order=assessed())

    assert order.lines == (Line(VALVE, 12),)
    assert order.due == CONFIRMED
    assert order.units == 12


def test_a_closed_order_is_neither_assessed_nor_released() -> None:
    """P4.1, P4.5"""
    order = ProductionOrder.start(ORDER)
    order.close(Outcome.DECLINED)

    order.assess(REQUEST, CALENDAR, {}, PURCHASING, TODAY, TODAY)
    released(order=order)

    assert order.assessment is None
    assert order.status is ProductionStatus.CLOSED
    assert order.events == []


# -- booking and delays (P4.5, P4.10) ----------------------------------------------------------


def test_a_booking_that_changes_is_reported_on_the_schedule() -> None:
    """P4.5"""
    order = booked()

    order.book(slot(TODAY + timedelta(days=7)), "capacity")
    order.book(slot(TODAY + timedelta(days=7)), "capacity")

    assert order.events == [ScheduleWasChanged(ORDER)]


def test_a_released_order_ready_before_its_due_date_is_not_delayed() -> None:
    """P4.5, P4.10"""
    order = booked()

    order.book(ready_on(CONFIRMED - timedelta(days=1)), "capacity")

    assert of(OrderWasDelayed, order) == []


def test_a_released_order_ready_on_its_due_date_is_reported_delayed_at_once() -> None:
    """P4.10"""
    order = booked()

    order.book(ready_on(CONFIRMED), "late_purchase")

    [delay] = of(OrderWasDelayed, order)
    assert isinstance(delay, OrderWasDelayed)
    assert delay.cause == "late_purchase"
    assert delay.confirmed == CONFIRMED
    assert delay.expected == CONFIRMED + timedelta(days=1)
    assert CONFIRMED.isoformat() in delay.reason
    assert order.reported_delivery == CONFIRMED + timedelta(days=1)


def test_a_delay_is_reported_again_only_when_the_expected_date_moves_later() -> None:
    """P4.10"""
    order = booked()
    order.book(ready_on(CONFIRMED + timedelta(days=3)), "capacity")
    order.book(ready_on(CONFIRMED + timedelta(days=1)), "capacity")  # earlier: not again
    order.book(ready_on(CONFIRMED + timedelta(days=2)), "capacity")  # not past the reported one
    order.book(ready_on(CONFIRMED + timedelta(days=10)), "rush")  # later: again

    delays = of(OrderWasDelayed, order)
    assert [(d.expected, d.cause) for d in delays if isinstance(d, OrderWasDelayed)] == [
        (CONFIRMED + timedelta(days=4), "capacity"),
        (CONFIRMED + timedelta(days=11), "rush"),
    ]
    assert len(of(ScheduleWasChanged, order)) == 4


def test_a_tentative_booking_is_never_reported_delayed() -> None:
    """P4.10"""
    order = ProductionOrder.start(ORDER)
    order.requested_delivery_date = CONFIRMED

    order.book(ready_on(CONFIRMED + timedelta(days=30)), "capacity")

    assert [type(event) for event in order.events] == [ScheduleWasChanged]


def test_a_revised_date_the_plan_meets_reports_nothing() -> None:
    """P4.10"""
    order = booked()
    order.book(ready_on(CONFIRMED), "capacity")
    order.events.clear()

    order.revise_delivery(CONFIRMED + timedelta(days=1))

    assert order.confirmed_delivery_date == CONFIRMED + timedelta(days=1)
    assert order.reported_delivery is None
    assert order.events == []


def test_a_revised_date_the_plan_still_misses_is_reported_again() -> None:
    """P4.10"""
    order = booked()
    order.book(ready_on(CONFIRMED + timedelta(days=5)), "capacity")
    order.events.clear()

    order.revise_delivery(CONFIRMED + timedelta(days=2))

    [delay] = of(OrderWasDelayed, order)
    assert isinstance(delay, OrderWasDelayed)
    assert delay.confirmed == CONFIRMED + timedelta(days=2)
    assert delay.expected == CONFIRMED + timedelta(days=6)


def test_a_revised_date_before_the_release_changes_nothing() -> None:
    """P4.10"""
    order = assessed()

    order.revise_delivery(CONFIRMED + timedelta(days=30))

    assert order.confirmed_delivery_date is None


def test_unbooking_an_order_is_reported_on_the_schedule() -> None:
    """P4.5"""
    order = booked()

    order.unbook()
    order.unbook()

    assert order.booking is None
    assert order.events == [ScheduleWasChanged(ORDER)]


# -- materials (P4.2) --------------------------------------------------------------------------


def test_received_material_fills_a_shortfall_and_taken_material_opens_one() -> None:
    """P4.2, P4.4, P4.6"""
    order = released((line("STEEL-CAST", "130", reserved="100", expected_on=date(2031, 9, 1)),))

    order.material_received("STEEL-CAST", Decimal(30))
    assert order.materials[0].complete
    assert order.earliest_start(TODAY) == TODAY

    order.material_taken("STEEL-CAST", Decimal(40), date(2031, 8, 20))
    assert (order.materials[0].reserved, order.materials[0].shortfall) == (
        Decimal(90),
        Decimal(40),
    )
    assert order.earliest_start(TODAY) == date(2031, 8, 20)


def test_a_new_expected_day_changes_only_a_line_still_short() -> None:
    """P4.3"""
    order = released((line("GASKET-PTFE", "1"), line("STEEL-CAST", "130", reserved="0")))

    order.material_expected("STEEL-CAST", date(2031, 8, 25))
    order.material_expected("GASKET-PTFE", date(2031, 8, 25))

    assert [item.expected_on for item in order.materials] == [None, date(2031, 8, 25)]


# -- the start (P4.8) --------------------------------------------------------------------------


def test_production_starts_consuming_the_orders_reservations() -> None:
    """P4.8, P4.2"""
    order = booked()

    consumed = order.begin(TODAY, signed(MANAGER))

    assert consumed == {"GASKET-PTFE": Decimal(1), "STEEL-CAST": Decimal(130)}
    assert order.status is ProductionStatus.IN_PRODUCTION
    assert order.started == signed(MANAGER)
    assert all(item.consumed for item in order.materials)


def test_production_does_not_start_while_a_material_is_short() -> None:
    """P4.8"""
    order = booked(materials=(line("GASKET-PTFE", "1"), line("STEEL-CAST", "130", "129")))

    with pytest.raises(NotAllowedNow, match="not all reserved: STEEL-CAST"):
        order.begin(TODAY, signed(MANAGER))
    assert order.status is ProductionStatus.RELEASED


def test_production_does_not_start_before_its_planned_start() -> None:
    """P4.8"""
    order = booked(start=TODAY + timedelta(days=5))

    with pytest.raises(NotAllowedNow, match="planned start has not come"):
        order.begin(TODAY + timedelta(days=4), signed(MANAGER))
    order.begin(TODAY + timedelta(days=5), signed(MANAGER))


def test_production_does_not_start_for_an_order_not_planned() -> None:
    """P4.8"""
    order = released()

    with pytest.raises(NotAllowedNow, match="not planned"):
        order.begin(TODAY, signed(MANAGER))


def test_production_starts_only_for_a_released_order_and_only_once() -> None:
    """P4.8"""
    with pytest.raises(NotAllowedNow, match="awaiting_release"):
        assessed().begin(TODAY, signed(MANAGER))
    order = booked()
    order.begin(TODAY, signed(MANAGER))
    with pytest.raises(NotAllowedNow, match="in_production"):
        order.begin(TODAY, signed(MANAGER))


# -- the line (P4.8) ---------------------------------------------------------------------------


def test_no_operation_is_inspected_before_production_started() -> None:
    """P4.8"""
    with pytest.raises(NotAllowedNow, match="not in production"):
        booked().patrol(1, True, "", signed(INSPECTOR))


def test_finished_units_are_inspected_only_once_every_operation_passed() -> None:
    """P4.8"""
    order = booked()
    order.begin(TODAY, signed(MANAGER))
    order.patrol(1, True, "", signed(INSPECTOR))

    with pytest.raises(NotAllowedNow, match="every operation must pass"):
        order.request_inspection(VALVE, 20, signed(MANAGER))

    order.patrol(2, True, "", signed(INSPECTOR))
    order.request_inspection(VALVE, 20, signed(MANAGER))
    assert len(order.inspections) == 1


def test_a_failed_patrol_holds_the_next_operation() -> None:
    """P4.8"""
    order = booked()
    order.begin(TODAY, signed(MANAGER))
    order.patrol(1, False, "bore out of tolerance", signed(INSPECTOR))

    with pytest.raises(NotAllowedNow, match="rework it first"):
        order.patrol(2, True, "", signed(INSPECTOR))


def test_the_order_asks_for_no_more_units_than_it_still_needs() -> None:
    """P4.8"""
    order = started()

    with pytest.raises(NotAllowedNow, match="only 20 units"):
        order.request_inspection(VALVE, 21, signed(MANAGER))


# -- complete (P4.9) ---------------------------------------------------------------------------


def test_eighteen_of_twenty_received_is_not_complete() -> None:
    """P4.8, P4.9"""
    order = started()
    inspect(order, VALVE, 18, 2)

    order.receive(VALVE, 18, TODAY, signed(CLERK))

    assert of(GoodsWereProduced, order) == []
    assert order.status is ProductionStatus.IN_PRODUCTION


def test_goods_are_produced_exactly_once_when_reworked_units_pass_and_all_are_received() -> None:
    """P4.8, P4.9"""
    order = started()
    first = inspect(order, VALVE, 18, 2)
    order.receive(VALVE, 18, TODAY, signed(CLERK))
    order.dispose(first, Disposition.REWORK, signed(MANAGER))
    sign(order, 2, 0)
    done = TODAY + timedelta(days=1)

    order.receive(VALVE, 2, done, signed(CLERK))

    assert order.events == [
        GoodsWereProduced(
            ORDER,
            "MO-SO-2031-000001",
            (Line(VALVE, 20),),
            done,
            ((VALVE, Tally(inspected=22, passed=20, failed=2, received=20)),),
        )
    ]
    assert order.status is ProductionStatus.PRODUCED
    assert order.ready_on == done
    with pytest.raises(NotAllowedNow):
        order.receive(VALVE, 1, done, signed(CLERK))
    assert len(of(GoodsWereProduced, order)) == 1


def test_scrapped_units_are_replaced_by_new_ones_and_reported_with_the_goods() -> None:
    """P4.8, P4.9"""
    order = started()
    first = inspect(order, VALVE, 18, 2)
    order.dispose(first, Disposition.SCRAP, signed(MANAGER))
    inspect(order, VALVE, 2, 0)

    order.receive(VALVE, 20, TODAY, signed(CLERK))

    [produced] = of(GoodsWereProduced, order)
    assert isinstance(produced, GoodsWereProduced)
    assert produced.tallies == (
        (VALVE, Tally(inspected=22, passed=20, failed=2, scrapped=2, received=20)),
    )


def test_goods_are_produced_only_when_every_product_is_received() -> None:
    """P4.9"""
    order = started(lines=(Line(VALVE, 20), Line(FLANGE, 5), Line(VALVE, 4)))
    inspect(order, VALVE, 24, 0)
    inspect(order, FLANGE, 5, 0)

    order.receive(VALVE, 24, TODAY, signed(CLERK))
    assert of(GoodsWereProduced, order) == []

    order.receive(FLANGE, 5, TODAY, signed(CLERK))
    [produced] = of(GoodsWereProduced, order)
    assert isinstance(produced, GoodsWereProduced)
    assert produced.lines == (Line(VALVE, 24), Line(FLANGE, 5))


# -- closing (P4.2) ----------------------------------------------------------------------------


def test_an_order_closed_before_it_started_gives_back_its_reservations_and_booking() -> None:
    """P4.2, P4.5"""
    short = line("STEEL-CAST", "130", reserved="100", expected_on=date(2031, 9, 1))
    order = booked(materials=(line("GASKET-PTFE", "1"), short, line("INVAR", "7", "0")))

    given_back = order.close(Outcome.DECLINED)

    assert given_back == (line("GASKET-PTFE", "1"), short)
    assert all(item.reserved == 0 and item.shortfall == 0 for item in order.materials)
    assert all(item.expected_on is None for item in order.materials)
    assert order.booking is None
    assert order.events == [ScheduleWasChanged(ORDER)]
    assert order.status is ProductionStatus.CLOSED
    assert order.outcome is Outcome.DECLINED


def test_an_order_closed_after_it_started_keeps_what_it_used() -> None:
    """P4.2"""
    order = started()
    inspect(order, VALVE, 20, 0)
    order.receive(VALVE, 20, TODAY, signed(CLERK))
    order.events.clear()

    assert order.close(Outcome.FULFILLED) == ()
    assert all(item.consumed and item.reserved for item in order.materials)
    assert order.booking == slot(TODAY)
    assert order.outcome is Outcome.FULFILLED
    assert order.events == []


def test_an_order_is_closed_only_once() -> None:
    """P4.2"""
    order = booked()
    order.close(Outcome.DECLINED)
    order.events.clear()

    assert order.close(Outcome.FULFILLED) == ()
    assert order.outcome is Outcome.DECLINED
    assert order.events == []


# -- rush orders (P4.6) ------------------------------------------------------------------------


def test_an_order_marked_urgent_before_release_is_listed_as_urgent() -> None:
    """P4.6, P4.1"""
    order = assessed()
    order.mark_urgent("customer's line is down", signed(SALES_MANAGER))

    released(order=order)

    assert order.urgent
    assert order.urgency is not None and order.urgency.signed == signed(SALES_MANAGER)
    [listed] = of(MaterialsWereListed, order)
    assert isinstance(listed, MaterialsWereListed) and listed.urgent


def test_an_order_is_marked_urgent_only_before_its_release_and_only_once() -> None:
    """P4.6"""
    with pytest.raises(NotAllowedNow, match="only before its release"):
        released().mark_urgent("too late", signed(SALES_MANAGER))
    order = assessed()
    order.mark_urgent("line down", signed(SALES_MANAGER))
    with pytest.raises(NotAllowedNow, match="already urgent"):
        order.mark_urgent("again", signed(SALES_MANAGER))
    closed = ProductionOrder.start(ORDER)
    closed.close(Outcome.DECLINED)
    with pytest.raises(NotAllowedNow):
        closed.mark_urgent("closed", signed(SALES_MANAGER))


# -- safety stock (P4.7) -----------------------------------------------------------------------


def safety_stock_request() -> SafetyStockRequest:
    return SafetyStockRequest("SS-000001", VALVE, 50, "season ahead", signed(PLANNER))


def test_the_general_manager_approves_safety_stock_and_it_becomes_an_order_of_that_number() -> None:
    """P4.7"""
    decided = decide_safety_stock(safety_stock_request(), True, "", signed(GENERAL_MANAGER))

    assert decided.status is SafetyStockStatus.APPROVED
    assert decided.decided == signed(GENERAL_MANAGER)
    assert decided.production_order_id == "SS-000001"


def test_safety_stock_is_rejected_only_with_a_reason_and_decided_only_once() -> None:
    """P4.7"""
    with pytest.raises(InvalidDecision, match="reason"):
        decide_safety_stock(safety_stock_request(), False, "", signed(GENERAL_MANAGER))
    rejected = decide_safety_stock(
        safety_stock_request(), False, "stock is high", signed(GENERAL_MANAGER)
    )
    assert rejected.status is SafetyStockStatus.REJECTED
    assert rejected.decision_reason == "stock is high"
    with pytest.raises(NotAllowedNow, match="rejected"):
        decide_safety_stock(rejected, True, "", signed(GENERAL_MANAGER))


def test_a_safety_stock_order_publishes_neither_its_schedule_nor_delays() -> None:
    """P4.7, P4.10"""
    order = ProductionOrder("SS-000001", "SS-000001", safety_stock=True)
    released(order=order)
    order.events.clear()

    order.book(ready_on(CONFIRMED + timedelta(days=10)), "capacity")
    order.unbook()

    assert order.events == []


def test_rework_that_makes_the_order_late_is_reported_as_a_production_delay() -> None:
    """P4.8, P4.10"""
    order = started()
    assert order.booking is not None and order.booking.ready < CONFIRMED
    order.expect_ready(CONFIRMED - timedelta(days=1))
    assert of(OrderWasDelayed, order) == []
    order.expect_ready(CONFIRMED + timedelta(days=3))
    (delay,) = of(OrderWasDelayed, order)
    assert isinstance(delay, OrderWasDelayed)
    assert (delay.cause, delay.expected) == ("production", CONFIRMED + timedelta(days=4))
    assert order.booking.week == iso_week(TODAY)
