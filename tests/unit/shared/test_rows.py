"""Rows read once and written once per unit of work (shared.db.rows), on embedded SQLite with a
statement counter: what the batch saves in round trips must not cost correctness."""

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, event, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from shared.db import rows
from tests.support.databases import sqlite_database

metadata = MetaData()
accounts = Table(
    "accounts",
    metadata,
    Column("order_id", String(40), primary_key=True),
    Column("status", String(20), nullable=False),
    Column("paid", Integer, nullable=False),
)


class Counted:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.statements: list[str] = []
        event.listen(engine.sync_engine, "before_cursor_execute", self._count)

    def _count(self, _conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        self.statements.append(statement.split()[0].upper())

    def reset(self) -> None:
        self.statements.clear()


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Counted]:
    async with sqlite_database(tmp_path / "rows.db", metadata) as engine:
        async with engine.begin() as connection:
            await connection.execute(
                insert(accounts),
                [{"order_id": f"SO-{n}", "status": "open", "paid": 0} for n in range(3)],
            )
        yield Counted(engine)


async def stored(engine: AsyncEngine) -> dict[str, tuple[str, int]]:
    async with engine.connect() as connection:
        found = await connection.execute(select(accounts))
        return {row.order_id: (row.status, row.paid) for row in found}


async def test_a_row_read_twice_in_one_unit_of_work_is_read_from_the_database_once(
    db: Counted,
) -> None:
    async with db.engine.begin() as connection, rows.in_scope(connection):
        db.reset()
        first = await rows.load(connection, accounts, "SO-1")
        again = await rows.load(connection, accounts, "SO-1")

    assert first == again == {"order_id": "SO-1", "status": "open", "paid": 0}
    assert db.statements == ["SELECT"]


async def test_many_rows_are_preloaded_in_one_statement_and_missing_keys_remembered(
    db: Counted,
) -> None:
    async with db.engine.begin() as connection, rows.in_scope(connection):
        db.reset()
        await rows.preload(connection, accounts, ["SO-0", "SO-2", "SO-9"])
        found = [await rows.load(connection, accounts, key) for key in ("SO-0", "SO-2", "SO-9")]

    assert [row and row["order_id"] for row in found] == ["SO-0", "SO-2", None]
    assert db.statements == ["SELECT"]


async def test_changed_rows_are_written_at_the_end_in_one_statement_and_read_back_changed(
    db: Counted,
) -> None:
    async with db.engine.begin() as connection:
        async with rows.in_scope(connection):
            for key in ("SO-0", "SO-1"):
                row = await rows.load(connection, accounts, key)
                assert row is not None
                await rows.save(connection, accounts, row | {"paid": 10})
            row = await rows.load(connection, accounts, "SO-0")
            assert row is not None and row["paid"] == 10  # this transaction sees its change
            await rows.save(connection, accounts, row | {"paid": 25})
            db.reset()
        assert db.statements == ["UPDATE"]  # one executemany for both rows

    assert await stored(db.engine) == {
        "SO-0": ("open", 25),
        "SO-1": ("open", 10),
        "SO-2": ("open", 0),
    }


async def test_a_query_by_other_columns_sees_the_changes_once_the_table_is_flushed(
    db: Counted,
) -> None:
    async def paid(connection: AsyncConnection) -> list[str]:
        await rows.flush_table(connection, accounts)
        found = await connection.execute(select(accounts.c.order_id).where(accounts.c.paid > 0))
        return list(found.scalars())

    async with db.engine.begin() as connection, rows.in_scope(connection):
        row = await rows.load(connection, accounts, "SO-2")
        assert row is not None
        await rows.save(connection, accounts, row | {"paid": 5})
        assert await paid(connection) == ["SO-2"]


