"""Yearly numbers: consecutive within a unit of work, no gap after a rollback (embedded SQLite;
tests/integration/test_shared_database.py draws them from two replicas on PostgreSQL)."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, select
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.db import rows
from shared.db.sequences import next_in_year
from tests.support.databases import sqlite_database

metadata = MetaData()
counters = Table(
    "counters",
    metadata,
    Column("year", Integer, primary_key=True),
    Column("last_number", Integer, nullable=False),
)


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    async with sqlite_database(tmp_path / "numbers.db", metadata) as engine:
        yield engine


async def last_number(engine: AsyncEngine) -> int | None:
    async with engine.connect() as connection:
        return await connection.scalar(
            select(counters.c.last_number).where(counters.c.year == 2026)
        )


async def test_numbers_drawn_in_one_unit_of_work_are_consecutive_and_the_last_is_stored(
    engine: AsyncEngine,
) -> None:
    async with engine.begin() as connection, rows.in_scope(connection):
        drawn = [await next_in_year(connection, counters, 2026) for _ in range(4)]
    async with engine.begin() as connection, rows.in_scope(connection):
        drawn.append(await next_in_year(connection, counters, 2026))

    assert drawn == [1, 2, 3, 4, 5]
    assert await last_number(engine) == 5


async def test_a_rolled_back_unit_of_work_leaves_no_gap(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        assert await next_in_year(connection, counters, 2026) == 1
    with pytest.raises(RuntimeError):
        async with engine.begin() as connection, rows.in_scope(connection):
            await next_in_year(connection, counters, 2026)
            await next_in_year(connection, counters, 2026)
            raise RuntimeError("handler failed")
    async with engine.begin() as connection:
        assert await next_in_year(connection, counters, 2026) == 2
