"""Production's planning data in its own database: master data loaded from the seed at start,
the capacity calendar, what other orders booked, bills of materials and stock (P2.4, P4.1, P4.2,
P4.3, P4.5).
"""

from collections.abc import Collection, Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.production.adapters.tables import (
    bill_of_materials,
    materials,
    production_orders,
    routings,
    weekly_capacity,
)
from services.production.domain.materials import BomLine, Stock
from services.production.domain.planner import DEFAULT_WEEK, CapacityCalendar
from services.production.domain.stock import MaterialLine
from shared.db import rows
from shared.db.upsert import upsert
from shared.seed.model import Seed


async def load_master_data(connection: AsyncConnection, seed: Seed) -> None:
    """Production owns materials, bills of materials and weekly capacity: take the seed's
        version of each at start. Materials are upserted, but stock is production's own ledger: a
    material's on-hand quantity comes from the seed only when the material is new, and its
    reservations stay as they are;
        the bill of materials is replaced as a whole; the capacity calendar's weeks are upserted
        and those the seed no longer names deleted."""
    await upsert(
        connection,
        materials,
        [
            {
                "material_code": material.material_code,
                "name": material.name,
                "unit": material.unit,
                "on_hand": material.on_hand,
                "lead_time_days": material.lead_time_days,
                "supplier": material.supplier,
                "reserved": Decimal(0),
            }
            for material in seed.materials
        ],
        insert_only={"reserved", "on_hand"},
    )
    await connection.execute(delete(bill_of_materials))
    if seed.bill_of_materials:
        await connection.execute(
            insert(bill_of_materials),
            [
                {
                    "product_code": line.product_code,
                    "material_code": line.material_code,
                    "quantity_per_unit": line.quantity_per_unit,
                }
                for line in seed.bill_of_materials
            ],
        )
    # The calendar is changed in place, not deleted and inserted again: a planner of another
    # replica waiting on its rows (FOR UPDATE) then reads the new rows, where after a DELETE it
    # would skip them all and plan with no capacity at all.
    await connection.execute(delete(routings))
    if seed.routings:
        await connection.execute(
            insert(routings),
            [
                {"product_code": routing.product_code, "operations": list(routing.operations)}
                for routing in seed.routings
            ],
        )
    capacity = seed.weekly_capacity
    weeks = [
        {"week": DEFAULT_WEEK, "units": capacity.default_units},
        {"week": LEAD_DAYS, "units": capacity.lead_days},
    ] + [{"week": week, "units": units} for week, units in sorted(capacity.overrides.items())]
    await connection.execute(
        delete(weekly_capacity).where(weekly_capacity.c.week.not_in([w["week"] for w in weeks]))
    )
    await upsert(connection, weekly_capacity, weeks)


LEAD_DAYS = "lead_days"
"""The calendar's row that holds the production lead time in days, not a week's units."""

CALENDAR = "production.calendar"
"""The row scope's memo of the capacity calendar, read (and locked) once per transaction."""


async def load_calendar(connection: AsyncConnection) -> CapacityCalendar:
    """The capacity calendar, locked for the rest of the transaction: planners (feasibility,
    release) take turns, so two orders never book the same free units."""

    async def locked() -> CapacityCalendar:
        found = (
            await connection.execute(
                select(weekly_capacity).order_by(weekly_capacity.c.week).with_for_update()
            )
        ).all()
        units = {row.week: row.units for row in found}
        default = units.pop(DEFAULT_WEEK, 0)
        lead_days = units.pop(LEAD_DAYS, 5)
        return CapacityCalendar(default_units=default, overrides=units, lead_days=lead_days)

    return await rows.once(CALENDAR, locked)


BOOKED = "production.booked"
"""The row scope's memo of booked units per week: (units, orders, weeks read) for the weeks read
so far, kept up to date by the repository as bookings change within the transaction."""

Booked = tuple[dict[str, int], dict[str, int], set[str]]


