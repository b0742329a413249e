"""The one way a service changes its database: state, inbox records and outgoing records in one
transaction. Used by the consume pipeline (a whole fetched batch at a time) and by the HTTP API
(one decision at a time)."""

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from sqlalchemy import Table, select
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from shared.clock import Clock
from shared.contracts.catalogue import publishes
from shared.contracts.envelope import Event
from shared.contracts.topics import COMPACTED_TOPICS, DEAD_LETTER
from shared.db import rows
from shared.messaging import inbox, outbox
from shared.messaging.outbox import DEFAULT_MAX_RECORD_BYTES, Outgoing
from shared.messaging.own_events import OwnEvents
from shared.messaging.transient import is_contention
from shared.tracing import Tracing

T = TypeVar("T")

Work = Callable[[AsyncConnection], Awaitable[Sequence[Outgoing]]]
"""Changes state through the connection and returns the events (or records) the change causes."""

Prepare = Callable[[AsyncConnection], Awaitable[None]]

DECISION_ATTEMPTS = 3
"""A person's decision that loses a unique-key race is decided again this often."""


@dataclass(frozen=True)
class Step:
    """One message's work inside a batch: skipped if the inbox has `message_id` already."""

    message_id: str
    topic: str
    work: Work
    latest_key: Hashable | None = None
    """On a compacted topic (only the latest record of a key counts): of the batch's new
    messages with the same `latest_key`, only the last one runs; the others are claimed as
    handled without effect. A repeat of a message, or one handled before, supersedes
    nothing: a republished older event must not hide a newer one."""
    key: bytes | None = None
    """The record's Kafka key (an order id for most topics), for its trace span."""
    trace_header: bytes | None = None
    """The record's `traceparent` header, if it had one."""


def _runnable(steps: Sequence[Step], fresh: set[str]) -> set[int]:
    """The steps that take effect, by `id`: the first occurrence of every new message, less
    those superseded by a later new message with the same `latest_key`."""
    first: dict[str, Step] = {}
    for step in steps:
        if step.message_id in fresh:
            first.setdefault(step.message_id, step)
    last: dict[Hashable, str] = {}
    for message_id, step in first.items():
        if step.latest_key is not None:
            last[step.latest_key] = message_id
    return {
        id(step)
        for message_id, step in first.items()
        if step.latest_key is None or last[step.latest_key] == message_id
    }


class NotOurTopic(Exception):
    """A service staged an event on a topic it does not own (`shared.contracts.catalogue`)."""


