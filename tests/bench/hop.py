"""One consume-and-produce hop of a baseline chain, as a process of its own.

It uses plain aiokafka and asyncpg only -- nothing of the project -- and does per fetched batch
what a well-built service does at the bus level:

1. fetch a batch (`getmany`, up to --max-records records);
2. with --database: in ONE PostgreSQL transaction, insert an inbox row per record
   (`INSERT ... ON CONFLICT DO NOTHING`, so a redelivered record is passed over) and an outbox
   row per new record, carrying the message to publish;
3. send every message of the batch without waiting for each (idempotent producer, acks=all),
   then wait until the broker acknowledged them all;
4. with --database: mark the batch's outbox rows published (one UPDATE, its own transaction);
5. commit the batch's offsets, once.

The messages are passed on unchanged, keyed as they came, so each key stays on its partition
and in order through the chain.
"""

import argparse
import asyncio
import contextlib
import ctypes
import os
import signal
from collections.abc import Sequence

import asyncpg
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord

from shared.messaging.access import KafkaAccess

READY = "hop ready"
PR_SET_PDEATHSIG = 1


def schema(hop: int) -> list[str]:
    """The hop's own inbox and outbox tables, as a service would have them: the outbox keeps
    unpublished rows findable through a partial index, as a relay looks for them."""
    return [
        f"CREATE TABLE inbox_{hop} (message_id text PRIMARY KEY, "
        "received_at timestamptz NOT NULL DEFAULT now())",
        f"CREATE TABLE outbox_{hop} (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
        "topic text NOT NULL, message_key bytea, payload bytea NOT NULL, "
        "created_at timestamptz NOT NULL DEFAULT now(), published_at timestamptz)",
        f"CREATE INDEX outbox_{hop}_unpublished ON outbox_{hop} (id) WHERE published_at IS NULL",
    ]


class Store:
    """The hop's inbox and outbox on its own connection, its statements prepared up front."""

    def __init__(
        self,
        connection: asyncpg.Connection,
        topic: str,
        take: asyncpg.prepared_stmt.PreparedStatement,
        keep: asyncpg.prepared_stmt.PreparedStatement,
        published: asyncpg.prepared_stmt.PreparedStatement,
    ) -> None:
        self._connection = connection
        self._topic = topic
        self._take, self._keep, self._published = take, keep, published

    @classmethod
    async def open(cls, url: str, hop: int, topic: str) -> "Store":
        connection = await asyncpg.connect(url)
        return cls(
            connection,
            topic,
            take=await connection.prepare(
                f"INSERT INTO inbox_{hop} (message_id) SELECT unnest($1::text[]) "
                "ON CONFLICT DO NOTHING RETURNING message_id"
            ),
            keep=await connection.prepare(
                f"INSERT INTO outbox_{hop} (topic, message_key, payload) "
                "SELECT $1, k, p FROM unnest($2::bytea[], $3::bytea[]) AS m(k, p) RETURNING id"
            ),
            published=await connection.prepare(
                f"UPDATE outbox_{hop} SET published_at = now() WHERE id = ANY($1::bigint[])"
            ),
        )

    async def take(self, records: Sequence[ConsumerRecord]) -> tuple[list[int], list[int]]:
        """Inbox and outbox rows for a batch, in one transaction: the positions in `records`
        of the messages not seen before, and their outbox rows."""
        identities = [message_id(record) for record in records]
        async with self._connection.transaction():
            fresh = {row[0] for row in await self._take.fetch(identities)}
            positions = [index for index, ident in enumerate(identities) if ident in fresh]
            rows = await self._keep.fetch(
                self._topic,
                [records[index].key for index in positions],
                [records[index].value for index in positions],
            )
        return positions, [row[0] for row in rows]

    async def published(self, outbox_ids: list[int]) -> None:
        await self._published.fetch(outbox_ids)

    async def close(self) -> None:
        await self._connection.close()


ENVIRONMENT_PREFIX = "ORDERFLOW_BENCH_"
"""The hop reaches Kafka as `KafkaAccess.environment(ENVIRONMENT_PREFIX)` tells it."""


def message_id(record: ConsumerRecord) -> str:
    """Each key passes each hop once, so the key identifies a message within a hop."""
    return (record.key or b"").decode()


async def relay(
    kafka: KafkaAccess,
    source: str,
    target: str,
    group: str,
    max_records: int,
    database: str | None,
    hop: int,
) -> None:
    consumer = AIOKafkaConsumer(
        source,
        **kafka.client_options(),
        group_id=group,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        max_poll_records=max_records,
    )
    producer = AIOKafkaProducer(**kafka.client_options(), acks="all", enable_idempotence=True)
    store = await Store.open(database, hop, target) if database else None
    await consumer.start()
    await producer.start()
    await producer.partitions_for(target)  # its metadata now, not at the first send
    ready = False
    try:
        while True:
            batches = await consumer.getmany(timeout_ms=500, max_records=max_records)
            if not ready and consumer.assignment():
                print(READY, flush=True)
                ready = True
            records = [record for batch in batches.values() for record in batch]
            if not records:
                continue
            if store is not None:
                positions, outbox_ids = await store.take(records)
                outgoing = [records[index] for index in positions]
            else:
                outgoing, outbox_ids = records, []
            pending = [
                await producer.send(target, record.value, key=record.key) for record in outgoing
            ]
            await asyncio.gather(*pending)
            if store is not None and outbox_ids:
                await store.published(outbox_ids)
            await consumer.commit({tp: batch[-1].offset + 1 for tp, batch in batches.items()})
    finally:
        await consumer.stop()
        await producer.stop()
        if store is not None:
            await store.close()


def die_with_parent() -> None:
    """Have the kernel send SIGTERM when the benchmark that started this hop dies, even by
    SIGKILL, so no hop outlives it (Linux's PR_SET_PDEATHSIG)."""
    parent = os.getppid()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent:  # it died before the request
        raise SystemExit(0)


async def run(args: argparse.Namespace) -> None:
    task = asyncio.current_task()
    assert task is not None
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)
    with contextlib.suppress(asyncio.CancelledError):
        await relay(
            KafkaAccess.from_environment(os.environ, ENVIRONMENT_PREFIX),
            args.source,
            args.target,
            args.group,
            args.max_records,
            args.database,
            args.hop,
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--source", required=True)
    parser.add_argument("--target", required=True)
    parser.add_argument("--group", required=True)
    parser.add_argument("--hop", type=int, required=True, help="which inbox_N and outbox_N")
    parser.add_argument("--max-records", type=int, default=500)
    parser.add_argument("--database", help="asyncpg URL: write inbox and outbox rows there")
    arguments = parser.parse_args()
    die_with_parent()
    asyncio.run(run(arguments))


if __name__ == "__main__":
    main()
