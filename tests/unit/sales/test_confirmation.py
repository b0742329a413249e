"""Confirmation and the gates of the release for production: A at once, B and C after the
signed confirmation and the deposit, late signatures moving the date (P2.6, P3.1-P3.5, P6.2)."""

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest

from services.sales.domain.master import Customer
from services.sales.domain.model import (
    ConfirmationWasIssued,
    ConfirmationWasSigned,
    Order,
    OrderStatus,
    OrderWasClosed,
    OrderWasReleased,
    Outcome,
    deposit_for,
)
from shared.decisions import BeyondAuthority, InvalidDecision, NotAllowedNow, NotFound
from tests.unit.sales.builders import TODAY, by, command, customer, facts

CONFIRMED = date(2027, 3, 15)
A = customer("A", "0")
B = customer("B", "30")
C = customer("C", "50")
TOTAL = Decimal("1460.00")
DEPOSIT = Decimal("438.00")  # B's 30% of TOTAL


def approved(the_customer: Customer = A) -> Order:
    order = Order.register("SO-1", command(), facts(the_customer))
    order.record_review(True, CONFIRMED, "", the_customer, TODAY)
    return order


def releases(order: Order) -> list[OrderWasReleased]:
    return [event for event in order.events if isinstance(event, OrderWasReleased)]


def sign(order: Order, received_on: date = TODAY, role: str = "sales_rep") -> None:
    """Recorded on the day it came back (never before: a receipt in the future is refused)."""
    at = datetime.combine(max(received_on, TODAY), time(9), tzinfo=UTC)
    order.record_signed_confirmation(received_on, by(role, at=at))


def test_an_approved_order_gets_its_confirmation_sent_today_p3_1() -> None:
    order = approved(B)

    issued = order.events[1]
    assert issued == ConfirmationWasIssued("SO-1", "B", CONFIRMED, TODAY, Decimal("438.00"))
    assert order.status is OrderStatus.CONFIRMED
    assert order.confirmation().sent_on == TODAY


@pytest.mark.rule("P1.4", "P3.2", "P3.3")
def test_an_a_tier_order_owes_no_deposit_and_is_released_at_once_p3_2() -> None:
    order = approved(A)

    assert order.deposit_amount == Decimal("0.00")
    assert releases(order) == [OrderWasReleased("SO-1", "a_tier_before_signature", CONFIRMED)]
    assert order.status is OrderStatus.RELEASED
    assert order.released


def test_the_deposit_is_the_total_times_the_customers_percentage_for_b_and_c_p3_3() -> None:
    assert deposit_for(Decimal("1460.00"), "B", Decimal("30")) == Decimal("438.00")
    assert deposit_for(Decimal("1460.00"), "C", Decimal("50")) == Decimal("730.00")
    assert deposit_for(Decimal("1460.00"), "A", Decimal("30")) == Decimal("0.00")
    assert deposit_for(Decimal("0.05"), "B", Decimal("30")) == Decimal("0.02")


@pytest.mark.rule("P1.4", "P3.2", "P3.3")
def test_a_b_tier_order_waits_for_the_signature_and_the_deposit_p3_3() -> None:
    order = approved(B)
    sign(order)

    assert releases(order) == []
    assert order.status is OrderStatus.CONFIRMED


def test_a_b_tier_order_waits_for_the_signature_when_the_deposit_is_in_p3_3() -> None:
    order = approved(B)
    order.record_payment(DEPOSIT, settled=False, on=TODAY)

    assert releases(order) == []


def test_a_b_tier_order_signed_on_the_day_and_paid_is_released_on_its_date_p3_3() -> None:
    order = approved(B)
    sign(order, TODAY)
    order.record_payment(DEPOSIT, settled=False, on=TODAY)

    assert releases(order) == [OrderWasReleased("SO-1", "signed_and_deposit", CONFIRMED)]


def test_each_day_the_signature_is_late_moves_the_date_back_a_day_p3_4() -> None:
    order = approved(C)
    order.record_payment(Decimal("730.00"), settled=False, on=TODAY)
    sign(order, TODAY + timedelta(days=3))

    moved = CONFIRMED + timedelta(days=3)
    signed = [event for event in order.events if isinstance(event, ConfirmationWasSigned)]
    assert signed == [ConfirmationWasSigned("SO-1", TODAY + timedelta(days=3), 3, moved)]
    assert releases(order) == [OrderWasReleased("SO-1", "signed_and_deposit", moved)]
    assert order.expected_delivery_date == moved
    assert order.confirmed_delivery_date == CONFIRMED


def test_a_signature_dated_before_the_confirmation_is_not_late() -> None:
    order = approved(B)
    sign(order, TODAY - timedelta(days=2))

    assert order.days_late == 0
    assert order.expected_delivery_date == CONFIRMED


