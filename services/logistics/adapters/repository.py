"""Loads and stores shipments in the service's own database."""

from collections.abc import Sequence
from types import SimpleNamespace
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from services.logistics.adapters.tables import shipments
from services.logistics.domain.model import Line, Outcome, Shipment, ShipmentStatus
from shared.db import rows


async def preload(connection: AsyncConnection, bodies: Sequence[Any]) -> None:
    """Read and lock the shipments of a batch's orders, in one statement."""
    await rows.preload_by(connection, shipments, "order_id", (body.order_id for body in bodies))


async def exists(connection: AsyncConnection, order_id: str) -> bool:
    return await rows.load_by(connection, shipments, "order_id", order_id) is not None


async def load(connection: AsyncConnection, order_id: str) -> Shipment | None:
    """The order's shipment as it is in this transaction (read once per unit of work)."""
    found = await rows.load_by(connection, shipments, "order_id", order_id)
    if found is None:
        return None
    row = SimpleNamespace(**found)
    return Shipment(
        shipment_id=row.shipment_id,
        order_id=row.order_id,
        production_order_id=row.production_order_id,
        lines=tuple(
            Line(product_code=item["product_code"], quantity=item["quantity"]) for item in row.lines
        ),
        ready_on=row.ready_on,
        status=ShipmentStatus(row.status),
        released_by=row.released_by,
        carrier=row.carrier,
        tracking_number=row.tracking_number,
        dispatched_on=row.dispatched_on,
        outcome=Outcome(row.outcome) if row.outcome else None,
    )


def _row(shipment: Shipment) -> dict[str, Any]:
    return {
        "shipment_id": shipment.shipment_id,
        "order_id": shipment.order_id,
        "production_order_id": shipment.production_order_id,
        "lines": [
            {"product_code": line.product_code, "quantity": line.quantity}
            for line in shipment.lines
        ],
        "ready_on": shipment.ready_on,
        "status": shipment.status.value,
        "released_by": shipment.released_by,
        "carrier": shipment.carrier,
        "tracking_number": shipment.tracking_number,
        "dispatched_on": shipment.dispatched_on,
        "outcome": shipment.outcome.value if shipment.outcome else None,
    }


async def add(connection: AsyncConnection, shipment: Shipment) -> None:
    await rows.add(connection, shipments, _row(shipment))


async def save(connection: AsyncConnection, shipment: Shipment) -> None:
    await rows.save(connection, shipments, _row(shipment))
