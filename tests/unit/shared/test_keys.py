"""`shared.db.keys.one_of` on embedded SQLite, which has no arrays: an IN list there."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.db.keys import one_of
from tests.support.databases import sqlite_database

metadata = MetaData()
orders = Table(
    "orders",
    metadata,
    Column("order_id", String(40), primary_key=True),
    Column("units", Integer, nullable=False),
)


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    async with sqlite_database(tmp_path / "keys.db", metadata) as engine:
        async with engine.begin() as connection:
            await connection.execute(
                insert(orders), [{"order_id": f"SO-{n}", "units": n} for n in range(10)]
            )
        yield engine


@pytest.mark.parametrize(
    ("wanted", "units"),
    [([], []), (["SO-3"], [3]), (["SO-1", "SO-8", "SO-none", "SO-1"], [1, 8])],
)
async def test_one_of_finds_the_rows_of_exactly_the_keys_given(
    engine: AsyncEngine, wanted: list[str], units: list[int]
) -> None:
    async with engine.connect() as connection:
        condition = one_of(connection, orders.c.order_id, iter(wanted))
        found = await connection.execute(select(orders.c.units).where(condition))

        assert sorted(row.units for row in found) == units
        assert "ANY" not in str(condition.compile(dialect=connection.dialect))
