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
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from uuid import uuid4

from shared.contracts import topics
from tests.support import infra
from tests.support.bank import Bank
from tests.support.bus import Record, Watcher, delete_topics_with_prefix, producer
from tests.support.orders import encode, submission, submit
from tests.support.system import AUTOMATIC_REVIEW, SERVICES, launch

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


def first_arrivals(keyed: Iterable[tuple[str, Record]]) -> dict[str, float]:
    """When each key was first seen: a redelivered record does not count twice."""
    arrived: dict[str, float] = {}
    for key, record in keyed:
        arrived.setdefault(key, record.arrived_at)
    return arrived


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
        async with Watcher(bootstrap, [chain[-1]]) as watcher:
            sent: dict[str, float] = {}
            async with producer(bootstrap) as client:
                for index in range(count):
                    key = f"raw-{index}"
                    sent[key] = time.time()
                    await client.send(chain[0], encode(submission(key)), key=key.encode())
                await client.flush()
            await watcher.wait_for(
                lambda w: len({r.key for r in w.records}) >= count, timeout, f"{count} keys through"
            )
        keyed = (((record.key or b"").decode(), record) for record in watcher.records)
        return figures(sent, first_arrivals(keyed))
    finally:
        for hop in hops:
            hop.terminate()
            hop.wait()
        await delete_topics_with_prefix(bootstrap, run)


async def pipeline(
    bootstrap: str, postgres: str, count: int, timeout: float, work: Path
) -> tuple[Figures, dict[str, int]]:
    settings = AUTOMATIC_REVIEW | {f"{name.upper()}_LOG_LEVEL": "WARNING" for name in SERVICES}
    async with launch(bootstrap, postgres, work, settings, label="bench") as system:
        placed, closed = system.topic(topics.ORDER_PLACED), system.topic(topics.ORDER_CLOSED)
        async with (
            Bank(bootstrap, system.namespace),
            Watcher(bootstrap, [placed, closed]) as watcher,
        ):
            references = [f"BENCH-{index:06d}" for index in range(count)]
            sent = await submit(bootstrap, system.namespace, references)
            await watcher.wait_for(
                lambda w: len({r.key for r in w.on(closed)}) >= count, timeout, f"{count} closed"
            )
        system.sample_memory()
        memory = {name: service.peak_rss_kib // 1024 for name, service in system.services.items()}
    reference_of = {
        event["order_id"]: event["payload"]["customer_reference"]
        for event in (record.json() for record in watcher.on(placed))
    }
    keyed = ((reference_of[record.json()["order_id"]], record) for record in watcher.on(closed))
    arrived = first_arrivals(keyed)
    return figures(sent, arrived), memory


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
