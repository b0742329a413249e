"""After a flow of 50 orders, every service's Prometheus metrics say what happened: each record
on each topic it consumes handled once, no dead letter, an empty outbox, no lag, and the
requests made to it; and every service is ready.

Five service processes on real Kafka and PostgreSQL.
"""

import asyncio
from collections import defaultdict
from pathlib import Path

import httpx
from prometheus_client.parser import text_string_to_metric_families

from shared.messaging.access import KafkaAccess
from shared.runtime import OUTBOX_WATCH_SECONDS
from tests.support.bank import Bank
from tests.support.bus import end_offsets
from tests.support.flow import consumed_topics, submit_and_close, wait_until_caught_up
from tests.support.system import AUTOMATIC_POLICIES, SERVICES, System, launch

ORDERS = 50
Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


async def scrape(system: System, service: str) -> Samples:
    async with httpx.AsyncClient(timeout=10) as client:
        answer = await client.get(f"http://127.0.0.1:{system.port(service)}/metrics")
    assert answer.status_code == 200, answer.text
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(answer.text)
        for sample in family.samples
    }


def by_label(samples: Samples, name: str, label: str, **match: str) -> dict[str, float]:
    found: dict[str, float] = defaultdict(float)
    for (sample, labels), value in samples.items():
        values = dict(labels)
        if sample == name and all(values.get(k) == v for k, v in match.items()):
            found[values[label]] += value
    return dict(found)


async def test_after_fifty_orders_each_services_metrics_agree_with_the_bus(
    kafka: KafkaAccess, postgres_server: str, tmp_path: Path
) -> None:
    references = [f"METRICS-{index}" for index in range(ORDERS)]
    async with (
        launch(kafka, postgres_server, tmp_path, AUTOMATIC_POLICIES, "metr") as system,
        Bank(system.kafka, system.namespace),
    ):
        ns = system.namespace
        await submit_and_close(system, references)
        await wait_until_caught_up(system)
        await asyncio.sleep(OUTBOX_WATCH_SECONDS + 1.0)  # the backlog is measured anew

        for service in SERVICES:
            samples = await scrape(system, service)
            ends = await end_offsets(
                system.kafka, [system.topic(topic) for topic in consumed_topics(service)]
            )
            on_bus: dict[str, float] = defaultdict(float)
            for partition, end in ends.items():
                if end:
                    on_bus[partition.topic.removeprefix(ns)] += end

            handled = by_label(samples, "orderflow_records_total", "topic", outcome="handled")
            dead = by_label(samples, "orderflow_records_total", "topic", outcome="dead_lettered")
            assert handled == dict(on_bus), service
            assert dead == {}, service
            assert samples[("orderflow_outbox_backlog", ())] == 0, service
            assert samples[("orderflow_outbox_oldest_seconds", ())] == 0, service
            lag = by_label(samples, "orderflow_consumer_lag", "topic")
            assert set(lag) <= set(on_bus) and sum(lag.values()) == 0, (service, lag)
            assert samples[("orderflow_batch_seconds_count", ())] >= 1, service

        async with httpx.AsyncClient(timeout=10) as client:
            for service in SERVICES:
                ready = await client.get(f"http://127.0.0.1:{system.port(service)}/health/ready")
                assert ready.status_code == 200, ready.text
        requests = by_label(
            await scrape(system, "sales"), "orderflow_http_requests_total", "route", status="200"
        )
        assert requests.get("/health/ready", 0) >= 1 and requests.get("/metrics", 0) >= 1