async def test_a_new_row_is_known_to_later_loads_and_to_queries_after_a_flush(
    db: Counted,
) -> None:
    async with db.engine.begin() as connection, rows.in_scope(connection):
        assert await rows.load(connection, accounts, "SO-7") is None
        await rows.add(connection, accounts, {"order_id": "SO-7", "status": "open", "paid": 1})
        db.reset()
        assert await rows.load(connection, accounts, "SO-7") is not None
        assert db.statements == []
        await rows.flush_table(connection, accounts)
        found = await connection.scalar(
            select(accounts.c.paid).where(accounts.c.order_id == "SO-7")
        )
        assert found == 1


async def test_a_row_written_another_way_is_forgotten_and_read_again(db: Counted) -> None:
    async with db.engine.begin() as connection, rows.in_scope(connection):
        await rows.load(connection, accounts, "SO-1", for_update=False)
        await connection.execute(
            accounts.update().where(accounts.c.order_id == "SO-1").values(status="closed")
        )
        rows.forget(accounts, "SO-1")
        row = await rows.load(connection, accounts, "SO-1", for_update=False)
        assert row is not None and row["status"] == "closed"


async def test_a_rolled_back_unit_of_work_leaves_nothing_behind(db: Counted) -> None:
    with pytest.raises(RuntimeError):
        async with db.engine.begin() as connection, rows.in_scope(connection):
            row = await rows.load(connection, accounts, "SO-0")
            assert row is not None
            await rows.save(connection, accounts, row | {"paid": 99})
            raise RuntimeError("handler failed")

    assert (await stored(db.engine))["SO-0"] == ("open", 0)
    async with db.engine.begin() as connection, rows.in_scope(connection):
        row = await rows.load(connection, accounts, "SO-0")
        assert row is not None and row["paid"] == 0  # no stale row from the failed scope


async def test_outside_a_unit_of_work_every_call_goes_to_the_database(db: Counted) -> None:
    async with db.engine.begin() as connection:
        row = await rows.load(connection, accounts, "SO-1")
        assert row is not None
        await rows.save(connection, accounts, row | {"paid": 3})
        db.reset()
        await rows.load(connection, accounts, "SO-1")
        assert db.statements == ["SELECT"]

    assert (await stored(db.engine))["SO-1"] == ("open", 3)


async def test_a_value_computed_once_per_unit_of_work_is_computed_again_in_the_next(
    db: Counted,
) -> None:
    calls: list[int] = []

    async def compute() -> int:
        calls.append(1)
        return len(calls)

    async with db.engine.begin() as connection, rows.in_scope(connection):
        assert await rows.once("calendar", compute) == 1
        assert await rows.once("calendar", compute) == 1
    async with db.engine.begin() as connection, rows.in_scope(connection):
        assert await rows.once("calendar", compute) == 2


async def test_new_rows_are_inserted_together_at_the_end_and_found_before_that(
    db: Counted,
) -> None:
    async with db.engine.begin() as connection:
        async with rows.in_scope(connection):
            db.reset()
            for n in (7, 8):
                await rows.add(
                    connection, accounts, {"order_id": f"SO-{n}", "status": "new", "paid": n}
                )
            await rows.save(connection, accounts, {"order_id": "SO-8", "status": "open", "paid": 8})
            assert rows.find_added(accounts, status="new") == {
                "order_id": "SO-7",
                "status": "new",
                "paid": 7,
            }
            assert db.statements == []
        assert db.statements == ["INSERT"]

    assert {k: v for k, v in (await stored(db.engine)).items() if k in ("SO-7", "SO-8")} == {
        "SO-7": ("new", 7),
        "SO-8": ("open", 8),
    }


async def test_a_row_with_a_pending_write_cannot_be_forgotten(db: Counted) -> None:
    async with db.engine.begin() as connection, rows.in_scope(connection):
        row = await rows.load(connection, accounts, "SO-1")
        assert row is not None
        await rows.save(connection, accounts, row | {"paid": 4})
        with pytest.raises(RuntimeError, match="pending"):
            rows.forget(accounts, "SO-1")
        await rows.flush_table(connection, accounts)
        rows.forget(accounts, "SO-1")  # written: nothing pending any more
