"""Kafka adapter: the broker, the consumer subscription, publishing and dead letters."""

import asyncio
import logging
import time
from collections.abc import Iterable
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import CommitFailedError, IllegalStateError
from faststream import AckPolicy
from faststream.kafka import KafkaBroker, KafkaMessage

from shared.messaging.access import KafkaAccess
from shared.messaging.pipeline import Delivery, Pipeline
from shared.messaging.routes import Source
from shared.metrics import Metrics
from shared.tracing import TRACEPARENT

log = logging.getLogger(__name__)

TOPIC_ALREADY_EXISTS = 36

EMPTY_FETCH_PAUSE_MS = 10
"""How long the subscriber waits for records in the fetcher's buffer and, if none came, pauses
before it asks again (FastStream's batch loop). A record arriving during the pause waits for
it, at every hop: 10 ms instead of 50 took the median latency at a steady 50 orders/s from
about 2.0 s to 1.6 s in `make bench ARGS="--rate 50"`, for a few percent more CPU (an idle
service polls 50 times a second)."""
FETCH_MIN_BYTES = 512 * 1024
"""What a fetch gathers before the broker answers it, unless the fetch wait ran out first. At
a steady 50 orders/s sales reads about 2 MB/s: 64 KiB came within some 35 ms, so its batches
stayed small; with 512 KiB the fetch wait decides and each batch is one transaction for
about 100 ms of records. Alternating runs at 50 orders/s: p99 1.96-3.23 s (mean 2.5) and 24.4
service CPU ms per order, against 2.33-3.74 s (mean 3.3) and 26.0 with 64 KiB."""


def create_broker(
    access: KafkaAccess, client_id: str, graceful_seconds: float = 30.0
) -> KafkaBroker:
    """The broker the service consumes through; it publishes nothing (the outbox relay has a
    producer of its own, `KafkaPublisher`). On stop (SIGTERM) it reads nothing new and waits up
    to `graceful_seconds` for the batch in hand to be handled and committed."""
    return KafkaBroker(
        access.bootstrap,
        security=access.broker_security(),
        client_id=client_id,
        log_level=logging.DEBUG,
        graceful_timeout=graceful_seconds,
    )


async def _leave_undecoded(_message: Any) -> None:
    """FastStream would parse every record as JSON for a body the handler does not take; the
    pipeline decodes (and validates) the raw bytes itself."""
    return None


