"""The consume pipeline: one unit of work per message, nothing twice, nothing lost.

Runs against a real embedded SQLite database; the dead-letter sink is recorded in memory.
"""

import json
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pydantic import Field, ValidationError
from sqlalchemy import Column, Integer, MetaData, String, Table, func, insert, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from shared.clock import FrozenClock
from shared.contracts import Event, OrderClosed
from shared.contracts.common import Contract
from shared.contracts.events import OrderClosedPayload
from shared.db.messaging_tables import add_messaging_tables
from shared.messaging.events import new_event
from shared.messaging.pipeline import Pipeline
from shared.messaging.routes import Incoming, MessageRejected, Route, Source
from shared.messaging.unit_of_work import UnitOfWork
from tests.support.databases import sqlite_database

metadata = MetaData()
inbox, outbox = add_messaging_tables(metadata)
effects = Table(
    "effects", metadata, Column("id", Integer, primary_key=True), Column("order_id", String(40))
)
CLOCK = FrozenClock(datetime(2026, 11, 21, 9, 0, tzinfo=UTC))


def closed_event(order_id: str = "SO-1") -> OrderClosed:
    return new_event(
        OrderClosed,
        order_id=order_id,
        producer="test",
        causation_id=None,
        occurred_at=CLOCK.now(),
        payload=OrderClosedPayload(outcome="fulfilled"),
    )


class Harness:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.dead_letters: list[tuple[Source, bytes, str]] = []
        self.failures: list[BaseException] = []
        self.offset = 0

    async def dead_letter(self, source: Source, value: bytes, reason: str) -> None:
        self.dead_letters.append((source, value, reason))

    async def handler(
        self, connection: AsyncConnection, incoming: Incoming[Any]
    ) -> Sequence[Event]:
        if self.failures:
            raise self.failures.pop(0)
        if incoming.body.order_id == "unknown":
            raise MessageRejected("unknown order 'unknown'")
        await connection.execute(insert(effects).values(order_id=incoming.body.order_id))
        return [closed_event(incoming.body.order_id)]

    def pipeline(self, on_invalid: Any = None) -> Pipeline:
        route = Route("order.closed", OrderClosed, self.handler, on_invalid=on_invalid)
        return Pipeline(UnitOfWork(self.engine, inbox, outbox, CLOCK), [route], self.dead_letter)

    async def deliver(self, pipeline: Pipeline, value: bytes, topic: str = "order.closed") -> None:
        self.offset += 1
        await pipeline.consume(Source(topic, 0, self.offset, b"SO-1"), value)

    async def count(self, table: Table) -> int:
        async with self.engine.connect() as connection:
            return int(await connection.scalar(select(func.count()).select_from(table)) or 0)


@pytest.fixture
async def harness(tmp_path: Path) -> AsyncIterator[Harness]:
    async with sqlite_database(tmp_path / "pipeline.db", metadata) as engine:
        yield Harness(engine)


async def test_a_message_commits_its_effect_its_inbox_record_and_its_events_together(
    harness: Harness,
) -> None:
    event = closed_event()
    await harness.deliver(harness.pipeline(), event.model_dump_json().encode())

    assert await harness.count(effects) == 1
    assert await harness.count(inbox) == 1
    assert await harness.count(outbox) == 1
    assert harness.dead_letters == []


async def test_a_redelivered_event_has_no_second_effect(harness: Harness) -> None:
    pipeline = harness.pipeline()
    value = closed_event().model_dump_json().encode()
    await harness.deliver(pipeline, value)
    await harness.deliver(pipeline, value)

    assert await harness.count(effects) == 1
    assert await harness.count(outbox) == 1


async def test_bytes_that_are_not_json_are_dead_lettered_with_the_reason(harness: Harness) -> None:
    await harness.deliver(harness.pipeline(), b"\x00\xff not json")

    assert len(harness.dead_letters) == 1
    source, value, reason = harness.dead_letters[0]
    assert (source.topic, value) == ("order.closed", b"\x00\xff not json")
    assert "Invalid JSON" in reason
    assert await harness.count(outbox) == 0


