"""The consume pipeline: one transaction per batch, nothing twice, nothing lost, and every bad
record answered with a dead letter that says why.

Runs against a real embedded SQLite database; dead letters are read back from the outbox, where
the pipeline stages them in the same transaction as the record's inbox claim.
"""

import asyncio
import json
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime, timedelta
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
from shared.contracts.topics import DEAD_LETTER
from shared.db.messaging_tables import add_messaging_tables
from shared.messaging.events import new_event
from shared.messaging.outbox import OutgoingRecord
from shared.messaging.pipeline import Delivery, Pipeline
from shared.messaging.routes import Incoming, MessageRejected, Route, Source
from shared.messaging.unit_of_work import UnitOfWork
from tests.support.databases import sqlite_database

metadata = MetaData()
inbox, outbox = add_messaging_tables(metadata)
effects = Table(
    "effects", metadata, Column("id", Integer, primary_key=True), Column("order_id", String(40))
)
CLOCK = FrozenClock(datetime(2026, 11, 21, 9, 0, tzinfo=UTC))
LIMIT = 20_000


def closed_event(order_id: str = "SO-1") -> OrderClosed:
    return new_event(
        OrderClosed,
        order_id=order_id,
        producer="test",
        causation_id=None,
        occurred_at=CLOCK.now(),
        payload=OrderClosedPayload(outcome="fulfilled"),
    )


def unchecked_event(order_id: str) -> OrderClosed:
    """An event the contract would refuse (too long, unencodable), as a buggy handler makes."""
    valid = closed_event()
    return OrderClosed.model_construct(**(dict(valid) | {"order_id": order_id}))


def encoded(order_id: str = "SO-1") -> bytes:
    return closed_event(order_id).model_dump_json().encode()


class Harness:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.failures: list[BaseException] = []
        self.offset = 0
        self.sleeps: list[float] = []

    async def handler(
        self, connection: AsyncConnection, incoming: Incoming[Any]
    ) -> Sequence[Event]:
        order_id = incoming.body.order_id
        await connection.execute(insert(effects).values(order_id=order_id))
        if self.failures:
            raise self.failures.pop(0)
        if order_id == "UNKNOWN":
            raise MessageRejected("unknown order 'UNKNOWN'")
        if order_id == "HUGE":
            return [unchecked_event("X" * LIMIT)]
        return [closed_event(order_id)]

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)

    def pipeline(self, on_invalid: Any = None, topic: str = "order.closed") -> Pipeline:
        route = Route(topic, OrderClosed, self.handler, on_invalid=on_invalid)
        return Pipeline(
            UnitOfWork(self.engine, inbox, outbox, CLOCK, max_record_bytes=LIMIT),
            [route],
            service="test",
            namespace="ns.",
            max_record_bytes=LIMIT,
            sleep=self.sleep,
        )

    def delivery(self, value: bytes, topic: str = "order.closed") -> Delivery:
        self.offset += 1
        return Delivery(Source(topic, 0, self.offset, b"SO-1"), value)

    async def deliver(self, pipeline: Pipeline, value: bytes, topic: str = "order.closed") -> None:
        await pipeline.consume_batch([self.delivery(value, topic)])

    async def count(self, table: Table) -> int:
        async with self.engine.connect() as connection:
            return int(await connection.scalar(select(func.count()).select_from(table)) or 0)

    async def effects(self) -> list[str]:
        async with self.engine.connect() as connection:
            rows = await connection.execute(select(effects.c.order_id).order_by(effects.c.id))
            return [str(order_id) for order_id in rows.scalars()]

    async def published(self) -> list[tuple[str, bytes | None, bytes, dict[str, str]]]:
        async with self.engine.connect() as connection:
            rows = await connection.execute(
                select(outbox.c.topic, outbox.c.message_key, outbox.c.payload, outbox.c.headers)
                .where(outbox.c.topic != DEAD_LETTER)
                .order_by(outbox.c.id)
            )
            return [(r.topic, r.message_key, r.payload, json.loads(r.headers)) for r in rows]

    async def dead_letters(self) -> list[tuple[bytes, dict[str, str]]]:
        async with self.engine.connect() as connection:
            rows = await connection.execute(
                select(outbox.c.payload, outbox.c.headers)
                .where(outbox.c.topic == DEAD_LETTER)
                .order_by(outbox.c.id)
            )
            return [(row.payload, json.loads(row.headers)) for row in rows]

    async def reasons(self) -> list[str]:
        return [headers["dlq.reason"] for _value, headers in await self.dead_letters()]


