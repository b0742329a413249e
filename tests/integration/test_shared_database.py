"""Several processes of one service on one PostgreSQL database: what keeps them apart is the
database (atomic counters, advisory locks), not a lock in any one process. Real PostgreSQL."""

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, select
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.clock import FrozenClock
from shared.db import rows
from shared.db.engine import create_engine
from shared.db.locks import one_at_a_time
from shared.db.messaging_tables import add_messaging_tables
from shared.db.sequences import next_in_year
from shared.messaging.outbox import OutgoingRecord, append
from shared.messaging.relay import OutboxRelay

pytestmark = pytest.mark.integration

metadata = MetaData()
inbox, outbox = add_messaging_tables(metadata)
counters = Table(
    "counters",
    metadata,
    Column("year", Integer, primary_key=True),
    Column("last_number", Integer, nullable=False),
)
CLOCK = FrozenClock(datetime(2026, 11, 21, 9, 0, tzinfo=UTC))


@pytest.fixture
async def engines(postgres_database: str) -> AsyncIterator[list[AsyncEngine]]:
    """Two engines on one database, as two replicas have."""
    pair = [create_engine(postgres_database), create_engine(postgres_database)]
    async with pair[0].begin() as connection:
        await connection.run_sync(metadata.create_all)
    yield pair
    for engine in pair:
        await engine.dispose()


async def test_two_replicas_drawing_numbers_at_once_never_get_the_same_one(
    engines: list[AsyncEngine],
) -> None:
    async def draw(engine: AsyncEngine, count: int) -> list[int]:
        numbers = []
        for _ in range(count):
            async with engine.begin() as connection:
                numbers.append(await next_in_year(connection, counters, 2026))
        return numbers

    first, second = await asyncio.gather(draw(engines[0], 60), draw(engines[1], 60))

    assert sorted(first + second) == list(range(1, 121))


async def test_two_replicas_counting_numbers_on_in_their_units_of_work_never_share_one(
    engines: list[AsyncEngine],
) -> None:
    """In a unit of work only the first number comes from the database; the rest are counted
    on in memory, per counter table and year, and the last is written at the end."""
    others = Table(
        "others",
        MetaData(),
        Column("year", Integer, primary_key=True),
        Column("last_number", Integer, nullable=False),
    )
    async with engines[0].begin() as connection:
        await connection.run_sync(others.metadata.create_all)

    # every unit of work takes the counters' rows in the same order, as a batch does (its
    # records' years only go up), so the replicas queue behind each other and never deadlock
    plan = [(counters, 2026), (counters, 2026), (counters, 2027), (others, 2026), (others, 2026)]

    async def draw(engine: AsyncEngine, units: int) -> list[tuple[str, int, int]]:
        numbers = []
        for _ in range(units):
            async with engine.begin() as connection, rows.in_scope(connection):
                for table, year in plan:
                    numbers.append((table.name, year, await next_in_year(connection, table, year)))
                    await asyncio.sleep(0)  # let the other replica run
        return numbers

    first, second = await asyncio.gather(draw(engines[0], 30), draw(engines[1], 30))
    drawn = first + second

    for name, year, per_unit in (("counters", 2026, 2), ("counters", 2027, 1), ("others", 2026, 2)):
        numbers = sorted(n for table, y, n in drawn if (table, y) == (name, year))
        assert numbers == list(range(1, 60 * per_unit + 1))


class Broker:
    def __init__(self) -> None:
        self.values: list[bytes] = []

    async def publish(
        self, topic: str, key: bytes | None, value: bytes, headers: dict[str, str]
    ) -> "asyncio.Future[Any]":
        self.values.append(value)
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        future.set_result(None)
        return future


async def stage(engine: AsyncEngine, *values: bytes) -> None:
    async with engine.begin() as connection:
        await append(
            connection,
            outbox,
            [OutgoingRecord(v.decode(), "t", None, v, {}) for v in values],
            CLOCK.now(),
        )


async def wait_until(condition: Any, seconds: float = 10.0) -> None:
    for _ in range(int(seconds / 0.05)):
        if condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("condition not reached")


async def test_only_one_relay_publishes_and_another_takes_over_when_its_holder_dies(
    engines: list[AsyncEngine],
) -> None:
    brokers = [Broker(), Broker()]
    relays = [
        OutboxRelay(engine, outbox, broker.publish, CLOCK, idle_seconds=0.05)
        for engine, broker in zip(engines, brokers, strict=True)
    ]
    first = asyncio.create_task(relays[0].run())
    await stage(engines[0], b"E1", b"E2")
    await wait_until(lambda: len(brokers[0].values) == 2)
    second = asyncio.create_task(relays[1].run())
    await stage(engines[1], b"E3")
    await wait_until(lambda: len(brokers[0].values) == 3)
    await asyncio.sleep(0.5)
    assert brokers[1].values == []

    first.cancel()  # the holder goes away: its lock connection is closed
    with pytest.raises(asyncio.CancelledError):
        await first
    await engines[0].dispose()
    await stage(engines[1], b"E4")
    await wait_until(lambda: brokers[1].values == [b"E4"])
    second.cancel()
    with pytest.raises(asyncio.CancelledError):
        await second

    async with engines[1].connect() as connection:
        unpublished = await connection.scalar(
            select(outbox.c.id).where(outbox.c.published_at.is_(None))
        )
    assert unpublished is None
    assert brokers[0].values == [b"E1", b"E2", b"E3"]


async def test_replicas_starting_together_take_turns(engines: list[AsyncEngine]) -> None:
    inside: list[int] = []
    overlap: list[bool] = []

    async def start(engine: AsyncEngine, me: int) -> None:
        async with one_at_a_time(engine):
            inside.append(me)
            overlap.append(len(inside) > 1)
            await asyncio.sleep(0.3)
            inside.remove(me)

    await asyncio.gather(start(engines[0], 0), start(engines[1], 1))

    assert overlap == [False, False]