def subscribe(
    broker: KafkaBroker,
    pipeline: Pipeline,
    group_id: str,
    session_timeout_ms: int,
    namespace: str = "",
    max_records: int = 500,
    *,
    fetch_wait_ms: int,
    metrics: Metrics | None = None,
) -> None:
    """One consumer per service over all its topics, in one consumer group that every replica
    joins. A fetched batch is handled as one unit of work (see `Pipeline`), so one order's
    messages are applied in log order. Offsets are committed by hand, after the batch's
    transaction committed, and exactly up to the records handled; if handling is interrupted,
    each partition is rewound to the batch's first record and nothing is committed."""

    @broker.subscriber(
        *(namespace + topic for topic in pipeline.topics),
        group_id=namespace + group_id,
        batch=True,
        max_records=max_records,
        batch_timeout_ms=EMPTY_FETCH_PAUSE_MS,
        ack_policy=AckPolicy.MANUAL,
        auto_offset_reset="earliest",
        session_timeout_ms=session_timeout_ms,
        heartbeat_interval_ms=max(session_timeout_ms // 4, 500),
        max_poll_interval_ms=600_000,
        fetch_min_bytes=FETCH_MIN_BYTES,
        fetch_max_wait_ms=fetch_wait_ms,
        decoder=_leave_undecoded,
    )
    async def consume(message: KafkaMessage) -> None:
        records: tuple[ConsumerRecord[bytes, bytes], ...] = message.raw_message
        deliveries = [delivery_of(record, namespace) for record in records]
        started = time.monotonic()
        try:
            await pipeline.consume_batch(deliveries)
        except BaseException as error:
            await message.nack()  # rewind: the batch is fetched again, nothing is committed
            if not isinstance(error, asyncio.CancelledError):
                log.exception("batch not handled; it will be fetched again")
                await asyncio.sleep(1.0)
            raise
        await commit_handled(message.consumer, records)
        if metrics is not None:
            metrics.batch_seconds.observe(time.monotonic() - started)
            record_lag(metrics, message.consumer, records, namespace)


REPLAY_HEADER = "orderflow.replay"
"""Set by `orderflow dlq replay` on a dead-lettered record it publishes again: the dead
letter's id (`shared.messaging.outbox.dead_letter_id`)."""


def delivery_of(record: ConsumerRecord[bytes, bytes], namespace: str) -> Delivery:
    """A consumed record for the pipeline; its headers are read once, for the two it uses (the
    first of each counts): the replay marker and the trace context."""
    replay: bytes | None = None
    trace: bytes | None = None
    for name, value in record.headers or ():
        if name == REPLAY_HEADER and replay is None:
            replay = value
        elif name == TRACEPARENT and trace is None:
            trace = value
    source = Source(
        topic=record.topic.removeprefix(namespace),
        partition=record.partition,
        offset=record.offset,
        key=record.key,
    )
    return Delivery(source, record.value or b"", replay_of(replay), trace)


def replay_of(value: bytes | None) -> str | None:
    """The dead letter a record replays, from its replay header; None if none (or not a plain
    id)."""
    if value is None or len(value) > 64:
        return None
    text = value.decode("ascii", errors="replace")
    return text if text.isprintable() else None


def record_lag(
    metrics: Metrics, consumer: Any, records: Iterable[ConsumerRecord[Any, Any]], namespace: str
) -> None:
    """Per partition of the batch: how far its end (as of the last fetch) is past the batch."""
    if not isinstance(consumer, AIOKafkaConsumer):
        return
    after: dict[TopicPartition, int] = {}
    for record in records:
        partition = TopicPartition(record.topic, record.partition)
        after[partition] = max(after.get(partition, 0), record.offset + 1)
    for partition, position in after.items():
        end = consumer.highwater(partition)
        if end is not None:
            metrics.consumer_lag.labels(
                topic=partition.topic.removeprefix(namespace), partition=str(partition.partition)
            ).set(max(end - position, 0))


async def commit_handled(consumer: Any, records: Iterable[ConsumerRecord[Any, Any]]) -> None:
    """Commit, per partition, the offset after the last handled record. A commit refused
    because the group rebalanced is logged: the new owner redoes those records, and the inbox
    absorbs them."""
    offsets: dict[TopicPartition, int] = {}
    for record in records:
        partition = TopicPartition(record.topic, record.partition)
        offsets[partition] = max(offsets.get(partition, 0), record.offset + 1)
    if not offsets:
        return
    if not isinstance(consumer, AIOKafkaConsumer):  # FastStream's in-memory test broker
        await consumer.commit()
        return
    try:
        await consumer.commit(offsets)
    except (CommitFailedError, IllegalStateError) as error:
        log.warning("offsets not committed (%s); the records will be redelivered", error)


class KafkaPublisher:
    """Publishes the outbox's records through an idempotent producer of its own (`acks=all`):
    records go straight to aiokafka, without FastStream's publishing layer, which the relay
    does not need. Started and stopped with the service."""

    def __init__(self, access: KafkaAccess, client_id: str, namespace: str = "") -> None:
        self._access = access
        self._client_id = client_id
        self._namespace = namespace
        self._producer: AIOKafkaProducer | None = None

    async def start(self) -> None:
        self._producer = AIOKafkaProducer(
            **self._access.client_options(),
            client_id=self._client_id,
            enable_idempotence=True,
            acks="all",
            linger_ms=5,
        )
        await self._producer.start()

    async def stop(self) -> None:
        if self._producer is not None:
            await self._producer.stop()
            self._producer = None

    async def publish(
        self, topic: str, key: bytes | None, value: bytes, headers: dict[str, str]
    ) -> "asyncio.Future[Any]":
        """Hand a record to the producer; the returned future resolves when the broker has it."""
        if self._producer is None:
            raise RuntimeError("the publisher is not started")
        future: asyncio.Future[Any] = await self._producer.send(
            self._namespace + topic,
            value,
            key=key,
            headers=[(name, text.encode()) for name, text in headers.items()],
        )
        return future


async def ensure_topics(
    access: KafkaAccess,
    topics: Iterable[str],
    partitions: int,
    replication_factor: int,
    namespace: str = "",
    compacted: Iterable[str] = (),
) -> None:
    """Create missing topics, so a fresh cluster without auto-creation works too."""
    admin = AIOKafkaAdminClient(**access.client_options())
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        compact = {namespace + topic for topic in compacted}
        missing = [
            NewTopic(
                name,
                num_partitions=partitions,
                replication_factor=replication_factor,
                topic_configs={"cleanup.policy": "compact"} if name in compact else {},
            )
            for name in sorted({namespace + topic for topic in topics} - existing)
        ]
        if missing:
            response = await admin.create_topics(missing)
            for topic, code, *detail in response.topic_errors:
                if code not in (0, TOPIC_ALREADY_EXISTS):  # a concurrent creator is fine
                    raise RuntimeError(f"could not create topic {topic}: error {code} {detail}")
    finally:
        await admin.close()
