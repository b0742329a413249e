"""Review finding: a replica that restarts reloads production's master data while another
replica plans. Replacing the capacity calendar by DELETE + INSERT lets a planner that waits on
the deleted rows (SELECT ... FOR UPDATE) come back with an empty calendar under READ COMMITTED,
so it plans with no capacity at all. Real PostgreSQL."""

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from services.production.adapters import planning
from shared.db.engine import create_engine
from shared.db.migrate import upgrade_to_head
from shared.seed import load_seed

pytestmark = pytest.mark.integration

MIGRATIONS = Path(__file__).parents[2] / "services" / "production" / "migrations"


@pytest.fixture
async def engine(postgres_database: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(postgres_database)
    await upgrade_to_head(engine, MIGRATIONS)
    yield engine
    await engine.dispose()


async def test_a_planner_never_sees_an_empty_calendar_while_master_data_is_reloaded(
    engine: AsyncEngine,
) -> None:
    seed = load_seed()
    async with engine.begin() as connection:
        await planning.load_master_data(connection, seed)
        expected = await planning.load_calendar(connection)

    async with engine.connect() as restarting:
        await restarting.begin()
        await planning.load_master_data(restarting, seed)  # holds the calendar's rows

        async def plan() -> object:
            async with engine.begin() as connection:
                return await planning.load_calendar(connection)

        planner = asyncio.create_task(plan())
        await asyncio.sleep(0.5)  # the planner now waits on the calendar's rows
        assert not planner.done()
        await restarting.commit()
        seen = await planner

    assert seen == expected
