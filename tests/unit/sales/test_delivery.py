"""Delivery and closing (P5.6, P7.6): sales closes an order as fulfilled only once logistics
reports it delivered and finance reports it settled, in whichever order they come; a late
delivery is shown to the sales rep until the goods arrive. Repeated and crossed messages are
harmless; a message about an unknown order is dead-lettered like any other."""

import json
from collections.abc import AsyncIterator
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from services.sales import handlers
from services.sales.adapters import repository
from services.sales.adapters.tables import outbox
from services.sales.domain.deadlines import Deadlines
from services.sales.domain.model import Order, OrderStatus, OrderWasClosed, Outcome
from services.sales.subscribers import ORDERS_AND_TRACKS, routes
from shared.contracts import (
    DeliveryLate,
    Event,
    GoodsDelivered,
    GoodsShipped,
    PaymentReceived,
    topics,
)
from shared.messaging.pipeline import Delivery, Pipeline
from shared.messaging.routes import Source
from tests.unit.sales.builders import TODAY, command, customer, facts
from tests.unit.sales.test_service import Sales, approval, desk_order, event, token

A = customer("A", "0")
TOTAL = Decimal("1460.00")
EXPECTED = date(2027, 3, 15)
pytestmark = pytest.mark.rule("P5.6")


def approved() -> Order:
    order = Order.register("SO-1", command(), facts(A))
    order.record_review(True, EXPECTED, "", A, TODAY)
    order.events.clear()
    return order


def closings(order: Order) -> list[OrderWasClosed]:
    return [item for item in order.events if isinstance(item, OrderWasClosed)]


# -- the domain ----------------------------------------------------------------------------------


def test_a_shipped_and_settled_order_stays_open_until_it_is_delivered() -> None:
    order = approved()
    order.record_shipment()
    order.record_payment(TOTAL, settled=True, on=TODAY)

    assert closings(order) == []
    assert order.outcome is None

    order.record_delivery("SH-1", TODAY, order_delivered=True)

    assert order.status is OrderStatus.CLOSED
    assert closings(order) == [OrderWasClosed("SO-1", Outcome.FULFILLED)]


def test_a_delivery_before_the_payment_and_before_the_shipping_notice_closes_on_the_payment() -> (
    None
):
    order = approved()
    order.record_delivery("SH-1", TODAY, order_delivered=True)
    assert order.shipped and order.delivered
    assert closings(order) == []

    order.record_payment(TOTAL, settled=True, on=TODAY)
    order.record_shipment()  # the shipping notice, overtaken on its way

    assert closings(order) == [OrderWasClosed("SO-1", Outcome.FULFILLED)]
    assert order.status is OrderStatus.CLOSED


def test_one_shipment_delivered_of_several_does_not_close_a_settled_order() -> None:
    order = approved()
    order.record_payment(TOTAL, settled=True, on=TODAY)

    order.record_delivery("SH-1", TODAY, order_delivered=False)

    assert order.status is OrderStatus.RELEASED
    assert not order.delivered

    order.record_delivery("SH-2", TODAY, order_delivered=True)

    assert order.outcome is Outcome.FULFILLED


def test_a_repeated_delivery_closes_the_order_once_and_keeps_the_first_day() -> None:
    order = approved()
    order.record_payment(TOTAL, settled=True, on=TODAY)

    order.record_delivery("SH-1", TODAY, order_delivered=True)
    order.record_delivery("SH-1", TODAY + timedelta(days=3), order_delivered=True)
    order.record_delivery("SH-1", TODAY, order_delivered=False)

    assert closings(order) == [OrderWasClosed("SO-1", Outcome.FULFILLED)]
    assert order.delivered
    assert order.deliveries["SH-1"].delivered_on == TODAY


def test_a_declined_order_that_hears_of_a_delivery_stays_declined() -> None:
    order = Order.register("SO-1", command(), facts(A))
    order.record_review(False, None, "capacity full", A, TODAY)

    order.record_delivery("SH-1", TODAY, order_delivered=True)
    order.record_payment(TOTAL, settled=True, on=TODAY)

    assert order.outcome is Outcome.DECLINED
    assert len(closings(order)) == 1