@pytest.fixture
async def harness(tmp_path: Path) -> AsyncIterator[Harness]:
    async with sqlite_database(tmp_path / "pipeline.db", metadata) as engine:
        yield Harness(engine)


async def test_a_message_commits_its_effect_its_inbox_record_and_its_events_together(
    harness: Harness,
) -> None:
    await harness.deliver(harness.pipeline(), encoded())

    assert await harness.effects() == ["SO-1"]
    assert await harness.count(inbox) == 1
    assert [topic for topic, *_ in await harness.published()] == ["order.closed"]
    assert await harness.dead_letters() == []


async def test_a_batch_is_applied_in_order_and_its_events_staged_in_that_order(
    harness: Harness,
) -> None:
    batch = [harness.delivery(encoded(f"SO-{n}")) for n in range(5)]
    await harness.pipeline().consume_batch(batch)

    assert await harness.effects() == [f"SO-{n}" for n in range(5)]
    assert [key for _t, key, *_ in await harness.published()] == [
        f"SO-{n}".encode() for n in range(5)
    ]


async def test_a_redelivered_event_has_no_second_effect_even_within_one_batch(
    harness: Harness,
) -> None:
    pipeline = harness.pipeline()
    value = encoded()
    await pipeline.consume_batch([harness.delivery(value), harness.delivery(value)])
    await harness.deliver(pipeline, value)

    assert await harness.effects() == ["SO-1"]
    assert len(await harness.published()) == 1


async def test_one_bad_record_in_a_batch_is_dead_lettered_and_the_others_take_effect(
    harness: Harness,
) -> None:
    batch = [
        harness.delivery(encoded("SO-1")),
        harness.delivery(encoded("UNKNOWN")),
        harness.delivery(b"not json"),
        harness.delivery(encoded("SO-2")),
    ]
    await harness.pipeline().consume_batch(batch)

    assert await harness.effects() == ["SO-1", "SO-2"]
    assert len(await harness.reasons()) == 2
    assert (await harness.reasons())[0] == "unknown order 'UNKNOWN'"


async def test_a_dead_letter_says_where_the_record_came_from_which_service_and_why(
    harness: Harness,
) -> None:
    await harness.deliver(harness.pipeline(), b"\x00\xff not json")

    [(value, headers)] = await harness.dead_letters()
    assert value == b"\x00\xff not json"
    assert headers["dlq.source.topic"] == "ns.order.closed"
    assert (headers["dlq.source.partition"], headers["dlq.source.offset"]) == ("0", "1")
    assert headers["dlq.service"] == "test"
    assert "Invalid JSON" in headers["dlq.reason"]


async def test_schema_invalid_json_is_dead_lettered_naming_every_field_at_fault(
    harness: Harness,
) -> None:
    await harness.deliver(harness.pipeline(), json.dumps({"event_id": "nope"}).encode())

    [reason] = await harness.reasons()
    assert "event_id" in reason
    assert "order_id" in reason
    assert "payload" in reason


async def test_an_invalid_message_can_be_answered_with_a_rejection_event_instead(
    harness: Harness,
) -> None:
    def reject(value: bytes, error: ValidationError, source: Source, now: datetime) -> list[Event]:
        return [closed_event("REJECTED")]

    await harness.deliver(harness.pipeline(on_invalid=reject), b"{}")

    assert await harness.dead_letters() == []
    assert [key for _t, key, *_ in await harness.published()] == [b"REJECTED"]


