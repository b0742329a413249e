"""The subscriber commits exactly what was handled: a batch whose handling is interrupted
commits nothing and is fetched again. Real Kafka broker; the pipeline is a stand-in that
records what it was given and fails when told to."""

import asyncio
from collections.abc import Sequence

import pytest
from aiokafka.admin import AIOKafkaAdminClient
from faststream.kafka import KafkaBroker

from shared.messaging.access import KafkaAccess
from shared.messaging.kafka import create_broker, ensure_topics, subscribe
from shared.messaging.pipeline import Delivery
from tests.support.bus import producer

pytestmark = pytest.mark.integration

TOPIC = "offsets.probe"


class StandInPipeline:
    """Fails the first batch that holds the poisoned value, then handles everything."""

    def __init__(self, poisoned: bytes) -> None:
        self.poisoned = poisoned
        self.handled: list[bytes] = []
        self.failed_once = False
        self.failed_batch: list[bytes] = []
        self.batch_after_failure: list[bytes] = []

    @property
    def topics(self) -> list[str]:
        return [TOPIC]

    async def consume_batch(self, deliveries: Sequence[Delivery]) -> None:
        values = [delivery.value for delivery in deliveries]
        if self.failed_once and not self.batch_after_failure:
            self.batch_after_failure = values
        if self.poisoned in values and not self.failed_once:
            self.failed_once = True
            self.failed_batch = values
            self.handled += values[: values.index(self.poisoned)]  # as if half done, then lost
            raise RuntimeError("interrupted mid-batch")
        self.handled += values


async def committed(kafka: KafkaAccess, group: str) -> int:
    admin = AIOKafkaAdminClient(**kafka.client_options())
    await admin.start()
    try:
        offsets = await admin.list_consumer_group_offsets(group)
    finally:
        await admin.close()
    return sum(meta.offset for meta in offsets.values() if meta.offset > 0)


async def test_an_interrupted_batch_commits_nothing_and_every_record_is_handled_after_it(
    kafka: KafkaAccess, namespace: str
) -> None:
    await ensure_topics(kafka, [TOPIC], partitions=1, replication_factor=1, namespace=namespace)
    async with producer(kafka) as client:
        for number in range(20):
            await client.send(namespace + TOPIC, f"r{number}".encode(), key=b"k")
        await client.flush()

    pipeline = StandInPipeline(poisoned=b"r7")
    broker: KafkaBroker = create_broker(kafka, client_id="offsets-probe")
    subscribe(
        broker,
        pipeline,  # type: ignore[arg-type]
        "probe",
        session_timeout_ms=6000,
        namespace=namespace,
        fetch_wait_ms=25,
    )
    async with broker:
        await broker.start()
        for _ in range(200):
            if (
                len(set(pipeline.handled)) == 20
                and await committed(kafka, namespace + "probe") == 20
            ):
                break
            await asyncio.sleep(0.1)

    assert pipeline.failed_once
    assert sorted(set(pipeline.handled), key=lambda v: int(v[1:])) == [
        f"r{n}".encode() for n in range(20)
    ]
    assert await committed(kafka, namespace + "probe") == 20
    # the interrupted batch came again from its first record, in order
    assert pipeline.batch_after_failure[: len(pipeline.failed_batch)] == pipeline.failed_batch