def test_a_deposit_that_arrives_before_the_confirmation_is_counted_p3_3_p6_2() -> None:
    order = Order.register("SO-1", command(), facts(B))
    order.record_payment(DEPOSIT, settled=False, on=TODAY)
    order.record_review(True, CONFIRMED, "", B, TODAY)
    assert releases(order) == []

    sign(order)

    assert releases(order) == [OrderWasReleased("SO-1", "signed_and_deposit", CONFIRMED)]


def test_part_of_the_deposit_does_not_release_the_order_p3_3() -> None:
    order = approved(B)
    sign(order)
    order.record_payment(Decimal("400.00"), settled=False, on=TODAY)
    assert releases(order) == []

    order.record_payment(Decimal("438.00"), settled=False, on=TODAY)

    assert releases(order) == [OrderWasReleased("SO-1", "signed_and_deposit", CONFIRMED)]


def test_money_received_before_the_confirmation_counts_towards_the_deposit_p3_3_p6_2() -> None:
    order = Order.register("SO-1", command(), facts(B))
    order.record_payment(Decimal("500.00"), settled=False, on=TODAY)
    order.record_review(True, CONFIRMED, "", B, TODAY)

    assert order.deposit_received
    sign(order)
    assert len(releases(order)) == 1


def test_a_running_total_delivered_out_of_date_does_not_lower_what_was_received() -> None:
    order = approved(B)
    order.record_payment(DEPOSIT, settled=False, on=TODAY)
    order.record_payment(Decimal("100.00"), settled=False, on=TODAY)

    assert order.paid_total == DEPOSIT
    assert order.deposit_received


def test_full_payment_also_satisfies_the_deposit() -> None:
    order = approved(B)
    order.record_payment(TOTAL, settled=True, on=TODAY)
    sign(order)

    assert len(releases(order)) == 1


def test_a_b_tier_customer_without_deposit_is_released_on_the_signature_alone_p3_3() -> None:
    order = approved(customer("B", "0"))
    sign(order)

    assert order.deposit_required is False
    assert releases(order) == [OrderWasReleased("SO-1", "signed", CONFIRMED)]


def test_an_a_tier_signature_is_filed_later_without_a_second_release_p3_2() -> None:
    order = approved(A)
    sign(order, TODAY + timedelta(days=5))

    assert len(releases(order)) == 1
    signed = order.events[-1]
    assert isinstance(signed, ConfirmationWasSigned)
    assert signed.days_late == 5
    assert signed.expected_delivery_date == CONFIRMED


def test_an_order_is_released_exactly_once_whatever_arrives_afterwards() -> None:
    order = approved(B)
    sign(order)
    for _ in range(3):
        order.record_payment(DEPOSIT, settled=False, on=TODAY)
    order.record_payment(TOTAL, settled=True, on=TODAY)

    assert len(releases(order)) == 1


def test_a_signature_before_any_confirmation_is_not_allowed_now() -> None:
    order = Order.register("SO-1", command(), facts(B))

    with pytest.raises(NotAllowedNow):
        sign(order)


def test_a_signature_is_filed_once() -> None:
    order = approved(B)
    sign(order)

    with pytest.raises(NotAllowedNow):
        sign(order, TODAY + timedelta(days=1))
    assert order.signed_received_on == TODAY


def test_only_sales_staff_record_the_signed_confirmation_p8_1() -> None:
    order = approved(B)

    for role in ("finance_clerk", "general_manager", "production_planner"):
        with pytest.raises(BeyondAuthority):
            sign(order, role=role)
    assert order.signed_received_on is None


def test_there_is_no_confirmation_document_before_approval() -> None:
    order = Order.register("SO-1", command(), facts())

    with pytest.raises(NotFound):
        order.confirmation()


def test_a_declined_review_closes_the_order_with_its_reason_p2_6() -> None:
    order = Order.register("SO-1", command(), facts())
    order.record_review(False, None, "capacity full", A, TODAY)

    assert order.status is OrderStatus.CLOSED
    assert order.outcome is Outcome.DECLINED
    assert order.decline_reason == "capacity full"
    assert releases(order) == []


def test_a_closed_order_ignores_a_late_second_verdict_and_closes_only_once() -> None:
    order = Order.register("SO-1", command(), facts())
    order.record_review(False, None, "no", A, TODAY)
    order.record_review(True, CONFIRMED, "", A, TODAY)
    order.record_delivery("SH-1", TODAY, order_delivered=True)
    order.record_payment(TOTAL, settled=True, on=TODAY)

    assert order.outcome is Outcome.DECLINED
    assert sum(isinstance(event, OrderWasClosed) for event in order.events) == 1
    assert releases(order) == []


def test_a_held_order_takes_no_review() -> None:
    order = Order.register("SO-1", command(delivery_address=None), facts())
    order.record_review(True, CONFIRMED, "", A, TODAY)

    assert order.status is OrderStatus.HELD


@pytest.mark.rule("P5.6")
def test_an_approved_order_is_not_closed_before_it_is_delivered_and_paid() -> None:
    order = approved(A)
    order.record_delivery("SH-1", TODAY, order_delivered=True)

    assert order.status is OrderStatus.RELEASED
    assert not any(isinstance(event, OrderWasClosed) for event in order.events)


