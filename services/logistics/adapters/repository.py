"""Loads and stores shipments in the service's own database."""

from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from services.logistics.adapters.tables import shipments
from services.logistics.domain.model import Line, Outcome, Shipment, ShipmentStatus


async def exists(connection: AsyncConnection, order_id: str) -> bool:
    found = await connection.scalar(
        select(shipments.c.shipment_id).where(shipments.c.order_id == order_id)
    )
    return found is not None


async def load(connection: AsyncConnection, order_id: str) -> Shipment | None:
    row = (
        await connection.execute(
            select(shipments).where(shipments.c.order_id == order_id).with_for_update()
        )
    ).one_or_none()
    if row is None:
        return None
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
    await connection.execute(insert(shipments).values(**_row(shipment)))


async def save(connection: AsyncConnection, shipment: Shipment) -> None:
    await connection.execute(
        update(shipments)
        .where(shipments.c.shipment_id == shipment.shipment_id)
        .values(**_row(shipment))
    )
