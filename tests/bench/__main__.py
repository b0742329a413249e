"""`python -m tests.bench`: orders per second and latency through the whole pipeline, against
the raw Kafka baseline measured in the same run on the same broker.

Every service runs as its own process on its own PostgreSQL database, with review's automatic
approval policy on for tier A. The pipeline has PIPELINE_HOPS consume-and-produce hops from
submission to close: sales (placed), review (feasibility requested), production (assessed),
review (completed), sales (confirmed, released), production (produced), logistics (shipped),
finance (invoiced), the bank (paid), finance (received), sales (closed). The baseline passes the
same number of messages through as many plain aiokafka hops.
"""

import argparse
import asyncio
import itertools
import json
import os
import platform
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import uuid4

from aiokafka import AIOKafkaConsumer

from shared.contracts import topics
from tests.support import infra
from tests.support.bank import Bank
from tests.support.bus import delete_topics_with_prefix, producer
from tests.support.databases import create_database, drop_database
from tests.support.orders import bulk_submission, encode, submission
from tests.support.system import SERVICES, System

PIPELINE_HOPS = 11


@dataclass
class Figures:
    messages: int
    seconds: float
    per_second: float
    p50_ms: float
    p95_ms: float
    p99_ms: float


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def figures(sent: dict[str, float], arrived: dict[str, float]) -> Figures:
    latencies = [(arrived[key] - sent[key]) * 1000 for key in sent]
    seconds = max(arrived.values()) - min(sent.values())
    return Figures(
        messages=len(sent),
        seconds=round(seconds, 2),
        per_second=round(len(sent) / seconds, 1),
        p50_ms=round(percentile(latencies, 0.50), 1),
        p95_ms=round(percentile(latencies, 0.95), 1),
        p99_ms=round(percentile(latencies, 0.99), 1),
    )


async def arrivals(
    bootstrap: str, topic: str, count: int, key_of: Any, timeout: float
) -> dict[str, float]:
    """Wall-clock arrival of `count` distinct keys on a topic."""
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=None,
        auto_offset_reset="earliest",
        metadata_max_age_ms=1000,
    )
    await consumer.start()
    seen: dict[str, float] = {}
    deadline = time.monotonic() + timeout
    try:
        while len(seen) < count:
            if time.monotonic() > deadline:
                raise TimeoutError(f"only {len(seen)} of {count} arrived on {topic}")
            batches = await consumer.getmany(timeout_ms=200)
            now = time.time()
            for batch in batches.values():
                for record in batch:
                    key = key_of(record)
                    if key is not None:
                        seen.setdefault(key, now)
    finally:
        await consumer.stop()
    return seen


async def baseline(bootstrap: str, count: int, timeout: float) -> Figures:
    run = f"bench-raw-{uuid4().hex[:8]}"
    chain = [f"{run}.{index}" for index in range(PIPELINE_HOPS + 1)]
    hops = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.bench.hop",
                "--bootstrap",
                bootstrap,
                "--source",
                source,
                "--target",
                target,
                "--group",
                f"{run}.hop{index}",
            ],
            stdout=subprocess.PIPE,
        )
        for index, (source, target) in enumerate(itertools.pairwise(chain))
    ]
    try:
        for hop in hops:
            assert hop.stdout is not None
            hop.stdout.readline()
        watching = asyncio.create_task(
            arrivals(bootstrap, chain[-1], count, lambda record: record.key.decode(), timeout)
        )
        sent: dict[str, float] = {}
        async with producer(bootstrap) as client:
            for index in range(count):
                key = f"raw-{index}"
                sent[key] = time.time()
                await client.send(chain[0], encode(submission(key)), key=key.encode())
            await client.flush()
        return figures(sent, await watching)
    finally:
        for hop in hops:
            hop.terminate()
            hop.wait()
        await delete_topics_with_prefix(bootstrap, run)


