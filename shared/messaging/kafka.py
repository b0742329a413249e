"""Kafka adapter: the broker, the consumer subscription, publishing and dead letters."""

import asyncio
import logging
from collections.abc import Iterable
from typing import Any

from aiokafka import ConsumerRecord
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from faststream import AckPolicy
from faststream.kafka import KafkaBroker, KafkaMessage

from shared.clock import Clock
from shared.contracts.topics import DEAD_LETTER
from shared.messaging.pipeline import Pipeline
from shared.messaging.routes import Source

log = logging.getLogger(__name__)

TOPIC_ALREADY_EXISTS = 36


def create_broker(bootstrap_servers: str, client_id: str) -> KafkaBroker:
    """A broker whose producer is idempotent and waits for all in-sync replicas."""
    return KafkaBroker(
        bootstrap_servers,
        client_id=client_id,
        enable_idempotence=True,
        acks="all",
        linger_ms=5,
        log_level=logging.DEBUG,
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
    max_records: int = 100,
) -> None:
    """One consumer per service over all its topics. Records are fetched in batches and handled
    one at a time, each in its own unit of work, so one order's messages never race each other.
    The offsets are committed after the whole batch was handled (AckPolicy.ACK), i.e. only
    after every record's transaction committed; a crash mid-batch redelivers the rest, and the
    inbox absorbs what was already done."""

    @broker.subscriber(
        *(namespace + topic for topic in pipeline.topics),
        group_id=namespace + group_id,
        batch=True,
        max_records=max_records,
        batch_timeout_ms=500,
        ack_policy=AckPolicy.ACK,
        auto_offset_reset="earliest",
        session_timeout_ms=session_timeout_ms,
        heartbeat_interval_ms=max(session_timeout_ms // 4, 500),
        decoder=_leave_undecoded,
    )
    async def consume(message: KafkaMessage) -> None:
        records: tuple[ConsumerRecord[bytes, bytes], ...] = message.raw_message
        for record in records:
            source = Source(
                topic=record.topic.removeprefix(namespace),
                partition=record.partition,
                offset=record.offset,
                key=record.key,
            )
            await pipeline.consume(source, record.value or b"")


class KafkaPublisher:
    """Publishes raw records through the broker's idempotent producer."""

    def __init__(
        self, broker: KafkaBroker, service: str, clock: Clock, namespace: str = ""
    ) -> None:
        self._broker = broker
        self._namespace = namespace
        self._service = service
        self._clock = clock

    async def publish(
        self, topic: str, key: bytes, value: bytes, headers: dict[str, str]
    ) -> "asyncio.Future[Any]":
        """Hand a record to the producer; the returned future resolves when the broker has it."""
        return await self._broker.publish(
            value, self._namespace + topic, key=key, headers=headers, no_confirm=True
        )

    async def dead_letter(self, source: Source, value: bytes, reason: str) -> None:
        """Move a record to the dead-letter topic, saying where it came from and why."""
        log.warning("dead-lettering %s: %s", source.position, reason)
        headers = {
            "dlq.reason": reason[:4000],
            "dlq.source.topic": self._namespace + source.topic,
            "dlq.source.partition": str(source.partition),
            "dlq.source.offset": str(source.offset),
            "dlq.service": self._service,
            "dlq.failed_at": self._clock.now().isoformat(),
        }
        await self._broker.publish(
            value, self._namespace + DEAD_LETTER, key=source.key, headers=headers
        )


async def ensure_topics(
    bootstrap_servers: str,
    topics: Iterable[str],
    partitions: int,
    replication_factor: int,
    namespace: str = "",
    compacted: Iterable[str] = (),
) -> None:
    """Create missing topics, so a fresh cluster without auto-creation works too."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
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