def test_a_late_delivery_is_shown_with_the_expected_day_until_the_shipment_arrives() -> None:
    order = approved()
    order.record_late_delivery("SH-1", EXPECTED, 2)

    assert order.delivery_late
    assert order.late_delivery_expected_on == EXPECTED
    assert order.deliveries["SH-1"].days_late == 2

    order.record_late_delivery("SH-1", EXPECTED, 3)  # told again: still one late shipment
    assert order.deliveries["SH-1"].days_late == 3

    order.record_delivery("SH-1", EXPECTED + timedelta(days=3), order_delivered=False)

    assert not order.delivery_late
    assert order.late_delivery_expected_on is None


def test_the_earliest_expected_day_of_the_late_shipments_is_shown() -> None:
    order = approved()
    order.record_late_delivery("SH-2", EXPECTED + timedelta(days=5), 1)
    order.record_late_delivery("SH-1", EXPECTED, 6)

    assert order.late_delivery_expected_on == EXPECTED

    order.record_delivery("SH-1", EXPECTED + timedelta(days=6), order_delivered=False)

    assert order.delivery_late
    assert order.late_delivery_expected_on == EXPECTED + timedelta(days=5)


def test_a_late_notice_that_arrives_after_the_delivery_changes_nothing() -> None:
    order = approved()
    order.record_delivery("SH-1", TODAY, order_delivered=False)

    order.record_late_delivery("SH-1", EXPECTED, 1)

    assert not order.delivery_late
    assert order.deliveries["SH-1"].late_expected_on is None


def test_the_whole_order_delivered_clears_every_late_shipment() -> None:
    order = approved()
    order.record_late_delivery("SH-1", EXPECTED, 1)

    order.record_delivery("SH-2", TODAY, order_delivered=True)
    order.record_late_delivery("SH-3", EXPECTED, 1)

    assert not order.delivery_late
    assert order.late_delivery_expected_on is None


# -- the service ---------------------------------------------------------------------------------


def delivered(order_id: str, shipment_id: str = "SH-1", whole: bool = True) -> Event:
    return event(
        GoodsDelivered,
        order_id,
        {
            "shipment_id": shipment_id,
            "delivered_on": EXPECTED.isoformat(),
            "received_by": "Jana Keller",
            "lines": [{"product_code": "VALVE-DN50", "quantity": 20}],
            "late": False,
            "order_delivered": whole,
            "recorded": {"user": "omar", "role": "customer_service", "at": "2027-03-15T10:00:00Z"},
        },
    )


def late(order_id: str, shipment_id: str = "SH-1") -> Event:
    return event(
        DeliveryLate,
        order_id,
        {
            "shipment_id": shipment_id,
            "expected_on": EXPECTED.isoformat(),
            "days_late": 2,
            "notify": ["customer_service", "sales_rep"],
        },
    )


def settled(order_id: str) -> Event:
    return event(
        PaymentReceived,
        order_id,
        {
            "payment_id": "PAY-9",
            "kind": "balance",
            "bank_transaction_id": "B-9",
            "amount": "1460.00",
            "currency": "EUR",
            "paid_total": "1460.00",
            "balance_due": "0.00",
            "settled": True,
        },
    )


@pytest.fixture
async def sales(tmp_path: Path) -> AsyncIterator[Sales]:
    service = Sales(tmp_path)
    await service.start()
    await service.published()
    yield service
    await service.close()


async def released_order(sales: Sales) -> str:
    entered = await sales.http.post("/orders", json=desk_order("PO-DL"), headers=token("sales_rep"))
    order_id: str = entered.json()["order_id"]
    await sales.consume(handlers.record_review, approval(order_id))
    await sales.published()
    return order_id


def records(topic: str, *events: Event) -> list[Delivery]:
    return [
        Delivery(Source(topic, 0, offset, None), item.model_dump_json().encode())
        for offset, item in enumerate(events)
    ]