async def test_a_rejection_path_that_raises_even_recursion_error_dead_letters_and_moves_on(
    harness: Harness,
) -> None:
    def reject(value: bytes, error: ValidationError, source: Source, now: datetime) -> list[Event]:
        return json.loads(value)  # type: ignore[no-any-return]  # deep nesting: RecursionError

    pipeline = harness.pipeline(on_invalid=reject)
    deep = b"[" * 200_000
    await pipeline.consume_batch([harness.delivery(deep), harness.delivery(encoded("SO-7"))])

    [reason] = await harness.reasons()
    assert "RecursionError" in reason
    assert await harness.effects() == ["SO-7"]


async def test_a_rejection_that_cannot_be_serialised_is_dead_lettered_not_retried_for_ever(
    harness: Harness,
) -> None:
    def reject(value: bytes, error: ValidationError, source: Source, now: datetime) -> list[Event]:
        return [unchecked_event("\ud800")]  # a lone surrogate: no UTF-8 encoding exists

    pipeline = harness.pipeline(on_invalid=reject)
    await asyncio.wait_for(
        pipeline.consume_batch([harness.delivery(b"{}"), harness.delivery(encoded("SO-8"))]), 10
    )

    [reason] = await harness.reasons()
    assert "surrogate" in reason
    assert await harness.effects() == ["SO-8"]


async def test_an_event_too_large_to_publish_is_refused_and_its_cause_dead_lettered(
    harness: Harness,
) -> None:
    await harness.pipeline().consume_batch(
        [harness.delivery(encoded("HUGE")), harness.delivery(encoded("SO-9"))]
    )

    [reason] = await harness.reasons()
    assert "over the 20000 bytes" in reason
    assert all(len(value) < LIMIT for _t, _k, value, _h in await harness.published())
    assert await harness.effects() == ["SO-9"]


async def test_a_dead_letter_too_large_carries_a_truncated_value_its_size_and_its_sha256(
    harness: Harness,
) -> None:
    import hashlib

    garbage = b"z" * (3 * LIMIT)
    await harness.deliver(harness.pipeline(), garbage)

    [(value, headers)] = await harness.dead_letters()
    assert 0 < len(value) < LIMIT
    assert garbage.startswith(value)
    assert headers["dlq.truncated"] == "true"
    assert headers["dlq.original.size"] == str(3 * LIMIT)
    assert headers["dlq.original.sha256"] == hashlib.sha256(garbage).hexdigest()


async def test_a_rejected_message_is_dead_lettered_and_its_effects_rolled_back(
    harness: Harness,
) -> None:
    await harness.deliver(harness.pipeline(), encoded("UNKNOWN"))

    assert await harness.reasons() == ["unknown order 'UNKNOWN'"]
    assert await harness.effects() == []
    assert await harness.published() == []


async def test_a_replayed_dead_letter_is_not_dead_lettered_again_nor_applied_late(
    harness: Harness,
) -> None:
    pipeline = harness.pipeline()
    garbage = Delivery(Source("order.closed", 0, 41, None), b"garbage")
    rejected = Delivery(Source("order.closed", 0, 42, None), encoded("UNKNOWN"))
    await pipeline.consume_batch([garbage, rejected])
    await pipeline.consume_batch([garbage, rejected])

    assert len(await harness.reasons()) == 2
    assert await harness.effects() == []


async def test_a_transient_database_failure_is_retried_not_dead_lettered(harness: Harness) -> None:
    harness.failures = [OperationalError("INSERT", {}, ConnectionRefusedError("db down"))] * 3
    await harness.deliver(harness.pipeline(), encoded())

    assert await harness.dead_letters() == []
    assert await harness.effects() == ["SO-1"]
    assert len(harness.sleeps) == 3