@pytest.mark.rule("P5.6")
def test_a_released_delivered_and_settled_order_closes_as_fulfilled() -> None:
    order = approved(A)
    order.record_payment(TOTAL, settled=True, on=TODAY)
    order.record_shipment()
    assert not any(isinstance(event, OrderWasClosed) for event in order.events)

    order.record_delivery("SH-1", TODAY, order_delivered=True)

    assert order.status is OrderStatus.CLOSED
    assert order.outcome is Outcome.FULFILLED
    assert order.events[-1] == OrderWasClosed("SO-1", Outcome.FULFILLED)


def test_a_partial_payment_does_not_close_the_order_p6_2() -> None:
    order = approved(A)
    order.record_delivery("SH-1", TODAY, order_delivered=True)
    order.record_payment(Decimal("100.00"), settled=False, on=TODAY)

    assert order.status is OrderStatus.RELEASED


def test_a_sales_manager_hold_stops_the_release_until_lifted() -> None:
    order = Order.register("SO-1", command(), facts(B))
    order.hold("customer disputes the price", by("sales_manager", "jonas"))
    order.record_review(True, CONFIRMED, "", B, TODAY)
    sign(order)
    order.record_payment(DEPOSIT, settled=False, on=TODAY)
    assert releases(order) == []

    order.release_hold(by("sales_manager", "jonas"))

    assert releases(order) == [OrderWasReleased("SO-1", "signed_and_deposit", CONFIRMED)]
    assert order.manual_hold is None
    assert [d.kind for d in order.decisions] == ["hold", "signed_confirmation", "release_hold"]


def test_a_hold_on_an_a_tier_order_in_review_delays_its_release_to_the_lift() -> None:
    order = Order.register("SO-1", command(), facts(A))
    order.hold("check the drawings", by("sales_manager"))
    order.record_review(True, CONFIRMED, "", A, TODAY)
    assert releases(order) == []

    order.release_hold(by("sales_manager"))

    assert releases(order) == [OrderWasReleased("SO-1", "a_tier_before_signature", CONFIRMED)]


def test_only_the_sales_manager_holds_and_lifts_p8_1() -> None:
    order = approved(B)
    for role in ("sales_rep", "general_manager", "customer_service"):
        with pytest.raises(BeyondAuthority):
            order.hold("no", by(role))
    order.hold("yes", by("sales_manager"))
    with pytest.raises(BeyondAuthority):
        order.release_hold(by("sales_rep"))
    assert order.manual_hold == "yes"


def test_a_released_order_cannot_be_held_and_a_free_one_cannot_be_lifted() -> None:
    released = approved(A)
    with pytest.raises(NotAllowedNow):
        released.hold("too late", by("sales_manager"))
    with pytest.raises(NotAllowedNow):
        approved(B).release_hold(by("sales_manager"))


def test_a_signature_so_late_it_would_move_the_date_past_the_calendar_is_refused_p3_4() -> None:
    order = Order.register("SO-1", command(), facts(B))
    order.record_review(True, date(2100, 12, 1), "", B, TODAY)

    with pytest.raises(NotAllowedNow, match="beyond 2100-12-31"):
        sign(order, received_on=date(2100, 12, 31))

    assert order.signed_received_on is None


def test_a_signed_confirmation_dated_after_today_is_refused_and_changes_nothing_p3_4() -> None:
    order = approved(B)

    with pytest.raises(InvalidDecision, match="after today"):
        order.record_signed_confirmation(TODAY + timedelta(days=1), by("sales_rep"))

    assert order.signed_received_on is None


@pytest.mark.rule("P3.3", "P3.4")
def test_a_deposit_completed_days_after_the_signature_moves_the_date_like_a_late_one() -> None:
    order = approved(B)
    sign(order, TODAY)
    order.record_payment(DEPOSIT, settled=False, on=TODAY + timedelta(days=4))

    moved = CONFIRMED + timedelta(days=4)
    assert releases(order) == [OrderWasReleased("SO-1", "signed_and_deposit", moved)]
    assert order.expected_delivery_date == moved


@pytest.mark.rule("P3.3", "P3.4")
def test_a_deposit_in_before_a_late_signature_moves_the_date_only_by_the_signature() -> None:
    order = approved(B)
    order.record_payment(DEPOSIT, settled=False, on=TODAY + timedelta(days=1))
    sign(order, TODAY + timedelta(days=2))

    moved = CONFIRMED + timedelta(days=2)
    assert releases(order) == [OrderWasReleased("SO-1", "signed_and_deposit", moved)]


@pytest.mark.rule("P3.4")
def test_a_late_payment_does_not_move_an_a_tier_date_or_a_released_one() -> None:
    order = approved(A)
    order.record_payment(TOTAL, settled=True, on=TODAY + timedelta(days=9))

    assert releases(order) == [OrderWasReleased("SO-1", "a_tier_before_signature", CONFIRMED)]
    assert order.confirmation().expected_delivery_date == CONFIRMED
