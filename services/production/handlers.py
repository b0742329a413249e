"""Production's message handlers: turn a consumed message into a domain call and its events."""

from collections.abc import Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from services.production.adapters import repository
from services.production.adapters.wire import (
    plan_order_command,
    release_order_command,
    to_wire,
)
from services.production.domain.model import Outcome, ProductionOrder
from shared.contracts import Event, OrderClosed, OrderPlaced, ReviewCompleted
from shared.messaging.routes import Incoming


async def _start_or_apply(
    connection: AsyncConnection,
    order_id: str,
    incoming: Incoming[Any],
    change: Callable[[ProductionOrder], None],
) -> list[Event]:
    """Apply a change to the order's production order, starting one if this is the first
    message production hears about the order."""
    order = await repository.load(connection, order_id)
    if order is None:
        order = ProductionOrder.start(order_id)
        change(order)
        await repository.add(connection, order)
    else:
        change(order)
        await repository.save(connection, order)
    return [
        to_wire(event, order, incoming.causation_id, incoming.received_at) for event in order.events
    ]


async def plan_order(connection: AsyncConnection, incoming: Incoming[OrderPlaced]) -> list[Event]:
    """P4.1: record the order's lines; produce if review already released it."""
    command = plan_order_command(incoming.body)
    today = incoming.received_at.date()
    return await _start_or_apply(
        connection, command.order_id, incoming, lambda order: order.plan(command, today)
    )


async def release_order(
    connection: AsyncConnection, incoming: Incoming[ReviewCompleted]
) -> list[Event]:
    """P2.5, P4.8, P4.9: an approved order is made and inspected; a declined one is cancelled.
    The release may come before the order's lines: the order is then made when they arrive."""
    command = release_order_command(incoming.body)
    today = incoming.received_at.date()
    return await _start_or_apply(
        connection, command.order_id, incoming, lambda order: order.record_release(command, today)
    )


async def close_order(connection: AsyncConnection, incoming: Incoming[OrderClosed]) -> list[Event]:
    """P7.6: file the production order with the order's final outcome. A declined order can be
    closed by sales before its lines or its verdict reach production (topics are not ordered
    among each other); it is filed all the same and will never be made."""
    outcome = Outcome(incoming.body.payload.outcome)
    return await _start_or_apply(
        connection, incoming.body.order_id, incoming, lambda order: order.close(outcome)
    )
