"""The whole order-to-cash flow through five service processes, real Kafka and PostgreSQL.

Orders are placed (P1.2), reviewed and approved (P2.3, P2.5), produced (P4.9), shipped (P5.5),
invoiced (P6.3), paid through the bank (P6.2) and closed (P7.6). The tests run in file order on
one running system; the crash test comes last because it kills processes.
"""

import asyncio
import json
import os
import random
from collections import Counter, defaultdict

import pytest

from shared.contracts import topics
from tests.support.bus import Watcher, end_offsets, group_lag, producer, reset_group_to_beginning
from tests.support.databases import fetch, snapshot
from tests.support.flow import (
    consumed_topics,
    consumers_by_topic,
    kill_and_restart,
    wait_until_caught_up,
    wait_until_closed,
)
from tests.support.orders import submit
from tests.support.system import ORDER_VIEWS, SERVICES, System

pytestmark = pytest.mark.e2e


async def test_two_hundred_orders_from_a_plain_producer_all_close_and_every_database_agrees(
    running_system: System,
) -> None:
    ns, kafka = running_system.namespace, running_system.kafka
    references = [f"BULK-{index:04d}" for index in range(200)]
    all_topics = [ns + topic for topic in topics.ALL_TOPICS]
    async with Watcher(kafka, all_topics) as watcher:
        await submit(kafka, ns, references)
        orders = await wait_until_closed(watcher, ns, set(references))
        await wait_until_caught_up(running_system)
        await asyncio.sleep(1.0)  # let any stray duplicate reach the watcher

    assert sorted(orders.values()) == references
    outcomes = {
        event["order_id"]: event["payload"]["outcome"]
        for event in watcher.events(ns + topics.ORDER_CLOSED)
    }
    assert {outcomes[order_id] for order_id in orders} == {"fulfilled"}

    for service, view in ORDER_VIEWS.items():
        rows = await fetch(
            running_system.database_urls[service],
            f"SELECT * FROM ({view}) AS view WHERE order_id = ANY($1::text[])",
            list(orders),
        )
        assert len(rows) == 200, service
        assert {(row["status"], row["outcome"]) for row in rows} == {("closed", "fulfilled")}, (
            service
        )

    for topic in topics.ALL_TOPICS:
        if topic in (topics.ORDER_SUBMITTED, topics.PAYMENT_NOTIFIED, topics.DEAD_LETTER):
            continue  # not our events: no event id
        counts = Counter(event["event_id"] for event in watcher.events(ns + topic))
        assert [event_id for event_id, count in counts.items() if count > 1] == [], topic
    for record in watcher.records:
        if record.topic.removeprefix(ns) in (
            topics.ORDER_PLACED,
            topics.GOODS_SHIPPED,
            topics.ORDER_CLOSED,
        ):
            event = record.json()
            assert record.key == event["order_id"].encode()
            assert event["causation_id"] and event["producer"] and event["occurred_at"]


async def test_poison_on_every_consumed_topic_is_dead_lettered_and_valid_orders_still_close(
    running_system: System,
) -> None:
    ns, kafka = running_system.namespace, running_system.kafka
    consumers = consumers_by_topic()
    poison: list[tuple[str, int, int]] = []  # (topic, partition, offset)
    async with producer(kafka) as client:
        for topic in consumers:
            for value in (
                os.urandom(48),
                json.dumps({"unexpected": True, "n": random.random()}).encode(),
            ):
                metadata = await client.send_and_wait(ns + topic, value, key=b"poison")
                poison.append((ns + topic, metadata.partition, metadata.offset))
    references = [f"AFTER-POISON-{index}" for index in range(10)]
    async with Watcher(
        kafka, [ns + topics.ORDER_PLACED, ns + topics.ORDER_CLOSED, ns + topics.DEAD_LETTER]
    ) as watcher:
        await submit(kafka, ns, references)
        await wait_until_closed(watcher, ns, set(references))
        expected = {
            (topic, partition, offset, service)
            for topic, partition, offset in poison
            for service in consumers[topic.removeprefix(ns)]
        }

        def dead_lettered(w: Watcher) -> set[tuple[str, int, int, str]]:
            return {
                (
                    record.headers["dlq.source.topic"],
                    int(record.headers["dlq.source.partition"]),
                    int(record.headers["dlq.source.offset"]),
                    record.headers["dlq.service"],
                )
                for record in w.on(ns + topics.DEAD_LETTER)
                if record.headers.get("dlq.reason")
            }

        await watcher.wait_for(
            lambda w: expected <= dead_lettered(w), 60, "every poison dead-lettered"
        )

    await wait_until_caught_up(running_system)


async def test_replaying_every_consumer_group_from_the_beginning_changes_nothing(
    running_system: System,
) -> None:
    system = running_system
    await wait_until_caught_up(system)
    system.stop()
    before = {name: await snapshot(url) for name, url in system.database_urls.items()}
    produced_topics = [system.topic(t) for t in topics.ALL_TOPICS if t != topics.DEAD_LETTER]

    ends_before = await end_offsets(system.kafka, produced_topics)
    for service in SERVICES:
        group = system.consumer_group(service)
        group_topics = [system.topic(topic) for topic in consumed_topics(service)]
        await reset_group_to_beginning(system.kafka, group, group_topics)
        assert await group_lag(system.kafka, group, group_topics) > 0
    await system.start()
    await wait_until_caught_up(system)
    await asyncio.sleep(1.0)  # the relay's poll interval: anything staged would now be out

    after = {name: await snapshot(url) for name, url in system.database_urls.items()}
    for service in SERVICES:
        assert after[service] == before[service], service
    assert await end_offsets(system.kafka, produced_topics) == ends_before


async def test_each_service_killed_mid_flow_loses_nothing_and_does_nothing_twice(
    running_system: System,
) -> None:
    system = running_system
    ns, kafka = system.namespace, system.kafka
    references = [f"CRASH-{index:04d}" for index in range(150)]
    async with Watcher(kafka, [ns + topic for topic in topics.ALL_TOPICS]) as watcher:
        sending = asyncio.create_task(submit(kafka, ns, references, pause=0.05))
        for service in SERVICES:
            await asyncio.sleep(1.5)
            await kill_and_restart(system, service)
        await sending
        orders = await wait_until_closed(watcher, ns, set(references))

    assert sorted(orders.values()) == references
    for topic in (
        topics.GOODS_SHIPPED,
        topics.INVOICE_ISSUED,
        topics.PAYMENT_RECEIVED,
        topics.ORDER_CLOSED,
    ):
        distinct_events = defaultdict(set)
        for event in watcher.events(ns + topic):
            distinct_events[event["order_id"]].add(event["event_id"])
        twice = [order_id for order_id in orders if len(distinct_events[order_id]) != 1]
        assert twice == [], f"{topic}: orders with other than one event: {twice[:5]}"
    finance, logistics = (
        running_system.database_urls["finance"],
        running_system.database_urls["logistics"],
    )
    ids = list(orders)
    for url, table in ((logistics, "shipments"), (finance, "invoices"), (finance, "payments")):
        rows = await fetch(
            url,
            f"SELECT order_id, count(*) AS n FROM {table} "
            "WHERE order_id = ANY($1::text[]) GROUP BY order_id",
            ids,
        )
        assert {row["order_id"]: row["n"] for row in rows} == dict.fromkeys(ids, 1), table
