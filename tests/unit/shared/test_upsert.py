"""Insert-or-update and insert-or-ignore, matched on the primary key: run on SQLite, and the
statement PostgreSQL gets compiled."""

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, select
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from shared.db.upsert import insert_or_ignore, upsert
from tests.support.databases import sqlite_database

metadata = MetaData()
stock = Table(
    "stock",
    metadata,
    Column("site", String(10), primary_key=True),
    Column("code", String(10), primary_key=True),
    Column("name", String(50), nullable=False),
    Column("reserved", Integer, nullable=False),
)
tags = Table("tags", metadata, Column("tag", String(10), primary_key=True))


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    async with sqlite_database(tmp_path / "upsert.db", metadata) as engine:
        yield engine


async def rows(connection: AsyncConnection, table: Table) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in await connection.execute(select(table).order_by(*table.c))]


async def test_new_rows_are_inserted_and_stored_ones_replaced_by_primary_key(
    engine: AsyncEngine,
) -> None:
    async with engine.begin() as connection:
        await upsert(
            connection,
            stock,
            [
                {"site": "A", "code": "X", "name": "old", "reserved": 1},
                {"site": "B", "code": "X", "name": "other site", "reserved": 2},
            ],
        )
        await upsert(
            connection,
            stock,
            [
                {"site": "A", "code": "X", "name": "new", "reserved": 5},
                {"site": "A", "code": "Y", "name": "added", "reserved": 0},
            ],
        )

        assert await rows(connection, stock) == [
            ("A", "X", "new", 5),
            ("A", "Y", "added", 0),
            ("B", "X", "other site", 2),
        ]


async def test_insert_only_columns_are_kept_when_the_row_is_stored(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        await upsert(connection, stock, [{"site": "A", "code": "X", "name": "old", "reserved": 7}])
        await upsert(
            connection,
            stock,
            [
                {"site": "A", "code": "X", "name": "renamed", "reserved": 0},
                {"site": "A", "code": "Y", "name": "added", "reserved": 0},
            ],
            insert_only={"reserved"},
        )

        assert await rows(connection, stock) == [("A", "X", "renamed", 7), ("A", "Y", "added", 0)]


async def test_a_table_of_keys_only_keeps_what_it_has_and_nothing_is_a_no_op(
    engine: AsyncEngine,
) -> None:
    async with engine.begin() as connection:
        await upsert(connection, tags, [{"tag": "a"}])
        await upsert(connection, tags, [{"tag": "a"}, {"tag": "b"}])
        await upsert(connection, tags, [])

        assert await rows(connection, tags) == [("a",), ("b",)]


async def test_insert_or_ignore_says_whether_the_row_was_new(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        first = await insert_or_ignore(
            connection, stock, {"site": "A", "code": "X", "name": "first", "reserved": 1}
        )
        again = await insert_or_ignore(
            connection, stock, {"site": "A", "code": "X", "name": "second", "reserved": 2}
        )

        assert (first, again) == (True, False)
        assert await rows(connection, stock) == [("A", "X", "first", 1)]


@dataclass
class Recorder:
    """Stands in for a PostgreSQL connection: keeps the statements instead of running them."""

    dialect: postgresql.base.PGDialect = field(default_factory=postgresql.dialect)
    statements: list[str] = field(default_factory=list)

    async def execute(self, statement: Any, parameters: Any = None) -> Any:
        self.statements.append(str(statement.compile(dialect=self.dialect)))
        return self

    def first(self) -> None:
        return None


async def test_on_postgresql_the_same_on_conflict_clauses_are_used() -> None:
    recorder = Recorder()
    connection = cast(AsyncConnection, recorder)

    await upsert(
        connection,
        stock,
        [{"site": "A", "code": "X", "name": "n", "reserved": 0}],
        insert_only={"reserved"},
    )
    await insert_or_ignore(connection, tags, {"tag": "a"})

    upserted, ignored = recorder.statements
    assert "ON CONFLICT (site, code) DO UPDATE SET name = excluded.name" in upserted
    assert "reserved = excluded" not in upserted
    assert "ON CONFLICT (tag) DO NOTHING RETURNING tags.tag" in ignored