def test_sales_consumes_deliveries_and_late_notices_with_the_orders_preloaded() -> None:
    by_topic = {route.topic: route for route in routes(Deadlines())}

    for topic, contract in (
        (topics.GOODS_DELIVERED, GoodsDelivered),
        (topics.DELIVERY_LATE, DeliveryLate),
    ):
        assert by_topic[topic].contract is contract
        assert by_topic[topic].preload is ORDERS_AND_TRACKS


async def test_the_sales_rep_sees_a_late_delivery_on_the_order_until_it_is_delivered(
    sales: Sales,
) -> None:
    order_id = await released_order(sales)
    pipeline = Pipeline(sales.unit_of_work, sales.parts.routes, service="sales")
    notice = late(order_id)

    await pipeline.consume_batch(records(topics.DELIVERY_LATE, notice, notice))

    assert await sales.published() == []
    view = (await sales.http.get(f"/orders/{order_id}", headers=token("sales_rep"))).json()
    assert view["delivery_late"] is True
    assert view["late_delivery_expected_on"] == EXPECTED.isoformat()
    assert view["delivered"] is False
    listed = (await sales.http.get("/orders", headers=token("sales_rep"))).json()
    assert [order["delivery_late"] for order in listed] == [True]

    await pipeline.consume_batch(records(topics.GOODS_DELIVERED, delivered(order_id)))

    view = (await sales.http.get(f"/orders/{order_id}", headers=token("sales_rep"))).json()
    assert view["delivery_late"] is False
    assert view["late_delivery_expected_on"] is None
    assert view["delivered"] is True
    assert view["status"] == "released"
    assert await sales.published() == []


async def test_the_order_closes_when_delivered_and_settled_whatever_came_first(
    sales: Sales,
) -> None:
    order_id = await released_order(sales)

    await sales.consume(handlers.record_delivery, delivered(order_id))
    assert await sales.published() == []
    await sales.consume(handlers.record_payment, settled(order_id))

    [closed] = await sales.published()
    assert closed["event_type"] == "order.closed"
    assert closed["payload"] == {"outcome": "fulfilled"}
    await sales.consume(handlers.record_delivery, delivered(order_id))
    assert await sales.published() == []
    async with sales.engine.connect() as connection:
        order = await repository.load(connection, order_id, for_update=False)
    assert order is not None and order.deliveries["SH-1"].delivered_on == EXPECTED


async def test_a_shipped_and_settled_order_on_the_bus_is_not_closed(sales: Sales) -> None:
    order_id = await released_order(sales)
    shipped: dict[str, Any] = {
        "shipment_id": "SH-1",
        "carrier": "DHL",
        "tracking_number": "T-1",
        "lines": [{"product_code": "VALVE-DN50", "quantity": 20}],
    }
    await sales.consume(handlers.record_shipment, event(GoodsShipped, order_id, shipped))
    await sales.consume(handlers.record_payment, settled(order_id))

    assert await sales.published() == []
    view = (await sales.http.get(f"/orders/{order_id}", headers=token("sales_rep"))).json()
    assert view["status"] == "released"


async def test_a_delivery_or_late_notice_for_an_unknown_order_is_dead_lettered(
    sales: Sales,
) -> None:
    pipeline = Pipeline(sales.unit_of_work, sales.parts.routes, service="sales")

    await pipeline.consume_batch(records(topics.GOODS_DELIVERED, delivered("SO-1999-900001")))
    await pipeline.consume_batch(records(topics.DELIVERY_LATE, late("SO-1999-900002")))

    async with sales.engine.connect() as connection:
        found = await connection.execute(
            select(outbox.c.headers).where(outbox.c.topic == topics.DEAD_LETTER)
        )
        reasons = [json.loads(row.headers)["dlq.reason"] for row in found]
    assert len(reasons) == 2
    assert "unknown order" in reasons[0] and "SO-1999-900001" in reasons[0]
    assert "unknown order" in reasons[1] and "SO-1999-900002" in reasons[1]
