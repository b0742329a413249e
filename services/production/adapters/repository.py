"""Loads and stores production orders, and keeps the stock ledger's tables in step with their
material lists (P4.2): `material_reservations` ranks every order's claim on a material,
`materials.reserved` sums them, and starting production takes what it consumed off hand."""

from collections.abc import Sequence
from decimal import Decimal
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
from services.production.domain.commands import Line
from services.production.domain.events import Assessment
from services.production.domain.model import (
    Outcome,
    ProductionOrder,
    ProductionStatus,
    Urgency,
)
from services.production.domain.planner import Slot
from services.production.domain.quality import InspectionRequest, Operation, Receipt
from services.production.domain.stock import Claim, MaterialLine
from shared.db import rows
from shared.decisions import Signature

_LINES: TypeAdapter[tuple[Line, ...] | None] = TypeAdapter(tuple[Line, ...] | None)
_ASSESSMENT: TypeAdapter[Assessment | None] = TypeAdapter(Assessment | None)
_URGENCY: TypeAdapter[Urgency | None] = TypeAdapter(Urgency | None)
_MATERIALS: TypeAdapter[tuple[MaterialLine, ...]] = TypeAdapter(tuple[MaterialLine, ...])
_SIGNATURE: TypeAdapter[Signature | None] = TypeAdapter(Signature | None)
_OPERATIONS: TypeAdapter[tuple[Operation, ...]] = TypeAdapter(tuple[Operation, ...])
_INSPECTIONS: TypeAdapter[tuple[InspectionRequest, ...]] = TypeAdapter(
    tuple[InspectionRequest, ...]
)
_RECEIPTS: TypeAdapter[tuple[Receipt, ...]] = TypeAdapter(tuple[Receipt, ...])


async def preload(connection: AsyncConnection, bodies: Sequence[Any]) -> None:
    """Before a batch of events: their production orders, locked, in one statement."""
    await rows.preload(connection, production_orders, sorted({body.order_id for body in bodies}))


def _order(row: dict[str, Any]) -> ProductionOrder:
    booking = None
    if row["booked_week"] is not None and row["booked_start"] is not None:
        booking = Slot(row["booked_week"], row["booked_start"], row["booked_ready"])
    return ProductionOrder(
        order_id=row["order_id"],
        production_order_id=row["production_order_id"],
        customer_id=row["customer_id"],
        safety_stock=bool(row["safety_stock"]),
        lines=_LINES.validate_python(row["lines"]),
        requested_delivery_date=row["requested_delivery_date"],
        assessment=_ASSESSMENT.validate_python(row["assessment"]),
        booking=booking,
        release_gate=row["release"],
        confirmed_delivery_date=row["confirmed_delivery_date"],
        urgency=_URGENCY.validate_python(row["urgency"]),
        materials=_MATERIALS.validate_python(_issued(row["materials"] or ())),
        status=ProductionStatus(row["status"]),
        started=_SIGNATURE.validate_python(row["started"]),
        operations=_OPERATIONS.validate_python(row["operations"] or ()),
        inspections=_INSPECTIONS.validate_python(row["inspections"] or ()),
        receipts=_RECEIPTS.validate_python(row["receipts"] or ()),
        reported_delivery=row["reported_delivery"],
        ready_on=row["ready_on"],
        outcome=Outcome(row["outcome"]) if row["outcome"] else None,
        version=row["version"],
        settled=row["settled"],
        answered=row["answered"],
        assessed_version=row["assessed_version"],
        held_for=row["held_for"],
        release_version=row["release_version"],
        release_lines=_LINES.validate_python(row["release_lines"]),
        applied_lines=_LINES.validate_python(row["applied_lines"]),
        made_before=row["made_before"],
    )


