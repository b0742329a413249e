"""Registering orders: placed, held for clarification, or waiting for the written confirmation
of a verbal order; corrected and repeated submissions (P1.1-P1.3, P1.6, P8.1)."""

from datetime import date
from decimal import Decimal

import pytest

from services.sales.domain.model import (
    Order,
    OrderStatus,
    OrderWasHeld,
    OrderWasPlaced,
    ResubmissionRefused,
)
from shared.decisions import BeyondAuthority, NotAllowedNow
from tests.unit.sales.builders import by, command, facts

WRONG_TOTAL = Decimal("1.00")


def held_fields(order: Order) -> set[str]:
    return {reason.field for reason in order.reasons}


def test_a_clean_written_order_is_placed_under_its_number_p1_2() -> None:
    order = Order.register("SO-2026-000001", command(), facts())

    assert order.status is OrderStatus.PLACED
    assert order.tier == "A"
    assert order.events == [OrderWasPlaced("SO-2026-000001")]


def test_the_order_total_is_the_exact_sum_of_its_line_amounts() -> None:
    order = Order.register("SO-1", command(), facts())

    assert order.total_amount == Decimal("1460.00")


def test_a_defective_order_is_registered_and_held_with_every_reason_p1_2_p1_3() -> None:
    order = Order.register(
        "SO-1", command(stated_total=WRONG_TOTAL, delivery_address=None), facts()
    )

    assert order.status is OrderStatus.HELD
    assert held_fields(order) == {"total_amount", "delivery_address"}
    [held] = order.events
    assert isinstance(held, OrderWasHeld)
    assert held.reasons == order.reasons


def test_a_verbal_order_waits_for_the_written_confirmation_p1_1() -> None:
    for channel in ("phone", "visit"):
        order = Order.register("SO-1", command(channel=channel), facts())

        assert order.status is OrderStatus.AWAITING_WRITTEN_CONFIRMATION
        assert held_fields(order) == {"channel"}
        assert isinstance(order.events[0], OrderWasHeld)


def test_a_recorded_written_confirmation_sends_a_verbal_order_through_intake_p1_1() -> None:
    order = Order.register("SO-1", command(channel="phone"), facts())
    order.events.clear()

    order.confirm_in_writing(by("customer_service", "tomas"), facts())

    assert order.status is OrderStatus.PLACED
    assert order.reasons == ()
    assert order.events == [OrderWasPlaced("SO-1")]
    assert [(d.kind, d.user, d.role) for d in order.decisions] == [
        ("written_confirmation", "tomas", "customer_service")
    ]


def test_a_written_confirmation_of_a_defective_verbal_order_holds_it_p1_1_p1_3() -> None:
    order = Order.register("SO-1", command(channel="visit", stated_total=WRONG_TOTAL), facts())

    order.confirm_in_writing(by("sales_rep"), facts())

    assert order.status is OrderStatus.HELD
    assert held_fields(order) == {"total_amount"}


def test_only_sales_staff_record_a_written_confirmation_p8_1() -> None:
    order = Order.register("SO-1", command(channel="phone"), facts())

    for role in ("finance_clerk", "general_manager", "engineering"):
        with pytest.raises(BeyondAuthority):
            order.confirm_in_writing(by(role), facts())

    assert order.status is OrderStatus.AWAITING_WRITTEN_CONFIRMATION
    assert order.decisions == []


def test_a_written_order_needs_no_written_confirmation() -> None:
    order = Order.register("SO-1", command(), facts())

    with pytest.raises(NotAllowedNow):
        order.confirm_in_writing(by("sales_rep"), facts())


def test_a_written_submission_with_the_same_reference_confirms_a_verbal_order_p1_1() -> None:
    order = Order.register("SO-1", command(channel="phone"), facts())
    order.events.clear()

    order.resubmit(command(channel="email"), facts())

    assert order.status is OrderStatus.PLACED
    assert order.channel == "email"
    assert order.events == [OrderWasPlaced("SO-1")]


def test_the_same_verbal_order_again_changes_nothing_p1_6() -> None:
    order = Order.register("SO-1", command(channel="phone"), facts())
    order.events.clear()

    order.resubmit(command(channel="phone"), facts())

    assert order.events == []


def test_a_corrected_resubmission_of_a_held_order_is_placed_under_the_same_number_p1_3() -> None:
    order = Order.register("SO-7", command(stated_total=WRONG_TOTAL), facts())
    order.events.clear()

    order.resubmit(command(stated_total=Decimal("1460.00")), facts())

    assert order.order_id == "SO-7"
    assert order.status is OrderStatus.PLACED
    assert order.reasons == ()
    assert order.events == [OrderWasPlaced("SO-7")]


def test_a_resubmission_still_defective_is_held_again_with_the_new_list_p1_3() -> None:
    order = Order.register("SO-1", command(stated_total=WRONG_TOTAL), facts())
    order.events.clear()

    order.resubmit(command(delivery_address=None), facts())

    assert order.status is OrderStatus.HELD
    assert held_fields(order) == {"delivery_address"}
    [held] = order.events
    assert isinstance(held, OrderWasHeld)
    assert [reason.field for reason in held.reasons] == ["delivery_address"]


def test_the_same_placed_order_submitted_again_is_one_order_p1_6() -> None:
    order = Order.register("SO-1", command(), facts())
    order.events.clear()

    order.resubmit(command(), facts())

    assert order.status is OrderStatus.PLACED
    assert order.events == []


@pytest.mark.rule("P1.6", "P7.1")
def test_a_submission_of_a_placed_order_differing_where_no_change_can_is_answered() -> None:
    order = Order.register("SO-1", command(), facts())
    order.events.clear()

    order.resubmit(command(currency="USD"), facts())

    [refused] = order.events
    assert isinstance(refused, ResubmissionRefused)
    assert "currency cannot be changed by a resubmission (P7.1)" in refused.reason
    assert order.status is OrderStatus.PLACED
    assert order.total_amount == Decimal("1460.00")


@pytest.mark.rule("P1.6", "P7.1")
def test_a_different_version_of_a_placed_order_entered_at_the_desk_is_refused() -> None:
    order = Order.register("SO-1", command(), facts())

    with pytest.raises(NotAllowedNow, match="contact cannot be changed"):
        order.resubmit(command(contact={"name": "Someone Else"}), facts(), by("sales_rep"))


def test_the_check_uses_the_day_of_the_resubmission() -> None:
    order = Order.register("SO-1", command(delivery_address=None), facts())

    order.resubmit(command(), facts(today=date(2027, 3, 16)))

    assert held_fields(order) == {"requested_delivery_date"}


def test_sales_staff_and_the_general_manager_may_enter_orders_at_the_desk_p8_1() -> None:
    for role in ("sales_rep", "sales_manager", "customer_service", "general_manager"):
        order = Order.register("SO-1", command(), facts(), by(role, "desk-user"))

        assert order.status is OrderStatus.PLACED
        assert [(d.kind, d.role) for d in order.decisions] == [("entered", role)]


def test_other_roles_may_not_enter_orders_p8_1() -> None:
    for role in ("finance_clerk", "engineering", "qa", "production_planner", "purchasing"):
        with pytest.raises(BeyondAuthority):
            Order.register("SO-1", command(), facts(), by(role))


def test_other_roles_may_not_correct_a_held_order_either_p8_1() -> None:
    order = Order.register("SO-1", command(delivery_address=None), facts())

    with pytest.raises(BeyondAuthority):
        order.resubmit(command(), facts(), by("qa"))
    assert order.status is OrderStatus.HELD
