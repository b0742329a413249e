"""The one way a service changes its database: state, inbox record and outgoing events in one
transaction. Used by the consume pipeline and by the HTTP API alike."""

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import TypeVar

from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from shared.clock import Clock
from shared.contracts.envelope import Event
from shared.messaging import inbox, outbox

T = TypeVar("T")

Work = Callable[[AsyncConnection], Awaitable[Sequence[Event]]]
"""Changes state through the connection and returns the events the change causes."""


class UnitOfWork:
    """One transaction per message or decision: the state change, the inbox record and the
    outgoing events commit together.

    Units of work of one service run one at a time (one lock per process), whatever the
    database: SQLite allows one writer, and on PostgreSQL it keeps "look up, then insert"
    steps (a submission's order number, the first number of a year) from racing between the
    consumer, the HTTP API and background loops. One replica per service is assumed.
    """

    def __init__(
        self,
        engine: AsyncEngine,
        inbox_table: Table,
        outbox_table: Table,
        clock: Clock,
        on_commit: Callable[[], None] = lambda: None,
    ) -> None:
        self.engine = engine
        self.clock = clock
        self._inbox = inbox_table
        self._outbox = outbox_table
        self._on_commit = on_commit
        self._write_lock = asyncio.Lock()

    async def run(self, work: Work, message_id: str | None = None, topic: str = "") -> bool:
        """Run `work` in one transaction with its events. With a message id, the message is
        claimed in the inbox first; returns False (and does nothing) if it was handled before."""
        async with self._write_lock, self.engine.begin() as connection:
            now = self.clock.now()
            if message_id is not None and not await inbox.claim(
                connection, self._inbox, message_id, topic, now
            ):
                return False
            events = await work(connection)
            await outbox.append(connection, self._outbox, events, now)
        if events:
            self._on_commit()
        return True

    async def seen(self, message_id: str) -> bool:
        async with self.engine.connect() as connection:
            return await inbox.seen(connection, self._inbox, message_id)

    async def remember(self, message_id: str, topic: str) -> None:
        """Record a message as handled without effects (e.g. after dead-lettering it)."""

        async def nothing(_connection: AsyncConnection) -> Sequence[Event]:
            return ()

        await self.run(nothing, message_id, topic)

    async def decide(
        self, work: Callable[[AsyncConnection], Awaitable[tuple[T, Sequence[Event]]]]
    ) -> T:
        """Run a person's decision (no inbox) as one unit of work and return what it decided;
        a refusal raised by the domain rolls everything back."""
        decided: list[T] = []

        async def unit(connection: AsyncConnection) -> Sequence[Event]:
            result, events = await work(connection)
            decided.append(result)
            return events

        await self.run(unit)
        return decided[0]

    @contextlib.asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncConnection]:
        """A connection for reads outside any unit of work."""
        async with self.engine.connect() as connection:
            yield connection
