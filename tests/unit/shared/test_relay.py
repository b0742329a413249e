"""The outbox relay: in outbox order, only the acknowledged prefix marked, nothing after a
failure handed over in the same round. Real embedded SQLite; the broker is a recording fake."""

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import MetaData, select
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.clock import FrozenClock
from shared.db.messaging_tables import add_messaging_tables
from shared.messaging.outbox import OutgoingRecord, append
from shared.messaging.relay import OutboxRelay
from tests.support.databases import sqlite_database

metadata = MetaData()
inbox, outbox = add_messaging_tables(metadata)
CLOCK = FrozenClock(datetime(2026, 11, 21, 9, 0, tzinfo=UTC))


class Broker:
    """Records what was handed over; fails the records it is told to, at hand-over or later."""

    def __init__(self) -> None:
        self.handed_over: list[bytes] = []
        self.refuse: set[bytes] = set()
        self.fail_later: set[bytes] = set()

    async def publish(
        self, topic: str, key: bytes | None, value: bytes, headers: dict[str, str]
    ) -> "asyncio.Future[Any]":
        if value in self.refuse:
            raise RuntimeError(f"refused {value!r}")
        self.handed_over.append(value)
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        if value in self.fail_later:
            future.set_exception(RuntimeError(f"not acknowledged: {value!r}"))
        else:
            future.set_result(None)
        return future


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    async with sqlite_database(tmp_path / "relay.db", metadata) as engine:
        yield engine


async def stage(engine: AsyncEngine, *values: bytes) -> None:
    records = [OutgoingRecord(v.decode(), "t", b"SO-1", v, {}) for v in values]
    async with engine.begin() as connection:
        await append(connection, outbox, records, CLOCK.now())


async def published(engine: AsyncEngine) -> list[bytes]:
    async with engine.connect() as connection:
        rows = await connection.execute(
            select(outbox.c.payload).where(outbox.c.published_at.is_not(None)).order_by(outbox.c.id)
        )
        return list(rows.scalars())


async def test_records_are_published_in_outbox_order_and_marked(engine: AsyncEngine) -> None:
    broker = Broker()
    await stage(engine, b"E1", b"E2", b"E3")

    assert await OutboxRelay(engine, outbox, broker.publish, CLOCK).publish_pending() == 3
    assert broker.handed_over == [b"E1", b"E2", b"E3"]
    assert await published(engine) == [b"E1", b"E2", b"E3"]


async def test_only_the_prefix_before_an_unacknowledged_record_is_marked_published(
    engine: AsyncEngine,
) -> None:
    broker = Broker()
    broker.fail_later = {b"E2"}
    await stage(engine, b"E1", b"E2", b"E3")
    relay = OutboxRelay(engine, outbox, broker.publish, CLOCK)

    with pytest.raises(RuntimeError, match="not acknowledged"):
        await relay.publish_pending()
    assert await published(engine) == [b"E1"]

    broker.fail_later.clear()
    broker.handed_over.clear()
    assert await relay.publish_pending() == 2
    assert broker.handed_over == [b"E2", b"E3"]


async def test_nothing_after_a_refused_record_is_handed_over_in_that_round(
    engine: AsyncEngine,
) -> None:
    broker = Broker()
    broker.refuse = {b"E2"}
    await stage(engine, b"E1", b"E2", b"E3")
    relay = OutboxRelay(engine, outbox, broker.publish, CLOCK)

    with pytest.raises(RuntimeError, match="refused"):
        await relay.publish_pending()
    assert broker.handed_over == [b"E1"]
    assert await published(engine) == [b"E1"]

    broker.refuse.clear()
    assert await relay.publish_pending() == 2
    assert broker.handed_over == [b"E1", b"E2", b"E3"]


async def test_the_relay_keeps_going_after_a_failed_round(engine: AsyncEngine) -> None:
    broker = Broker()
    broker.refuse = {b"E1"}
    await stage(engine, b"E1", b"E2")
    relay = OutboxRelay(engine, outbox, broker.publish, CLOCK, idle_seconds=0.01)
    task = asyncio.create_task(relay.run())
    try:
        await asyncio.sleep(0.1)
        assert await published(engine) == []
        broker.refuse.clear()
        for _ in range(100):
            if len(await published(engine)) == 2:
                break
            await asyncio.sleep(0.05)
        assert await published(engine) == [b"E1", b"E2"]
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