async def test_any_other_handler_exception_is_dead_lettered_with_its_type_and_message(
    harness: Harness,
) -> None:
    harness.failures = [ZeroDivisionError("bug"), ZeroDivisionError("bug")]
    await harness.deliver(harness.pipeline(), encoded())

    assert len(await harness.reasons()) == 1
    assert "ZeroDivisionError: bug" in (await harness.reasons())[0]
    assert await harness.effects() == []


async def test_a_message_on_a_topic_without_a_route_is_dead_lettered(harness: Harness) -> None:
    await harness.deliver(harness.pipeline(), b"{}", topic="stray.topic")

    assert await harness.reasons() == ["no route for this topic"]


async def test_a_staged_record_is_kept_byte_for_byte(harness: Harness) -> None:
    async def work(_connection: AsyncConnection) -> Sequence[OutgoingRecord]:
        return [OutgoingRecord("r-1", "raw.topic", None, b"\xff\x00", {"h": "v"})]

    await harness.pipeline()._uow.run(work)

    async with harness.engine.connect() as connection:
        row = (await connection.execute(select(outbox.c.message_key, outbox.c.payload))).one()
    assert (row.message_key, row.payload) == (None, b"\xff\x00")


class ForeignMessage(Contract):
    """A message of another system: no envelope, no event id."""

    order_id: str = Field(description="Order it concerns")


async def test_messages_from_other_systems_are_deduplicated_by_their_log_position(
    harness: Harness,
) -> None:
    route = Route("bank.topic", ForeignMessage, harness.handler)
    pipeline = Pipeline(UnitOfWork(harness.engine, inbox, outbox, CLOCK), [route], service="t")
    value = ForeignMessage(order_id="SO-9").model_dump_json().encode()
    await pipeline.consume(Source("bank.topic", 2, 7, None), value)
    await pipeline.consume(Source("bank.topic", 2, 7, None), value)
    await pipeline.consume(Source("bank.topic", 2, 8, None), value)

    assert await harness.count(effects) == 2


async def test_on_a_latest_per_key_route_only_the_last_record_of_a_key_in_a_batch_takes_effect(
    harness: Harness,
) -> None:
    route = Route("balance.topic", ForeignMessage, harness.handler, latest_per_key=True)
    pipeline = Pipeline(UnitOfWork(harness.engine, inbox, outbox, CLOCK), [route], service="t")
    batch = [
        Delivery(
            Source("balance.topic", 0, offset, key),
            ForeignMessage(order_id=value).model_dump_json().encode(),
        )
        for offset, (key, value) in enumerate(
            [(b"C-1", "SO-1"), (b"C-2", "SO-2"), (b"C-1", "SO-3")]
        )
    ]
    await pipeline.consume_batch(batch)

    assert await harness.effects() == ["SO-2", "SO-3"]
    assert await harness.count(inbox) == 3  # the superseded record counts as handled


def test_of_a_batchs_events_on_a_compacted_topic_only_the_last_per_key_is_staged() -> None:
    from shared.contracts import BalanceUpdated
    from shared.contracts.master import BalanceRecord
    from shared.messaging.outbox import latest_per_key

    def balance(customer_id: str, amount: str) -> BalanceUpdated:
        return new_event(
            BalanceUpdated,
            order_id=customer_id,
            producer="finance",
            causation_id=None,
            occurred_at=CLOCK.now(),
            payload=BalanceRecord(customer_id=customer_id, currency="EUR", open_balance=amount),
        )

    first, other, last = (
        balance("CUST-1", "10.00"),
        balance("CUST-2", "5.00"),
        balance("CUST-1", "0.00"),
    )
    closed = closed_event()

    assert latest_per_key([first, closed, other, last], ["balance.updated"]) == [
        closed,
        other,
        last,
    ]


async def test_a_decision_that_loses_a_unique_key_race_is_decided_again(harness: Harness) -> None:
    from sqlalchemy.exc import IntegrityError

    attempts: list[int] = []

    async def enter(connection: AsyncConnection) -> tuple[str, Sequence[Event]]:
        attempts.append(1)
        if len(attempts) == 1:
            raise IntegrityError("INSERT", {}, Exception("duplicate key"))
        await connection.execute(insert(effects).values(order_id="SO-5"))
        return "entered", [closed_event("SO-5")]

    uow = UnitOfWork(harness.engine, inbox, outbox, CLOCK)
    assert await uow.decide(enter) == "entered"
    assert len(attempts) == 2
    assert await harness.effects() == ["SO-5"]