class UnitOfWork:
    """One transaction per consumed batch or per decision: the state change, the inbox records
    and the outgoing records commit together.

    Nothing here rests on an in-process lock on PostgreSQL: replicas share the database, and
    the database keeps them apart (aggregates are loaded FOR UPDATE, numbers come from atomic
    counters, unique constraints catch the rest and the losing transaction is retried). SQLite
    allows one writer, so there units of work of the one process take turns.
    """

    def __init__(
        self,
        engine: AsyncEngine,
        inbox_table: Table,
        outbox_table: Table,
        clock: Clock,
        on_commit: Callable[[], None] = lambda: None,
        max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES,
        service: str | None = None,
        tracing: Tracing | None = None,
    ) -> None:
        """With `service`, every event staged must be on a topic that service owns. With
        `tracing` on, each step runs in a span and every staged record carries a
        `traceparent` (`shared.tracing`)."""
        self.engine = engine
        self.clock = clock
        self._inbox = inbox_table
        self._outbox = outbox_table
        self._on_commit = on_commit
        self._max_record_bytes = max_record_bytes
        self._service = service
        self._own_events: OwnEvents | None = None
        self._tracing = tracing or Tracing.off()
        self._turns: asyncio.Lock | None = (
            asyncio.Lock() if engine.dialect.name == "sqlite" else None
        )

    def follow_own_events(self, own_events: OwnEvents) -> None:
        """From now on, the service's own events that it follows are handled in the unit of
        work that stages them (see `shared.messaging.own_events`)."""
        self._own_events = own_events

    @contextlib.asynccontextmanager
    async def _transaction(self) -> AsyncIterator[AsyncConnection]:
        if self._turns is None:
            async with self.engine.begin() as connection:
                yield connection
            return
        async with self._turns, self.engine.begin() as connection:
            yield connection

    async def run_steps(self, steps: Sequence[Step], prepare: Prepare | None = None) -> int:
        """Run every step whose message is new, in order, in one transaction, claiming the
        messages in the inbox in one statement; returns how many steps ran. `prepare` runs
        first (e.g. reading, in one statement, the rows the steps will need). Rows the steps
        changed are written back at the end (`shared.db.rows`). Any exception rolls the whole
        transaction back."""
        async with self._transaction() as connection:
            now = self.clock.now()
            fresh = await inbox.claim_many(
                connection, self._inbox, [(step.message_id, step.topic) for step in steps], now
            )
            staged: list[Outgoing] = []
            causes: dict[int, str] = {}  # staged record (by id) -> the span that caused it
            runnable = _runnable(steps, fresh)
            ran = len(fresh)
            async with rows.in_scope(connection):
                if prepare is not None and fresh:
                    await prepare(connection)
                for step in steps:
                    if step.message_id in fresh:
                        fresh.discard(step.message_id)  # the same message twice runs once
                        if id(step) in runnable:
                            staged.extend(await self._traced(step, connection, causes))
                await self._follow(connection, staged, now, causes)
            written = await self._stage(connection, staged, now, causes)
        if written:
            self._on_commit()
        return ran

    async def run(self, work: Work, message_id: str | None = None, topic: str = "") -> bool:
        """Run `work` in one transaction with its records. With a message id, the message is
        claimed in the inbox first; returns False (and does nothing) if it was handled before."""
        if message_id is not None:
            return await self.run_steps([Step(message_id, topic, work)]) == 1
        async with self._transaction() as connection:
            now = self.clock.now()
            async with rows.in_scope(connection):
                staged = list(await work(connection))
                await self._follow(connection, staged, now)
            written = await self._stage(connection, staged, now)
        if written:
            self._on_commit()
        return True

    async def _traced(
        self, step: Step, connection: AsyncConnection, causes: dict[int, str]
    ) -> Sequence[Outgoing]:
        if not self._tracing.enabled:
            return await step.work(connection)
        with self._tracing.consuming(step.topic, step.key, step.trace_header) as traceparent:
            produced = await step.work(connection)
        if traceparent is not None:
            causes.update((id(item), traceparent) for item in produced)
        return produced

    async def _follow(
        self,
        connection: AsyncConnection,
        staged: list[Outgoing],
        now: datetime,
        causes: dict[int, str] | None = None,
    ) -> None:
        """The own events among `staged`, followed in this transaction; what that causes is
        added to `staged` (and inherits its cause's span in `causes`)."""
        if self._own_events is None:
            return

        async def claim(messages: Sequence[tuple[str, str]]) -> set[str]:
            return await inbox.claim_many(connection, self._inbox, messages, now)

        staged.extend(await self._own_events.handle(connection, staged, claim, causes))

    def _traceparent(self, causes: dict[int, str]) -> Callable[[Outgoing], str | None] | None:
        if not self._tracing.enabled:
            return None
        tracing = self._tracing

        def traceparent(item: Outgoing) -> str | None:
            if isinstance(item, Event):
                return tracing.header_for(item.order_id, causes.get(id(item)))
            return tracing.header_for((item.key or b"").decode(errors="replace"), None)

        return traceparent

    async def _stage(
        self,
        connection: AsyncConnection,
        staged: Sequence[Outgoing],
        now: datetime,
        causes: dict[int, str] | None = None,
    ) -> int:
        """The unit of work's outgoing records into the outbox, in one statement; on compacted
        topics only the last per key."""
        if self._service is not None:
            for item in staged:
                if isinstance(item, Event) and not publishes(self._service, item.event_type):
                    raise NotOurTopic(f"{self._service} does not publish {item.event_type}")
        return await outbox.append(
            connection,
            self._outbox,
            outbox.latest_per_key(staged, COMPACTED_TOPICS),
            now,
            self._max_record_bytes,
            self._traceparent(causes or {}),
        )

    async def decide(
        self, work: Callable[[AsyncConnection], Awaitable[tuple[T, Sequence[Outgoing]]]]
    ) -> T:
        """Run a person's decision (no inbox) as one unit of work and return what it decided;
        a refusal raised by the domain rolls everything back."""
        decided: list[T] = []

        async def unit(connection: AsyncConnection) -> Sequence[Outgoing]:
            decided.clear()
            result, events = await work(connection)
            decided.append(result)
            return events

        for attempt in range(1, DECISION_ATTEMPTS + 1):
            try:
                await self.run(unit)
                break
            except DBAPIError as error:
                # another replica or request inserted the same row first, or the database
                # broke a deadlock with a consumer's batch by aborting this one: decide again
                # on what is stored now (the domain then sees the row and answers accordingly)
                if attempt == DECISION_ATTEMPTS or not (
                    isinstance(error, IntegrityError) or is_contention(error)
                ):
                    raise
        return decided[0]

    async def has_dead_letter(self, connection: AsyncConnection, record_id: str) -> bool:
        """Whether this service's outbox holds the dead letter `record_id`."""
        found = await connection.scalar(
            select(self._outbox.c.id).where(
                self._outbox.c.event_id == record_id, self._outbox.c.topic == DEAD_LETTER
            )
        )
        return found is not None

    @contextlib.asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncConnection]:
        """A connection for reads outside any unit of work."""
        async with self.engine.connect() as connection:
            yield connection
