"""Production rules: an order is made once it has both its lines and an approved release,
whichever arrives first, and never twice (P2.6, P4.1, P4.8, P4.9, P7.6)."""

from collections.abc import Callable
from datetime import date

import pytest

from services.production.domain.model import (
    GoodsWereProduced,
    Line,
    Outcome,
    PlanOrder,
    ProductionOrder,
    ProductionStatus,
    ReleaseOrder,
    production_order_number,
)

ORDER = "SO-2026-000001"
TODAY = date(2026, 11, 22)
LINES = (Line(1, "VALVE-DN50", 20), Line(2, "FLANGE-DN50", 40))
PLAN = PlanOrder(ORDER, LINES, date(2027, 3, 15))
APPROVE = ReleaseOrder(ORDER, approved=True, confirmed_delivery_date=date(2027, 3, 15))
DECLINE = ReleaseOrder(ORDER, approved=False, confirmed_delivery_date=None)


def produced_events(order: ProductionOrder) -> list[GoodsWereProduced]:
    return [event for event in order.events if isinstance(event, GoodsWereProduced)]


def test_the_production_order_is_numbered_mo_and_the_customer_order_number() -> None:
    assert production_order_number(ORDER) == "MO-SO-2026-000001"
    assert ProductionOrder.start(ORDER).production_order_id == "MO-SO-2026-000001"


def test_a_planned_order_awaits_its_release_and_makes_nothing_yet_p4_1() -> None:
    order = ProductionOrder.start(ORDER)

    order.plan(PLAN, TODAY)

    assert order.status is ProductionStatus.AWAITING_RELEASE
    assert order.lines == LINES
    assert order.events == []


def test_an_approved_planned_order_is_produced_and_passes_inspection_at_once_p4_8_p4_9() -> None:
    order = ProductionOrder.start(ORDER)
    order.plan(PLAN, TODAY)

    order.record_release(APPROVE, TODAY)

    assert order.status is ProductionStatus.PRODUCED
    assert order.ready_on == TODAY
    assert order.events == [GoodsWereProduced(ORDER, "MO-SO-2026-000001", LINES, TODAY)]


def test_a_release_that_arrives_before_the_order_waits_for_its_lines() -> None:
    order = ProductionOrder.start(ORDER)

    order.record_release(APPROVE, TODAY)

    assert order.status is ProductionStatus.AWAITING_ORDER
    assert order.confirmed_delivery_date == date(2027, 3, 15)
    assert order.events == []


def test_an_order_whose_release_came_first_is_produced_when_its_lines_arrive() -> None:
    order = ProductionOrder.start(ORDER)
    order.record_release(APPROVE, TODAY)

    order.plan(PLAN, TODAY)

    assert order.status is ProductionStatus.PRODUCED
    assert [event.lines for event in produced_events(order)] == [LINES]


@pytest.mark.parametrize("release_first", [False, True], ids=["lines-first", "release-first"])
def test_either_order_of_arrival_with_repeats_produces_exactly_once(release_first: bool) -> None:
    order = ProductionOrder.start(ORDER)
    steps: list[Callable[[], None]] = [
        lambda: order.plan(PLAN, TODAY),
        lambda: order.record_release(APPROVE, TODAY),
    ]
    if release_first:
        steps.reverse()

    for step in steps + steps:
        step()

    assert order.status is ProductionStatus.PRODUCED
    assert len(produced_events(order)) == 1


@pytest.mark.parametrize("release_first", [False, True], ids=["lines-first", "release-first"])
def test_a_declined_order_is_cancelled_and_never_produced_p2_6(release_first: bool) -> None:
    order = ProductionOrder.start(ORDER)
    if release_first:
        order.record_release(DECLINE, TODAY)
        order.plan(PLAN, TODAY)
    else:
        order.plan(PLAN, TODAY)
        order.record_release(DECLINE, TODAY)

    assert order.status is ProductionStatus.CANCELLED
    assert order.events == []


def test_the_first_verdict_stands_when_a_contradicting_one_follows() -> None:
    order = ProductionOrder.start(ORDER)
    order.record_release(DECLINE, TODAY)

    order.record_release(APPROVE, TODAY)
    order.plan(PLAN, TODAY)

    assert order.status is ProductionStatus.CANCELLED
    assert order.events == []


def test_a_repeated_order_does_not_replace_the_planned_lines() -> None:
    order = ProductionOrder.start(ORDER)
    order.plan(PLAN, TODAY)

    order.plan(PlanOrder(ORDER, (Line(1, "OTHER", 1),), date(2027, 1, 1)), TODAY)

    assert order.lines == LINES


def test_closing_files_the_production_order_with_the_orders_outcome_p7_6() -> None:
    order = ProductionOrder.start(ORDER)
    order.plan(PLAN, TODAY)
    order.record_release(APPROVE, TODAY)
    order.events.clear()

    order.close(Outcome.FULFILLED)
    order.close(Outcome.DECLINED)

    assert order.status is ProductionStatus.CLOSED
    assert order.outcome is Outcome.FULFILLED
    assert order.events == []


def test_a_closed_production_order_is_not_produced_when_late_lines_arrive() -> None:
    order = ProductionOrder.start(ORDER)
    order.record_release(DECLINE, TODAY)
    order.close(Outcome.DECLINED)

    order.plan(PLAN, TODAY)

    assert order.status is ProductionStatus.CLOSED
    assert order.events == []


def test_an_order_closed_before_production_heard_of_it_is_filed_and_never_made() -> None:
    order = ProductionOrder.start(ORDER)
    order.close(Outcome.DECLINED)

    order.record_release(DECLINE, TODAY)
    order.plan(PLAN, TODAY)

    assert order.status is ProductionStatus.CLOSED
    assert order.outcome is Outcome.DECLINED
    assert order.events == []