async def test_a_batch_retried_later_stamps_its_events_with_the_time_of_that_attempt(
    harness: Harness,
) -> None:
    """A transaction retried after a transient failure reads the state as it is then (another
    replica may have settled the order meanwhile): its events must not carry the time of the
    first attempt, or they would predate the state they were decided on."""
    clock = FrozenClock(datetime(2026, 11, 21, 9, 0, tzinfo=UTC))
    stamps: list[datetime] = []
    failures = [OperationalError("SELECT", {}, ConnectionRefusedError("db down"))]

    async def handler(connection: AsyncConnection, incoming: Incoming[Any]) -> Sequence[Event]:
        stamps.append(incoming.received_at)
        if failures:
            raise failures.pop()
        return []

    async def sleep(seconds: float) -> None:
        clock.advance(timedelta(seconds=30))

    pipeline = Pipeline(
        UnitOfWork(harness.engine, inbox, outbox, clock),
        [Route("order.closed", OrderClosed, handler)],
        service="test",
        sleep=sleep,
    )
    await pipeline.consume_batch([harness.delivery(encoded())])

    assert stamps == [
        datetime(2026, 11, 21, 9, 0, tzinfo=UTC),
        datetime(2026, 11, 21, 9, 0, 30, tzinfo=UTC),
    ]


class Deadlock(Exception):
    sqlstate = "40P01"


async def test_a_decision_the_database_aborted_to_break_a_deadlock_is_decided_again(
    harness: Harness,
) -> None:
    attempts: list[int] = []

    async def enter(connection: AsyncConnection) -> tuple[str, Sequence[Event]]:
        attempts.append(1)
        if len(attempts) == 1:
            raise OperationalError("UPDATE", {}, Deadlock("deadlock detected"))
        await connection.execute(insert(effects).values(order_id="SO-6"))
        return "entered", [closed_event("SO-6")]

    uow = UnitOfWork(harness.engine, inbox, outbox, CLOCK)
    assert await uow.decide(enter) == "entered"
    assert len(attempts) == 2
    assert await harness.effects() == ["SO-6"]


async def test_a_decision_that_fails_for_another_database_reason_is_not_repeated(
    harness: Harness,
) -> None:
    attempts: list[int] = []

    async def enter(connection: AsyncConnection) -> tuple[str, Sequence[Event]]:
        attempts.append(1)
        raise OperationalError("SELECT", {}, Exception("no such table: orders"))

    uow = UnitOfWork(harness.engine, inbox, outbox, CLOCK)
    with pytest.raises(OperationalError):
        await uow.decide(enter)
    assert len(attempts) == 1


def test_a_busy_sqlite_file_is_transient_but_a_bad_statement_is_not() -> None:
    import sqlite3

    from shared.messaging.transient import is_transient

    locked = OperationalError("UPDATE", {}, sqlite3.OperationalError("database is locked"))
    missing = OperationalError("SELECT", {}, sqlite3.OperationalError("no such table: orders"))

    assert is_transient(locked)
    assert not is_transient(missing)  # retried for ever, it would stall the partition
    assert is_transient(OperationalError("SELECT", {}, ConnectionRefusedError("db down")))


async def test_a_statement_sqlite_cannot_run_dead_letters_the_record_instead_of_stalling(
    harness: Harness,
) -> None:
    import sqlite3

    harness.failures = [
        OperationalError("SELECT", {}, sqlite3.OperationalError("no such column"))
    ] * 2
    await harness.deliver(harness.pipeline(), encoded())

    assert len(await harness.reasons()) == 1
    assert "no such column" in (await harness.reasons())[0]