async def booked_units(
    connection: AsyncConnection, weeks: Collection[str], excluding: str
) -> dict[str, int]:
    """Units other orders booked in each of the given weeks (a week no other order booked is
    left out). Each week is read once per transaction, only when first asked for (not every
    week ever booked), after the calendar's lock is held (`load_calendar`), so no other
    planner's booking can come in between."""
    known: Booked | None = rows.recall(BOOKED)
    if known is None:
        known = ({}, {}, set())
        rows.remember(BOOKED, known)  # outside a unit of work: nothing kept, read every time
    units, orders, read = known
    unread = sorted(set(weeks) - read)
    if unread:
        # Kept for the whole transaction, so read under the calendar's lock even if the caller
        # has not taken it yet: read before it, another planner's booking committed between
        # the read and the lock would be missed until the transaction ends.
        await load_calendar(connection)
        await rows.flush_table(connection, production_orders)  # this batch's bookings count
        found = await connection.execute(
            select(
                production_orders.c.booked_week,
                func.sum(production_orders.c.booked_units),
                func.count(),
            )
            .where(production_orders.c.booked_week.in_(unread))
            .group_by(production_orders.c.booked_week)
        )
        for week, total, count in found:
            units[week], orders[week] = int(total or 0), int(count)
        read.update(unread)
    own = await rows.load(connection, production_orders, excluding)
    own_week = None if own is None else own["booked_week"]
    own_units = 0 if own is None else int(own["booked_units"] or 0)
    booked: dict[str, int] = {}
    for week in set(weeks):
        mine = week == own_week
        if orders.get(week, 0) - (1 if mine else 0) > 0:
            booked[week] = units.get(week, 0) - (own_units if mine else 0)
    return booked


def rebook(before: Mapping[str, Any] | None, after: Mapping[str, Any]) -> None:
    """Keep this transaction's booked units per week in step with an order's changed booking
    (`before` and `after` are its stored rows)."""
    known: Booked | None = rows.recall(BOOKED)
    if known is None:
        return
    units, orders, read = known
    for row, sign in ((before, -1), (after, 1)):
        if row is None or row["booked_week"] not in read:  # unread: read with the change later
            continue
        week = row["booked_week"]
        units[week] = units.get(week, 0) + sign * int(row["booked_units"] or 0)
        orders[week] = orders.get(week, 0) + sign


async def bom_for(
    connection: AsyncConnection, product_codes: Collection[str]
) -> dict[str, tuple[BomLine, ...]]:
    codes = tuple(sorted(set(product_codes)))

    async def read() -> dict[str, tuple[BomLine, ...]]:
        found = await connection.execute(
            select(bill_of_materials)
            .where(bill_of_materials.c.product_code.in_(codes))
            .order_by(bill_of_materials.c.product_code, bill_of_materials.c.material_code)
        )
        bom: dict[str, list[BomLine]] = {}
        for row in found:
            bom.setdefault(row.product_code, []).append(
                BomLine(row.product_code, row.material_code, row.quantity_per_unit)
            )
        return {product: tuple(lines) for product, lines in bom.items()}

    return await rows.once(("production.bom", codes), read)


def materials_of(bom: dict[str, tuple[BomLine, ...]]) -> set[str]:
    return {line.material_code for lines in bom.values() for line in lines}


async def stock_for(
    connection: AsyncConnection, codes: Iterable[str], own: Iterable[MaterialLine] = ()
) -> dict[str, Stock]:
    """Each material's stock as one order sees it: what every other order reserved is taken,
    what the store holds for this one (`own`) is free to it (the materials are locked until the
    transaction ends)."""
    mine = {item.material_code: item.held for item in own}
    found = await rows.load_many(connection, materials, codes, for_update=True)
    return {
        row["material_code"]: Stock(
            material_code=row["material_code"],
            name=row["name"],
            unit=row["unit"],
            on_hand=row["on_hand"],
            reserved_by_others=row["reserved"] - mine.get(row["material_code"], Decimal(0)),
            lead_time_days=row["lead_time_days"],
            supplier=row["supplier"],
        )
        for row in found
    }


async def routings_for(
    connection: AsyncConnection, product_codes: Collection[str]
) -> dict[str, list[str]]:
    """Each product's operations, in order, for those that have a routing (P4.8); read once
    per transaction for the same products."""
    codes = tuple(sorted(set(product_codes)))

    async def read() -> dict[str, list[str]]:
        found = await connection.execute(select(routings).where(routings.c.product_code.in_(codes)))
        return {row.product_code: list(row.operations) for row in found}

    return await rows.once(("production.routings", codes), read)


async def booked_orders(connection: AsyncConnection, weeks: Collection[str]) -> list[str]:
    """The orders booked in any of `weeks`, after this transaction's own bookings."""
    await load_calendar(connection)
    await rows.flush_table(connection, production_orders)
    found = await connection.execute(
        select(production_orders.c.order_id)
        .where(production_orders.c.booked_week.in_(sorted(set(weeks))))
        .order_by(production_orders.c.order_id)
    )
    return [row.order_id for row in found]


async def due_to_start(connection: AsyncConnection, today: date, limit: int = 200) -> list[str]:
    """Released orders whose planned start has come (the automatic policy's round)."""
    found = await connection.execute(
        select(production_orders.c.order_id)
        .where(production_orders.c.status == "released")
        .where(production_orders.c.booked_start <= today)
        .order_by(production_orders.c.booked_start, production_orders.c.order_id)
        .limit(limit)
    )
    return [row.order_id for row in found]
