"""Logistics' message handlers: turn a consumed message into a domain call and its events."""

from sqlalchemy.ext.asyncio import AsyncConnection

from services.logistics.adapters import repository
from services.logistics.adapters.wire import prepare_shipment_command, to_wire
from services.logistics.domain.model import (
    AUTOMATIC_RELEASE,
    DEFAULT_CARRIER,
    Outcome,
    Shipment,
    tracking_number_for,
)
from shared.contracts import Event, GoodsProduced, OrderClosed
from shared.messaging.routes import Incoming, MessageRejected


async def ship_goods(connection: AsyncConnection, incoming: Incoming[GoodsProduced]) -> list[Event]:
    """P5.1, P5.3, P5.4, P5.5: prepare, release and dispatch the order's one shipment. Goods
    reported produced again (a new event for the same order) are not shipped a second time."""
    if await repository.exists(connection, incoming.body.order_id):
        return []
    shipment = Shipment.prepare(prepare_shipment_command(incoming.body))
    shipment.release(AUTOMATIC_RELEASE)
    shipment.dispatch(
        DEFAULT_CARRIER, tracking_number_for(shipment.order_id), incoming.received_at.date()
    )
    await repository.add(connection, shipment)
    return [
        to_wire(event, shipment, incoming.causation_id, incoming.received_at)
        for event in shipment.events
    ]


async def close_shipment(
    connection: AsyncConnection, incoming: Incoming[OrderClosed]
) -> list[Event]:
    """P7.6: file the shipment with the order's final outcome. A declined order never reached
    logistics, so there is nothing to file; a fulfilled order logistics never shipped is an
    inconsistency a person must look at."""
    outcome = Outcome(incoming.body.payload.outcome)
    shipment = await repository.load(connection, incoming.body.order_id)
    if shipment is None:
        if outcome is Outcome.DECLINED:
            return []
        raise MessageRejected(f"unknown order {incoming.body.order_id!r}")
    shipment.close(outcome)
    await repository.save(connection, shipment)
    return [
        to_wire(event, shipment, incoming.causation_id, incoming.received_at)
        for event in shipment.events
    ]
