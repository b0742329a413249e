"""Production orders stored and read back on embedded SQLite (the service's migrations): an
order with its material list, operations, inspections and receipts comes back equal; and the
stock ledger follows it: `materials.reserved` sums what orders hold, `material_reservations`
ranks their claims, starting production takes what it consumed off hand (P4.2, P4.5, P4.8).

Every transaction runs in a row scope, as the unit of work runs it."""

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from services.production.adapters import planning, repository
from services.production.adapters.tables import material_reservations, materials
from services.production.app import DEFINITION
from services.production.domain import quality
from services.production.domain.commands import Line, ReleaseOrder
from services.production.domain.events import Assessment
from services.production.domain.feasibility import Answer, Verdict
from services.production.domain.model import Outcome, ProductionOrder
from services.production.domain.planner import Slot, iso_week
from services.production.domain.quality import Disposition
from services.production.domain.stock import Claim, MaterialLine
from shared.db import rows
from tests.support.databases import sqlite_database
from tests.unit.production.builders import (
    CLERK,
    INSPECTOR,
    LEAD_DAYS,
    MANAGER,
    SALES_MANAGER,
    TODAY,
    line,
    signed,
)

FIRST, SECOND = "SO-2031-000001", "SO-2031-000002"
VALVE = "VALVE-DN50"
CONFIRMED = date(2031, 9, 17)
ON_HAND = {"STEEL-CAST": Decimal(200), "GASKET-PTFE": Decimal(10)}


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    async with sqlite_database(tmp_path / "production.db", DEFINITION.migrations) as engine:
        async with engine.begin() as connection:
            await connection.execute(
                insert(materials),
                [
                    {
                        "material_code": code,
                        "name": code,
                        "unit": "kg",
                        "on_hand": on_hand,
                        "reserved": Decimal(0),
                        "lead_time_days": 14,
                        "supplier": "Stahlwerk AG",
                    }
                    for code, on_hand in ON_HAND.items()
                ],
            )
        yield engine


def slot(start: date) -> Slot:
    return Slot(iso_week(start), start, start + timedelta(days=LEAD_DAYS))


def released(
    order_id: str = FIRST, materials_: tuple[MaterialLine, ...] | None = None
) -> ProductionOrder:
    order = ProductionOrder.start(order_id)
    order.lines = (Line(VALVE, 20),)
    order.requested_delivery_date = CONFIRMED
    order.customer_id = "CUST-0001"
    order.assessment = Assessment(
        production=Answer(Verdict.LATER, date(2031, 9, 20), "20 units in 2031-W37"),
        purchasing=Answer(Verdict.FEASIBLE, reason="all materials in stock"),
    )
    order.release(
        ReleaseOrder(order_id, CONFIRMED, (Line(VALVE, 20),), "signed"),
        materials_
        if materials_ is not None
        else (line("GASKET-PTFE", "1"), line("STEEL-CAST", "130")),
        quality.routing_operations([VALVE], {VALVE: ["machining", "assembly"]}),
        LEAD_DAYS,
    )
    order.book(slot(TODAY), "capacity")
    order.events.clear()
    return order


def far_along() -> ProductionOrder:
    """Urgent, started, patrolled (one failure reworked), inspected with a rework, partly
    received, and once reported late."""
    order = ProductionOrder.start(FIRST)
    order.mark_urgent("customer's line is down", signed(SALES_MANAGER))
    order = replace(released(), urgency=order.urgency, reported_delivery=date(2031, 9, 20))
    order.begin(TODAY, signed(MANAGER))
    order.patrol(1, False, "bore out of tolerance", signed(INSPECTOR))
    order.patrol(1, True, "", signed(INSPECTOR))
    order.patrol(2, True, "", signed(INSPECTOR))
    order.request_inspection(VALVE, 20, signed(MANAGER))
    order.sign_inspection(1, 18, 2, "leaks at the seat", signed(INSPECTOR))
    order.dispose(1, Disposition.REWORK, signed(MANAGER))
    order.receive(VALVE, 18, TODAY, signed(CLERK))
    order.events.clear()
    return order


