"""Logistics on the bus and at the desk, on embedded SQLite: messages in any order of arrival,
the automatic policy in one unit of work, waybills tied to one shipment, the deadline rounds
(P5.1 to P5.6)."""

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from services.logistics import decisions, handlers
from services.logistics.adapters.tables import shipments, waybills
from services.logistics.desk import Desk
from services.logistics.domain.commands import Dispatch, RecordDelivery, RequestShipment
from services.logistics.subscribers import deadline_round
from shared.contracts import (
    DeliveryLate,
    Event,
    GoodsDelivered,
    GoodsShipped,
    ShipmentEscalated,
    ShipmentReleased,
    ShipmentRequested,
)
from shared.db import rows
from shared.decisions import NotAllowedNow
from shared.messaging.routes import MessageRejected
from tests.unit.logistics.builders import (
    AUTHORITY,
    CUSTOMER_SERVICE,
    DISPATCHER,
    FRIDAY,
    GENERAL_MANAGER,
    ORDER,
    ORDER_CLERK,
    ORDERED,
    confirmation_issued,
    goods_produced,
    incoming,
    order_placed,
    payment_checked,
)

SHIPMENT = f"SH-{ORDER}-1"


async def unit(engine: AsyncEngine, work: Callable[[AsyncConnection], Awaitable[Any]]) -> Any:
    async with engine.begin() as connection, rows.in_scope(connection):
        return await work(connection)


async def consume(
    engine: AsyncEngine, handler: Any, body: Event, policy: bool = False
) -> list[Any]:
    return await unit(  # type: ignore[no-any-return]
        engine,
        lambda c: handler(c, incoming(body), policy=policy, release_authority=AUTHORITY),
    )


async def decide(
    engine: AsyncEngine, decision: Callable[[Desk], Awaitable[Any]], at: datetime = FRIDAY
) -> list[Any]:
    async def work(connection: AsyncConnection) -> list[Event]:
        desk = Desk(connection, at, release_authority=AUTHORITY)
        await decision(desk)
        return await desk.events(None)

    return await unit(engine, work)  # type: ignore[no-any-return]


def kinds(events: list[Event]) -> list[type[Event]]:
    return [type(event) for event in events]


@pytest.mark.rule("P5.1")
async def test_goods_produced_before_the_order_was_placed_are_kept_and_requested_once_it_is(
    engine: AsyncEngine,
) -> None:
    assert await consume(engine, handlers.record_production, goods_produced(), policy=True) == []
    assert await consume(engine, handlers.confirm_order, confirmation_issued(), policy=True) == []

    events = await consume(engine, handlers.place_order, order_placed(), policy=True)

    assert kinds(events) == [ShipmentRequested]
    assert events[0].order_id == ORDER
    assert {line.product_code: line.quantity for line in events[0].payload.lines} == ORDERED


@pytest.mark.rule("P5.1")
async def test_goods_reported_produced_twice_are_requested_once(engine: AsyncEngine) -> None:
    await consume(engine, handlers.place_order, order_placed(), policy=True)
    first = await consume(engine, handlers.record_production, goods_produced(), policy=True)
    again = goods_produced(at=FRIDAY + timedelta(hours=1))

    assert kinds(first) == [ShipmentRequested]
    assert await consume(engine, handlers.record_production, again, policy=True) == []


@pytest.mark.rule("P5.2")
async def test_a_payment_check_of_a_shipment_logistics_never_numbered_is_dead_lettered(
    engine: AsyncEngine,
) -> None:
    await consume(engine, handlers.place_order, order_placed())

    with pytest.raises(MessageRejected):
        await consume(engine, handlers.record_payment_check, payment_checked(SHIPMENT))


@pytest.mark.rule("P5.5")
async def test_the_automatic_policy_ships_and_delivers_a_passed_shipment_in_one_hop(
    engine: AsyncEngine,
) -> None:
    await consume(engine, handlers.place_order, order_placed(), policy=True)
    await consume(engine, handlers.record_production, goods_produced(), policy=True)
    refused = payment_checked(SHIPMENT, passed=False)
    assert await consume(engine, handlers.record_payment_check, refused, policy=True) == []

    passed = payment_checked(SHIPMENT, at=FRIDAY + timedelta(hours=2))
    events = await consume(engine, handlers.record_payment_check, passed, policy=True)

    assert kinds(events) == [ShipmentReleased, GoodsShipped, GoodsDelivered]
    released, shipped, delivered = events
    assert released.causation_id == passed.event_id
    assert released.payload.released.role == "sales_manager"
    assert shipped.payload.waybills == [f"WB-{ORDER}-1"]
    assert shipped.payload.expected_delivery_on == FRIDAY.date()
    assert delivered.payload.order_delivered and not delivered.payload.late


@pytest.mark.rule("P8.1")
async def test_the_automatic_policy_releases_a_credit_exception_as_the_general_manager(
    engine: AsyncEngine,
) -> None:
    await consume(engine, handlers.place_order, order_placed(), policy=True)
    await consume(engine, handlers.record_production, goods_produced(), policy=True)
    excepted = payment_checked(SHIPMENT, credit_exception=True)

    events = await consume(engine, handlers.record_payment_check, excepted, policy=True)

    assert events[0].payload.released.role == "general_manager"


