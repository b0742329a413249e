"""Loads and stores orders' shipping and their shipments in the service's own database; each
row read once and written once per unit of work (shared.db.rows)."""

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from pydantic import TypeAdapter
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.logistics.adapters.tables import shipments, shipping_orders, waybills
from services.logistics.domain.model import OrderShipping, shipment_number, waybill_for
from services.logistics.domain.shipment import Shipment, ShipmentStatus
from shared.db import rows

_ORDER = TypeAdapter(OrderShipping)
_SHIPMENT = TypeAdapter(Shipment)
ROUND_LIMIT = 500
"""Shipments one deadline round looks at."""


async def preload(connection: AsyncConnection, bodies: Sequence[Any]) -> None:
    """Read and lock a batch's orders in one statement, then their shipments in another."""
    order_ids = {body.order_id for body in bodies}
    await rows.preload(connection, shipping_orders, order_ids)
    found = await rows.load_many(connection, shipping_orders, order_ids, for_update=True)
    await rows.load_many(
        connection,
        shipments,
        (
            shipment_number(row["order_id"], n)
            for row in found
            for n in range(1, int(row["document"].get("shipments", 0)) + 1)
        ),
        for_update=True,
    )


async def preload_checks(connection: AsyncConnection, bodies: Sequence[Any]) -> None:
    """As `preload`, and the waybill the automatic policy would give each checked shipment,
    so a batch of passed checks is shipped without a statement per shipment."""
    await preload(connection, bodies)
    numbers = {waybill_for(body.payload.shipment_id) for body in bodies}
    await rows.load_many(connection, waybills, sorted(numbers), for_update=True)


async def load_order(connection: AsyncConnection, order_id: str) -> OrderShipping | None:
    found = await rows.load(connection, shipping_orders, order_id)
    return None if found is None else _ORDER.validate_python(found["document"])


async def store_order(connection: AsyncConnection, order: OrderShipping, new: bool) -> None:
    row = {"order_id": order.order_id, "document": _ORDER.dump_python(order, mode="json")}
    await (rows.add if new else rows.save)(connection, shipping_orders, row)


async def load_shipment(connection: AsyncConnection, shipment_id: str) -> Shipment | None:
    found = await rows.load(connection, shipments, shipment_id)
    return None if found is None else _shipment(found)


async def load_shipments(connection: AsyncConnection, ids: Sequence[str]) -> list[Shipment]:
    return [_shipment(row) for row in await rows.load_many(connection, shipments, ids)]


def _shipment(row: Mapping[str, Any]) -> Shipment:
    return _SHIPMENT.validate_python(row["document"])


async def store_shipment(connection: AsyncConnection, shipment: Shipment, new: bool) -> None:
    released_by = shipment.release or (shipment.emergency.signed if shipment.emergency else None)
    dispatched = shipment.dispatched
    row = {
        "shipment_id": shipment.shipment_id,
        "order_id": shipment.order_id,
        "status": shipment.status.value,
        "production_order_id": shipment.production_order_id,
        "released_by": released_by.user if released_by else None,
        "carrier": dispatched.carrier if dispatched else None,
        "tracking_number": dispatched.tracking_number if dispatched else None,
        "expected_delivery_on": dispatched.expected_delivery_on if dispatched else None,
        "escalate_at": shipment.escalate_at,
        "late_reported": shipment.late_reported,
        "held_for": shipment.held_for,
        "document": _SHIPMENT.dump_python(shipment, mode="json", exclude={"events"}),
    }
    await (rows.add if new else rows.save)(connection, shipments, row)


# -- waybills (P5.4) ---------------------------------------------------------------------------


async def waybill_owners(connection: AsyncConnection, numbers: Sequence[str]) -> dict[str, str]:
    """The shipment each of these waybill numbers is tied to already."""
    found = await rows.load_many(connection, waybills, numbers, for_update=True)
    return {row["waybill"]: row["shipment_id"] for row in found}


async def tie_waybills(
    connection: AsyncConnection, shipment: Shipment, numbers: Sequence[str]
) -> None:
    """Tie the waybills to the shipment; a number another transaction took first fails the
    insert at the flush (the decision is then taken again and refused)."""
    for number in numbers:
        row = {
            "waybill": number,
            "shipment_id": shipment.shipment_id,
            "order_id": shipment.order_id,
        }
        await rows.add(connection, waybills, row)


# -- the deadline rounds (P5.3, P5.6) ----------------------------------------------------------


async def due_escalations(connection: AsyncConnection, now: datetime) -> list[str]:
    """Emergency releases whose working day has passed with signatures still to check."""
    await rows.flush_table(connection, shipments)
    found = await connection.execute(
        select(shipments.c.shipment_id)
        .where(shipments.c.escalate_at.is_not(None), shipments.c.escalate_at <= now)
        .order_by(shipments.c.escalate_at)
        .limit(ROUND_LIMIT)
    )
    return [row.shipment_id for row in found]


async def overdue_deliveries(connection: AsyncConnection, today: date) -> list[str]:
    """Dispatched shipments whose expected day has passed, not flagged yet."""
    await rows.flush_table(connection, shipments)
    found = await connection.execute(
        select(shipments.c.shipment_id)
        .where(
            shipments.c.status == ShipmentStatus.DISPATCHED.value,
            shipments.c.expected_delivery_on < today,
            shipments.c.late_reported.is_(False),
        )
        .order_by(shipments.c.expected_delivery_on)
        .limit(ROUND_LIMIT)
    )
    return [row.shipment_id for row in found]


async def find_shipments(
    connection: AsyncConnection, status: str | None, order_id: str | None
) -> list[Shipment]:
    """Shipments for people to read, by status and order."""
    query = select(shipments).order_by(shipments.c.shipment_id).limit(ROUND_LIMIT)
    if status:
        query = query.where(shipments.c.status == status)
    if order_id:
        query = query.where(shipments.c.order_id == order_id)
    return [_shipment(dict(row)) for row in (await connection.execute(query)).mappings()]
