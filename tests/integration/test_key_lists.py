"""Reading many rows by key on real PostgreSQL (`shared.db.keys.one_of`): one prepared statement
whatever the number of keys, and a plan made for each execution, so a statement first run on
an empty table does not keep scanning it once it has grown."""

from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, event, insert, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.db import rows
from shared.db.engine import create_engine
from shared.db.keys import one_of

pytestmark = pytest.mark.integration

metadata = MetaData()
steps = Table(
    "steps",
    metadata,
    Column("order_id", String(40), primary_key=True),
    Column("units", Integer, nullable=False),
)


@pytest.fixture
async def engine(postgres_database: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(postgres_database)
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
    yield engine
    await engine.dispose()


async def test_key_lists_of_any_length_are_one_statement_and_find_exactly_their_rows(
    engine: AsyncEngine,
) -> None:
    async with engine.begin() as connection:
        await connection.execute(
            insert(steps), [{"order_id": f"SO-{n}", "units": n} for n in range(400)]
        )
    sent: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        sent.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    found: dict[int, list[int]] = {}
    async with engine.connect() as connection:
        for size in (0, 1, 7, 150):
            wanted = [f"SO-{n}" for n in range(0, 2 * size, 2)] + ["SO-none"]
            result = await connection.execute(
                select(steps.c.units).where(one_of(connection, steps.c.order_id, wanted))
            )
            found[size] = sorted(row.units for row in result)

    assert found == {size: list(range(0, 2 * size, 2)) for size in (0, 1, 7, 150)}
    assert len(set(sent)) == 1
    assert "ANY" in sent[0]


async def test_a_key_lookup_first_run_on_an_empty_table_is_planned_anew_at_every_run(
    engine: AsyncEngine,
) -> None:
    """PostgreSQL would switch a prepared statement to a generic plan after five runs, made
    while the table is empty (a sequential scan) and kept as it grows: the services' sessions
    plan every run instead."""
    async with engine.connect() as connection:
        for round_no in range(12):
            async with connection.begin():
                if round_no >= 6:  # the table grows once the statement has run six times
                    await connection.execute(
                        insert(steps),
                        [{"order_id": f"SO-{round_no}-{n}", "units": n} for n in range(200)],
                    )
                async with rows.in_scope(connection):
                    wanted = [f"SO-{round_no}-{n}" for n in range(0, 200, 2)]
                    await rows.preload(connection, steps, wanted)
        plans = (
            await connection.execute(
                text(
                    "SELECT generic_plans, custom_plans FROM pg_prepared_statements "
                    "WHERE statement LIKE 'SELECT steps.%ANY%'"
                )
            )
        ).one()

    assert plans.custom_plans >= 12
    assert plans.generic_plans == 0
