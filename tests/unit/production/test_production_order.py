"""Production rules: an order is assessed once, booked tentatively, released only by sales'
release, produced exactly once, and gives its capacity and material back when declined
(P2.4, P3.2, P3.3, P4.2, P4.5, P4.8, P4.9, P7.6)."""

from datetime import date
from decimal import Decimal

from services.production.domain.capacity import CapacityCalendar
from services.production.domain.feasibility import Verdict
from services.production.domain.materials import BomLine, Reservation, Stock
from services.production.domain.model import (
    AssessFeasibility,
    Booking,
    FeasibilityWasAssessed,
    GoodsWereProduced,
    Line,
    Outcome,
    ProductionOrder,
    ProductionStatus,
    ReleaseOrder,
    production_order_number,
)

ORDER = "SO-2026-000001"
TODAY = date(2026, 11, 22)
REQUESTED = date(2027, 3, 17)  # 2027-W11
LINES = (Line("VALVE-DN50", 20), Line("FLANGE-DN50", 40))
REQUEST = AssessFeasibility(ORDER, "CUST-0001", REQUESTED, LINES)
RELEASE = ReleaseOrder(ORDER, REQUESTED, LINES, "a_tier_before_signature")
CALENDAR = CapacityCalendar(default_units=100, overrides={"2027-W11": 80})
BOM = {
    "VALVE-DN50": (BomLine("VALVE-DN50", "STEEL-CAST", Decimal("6.5")),),
    "FLANGE-DN50": (BomLine("FLANGE-DN50", "STEEL-BAR", Decimal("2.1")),),
}


def stock(code: str, on_hand: str, lead_time: int | None = 14) -> Stock:
    return Stock(code, code, "kg", Decimal(on_hand), Decimal(0), lead_time, "Supplier AG")


STOCK = {"STEEL-CAST": stock("STEEL-CAST", "1000"), "STEEL-BAR": stock("STEEL-BAR", "1000")}


def assessed(booked: dict[str, int] | None = None) -> ProductionOrder:
    order = ProductionOrder.start(ORDER)
    order.assess(REQUEST, CALENDAR, booked or {}, BOM, STOCK, TODAY)
    return order


def produced(order: ProductionOrder) -> list[GoodsWereProduced]:
    return [event for event in order.events if isinstance(event, GoodsWereProduced)]


def answers(order: ProductionOrder) -> list[FeasibilityWasAssessed]:
    return [event for event in order.events if isinstance(event, FeasibilityWasAssessed)]


def test_the_production_order_is_numbered_mo_and_the_customer_order_number() -> None:
    assert production_order_number(ORDER) == "MO-SO-2026-000001"
    assert ProductionOrder.start(ORDER).production_order_id == "MO-SO-2026-000001"


def test_a_feasible_order_is_answered_and_booked_tentatively_in_its_week_p2_4_p4_5() -> None:
    order = assessed()

    assert order.assessment is not None
    assert order.assessment.production.verdict is Verdict.FEASIBLE
    assert order.assessment.purchasing.verdict is Verdict.FEASIBLE
    assert order.booking == Booking("2027-W11", 60)
    assert order.status is ProductionStatus.AWAITING_RELEASE
    assert answers(order) == [FeasibilityWasAssessed(ORDER, order.assessment)]
    assert produced(order) == []


def test_an_order_that_fits_a_later_week_is_answered_later_and_booked_there_p2_4() -> None:
    order = assessed({"2027-W11": 30})

    assert order.assessment is not None
    assert order.assessment.production.verdict is Verdict.LATER
    assert order.assessment.production.available_from == date(2027, 3, 24)
    assert order.booking == Booking("2027-W12", 60)


def test_an_order_that_fits_no_week_is_not_feasible_and_books_nothing() -> None:
    order = ProductionOrder.start(ORDER)
    big = AssessFeasibility(ORDER, "CUST-0001", REQUESTED, (Line("VALVE-DN50", 101),))

    order.assess(big, CALENDAR, {}, BOM, STOCK, TODAY)

    assert order.assessment is not None
    assert order.assessment.production.verdict is Verdict.NOT_FEASIBLE
    assert order.booking is None


def test_purchasing_answers_from_the_materials_p4_3() -> None:
    order = ProductionOrder.start(ORDER)
    short = {**STOCK, "STEEL-CAST": stock("STEEL-CAST", "0", lead_time=200)}

    order.assess(REQUEST, CALENDAR, {}, BOM, short, TODAY)

    assert order.assessment is not None
    assert order.assessment.purchasing.verdict is Verdict.LATER
    assert order.assessment.purchasing.available_from == date(2027, 6, 10)