async def stock(engine: AsyncEngine) -> dict[str, tuple[Decimal, Decimal]]:
    """(on hand, reserved) of each material, as committed."""
    async with engine.begin() as connection:
        found = await connection.execute(select(materials))
        return {row.material_code: (row.on_hand, row.reserved) for row in found}


async def claims(engine: AsyncEngine) -> list[dict[str, Any]]:
    async with engine.begin() as connection:
        found = await connection.execute(
            select(material_reservations).order_by(
                material_reservations.c.order_id, material_reservations.c.material_code
            )
        )
        return [dict(row._mapping) for row in found]


# -- round trip --------------------------------------------------------------------------------


async def test_an_order_far_along_reads_back_as_it_was_stored(engine: AsyncEngine) -> None:
    """P4.2, P4.5, P4.6, P4.8, P4.10"""
    order = far_along()
    async with engine.begin() as connection, rows.in_scope(connection):
        await repository.store(connection, order)

    async with engine.begin() as connection, rows.in_scope(connection):
        loaded = await repository.load(connection, FIRST)

    assert loaded == order
    assert loaded is not None
    assert loaded.operations[0].patrols[0].note == "bore out of tolerance"
    assert loaded.inspections[1].rework_of == 1
    assert loaded.receipts == order.receipts


async def test_a_started_empty_order_reads_back_as_it_was_stored(engine: AsyncEngine) -> None:
    """P4.5"""
    order = ProductionOrder.start(SECOND)
    async with engine.begin() as connection, rows.in_scope(connection):
        await repository.store(connection, order)

    async with engine.begin() as connection, rows.in_scope(connection):
        assert await repository.load(connection, SECOND) == order
        assert await repository.load(connection, "SO-UNKNOWN") is None


# -- the stock ledger --------------------------------------------------------------------------


async def test_reservations_of_a_released_order_add_up_in_the_material_master(
    engine: AsyncEngine,
) -> None:
    """P4.2"""
    async with engine.begin() as connection, rows.in_scope(connection):
        await repository.store(connection, released(FIRST))
        await repository.store(
            connection,
            released(SECOND, (line("STEEL-CAST", "100", reserved="70", expected_on=CONFIRMED),)),
        )

    assert await stock(engine) == {
        "STEEL-CAST": (Decimal(200), Decimal(200)),
        "GASKET-PTFE": (Decimal(10), Decimal(1)),
    }
    assert [
        (c["order_id"], c["material_code"], c["reserved"], c["to_purchase"])
        for c in await claims(engine)
    ] == [
        (FIRST, "GASKET-PTFE", Decimal(1), Decimal(0)),
        (FIRST, "STEEL-CAST", Decimal(130), Decimal(0)),
        (SECOND, "STEEL-CAST", Decimal(70), Decimal(30)),
    ]


async def test_an_order_stored_several_times_in_one_transaction_is_counted_once(
    engine: AsyncEngine,
) -> None:
    """P4.2"""
    async with engine.begin() as connection, rows.in_scope(connection):
        order = released(FIRST, (line("STEEL-CAST", "130", reserved="100"),))
        await repository.store(connection, order)
        order.material_received("STEEL-CAST", Decimal(20))
        await repository.store(connection, order)
        await repository.store(connection, order)

    assert (await stock(engine))["STEEL-CAST"] == (Decimal(200), Decimal(120))


async def test_reservations_follow_an_order_across_transactions(engine: AsyncEngine) -> None:
    """P4.2, P4.6"""
    async with engine.begin() as connection, rows.in_scope(connection):
        await repository.store(connection, released(FIRST))

    async with engine.begin() as connection, rows.in_scope(connection):
        order = await repository.load(connection, FIRST)
        assert order is not None
        order.material_taken("STEEL-CAST", Decimal(50), CONFIRMED)
        await repository.store(connection, order)

    assert (await stock(engine))["STEEL-CAST"] == (Decimal(200), Decimal(80))