async def test_schema_invalid_json_is_dead_lettered_naming_every_field_at_fault(
    harness: Harness,
) -> None:
    await harness.deliver(harness.pipeline(), json.dumps({"event_id": "nope"}).encode())

    reason = harness.dead_letters[0][2]
    assert "event_id" in reason
    assert "order_id" in reason
    assert "payload" in reason


async def test_an_invalid_message_can_be_answered_with_a_rejection_event_instead(
    harness: Harness,
) -> None:
    def reject(value: bytes, error: ValidationError, source: Source, now: datetime) -> list[Event]:
        return [closed_event("REJECTED")]

    await harness.deliver(harness.pipeline(on_invalid=reject), b"{}")

    assert harness.dead_letters == []
    async with harness.engine.connect() as connection:
        keys = (await connection.execute(select(outbox.c.message_key))).scalars().all()
    assert keys == ["REJECTED"]


async def test_a_rejected_message_is_dead_lettered_and_its_effects_rolled_back(
    harness: Harness,
) -> None:
    await harness.deliver(harness.pipeline(), closed_event("unknown").model_dump_json().encode())

    assert harness.dead_letters[0][2] == "unknown order 'unknown'"
    assert await harness.count(effects) == 0
    assert await harness.count(outbox) == 0


async def test_a_replayed_dead_letter_is_not_dead_lettered_again_nor_applied_late(
    harness: Harness,
) -> None:
    pipeline = harness.pipeline()
    garbage = Source("order.closed", 0, 41, None)
    rejected = closed_event("unknown").model_dump_json().encode()
    await pipeline.consume(garbage, b"garbage")
    await pipeline.consume(Source("order.closed", 0, 42, None), rejected)
    await pipeline.consume(garbage, b"garbage")
    await pipeline.consume(Source("order.closed", 0, 42, None), rejected)

    assert len(harness.dead_letters) == 2
    assert await harness.count(effects) == 0


async def test_a_transient_database_failure_is_retried_not_dead_lettered(harness: Harness) -> None:
    harness.failures = [OperationalError("INSERT", {}, ConnectionRefusedError("db down"))] * 3
    await harness.deliver(harness.pipeline(), closed_event().model_dump_json().encode())

    assert harness.dead_letters == []
    assert await harness.count(effects) == 1


async def test_a_handler_that_keeps_failing_is_dead_lettered_after_three_attempts(
    harness: Harness,
) -> None:
    harness.failures = [ZeroDivisionError("bug")] * 3
    await harness.deliver(harness.pipeline(), closed_event().model_dump_json().encode())

    assert len(harness.dead_letters) == 1
    assert "ZeroDivisionError: bug" in harness.dead_letters[0][2]
    assert await harness.count(effects) == 0


async def test_a_message_on_a_topic_without_a_route_is_dead_lettered(harness: Harness) -> None:
    await harness.deliver(harness.pipeline(), b"{}", topic="stray.topic")

    assert harness.dead_letters[0][2] == "no route for this topic"


class ForeignMessage(Contract):
    """A message of another system: no envelope, no event id."""

    order_id: str = Field(description="Order it concerns")


async def test_messages_from_other_systems_are_deduplicated_by_their_log_position(
    harness: Harness,
) -> None:
    route = Route("bank.topic", ForeignMessage, harness.handler)
    pipeline = Pipeline(
        UnitOfWork(harness.engine, inbox, outbox, CLOCK), [route], harness.dead_letter
    )
    value = ForeignMessage(order_id="SO-9").model_dump_json().encode()
    await pipeline.consume(Source("bank.topic", 2, 7, None), value)
    await pipeline.consume(Source("bank.topic", 2, 7, None), value)
    await pipeline.consume(Source("bank.topic", 2, 8, None), value)

    assert await harness.count(effects) == 2
