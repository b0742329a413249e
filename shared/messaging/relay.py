"""The outbox relay: publishes a database's staged records in outbox order, one relay at a time.

Exactly one relay publishes a database's outbox: on PostgreSQL every replica of a service runs a
relay, but only the holder of a session-level advisory lock publishes; the others wait and take
over when the holder's connection ends (a crash, a kill, a network cut). SQLite is single-process
(the service refuses a second process on the file), so its relay needs no lock.

Within a round, records are handed to the producer in outbox order (so in order per key) and
pipelined; the relay marks published only the contiguous prefix the broker acknowledged. At the
first failure it stops handing out records, so nothing after a failed record is sent in that
round, and the next round starts again at the failed record. Delivery is at least once: a crash
between the broker's acknowledgement and the mark republishes the same ids, which every
consumer's inbox absorbs.
"""

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from sqlalchemy import Table, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from shared.clock import Clock
from shared.db.locks import advisory_key

log = logging.getLogger(__name__)

Publish = Callable[[str, bytes | None, bytes, dict[str, str]], Awaitable["asyncio.Future[Any]"]]
"""publish(topic, key, value, headers) -> future that resolves when the broker has the record.
Raising (instead of returning a future) means the record was not handed over."""


RELAY_LOCK = advisory_key("orderflow.outbox.relay")


class Lease:
    """A held relay lease. On PostgreSQL `connection` is the lock's own session, in autocommit:
    the relay reads and marks the outbox on it, one round trip per statement, so every round
    begins with a statement on the session that holds the lock. A lease lost since the last
    round (the session terminated, the server restarted) fails that statement before anything
    of the round is published, not seconds later while another replica already publishes."""

    def __init__(self, connection: AsyncConnection | None) -> None:
        self.connection = connection

    async def __call__(self) -> bool:
        """Still held? On PostgreSQL this asks the lock's session (one round trip)."""
        if self.connection is None:
            return True
        try:
            await self.connection.execute(text("SELECT 1"))
        except Exception:
            log.warning("the relay's lock session is gone; no longer relaying")
            return False
        return True


class RelayLease:
    """Who may publish: on PostgreSQL the holder of the relay's advisory lock."""

    KEEPALIVE = (
        "SET tcp_keepalives_idle = 5",
        "SET tcp_keepalives_interval = 2",
        "SET tcp_keepalives_count = 3",
    )
    """On the lock's session: if this process's host or network dies without closing the
    connection, the server notices within about 11 seconds and releases the lock (the
    system's default keepalive would take two hours, and no replica would publish)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self.exclusive = engine.dialect.name == "postgresql"

    @contextlib.asynccontextmanager
    async def held(self, poll_seconds: float = 1.0) -> AsyncIterator["Lease"]:
        """Wait until this process holds the lease, then yield it; leaving releases it."""
        if not self.exclusive:
            yield Lease(None)
            return
        async with self._engine.connect() as connection:
            # no transaction around the checks: one round trip each, never idle in a transaction
            await connection.execution_options(isolation_level="AUTOCOMMIT")
            for setting in self.KEEPALIVE:
                await connection.execute(text(setting))
            while not await self._try_lock(connection):  # noqa: ASYNC110 - polling the database
                await asyncio.sleep(poll_seconds)
            log.info("this process now relays the outbox")
            try:
                yield Lease(connection)
            finally:
                with contextlib.suppress(Exception):
                    await connection.execute(
                        text("SELECT pg_advisory_unlock(:key)"), {"key": RELAY_LOCK}
                    )
                    await connection.commit()

    @staticmethod
    async def _try_lock(connection: AsyncConnection) -> bool:
        locked = await connection.scalar(
            text("SELECT pg_try_advisory_lock(:key)"), {"key": RELAY_LOCK}
        )
        await connection.commit()  # the lock is the session's; end the transaction around it
        return bool(locked)


class OutboxRelay:
    """Publishes staged records until the broker has them; see the module's docstring."""

    def __init__(
        self,
        engine: AsyncEngine,
        outbox: Table,
        publish: Publish,
        clock: Clock,
        batch_size: int = 500,
        idle_seconds: float = 0.5,
    ) -> None:
        self._engine = engine
        self._outbox = outbox
        self._publish = publish
        self._clock = clock
        self._batch_size = batch_size
        self._idle_seconds = idle_seconds
        self._wakeup = asyncio.Event()
        self._lease = RelayLease(engine)

    def wake(self) -> None:
        """Tell the relay new records were committed, so it need not wait for its next poll."""
        self._wakeup.set()

    async def run(self) -> None:
        backoff = 0.2
        while True:
            try:
                async with self._lease.held() as lease:
                    while True:  # a lost lease fails the round's first statement: see Lease
                        self._wakeup.clear()  # before the query: a commit during it wakes us
                        published = await self.publish_pending(lease.connection)
                        backoff = 0.2
                        if published < self._batch_size:
                            with contextlib.suppress(TimeoutError):
                                await asyncio.wait_for(self._wakeup.wait(), self._idle_seconds)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("outbox relay failed; retrying in %.1fs", backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 10.0)

    @contextlib.asynccontextmanager
    async def _session(self, lease: AsyncConnection | None) -> AsyncIterator[AsyncConnection]:
        """The lease's own session (autocommit) if there is one, else a pooled connection in a
        transaction of its own (SQLite)."""
        if lease is not None:
            yield lease
            return
        async with self._engine.begin() as pooled:
            yield pooled

    async def publish_pending(self, connection: AsyncConnection | None = None) -> int:
        """Publish one round of unpublished records; returns how many the broker acknowledged.
        Raises after marking the acknowledged prefix if a record could not be published.
        `connection`: the lease's session (autocommit), which reads and marks; without it
        (SQLite) each step takes a pooled connection and a transaction of its own."""
        outbox = self._outbox
        pending_rows = (
            select(
                outbox.c.id,
                outbox.c.topic,
                outbox.c.message_key,
                outbox.c.payload,
                outbox.c.headers,
            )
            .where(outbox.c.published_at.is_(None))
            .order_by(outbox.c.id)
            .limit(self._batch_size)
        )
        async with self._session(connection) as session:
            rows = (await session.execute(pending_rows)).all()
        if not rows:
            return 0
        pending: list[asyncio.Future[Any]] = []
        failure: BaseException | None = None
        for row in rows:
            try:
                pending.append(
                    await self._publish(
                        row.topic, row.message_key, row.payload, json.loads(row.headers)
                    )
                )
            except Exception as error:  # not handed over: nothing after it may go out now
                failure = error
                break
        acknowledged = 0
        for future in pending:
            try:
                await future
            except Exception as error:
                failure = failure or error
                break
            acknowledged += 1
        if acknowledged:
            mark = (
                update(outbox)
                .where(outbox.c.id.in_([row.id for row in rows[:acknowledged]]))
                .values(published_at=self._clock.now())
            )
            async with self._session(connection) as session:
                await session.execute(mark)  # on the lease's session: committed as it returns
        if failure is not None:
            for future in pending[acknowledged:]:  # let the rest settle before the next round
                with contextlib.suppress(Exception):
                    await future
            raise failure
        return acknowledged