async def test_starting_production_takes_what_it_consumed_off_hand_and_out_of_reserved(
    engine: AsyncEngine,
) -> None:
    """P4.2, P4.8"""
    async with engine.begin() as connection, rows.in_scope(connection):
        await repository.store(connection, released(FIRST))

    async with engine.begin() as connection, rows.in_scope(connection):
        order = await repository.load(connection, FIRST)
        assert order is not None
        order.begin(TODAY, signed(MANAGER))
        await repository.store(connection, order)

    assert await stock(engine) == {
        "STEEL-CAST": (Decimal(70), Decimal(0)),
        "GASKET-PTFE": (Decimal(9), Decimal(0)),
    }
    assert await claims(engine) == []

    async with engine.begin() as connection, rows.in_scope(connection):  # stored again: same
        order = await repository.load(connection, FIRST)
        assert order is not None
        order.patrol(1, True, "", signed(INSPECTOR))
        await repository.store(connection, order)

    assert (await stock(engine))["STEEL-CAST"] == (Decimal(70), Decimal(0))


async def test_an_order_closed_before_it_started_frees_its_reservations(
    engine: AsyncEngine,
) -> None:
    """P4.2"""
    async with engine.begin() as connection, rows.in_scope(connection):
        await repository.store(connection, released(FIRST))

    async with engine.begin() as connection, rows.in_scope(connection):
        order = await repository.load(connection, FIRST)
        assert order is not None
        order.close(Outcome.DECLINED)
        await repository.store(connection, order)

    assert await stock(engine) == {
        "STEEL-CAST": (Decimal(200), Decimal(0)),
        "GASKET-PTFE": (Decimal(10), Decimal(0)),
    }
    assert await claims(engine) == []


async def test_claims_on_a_material_rank_by_urgency_and_the_day_it_is_needed(
    engine: AsyncEngine,
) -> None:
    """P4.2, P4.6"""
    urgent = released(SECOND, (line("STEEL-CAST", "60", reserved="0"),))
    urgent.urgency = far_along().urgency
    async with engine.begin() as connection, rows.in_scope(connection):
        await repository.store(connection, released(FIRST))
        await repository.store(connection, urgent)
        found = await repository.claims_on(connection, "STEEL-CAST")

    assert sorted(found, key=lambda c: c.order_id) == [
        Claim(FIRST, Decimal(130), Decimal(0), False, TODAY, False),
        Claim(SECOND, Decimal(0), Decimal(60), True, TODAY, False),
    ]


async def test_booked_units_follow_the_bookings_stored_in_the_transaction(
    engine: AsyncEngine,
) -> None:
    """P4.5"""
    weeks = [iso_week(TODAY), iso_week(TODAY + timedelta(days=7))]
    async with engine.begin() as connection, rows.in_scope(connection):
        await repository.store(connection, released(FIRST))
        assert await planning.booked_units(connection, weeks, excluding=SECOND) == {weeks[0]: 20}
        second = released(SECOND)
        await repository.store(connection, second)
        second.book(slot(TODAY + timedelta(days=7)), "capacity")
        await repository.store(connection, second)
        assert await planning.booked_units(connection, weeks, excluding="SO-X") == {
            weeks[0]: 20,
            weeks[1]: 20,
        }
        assert await planning.booked_units(connection, weeks, excluding=FIRST) == {weeks[1]: 20}


async def test_a_week_first_asked_for_after_a_booking_into_it_counts_that_booking_once(
    engine: AsyncEngine,
) -> None:
    """P4.5: each week is read when first asked for; a booking made before that is read with
    it (after the flush), not also added to what the transaction remembers."""
    this_week, next_week = iso_week(TODAY), iso_week(TODAY + timedelta(days=7))
    async with engine.begin() as connection, rows.in_scope(connection):
        await repository.store(connection, released(FIRST))
        assert await planning.booked_units(connection, [this_week], excluding="SO-X") == {
            this_week: 20
        }
        second = released(SECOND)
        await repository.store(connection, second)
        second.book(slot(TODAY + timedelta(days=7)), "capacity")
        await repository.store(connection, second)  # into a week not read yet

        assert await planning.booked_units(
            connection, [this_week, next_week], excluding="SO-X"
        ) == {this_week: 20, next_week: 20}
