"""Transactional outbox: events are written with the state change, a relay publishes them."""

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Table, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from shared.clock import Clock
from shared.contracts.envelope import Event

log = logging.getLogger(__name__)

Publish = Callable[[str, bytes, bytes, dict[str, str]], Awaitable["asyncio.Future[Any]"]]
"""publish(topic, key, value, headers) -> future that resolves when the broker has the record."""


def event_headers(event: Event) -> dict[str, str]:
    """Kafka headers that let ordinary tools filter without parsing the JSON."""
    return {
        "content-type": "application/json",
        "event_type": event.event_type,
        "event_id": str(event.event_id),
        "schema_version": str(event.schema_version),
        "producer": event.producer,
    }


async def append(
    connection: AsyncConnection, outbox: Table, events: Sequence[Event], now: datetime
) -> None:
    """Stage events for publication inside the caller's transaction."""
    if not events:
        return
    await connection.execute(
        insert(outbox),
        [
            {
                "event_id": str(event.event_id),
                "topic": event.event_type,
                "message_key": event.kafka_key(),
                "payload": event.model_dump_json(),
                "headers": json.dumps(event_headers(event)),
                "created_at": now,
                "published_at": None,
            }
            for event in events
        ],
    )


class OutboxRelay:
    """Publishes staged events in outbox order (so in order per key) until the broker has them.

    One relay per service database: it is the only writer of `published_at`. Delivery is at least
    once: a crash between the broker's acknowledgement and the `published_at` update republishes
    the same event id, which every consumer's inbox absorbs.
    """

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

    def wake(self) -> None:
        """Tell the relay new events were committed, so it need not wait for its next poll."""
        self._wakeup.set()

    async def run(self) -> None:
        backoff = 0.2
        while True:
            self._wakeup.clear()  # before the query: a commit during it wakes the next wait
            try:
                published = await self.publish_pending()
                backoff = 0.2
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("outbox relay failed; retrying in %.1fs", backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 10.0)
                continue
            if published < self._batch_size:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wakeup.wait(), self._idle_seconds)

    async def publish_pending(self) -> int:
        """Publish one batch of unpublished events; returns how many were published."""
        outbox = self._outbox
        async with self._engine.connect() as connection:
            rows = (
                await connection.execute(
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
            ).all()
        if not rows:
            return 0
        pending = []
        for row in rows:
            pending.append(
                await self._publish(
                    row.topic,
                    row.message_key.encode(),
                    row.payload.encode(),
                    json.loads(row.headers),
                )
            )
        await asyncio.gather(*pending)
        async with self._engine.begin() as connection:
            await connection.execute(
                update(outbox)
                .where(outbox.c.id.in_([row.id for row in rows]))
                .values(published_at=self._clock.now())
            )
        return len(rows)
