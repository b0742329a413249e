"""Delivery receipts and late deliveries (P5.6)."""

from datetime import timedelta

import pytest

from services.logistics.domain.commands import RecordDelivery, RequestShipment
from services.logistics.domain.events import DeliveryWasLate, GoodsWereDelivered
from services.logistics.domain.model import OrderShipping
from services.logistics.domain.shipment import Shipment, ShipmentStatus
from shared.decisions import InvalidDecision, NotAllowedNow
from tests.unit.logistics.builders import (
    CUSTOMER_SERVICE,
    DISPATCHER,
    FRIDAY,
    NOTICE,
    ORDER_CLERK,
    checked_and_released,
    placed_order,
    requested,
    signed,
)

pytestmark = pytest.mark.rule("P5.6")

RECEIVED = FRIDAY + timedelta(days=7)
"""When customer service records the receipts: after every day they are dated."""
ON_TIME = RecordDelivery(NOTICE.expected_delivery_on, "Jana Keller", None)


def dispatched(order: OrderShipping, shipment: Shipment | None = None) -> Shipment:
    shipment = checked_and_released(shipment or requested(order))
    shipment.check_outbound(dict(shipment.lines), 1, signed(DISPATCHER))
    shipment.hand_over((f"WB-{shipment.shipment_id}",), 1, signed(ORDER_CLERK))
    shipment.dispatch(NOTICE, signed(DISPATCHER))
    shipment.events.clear()
    return shipment


def test_a_receipt_on_the_expected_day_is_on_time_and_delivers_the_whole_order() -> None:
    order = placed_order()
    shipment = dispatched(order)

    order.record_delivery(shipment, ON_TIME, signed(CUSTOMER_SERVICE, RECEIVED))

    assert shipment.status is ShipmentStatus.DELIVERED
    assert shipment.receipt is not None and not shipment.receipt.late
    assert shipment.events == [GoodsWereDelivered(shipment.shipment_id, order_delivered=True)]


def test_a_receipt_after_the_expected_day_says_late() -> None:
    order = placed_order()
    shipment = dispatched(order)
    after = RecordDelivery(NOTICE.expected_delivery_on + timedelta(days=1), "Jana Keller", None)

    order.record_delivery(shipment, after, signed(CUSTOMER_SERVICE, RECEIVED))

    assert shipment.receipt is not None and shipment.receipt.late


def test_the_order_is_delivered_only_when_nothing_is_left_and_every_shipment_is_delivered() -> None:
    order = placed_order()
    agreed = RequestShipment({"VALVE-DN50": 20}, None, None, partial_agreement="agreed")
    first = dispatched(order, order.request(agreed, signed(CUSTOMER_SERVICE)))
    second = dispatched(
        order, order.request(RequestShipment(None, None, None), signed(CUSTOMER_SERVICE))
    )

    order.record_delivery(second, ON_TIME, signed(CUSTOMER_SERVICE, RECEIVED))
    order.record_delivery(first, ON_TIME, signed(CUSTOMER_SERVICE, RECEIVED))

    assert second.events == [GoodsWereDelivered(second.shipment_id, order_delivered=False)]
    assert first.events == [GoodsWereDelivered(first.shipment_id, order_delivered=True)]


def test_an_order_with_goods_left_to_ship_is_not_delivered() -> None:
    order = placed_order(produced={"VALVE-DN50": 20})
    agreed = RequestShipment(None, None, None, partial_agreement="agreed")
    shipment = dispatched(order, order.request(agreed, signed(CUSTOMER_SERVICE)))

    order.record_delivery(shipment, ON_TIME, signed(CUSTOMER_SERVICE, RECEIVED))

    assert shipment.events == [GoodsWereDelivered(shipment.shipment_id, order_delivered=False)]


def test_quantities_that_differ_from_what_was_shipped_need_the_discrepancy() -> None:
    order = placed_order()
    shipment = dispatched(order)
    short = {**shipment.lines, "FLANGE-DN50": 38}

    with pytest.raises(InvalidDecision, match="differ"):
        order.record_delivery(
            shipment,
            RecordDelivery(ON_TIME.delivered_on, "Jana Keller", short),
            signed(CUSTOMER_SERVICE),
        )
    assert shipment.status is ShipmentStatus.DISPATCHED and order.delivered == 0

    noted = RecordDelivery(ON_TIME.delivered_on, "Jana Keller", short, "2 flanges damaged")
    order.record_delivery(shipment, noted, signed(CUSTOMER_SERVICE, RECEIVED))
    assert shipment.receipt is not None and shipment.receipt.lines == short


def test_only_a_dispatched_shipment_takes_a_receipt() -> None:
    order = placed_order()
    shipment = checked_and_released(requested(order))

    with pytest.raises(NotAllowedNow, match="not dispatched"):
        order.record_delivery(shipment, ON_TIME, signed(CUSTOMER_SERVICE, RECEIVED))


def test_a_shipment_not_delivered_by_its_expected_day_is_flagged_once() -> None:
    shipment = dispatched(placed_order())
    expected = NOTICE.expected_delivery_on

    shipment.flag_if_late(expected)
    assert shipment.events == []

    shipment.flag_if_late(expected + timedelta(days=2))
    shipment.flag_if_late(expected + timedelta(days=3))
    assert shipment.events == [DeliveryWasLate(shipment.shipment_id, 2)]


def test_a_receipt_recorded_after_the_late_flag_says_late_even_when_dated_on_the_expected_day() -> (
    None
):
    order = placed_order()
    shipment = dispatched(order)
    shipment.flag_if_late(NOTICE.expected_delivery_on + timedelta(days=1))

    order.record_delivery(shipment, ON_TIME, signed(CUSTOMER_SERVICE, RECEIVED))

    assert shipment.receipt is not None and shipment.receipt.late


def test_a_receipt_dated_after_the_day_it_is_recorded_is_refused() -> None:
    order = placed_order()
    shipment = dispatched(order)
    tomorrow = RecordDelivery(RECEIVED.date() + timedelta(days=1), "Jana Keller", None)

    with pytest.raises(InvalidDecision, match="future"):
        order.record_delivery(shipment, tomorrow, signed(CUSTOMER_SERVICE, RECEIVED))
    assert shipment.status is ShipmentStatus.DISPATCHED and shipment.receipt is None
