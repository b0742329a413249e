"""Booked units per week, read once per unit of work (embedded SQLite): they follow every
booking the unit of work changes, leave out the order being assessed, and are read only under
the capacity calendar's lock."""

from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from services.production.adapters import planning, repository
from services.production.app import DEFINITION
from services.production.domain.model import Booking, ProductionOrder
from shared.db import rows
from tests.support.databases import sqlite_database

WEEKS = ["2027-W10", "2027-W11", "2027-W12"]
FIRST, SECOND, THIRD = "SO-2027-000001", "SO-2027-000002", "SO-2027-000003"


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    async with sqlite_database(tmp_path / "production.db", DEFINITION.migrations) as engine:
        yield engine


def booked(order_id: str, week: str | None, units: int = 0) -> ProductionOrder:
    booking = None if week is None else Booking(week, units)
    return replace(ProductionOrder.start(order_id), booking=booking)


async def rebook(connection: AsyncConnection, order_id: str, week: str | None, units: int) -> None:
    order = await repository.load(connection, order_id)
    assert order is not None
    changed = replace(order, booking=None if week is None else Booking(week, units))
    await repository.save(connection, changed, order.reservations)


async def test_booked_units_follow_bookings_changed_several_times_in_one_unit_of_work(
    engine: AsyncEngine,
) -> None:
    async with engine.begin() as connection:
        await repository.add(connection, booked(FIRST, "2027-W10", 40))

    async with engine.begin() as connection, rows.in_scope(connection):
        await repository.add(connection, booked(SECOND, "2027-W10", 5))
        await rebook(connection, SECOND, "2027-W11", 7)  # added, then saved before any read
        assert await planning.booked_units(connection, WEEKS, excluding=THIRD) == {
            "2027-W10": 40,
            "2027-W11": 7,
        }
        await rebook(connection, FIRST, "2027-W12", 30)
        await rebook(connection, FIRST, "2027-W11", 20)
        await repository.add(connection, booked(THIRD, "2027-W11", 9))
        await rebook(connection, THIRD, None, 0)
        assert await planning.booked_units(connection, WEEKS, excluding=THIRD) == {"2027-W11": 27}
        assert await planning.booked_units(connection, WEEKS, excluding=FIRST) == {"2027-W11": 7}
        assert await planning.booked_units(connection, WEEKS, excluding=SECOND) == {"2027-W11": 20}

    async with engine.begin() as connection:  # what the database holds agrees
        assert await planning.booked_units(connection, WEEKS, excluding=THIRD) == {"2027-W11": 27}


async def test_booked_units_read_before_the_calendar_are_read_under_its_lock(
    engine: AsyncEngine,
) -> None:
    async with engine.begin() as connection, rows.in_scope(connection):
        assert rows.recall(planning.CALENDAR) is None
        await planning.booked_units(connection, WEEKS, excluding=FIRST)
        assert rows.recall(planning.CALENDAR) is not None  # the calendar is locked already
