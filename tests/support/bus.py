"""Plain aiokafka clients for tests: no project code on the sending or watching side."""

import asyncio
import contextlib
import json
import time
from collections.abc import Callable, Container, Iterable
from dataclasses import dataclass
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from shared.messaging.access import KafkaAccess


@dataclass(frozen=True)
class Record:
    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes
    headers: dict[str, str]
    arrived_at: float
    """Wall-clock time (time.time()) at which the watcher read the record."""
    created_at: float = 0.0
    """The record's timestamp (CreateTime: when its producer sent it), as time.time()."""

    def json(self) -> Any:
        return json.loads(self.value)


class Watcher:
    """Reads topics from the beginning in the background and keeps every record."""

    def __init__(self, kafka: KafkaAccess, topics: Iterable[str]) -> None:
        self._consumer = AIOKafkaConsumer(
            *topics,
            **kafka.client_options(),
            group_id=None,
            auto_offset_reset="earliest",
            enable_auto_commit=False,
            metadata_max_age_ms=1000,
        )
        self.records: list[Record] = []
        self._task: asyncio.Task[None] | None = None
        self._changed = asyncio.Event()

    async def __aenter__(self) -> "Watcher":
        await self._consumer.start()
        self._task = asyncio.create_task(self._run())
        return self

    async def __aexit__(self, *_: object) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self._consumer.stop()

    async def _run(self) -> None:
        while True:
            batches = await self._consumer.getmany(timeout_ms=200)
            now = time.time()
            for batch in batches.values():
                for message in batch:
                    self.records.append(
                        Record(
                            topic=message.topic,
                            partition=message.partition,
                            offset=message.offset,
                            key=message.key,
                            value=message.value or b"",
                            headers={k: v.decode(errors="replace") for k, v in message.headers},
                            arrived_at=now,
                            created_at=message.timestamp / 1000,
                        )
                    )
            if batches:
                self._changed.set()

    def on(self, topic: str) -> list[Record]:
        return [record for record in self.records if record.topic == topic]

    def events(
        self, topic: str, excluding: Container[tuple[str, int, int]] = ()
    ) -> list[dict[str, Any]]:
        """The records on a topic that are events; poison published by tests is passed over, and
        so are the records at the positions (topic, partition, offset) in `excluding`."""
        found = []
        for record in self.on(topic):
            if (record.topic, record.partition, record.offset) in excluding:
                continue
            try:
                event = record.json()
            except ValueError:
                continue
            if isinstance(event, dict) and "event_id" in event and "order_id" in event:
                found.append(event)
        return found

    async def wait_for(
        self, condition: Callable[["Watcher"], bool], timeout: float, what: str = "condition"
    ) -> None:
        deadline = time.monotonic() + timeout
        while not condition(self):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"timed out after {timeout}s waiting for {what}")
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), min(remaining, 1.0))


@contextlib.asynccontextmanager
async def producer(kafka: KafkaAccess) -> Any:
    client = AIOKafkaProducer(**kafka.client_options(), acks="all", enable_idempotence=True)
    await client.start()
    try:
        yield client
    finally:
        await client.stop()


async def end_offsets(kafka: KafkaAccess, topics: Iterable[str]) -> dict[TopicPartition, int]:
    names = list(topics)
    consumer = AIOKafkaConsumer(**kafka.client_options(), group_id=None)
    await consumer.start()
    try:
        # the client learns every topic's leaders in one metadata request: unknown to it,
        # end_offsets asks for them one topic at a time, 100 ms apart (4 s for sales' topics)
        await consumer._client.set_topics(names)
        partitions = await _partitions(consumer, names)
        return dict(await consumer.end_offsets(partitions)) if partitions else {}
    finally:
        await consumer.stop()


async def _partitions(consumer: AIOKafkaConsumer, topics: Iterable[str]) -> list[TopicPartition]:
    cluster = await consumer._client.fetch_all_metadata()
    return [
        TopicPartition(topic, partition)
        for topic in topics
        for partition in sorted(cluster.partitions_for_topic(topic) or ())
    ]


async def reset_group_to_beginning(kafka: KafkaAccess, group: str, topics: Iterable[str]) -> None:
    """What `kafka-consumer-groups --reset-offsets --to-earliest` does; the group must be empty."""
    consumer = AIOKafkaConsumer(**kafka.client_options(), group_id=group, enable_auto_commit=False)
    await consumer.start()
    try:
        partitions = await _partitions(consumer, topics)
        consumer.assign(partitions)
        beginnings = await consumer.beginning_offsets(partitions)
        await consumer.commit(dict(beginnings))
    finally:
        await consumer.stop()


async def group_lag(kafka: KafkaAccess, group: str, topics: Iterable[str]) -> int:
    """Records on the group's topics that the group has not committed yet."""
    from aiokafka.admin import AIOKafkaAdminClient

    admin = AIOKafkaAdminClient(**kafka.client_options())
    await admin.start()
    try:
        committed = await admin.list_consumer_group_offsets(group)
    finally:
        await admin.close()
    ends = await end_offsets(kafka, topics)
    return sum(
        end - (committed[tp].offset if tp in committed and committed[tp].offset >= 0 else 0)
        for tp, end in ends.items()
    )


async def delete_topics_with_prefix(kafka: KafkaAccess, prefix: str) -> None:
    """Remove a finished test's topics, so a long-lived development broker does not pile up."""
    from aiokafka.admin import AIOKafkaAdminClient

    admin = AIOKafkaAdminClient(**kafka.client_options())
    await admin.start()
    try:
        doomed = [name for name in await admin.list_topics() if name.startswith(prefix)]
        if doomed:
            await admin.delete_topics(doomed)
    finally:
        await admin.close()