async def pipeline(
    bootstrap: str, postgres: str, count: int, timeout: float, work: Path
) -> tuple[Figures, dict[str, int]]:
    namespace = f"bench{uuid4().hex[:8]}."
    urls = {name: await create_database(postgres, prefix=f"bench_{name}") for name in SERVICES}
    system = System(
        bootstrap,
        namespace,
        urls,
        work,
        extra_env={"LOG_LEVEL": "WARNING"},
        per_service_env={"review": {"AUTO_APPROVE_MAX_AMOUNT": "50000", "AUTO_APPROVE_TIERS": "A"}},
    )
    try:
        await system.start()
        references: dict[str, str] = {}

        def closed_reference(record: Any) -> str | None:
            return references.get(json.loads(record.value)["order_id"])

        async def learn_order_numbers() -> None:
            consumer = AIOKafkaConsumer(
                namespace + topics.ORDER_PLACED,
                bootstrap_servers=bootstrap,
                group_id=None,
                auto_offset_reset="earliest",
                metadata_max_age_ms=1000,
            )
            await consumer.start()
            try:
                async for record in consumer:
                    event = json.loads(record.value)
                    references[event["order_id"]] = event["payload"]["customer_reference"]
            finally:
                await consumer.stop()

        learning = asyncio.create_task(learn_order_numbers())
        async with Bank(bootstrap, namespace):
            watching = asyncio.create_task(
                arrivals(
                    bootstrap, namespace + topics.ORDER_CLOSED, count, closed_reference, timeout
                )
            )
            sent: dict[str, float] = {}
            async with producer(bootstrap) as client:
                for index in range(count):
                    reference = f"BENCH-{index:06d}"
                    sent[reference] = time.time()
                    await client.send(
                        namespace + topics.ORDER_SUBMITTED,
                        encode(bulk_submission(reference, index)),
                        key=reference.encode(),
                    )
                await client.flush()
            closed = await watching
        learning.cancel()
        system.sample_memory()
        memory = {name: service.peak_rss_kib // 1024 for name, service in system.services.items()}
        return figures(sent, closed), memory
    finally:
        system.stop()
        for url in urls.values():
            await drop_database(url)
        await delete_topics_with_prefix(bootstrap, namespace)


def machine() -> str:
    cores = os.cpu_count()
    memory_gib = int(Path("/proc/meminfo").read_text().split()[1]) // 1024 // 1024
    python = platform.python_version()
    return f"{platform.machine()}, {cores} cores, {memory_gib} GiB, Python {python}"


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--orders", type=int, default=2000)
    parser.add_argument("--timeout", type=float, default=1800.0)
    parser.add_argument("--output", type=Path, default=Path("bench-results"))
    args = parser.parse_args()
    args.output.mkdir(parents=True, exist_ok=True)

    with infra.kafka_bootstrap() as bootstrap, infra.postgres_server_url() as postgres:
        raw = await baseline(bootstrap, args.orders, args.timeout)
        piped, memory = await pipeline(
            bootstrap, postgres, args.orders, args.timeout, args.output / "logs"
        )

    result = {
        "taken_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "orders": args.orders,
        "hops": PIPELINE_HOPS,
        "pipeline": asdict(piped),
        "raw_kafka_baseline": asdict(raw),
        "pipeline_share_of_baseline": round(piped.per_second / raw.per_second, 3),
        "peak_memory_mib": memory,
    }
    rows = [("", "per second", "seconds", "p50 ms", "p95 ms", "p99 ms")]
    for name, figure in (("pipeline (orders)", piped), (f"raw Kafka, {PIPELINE_HOPS} hops", raw)):
        rows.append(
            (
                name,
                str(figure.per_second),
                str(figure.seconds),
                str(figure.p50_ms),
                str(figure.p95_ms),
                str(figure.p99_ms),
            )
        )
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    print(f"\n{args.orders} orders on {result['machine']}")
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
    print(f"pipeline throughput = {result['pipeline_share_of_baseline']:.1%} of the raw baseline")
    print("peak memory (MiB): " + ", ".join(f"{name} {mib}" for name, mib in memory.items()))
    path = args.output / f"bench-{datetime.now(UTC):%Y%m%dT%H%M%S}.json"
    path.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    print(f"written to {path}")


if __name__ == "__main__":
    asyncio.run(main())