def test_a_repeated_request_is_neither_booked_again_nor_answered_again() -> None:
    order = assessed()
    first = order.assessment

    order.assess(REQUEST, CALENDAR, {"2027-W11": 80}, BOM, {}, TODAY)

    assert order.assessment == first
    assert order.booking == Booking("2027-W11", 60)
    assert len(answers(order)) == 1


def test_an_assessed_order_is_not_produced_before_its_release_p3_2_p3_3() -> None:
    order = assessed()

    assert order.status is ProductionStatus.AWAITING_RELEASE
    assert produced(order) == []


def test_the_release_reserves_materials_and_produces_at_once_p3_2_p4_2_p4_8_p4_9() -> None:
    order = assessed()

    order.release(RELEASE, BOM, STOCK, TODAY)

    assert order.status is ProductionStatus.PRODUCED
    assert order.release_gate == "a_tier_before_signature"
    assert order.ready_on == TODAY
    assert order.reservations == (
        Reservation("STEEL-BAR", Decimal("84.0"), Decimal("0.0")),
        Reservation("STEEL-CAST", Decimal("130.0"), Decimal("0.0")),
    )
    assert produced(order) == [GoodsWereProduced(ORDER, "MO-SO-2026-000001", LINES, TODAY)]


def test_the_release_moves_the_booking_to_the_week_of_the_released_date_p3_4() -> None:
    order = assessed()
    moved = ReleaseOrder(ORDER, date(2027, 3, 26), LINES, "signed_and_deposit")

    order.release(moved, BOM, STOCK, TODAY)

    assert order.booking == Booking("2027-W12", 60)
    assert order.confirmed_delivery_date == date(2027, 3, 26)


def test_a_release_without_an_earlier_assessment_books_and_produces() -> None:
    order = ProductionOrder.start(ORDER)

    order.release(RELEASE, BOM, STOCK, TODAY)

    assert order.booking == Booking("2027-W11", 60)
    assert len(produced(order)) == 1


def test_a_shortfall_on_release_is_reserved_as_far_as_stock_goes_and_produced_p4_3() -> None:
    order = assessed()
    short = {**STOCK, "STEEL-CAST": stock("STEEL-CAST", "100")}

    order.release(RELEASE, BOM, short, TODAY)

    assert Reservation("STEEL-CAST", Decimal("100"), Decimal("30.0")) in order.reservations
    assert len(produced(order)) == 1


def test_a_repeated_release_produces_exactly_once() -> None:
    order = assessed()

    order.release(RELEASE, BOM, STOCK, TODAY)
    order.release(RELEASE, BOM, STOCK, TODAY)

    assert len(produced(order)) == 1


def test_a_request_after_the_release_is_answered_but_keeps_the_releases_booking() -> None:
    order = ProductionOrder.start(ORDER)
    order.release(ReleaseOrder(ORDER, date(2027, 4, 2), LINES, "signed"), BOM, STOCK, TODAY)

    order.assess(REQUEST, CALENDAR, {}, BOM, STOCK, TODAY)

    assert order.booking == Booking("2027-W13", 60)
    assert len(answers(order)) == 1
    assert len(produced(order)) == 1


def test_a_declined_order_gives_back_its_booking_and_reservations_p7_6() -> None:
    order = assessed()

    order.close(Outcome.DECLINED)

    assert order.status is ProductionStatus.CLOSED
    assert order.outcome is Outcome.DECLINED
    assert order.booking is None
    assert order.reservations == ()


def test_a_closed_order_is_neither_assessed_nor_produced() -> None:
    order = ProductionOrder.start(ORDER)
    order.close(Outcome.DECLINED)

    order.assess(REQUEST, CALENDAR, {}, BOM, STOCK, TODAY)
    order.release(RELEASE, BOM, STOCK, TODAY)

    assert order.status is ProductionStatus.CLOSED
    assert order.booking is None
    assert order.events == []


def test_closing_a_produced_order_files_it_and_keeps_what_it_used_p7_6() -> None:
    order = assessed()
    order.release(RELEASE, BOM, STOCK, TODAY)
    order.events.clear()

    order.close(Outcome.FULFILLED)
    order.close(Outcome.DECLINED)

    assert order.status is ProductionStatus.CLOSED
    assert order.outcome is Outcome.FULFILLED
    assert order.booking == Booking("2027-W11", 60)
    assert len(order.reservations) == 2
    assert order.events == []
