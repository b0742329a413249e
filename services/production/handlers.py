"""Production's message handlers: turn a consumed message into a domain call and its events."""

from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from services.production.adapters import planning, repository
from services.production.adapters.wire import (
    assess_feasibility_command,
    release_order_command,
    to_wire,
)
from services.production.domain.capacity import candidate_weeks
from services.production.domain.model import Outcome, ProductionOrder
from shared.contracts import Event, FeasibilityRequested, OrderClosed, OrderReleased
from shared.messaging.routes import Incoming


async def _start_or_apply(
    connection: AsyncConnection,
    order_id: str,
    incoming: Incoming[Any],
    change: Callable[[ProductionOrder], Awaitable[None]],
) -> list[Event]:
    """Apply a change to the order's production order, starting one if this is the first
    message production hears about the order (topics are not ordered among each other)."""
    order = await repository.load(connection, order_id)
    if order is None:
        order = ProductionOrder.start(order_id)
        await change(order)
        await repository.add(connection, order)
    else:
        previous_reservations = order.reservations
        await change(order)
        await repository.save(connection, order, previous_reservations)
    return [
        to_wire(event, order, incoming.causation_id, incoming.received_at) for event in order.events
    ]


async def assess_feasibility(
    connection: AsyncConnection, incoming: Incoming[FeasibilityRequested]
) -> list[Event]:
    """P2.4, P4.5, P4.2, P4.3: answer review once per order for production (capacity in the
    requested ISO week, booked tentatively) and purchasing (materials in stock or obtainable
    in time), from production's own data. A repeated request is not answered again."""
    command = assess_feasibility_command(incoming.body)
    today = incoming.received_at.date()

    async def assess(order: ProductionOrder) -> None:
        if not order.awaits_assessment:
            return
        calendar = await planning.load_calendar(connection)
        booked = await planning.booked_units(
            connection, candidate_weeks(command.requested_delivery_date), excluding=order.order_id
        )
        bom = await planning.bom_for(connection, [line.product_code for line in command.lines])
        stock = await planning.stock_for(connection, planning.materials_of(bom), order.reservations)
        order.assess(command, calendar, booked, bom, stock, today)

    return await _start_or_apply(connection, command.order_id, incoming, assess)


async def release_order(
    connection: AsyncConnection, incoming: Incoming[OrderReleased]
) -> list[Event]:
    """P3.2, P3.3, P4.2, P4.8, P4.9: sales' release is the only start of production. The
    booking moves to the released date's week, the materials are reserved, the goods are
    made and inspected, and reported once."""
    command = release_order_command(incoming.body)
    today = incoming.received_at.date()

    async def release(order: ProductionOrder) -> None:
        if not order.awaits_release:
            return
        await planning.load_calendar(connection)  # take turns with the other planners
        bom = await planning.bom_for(connection, [line.product_code for line in command.lines])
        stock = await planning.stock_for(connection, planning.materials_of(bom), order.reservations)
        order.release(command, bom, stock, today)

    return await _start_or_apply(connection, command.order_id, incoming, release)


async def close_order(connection: AsyncConnection, incoming: Incoming[OrderClosed]) -> list[Event]:
    """P7.6: file the production order with the order's final outcome; a declined one gives
    its capacity booking and materials back. An order can be closed before production heard of
    it (topics are not ordered among each other); it is filed all the same and never made."""
    outcome = Outcome(incoming.body.payload.outcome)

    async def close(order: ProductionOrder) -> None:
        order.close(outcome)

    return await _start_or_apply(connection, incoming.body.order_id, incoming, close)
