"""Sales order rules: registration, review verdicts, closing (P1.2, P2.3, P2.6, P6.2)."""

from datetime import date
from decimal import Decimal

from services.sales.domain.model import (
    Line,
    Order,
    OrderStatus,
    OrderWasClosed,
    OrderWasPlaced,
    Outcome,
    PlaceOrder,
)


def command(**changes: object) -> PlaceOrder:
    values: dict[str, object] = {
        "submitter": "webshop",
        "customer_reference": "PO-1",
        "customer_id": "CUST-0001",
        "channel": "system",
        "currency": "EUR",
        "lines": (
            Line(1, "VALVE-DN50", 20, Decimal("48.50")),
            Line(2, "FLANGE-DN50", 40, Decimal("12.25")),
        ),
        "stated_total": None,
        "requested_delivery_date": date(2027, 3, 15),
        "delivery_address": {"name": "Acme"},
        "contact": {"name": "Jana"},
    }
    values.update(changes)
    return PlaceOrder(**values)  # type: ignore[arg-type]


def test_placing_an_order_registers_it_under_its_number_and_announces_it_p1_2() -> None:
    order = Order.place("SO-2026-000001", command())

    assert order.status is OrderStatus.PLACED
    assert order.events == [OrderWasPlaced("SO-2026-000001")]


def test_the_order_total_is_the_exact_sum_of_its_line_amounts() -> None:
    order = Order.place("SO-1", command())

    assert order.total_amount == Decimal("1460.00")


def test_an_approved_order_is_not_closed_before_it_is_shipped_and_paid() -> None:
    order = Order.place("SO-1", command())
    order.record_review(True, date(2027, 3, 15), "")
    order.record_shipment()

    assert order.status is OrderStatus.APPROVED
    assert order.confirmed_delivery_date == date(2027, 3, 15)
    assert not any(isinstance(event, OrderWasClosed) for event in order.events)


def test_an_approved_shipped_and_settled_order_closes_as_fulfilled() -> None:
    order = Order.place("SO-1", command())
    order.record_review(True, date(2027, 3, 15), "")
    order.record_payment(settled=True)
    order.record_shipment()

    assert order.status is OrderStatus.CLOSED
    assert order.outcome is Outcome.FULFILLED
    assert order.events[-1] == OrderWasClosed("SO-1", Outcome.FULFILLED)


def test_a_partial_payment_does_not_close_the_order_p6_2() -> None:
    order = Order.place("SO-1", command())
    order.record_review(True, date(2027, 3, 15), "")
    order.record_shipment()
    order.record_payment(settled=False)

    assert order.status is OrderStatus.APPROVED


def test_a_declined_review_closes_the_order_with_its_reason_p2_6() -> None:
    order = Order.place("SO-1", command())
    order.record_review(False, None, "capacity full")

    assert order.status is OrderStatus.CLOSED
    assert order.outcome is Outcome.DECLINED
    assert order.decline_reason == "capacity full"


def test_a_closed_order_ignores_a_late_second_verdict_and_closes_only_once() -> None:
    order = Order.place("SO-1", command())
    order.record_review(False, None, "no")
    order.record_review(True, date(2027, 3, 15), "")
    order.record_shipment()
    order.record_payment(settled=True)

    assert order.outcome is Outcome.DECLINED
    assert sum(isinstance(event, OrderWasClosed) for event in order.events) == 1