async def requested_shipment(engine: AsyncEngine, order_id: str = ORDER) -> str:
    await consume(engine, handlers.place_order, order_placed(order_id))
    await consume(engine, handlers.record_production, goods_produced(order_id=order_id))
    await decide(
        engine,
        lambda desk: decisions.request_shipment(
            desk, order_id, RequestShipment(None, None, None), CUSTOMER_SERVICE
        ),
    )
    return f"SH-{order_id}-1"


async def checked_out(engine: AsyncEngine, order_id: str) -> str:
    shipment_id = await requested_shipment(engine, order_id)
    await decide(
        engine, lambda d: decisions.release_in_emergency(d, shipment_id, "urgent", GENERAL_MANAGER)
    )
    await decide(
        engine, lambda d: decisions.check_outbound(d, shipment_id, dict(ORDERED), 1, DISPATCHER)
    )
    return shipment_id


@pytest.mark.rule("P5.4")
async def test_a_waybill_already_tied_to_another_orders_shipment_is_refused(
    engine: AsyncEngine,
) -> None:
    first = await checked_out(engine, ORDER)
    second = await checked_out(engine, "SO-2026-000002")
    await decide(engine, lambda d: decisions.hand_over(d, first, ("WB-777",), 1, ORDER_CLERK))

    with pytest.raises(NotAllowedNow, match="WB-777"):
        await decide(engine, lambda d: decisions.hand_over(d, second, ("WB-777",), 1, ORDER_CLERK))


@pytest.mark.rule("P5.3")
async def test_dispatch_without_release_is_refused_logged_and_changes_nothing(
    engine: AsyncEngine, caplog: pytest.LogCaptureFixture
) -> None:
    shipment_id = await requested_shipment(engine)
    notice = Dispatch("Rhenus", "RH1", FRIDAY.date())

    with caplog.at_level(logging.WARNING, "orderflow.audit"), pytest.raises(NotAllowedNow):
        await decide(engine, lambda d: decisions.dispatch(d, shipment_id, notice, DISPATCHER))

    assert "not released" in caplog.text
    shipment = await unit(engine, lambda c: Desk(c, FRIDAY).shipment(shipment_id))
    assert shipment.status.value == "requested" and shipment.dispatched is None


@pytest.mark.rule("P5.3")
async def test_the_deadline_round_escalates_a_fridays_emergency_release_on_monday_once(
    engine: AsyncEngine,
) -> None:
    await checked_out(engine, ORDER)
    sunday = FRIDAY + timedelta(days=2)
    monday = FRIDAY + timedelta(days=3)

    assert await unit(engine, lambda c: deadline_round(c, sunday)) == []
    escalated = await unit(engine, lambda c: deadline_round(c, monday))
    assert kinds(escalated) == [ShipmentEscalated]
    assert escalated[0].payload.missing == ["finance", "release"]
    assert await unit(engine, lambda c: deadline_round(c, monday + timedelta(hours=1))) == []


@pytest.mark.rule("P5.6")
async def test_the_deadline_round_flags_a_late_delivery_once_and_the_receipt_says_late(
    engine: AsyncEngine,
) -> None:
    shipment_id = await checked_out(engine, ORDER)
    await decide(engine, lambda d: decisions.hand_over(d, shipment_id, ("WB-1",), 1, ORDER_CLERK))
    expected = FRIDAY.date() + timedelta(days=1)
    notice = Dispatch("Rhenus", "RH1", expected)
    await decide(engine, lambda d: decisions.dispatch(d, shipment_id, notice, DISPATCHER))

    two_days_after = FRIDAY + timedelta(days=3)
    rounded = await unit(engine, lambda c: deadline_round(c, two_days_after))
    late = [event for event in rounded if isinstance(event, DeliveryLate)]
    assert len(late) == 1
    assert late[0].payload.days_late == 2
    assert late[0].payload.notify == ["customer_service", "sales_rep"]
    assert await unit(engine, lambda c: deadline_round(c, two_days_after)) == []  # once

    receipt = RecordDelivery(two_days_after.date(), "Jana Keller", None)
    delivered = await decide(
        engine,
        lambda d: decisions.record_delivery(d, shipment_id, receipt, CUSTOMER_SERVICE),
        at=two_days_after,
    )
    assert kinds(delivered) == [GoodsDelivered]
    assert delivered[0].payload.late and delivered[0].payload.order_delivered


@pytest.mark.rule("P5.4")
async def test_the_automatic_policy_leaves_a_shipment_to_people_when_its_waybill_is_taken(
    engine: AsyncEngine,
) -> None:
    await consume(engine, handlers.place_order, order_placed(), policy=True)
    await consume(engine, handlers.record_production, goods_produced(), policy=True)
    taken = {"waybill": f"WB-{ORDER}-1", "shipment_id": "SH-OTHER-1", "order_id": "SO-OTHER"}
    await unit(engine, lambda connection: connection.execute(insert(waybills).values(taken)))

    checked = payment_checked(SHIPMENT)
    events = await consume(engine, handlers.record_payment_check, checked, policy=True)

    assert events == []
    async with engine.connect() as connection:
        status = (await connection.execute(select(shipments.c.status))).scalar_one()
    assert status == "requested"