def _issued(stored: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Material lines as stored; one written before the issued quantity was kept (P7.3) says
    only whether it was consumed at the start, which issued all its reservation."""
    return [
        line
        if "issued" in line
        else {**line, "issued": line["reserved"] if line.get("consumed") else "0"}
        for line in stored
    ]


async def load(connection: AsyncConnection, order_id: str) -> ProductionOrder | None:
    """The production order as it is in this transaction (read once per unit of work)."""
    found = await rows.load(connection, production_orders, order_id)
    if found is None:
        return None
    order = _order(found)
    rows.remember(("materials", order_id), order.materials)
    rows.remember(("claims", order_id), _claims(order))
    return order


def _row(order: ProductionOrder) -> dict[str, Any]:
    booking = order.booking
    return {
        "order_id": order.order_id,
        "production_order_id": order.production_order_id,
        "customer_id": order.customer_id,
        "safety_stock": order.safety_stock,
        "lines": _LINES.dump_python(order.lines, mode="json"),
        "requested_delivery_date": order.requested_delivery_date,
        "assessment": _ASSESSMENT.dump_python(order.assessment, mode="json"),
        "booked_week": booking.week if booking else None,
        "booked_units": order.units_to_book if booking else None,
        "booked_start": booking.start if booking else None,
        "booked_ready": booking.ready if booking else None,
        "release": order.release_gate,
        "confirmed_delivery_date": order.confirmed_delivery_date,
        "urgency": _URGENCY.dump_python(order.urgency, mode="json"),
        "materials": [
            {**stored, "consumed": line.consumed}  # as read before the issued quantity was kept
            for line, stored in zip(
                order.materials, _MATERIALS.dump_python(order.materials, mode="json"), strict=True
            )
        ],
        "status": order.status.value,
        "started": _SIGNATURE.dump_python(order.started, mode="json"),
        "operations": _OPERATIONS.dump_python(order.operations, mode="json"),
        "inspections": _INSPECTIONS.dump_python(order.inspections, mode="json"),
        "receipts": _RECEIPTS.dump_python(order.receipts, mode="json"),
        "reported_delivery": order.reported_delivery,
        "ready_on": order.ready_on,
        "outcome": order.outcome.value if order.outcome else None,
        "version": order.version,
        "settled": order.settled,
        "answered": order.answered,
        "assessed_version": order.assessed_version,
        "held_for": order.held_for,
        "release_version": order.release_version,
        "release_lines": _LINES.dump_python(order.release_lines, mode="json"),
        "applied_lines": _LINES.dump_python(order.applied_lines, mode="json"),
        "made_before": order.made_before,
    }


async def store(connection: AsyncConnection, order: ProductionOrder) -> None:
    """Add or save the order, rebook its week and keep the stock ledger in step."""
    row = _row(order)
    before = await rows.load(connection, production_orders, order.order_id)
    if before is None:
        await rows.add(connection, production_orders, row)
        planning.rebook(None, row)
        previous: tuple[MaterialLine, ...] = ()
    else:
        await rows.save(connection, production_orders, row)
        planning.rebook(before, row)
        previous = rows.recall(("materials", order.order_id)) or ()
    rows.remember(("materials", order.order_id), order.materials)
    await _store_ledger(connection, order, previous)


async def sync(connection: AsyncConnection, order: ProductionOrder) -> None:
    """Keep the stock ledger in step with the order now, and store the order itself only if
    its booking changed (the planner's booked units must see it at once); `store` writes the
    rest at the end of the unit of work. Serialising an order's JSON columns is most of what
    storing it costs, and a release changes its materials several times."""
    before = await rows.load(connection, production_orders, order.order_id)
    booking = order.booking
    if (
        before is None
        or before["booked_week"] != (booking.week if booking else None)
        or before["booked_start"] != (booking.start if booking else None)
        or before["booked_units"] != (order.units_to_book if booking else None)
    ):
        await store(connection, order)
        return
    previous = rows.recall(("materials", order.order_id)) or ()
    rows.remember(("materials", order.order_id), order.materials)
    await _store_ledger(connection, order, previous)


PENDING_CLAIMS = "production.claims.pending"
"""Orders whose claims this transaction changed: written together at its end."""


async def _replace_claims(
    connection: AsyncConnection, pending: dict[str, list[dict[str, Any]]]
) -> None:
    if not pending:
        return
    await connection.execute(
        delete(material_reservations).where(material_reservations.c.order_id.in_(sorted(pending)))
    )
    added = [claim for claims in pending.values() for claim in claims]
    if added:
        await connection.execute(insert(material_reservations), added)
    pending.clear()


def _claims(order: ProductionOrder) -> list[dict[str, Any]]:
    """The order's rows in `material_reservations`: what it holds or lacks of each material."""
    needed_by = order.booking.start if order.booking else order.due
    return [
        {
            "order_id": order.order_id,
            "material_code": line.material_code,
            "reserved": line.held,
            "to_purchase": line.shortfall,
            "urgent": order.urgent,
            "needed_by": needed_by,
            "started": line.consumed,
        }
        for line in order.materials
        if line.held or line.shortfall
    ]


async def _store_ledger(
    connection: AsyncConnection, order: ProductionOrder, previous: tuple[MaterialLine, ...]
) -> None:
    """Write the order's claims if its material list changed; move each material's reserved
    total by what the order holds more or less; take what was issued since off hand."""
    claims = _claims(order)
    if order.materials == previous and rows.recall(("claims", order.order_id)) == claims:
        return
    rows.remember(("claims", order.order_id), claims)
    pending: dict[str, list[dict[str, Any]]] | None = rows.recall(PENDING_CLAIMS)
    if pending is None:
        pending = {}
        rows.remember(PENDING_CLAIMS, pending)
    pending[order.order_id] = claims
    await rows.write_at_flush(
        connection, PENDING_CLAIMS, lambda conn: _replace_claims(conn, pending)
    )
    held: dict[str, Decimal] = {}
    used: dict[str, Decimal] = {}
    before = {line.material_code: line for line in previous}
    for line in previous:
        held[line.material_code] = held.get(line.material_code, Decimal(0)) - line.held
    for line in order.materials:
        held[line.material_code] = held.get(line.material_code, Decimal(0)) + line.held
        old = before.get(line.material_code)
        issued = line.issued - (old.issued if old is not None else Decimal(0))
        if issued > 0:
            used[line.material_code] = used.get(line.material_code, Decimal(0)) + issued
    for code in sorted(set(held) | set(used)):
        if not held.get(code) and not used.get(code):
            continue
        material = await rows.load(connection, materials, code)
        if material is None:
            continue
        material["reserved"] = max(material["reserved"] + held.get(code, Decimal(0)), Decimal(0))
        material["on_hand"] = max(material["on_hand"] - used.get(code, Decimal(0)), Decimal(0))
        await rows.save(connection, materials, material)


async def claims_on(connection: AsyncConnection, material_code: str) -> list[Claim]:
    """Every order's claim on a material (reserved or short), after this transaction's own."""
    await rows.flush(connection)
    found = await connection.execute(
        select(material_reservations).where(material_reservations.c.material_code == material_code)
    )
    return [
        Claim(
            order_id=row.order_id,
            reserved=row.reserved,
            shortfall=row.to_purchase,
            urgent=row.urgent,
            needed_by=row.needed_by,
            started=row.started,
        )
        for row in found
    ]
