"""Loads and stores production orders, their capacity bookings and material reservations. The
order's lines and feasibility answers are JSON columns, converted by pydantic TypeAdapters."""

from collections.abc import Sequence
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from pydantic import TypeAdapter
from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.production.adapters import planning
from services.production.adapters.tables import (
    material_reservations,
    materials,
    production_orders,
)
from services.production.domain.materials import Reservation
from services.production.domain.model import (
    Assessment,
    Booking,
    Line,
    Outcome,
    ProductionOrder,
    ProductionStatus,
)
from shared.db import rows

_LINES: TypeAdapter[tuple[Line, ...] | None] = TypeAdapter(tuple[Line, ...] | None)
"""production_orders.lines"""
_ASSESSMENT: TypeAdapter[Assessment | None] = TypeAdapter(Assessment | None)
"""production_orders.assessment: production's and purchasing's answers"""


async def preload(connection: AsyncConnection, bodies: Sequence[Any]) -> None:
    """Before a batch of events: their production orders (locked) and the orders'
    reservations, in two statements."""
    order_ids = sorted({body.order_id for body in bodies})
    await rows.preload(connection, production_orders, order_ids)
    found = await connection.execute(
        select(material_reservations)
        .where(material_reservations.c.order_id.in_(order_ids))
        .order_by(material_reservations.c.order_id, material_reservations.c.material_code)
    )
    held: dict[str, list[Reservation]] = {order_id: [] for order_id in order_ids}
    for row in found:
        held[row.order_id].append(Reservation(row.material_code, row.reserved, row.to_purchase))
    for order_id, reservations in held.items():
        rows.remember(("reservations", order_id), tuple(reservations))


async def _reservations(connection: AsyncConnection, order_id: str) -> tuple[Reservation, ...]:
    known: tuple[Reservation, ...] | None = rows.recall(("reservations", order_id))
    if known is not None:
        return known
    found = await connection.execute(
        select(material_reservations)
        .where(material_reservations.c.order_id == order_id)
        .order_by(material_reservations.c.material_code)
    )
    return tuple(Reservation(row.material_code, row.reserved, row.to_purchase) for row in found)


async def load(connection: AsyncConnection, order_id: str) -> ProductionOrder | None:
    """The production order as it is in this transaction (read once per unit of work)."""
    found = await rows.load(connection, production_orders, order_id)
    if found is None:
        return None
    row = SimpleNamespace(**found)
    return ProductionOrder(
        order_id=row.order_id,
        production_order_id=row.production_order_id,
        customer_id=row.customer_id,
        lines=_LINES.validate_python(row.lines),
        requested_delivery_date=row.requested_delivery_date,
        assessment=_ASSESSMENT.validate_python(row.assessment),
        booking=None
        if row.booked_week is None
        else Booking(week=row.booked_week, units=row.booked_units),
        release_gate=row.release,
        confirmed_delivery_date=row.confirmed_delivery_date,
        reservations=await _reservations(connection, order_id),
        status=ProductionStatus(row.status),
        ready_on=row.ready_on,
        outcome=Outcome(row.outcome) if row.outcome else None,
    )


def _row(order: ProductionOrder) -> dict[str, Any]:
    return {
        "order_id": order.order_id,
        "production_order_id": order.production_order_id,
        "customer_id": order.customer_id,
        "lines": _LINES.dump_python(order.lines, mode="json"),
        "requested_delivery_date": order.requested_delivery_date,
        "assessment": _ASSESSMENT.dump_python(order.assessment, mode="json"),
        "booked_week": order.booking.week if order.booking else None,
        "booked_units": order.booking.units if order.booking else None,
        "release": order.release_gate,
        "confirmed_delivery_date": order.confirmed_delivery_date,
        "status": order.status.value,
        "ready_on": order.ready_on,
        "outcome": order.outcome.value if order.outcome else None,
    }


async def add(connection: AsyncConnection, order: ProductionOrder) -> None:
    row = _row(order)
    await rows.add(connection, production_orders, row)
    planning.rebook(None, row)
    await _store_reservations(connection, order, previous=())


async def save(
    connection: AsyncConnection,
    order: ProductionOrder,
    previous_reservations: tuple[Reservation, ...],
) -> None:
    row = _row(order)
    before = await rows.load(connection, production_orders, order.order_id)
    await rows.save(connection, production_orders, row)
    planning.rebook(before, row)
    await _store_reservations(connection, order, previous=previous_reservations)


PENDING_RESERVATIONS = "production.reservations.pending"
"""Orders whose reservations this transaction replaced: written together at its end."""


async def _replace_reservations(
    connection: AsyncConnection, pending: dict[str, tuple[Reservation, ...]]
) -> None:
    """Replace the reservations of every order in `pending`: one DELETE and one INSERT."""
    if not pending:
        return
    await connection.execute(
        delete(material_reservations).where(material_reservations.c.order_id.in_(sorted(pending)))
    )
    added = [
        {
            "order_id": order_id,
            "material_code": item.material_code,
            "reserved": item.reserved,
            "to_purchase": item.to_purchase,
        }
        for order_id, reservations in pending.items()
        for item in reservations
    ]
    if added:
        await connection.execute(insert(material_reservations), added)
    pending.clear()


async def _store_reservations(
    connection: AsyncConnection, order: ProductionOrder, previous: tuple[Reservation, ...]
) -> None:
    """Write the order's reservations if they changed, and keep each material's `reserved`
    total (the sum over every order) in step with them."""
    if order.reservations == previous:
        return
    rows.remember(("reservations", order.order_id), order.reservations)
    pending: dict[str, tuple[Reservation, ...]] | None = rows.recall(PENDING_RESERVATIONS)
    if pending is None:
        pending = {}
        rows.remember(PENDING_RESERVATIONS, pending)
    pending[order.order_id] = order.reservations
    await rows.write_at_flush(
        connection, PENDING_RESERVATIONS, lambda conn: _replace_reservations(conn, pending)
    )
    change: dict[str, Decimal] = {}
    for item in previous:
        change[item.material_code] = change.get(item.material_code, Decimal(0)) - item.reserved
    for item in order.reservations:
        change[item.material_code] = change.get(item.material_code, Decimal(0)) + item.reserved
    for code, delta in sorted(change.items()):
        if delta == 0:
            continue
        material = await rows.load(connection, materials, code)
        if material is None:
            continue
        material["reserved"] = max(material["reserved"] + delta, Decimal(0))
        await rows.save(connection, materials, material)
