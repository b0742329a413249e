"""Review findings on shared.db.rows: a row added in this unit of work and not written yet must
be found by a load on another unique column even where no preload asked for that column first
(otherwise the caller adds it a second time and the batch fails at the flush), and a row
changed here is found as changed, not as the database still has it."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import Column, MetaData, String, Table, UniqueConstraint
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.db import rows
from tests.support.databases import sqlite_database

metadata = MetaData()
shipments = Table(
    "shipments",
    metadata,
    Column("shipment_id", String(40), primary_key=True),
    Column("order_id", String(40), nullable=False),
    Column("status", String(20), nullable=False),
    UniqueConstraint("order_id"),
)


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    async with sqlite_database(tmp_path / "rows.db", metadata) as engine:
        yield engine


async def test_a_row_added_earlier_is_found_by_its_unique_column_without_a_preload(
    engine: AsyncEngine,
) -> None:
    async with engine.begin() as connection, rows.in_scope(connection):
        await rows.add(
            connection, shipments, {"shipment_id": "SH-1", "order_id": "SO-1", "status": "new"}
        )
        found = await rows.load_by(connection, shipments, "order_id", "SO-1")
        assert found is not None and found["shipment_id"] == "SH-1"


async def test_a_value_found_missing_then_added_is_found_afterwards(engine: AsyncEngine) -> None:
    async with engine.begin() as connection, rows.in_scope(connection):
        assert await rows.load_by(connection, shipments, "order_id", "SO-2") is None
        await rows.add(
            connection, shipments, {"shipment_id": "SH-2", "order_id": "SO-2", "status": "new"}
        )
        found = await rows.load_by(connection, shipments, "order_id", "SO-2")
        assert found is not None and found["shipment_id"] == "SH-2"


async def test_a_row_changed_here_is_found_by_its_unique_column_as_changed(
    engine: AsyncEngine,
) -> None:
    async with engine.begin() as connection:
        await rows.add(
            connection, shipments, {"shipment_id": "SH-3", "order_id": "SO-3", "status": "new"}
        )
    async with engine.begin() as connection, rows.in_scope(connection):
        loaded = await rows.load(connection, shipments, "SH-3")
        assert loaded is not None
        await rows.save(connection, shipments, loaded | {"status": "shipped"})
        found = await rows.load_by(connection, shipments, "order_id", "SO-3")
        assert found is not None and found["status"] == "shipped"
