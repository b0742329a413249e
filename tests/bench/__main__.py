"""`python -m tests.bench`: orders per second and latency through the whole pipeline, against two
baselines measured in the same run, on the same broker and the same PostgreSQL server.

Pipeline: every service runs as its own process (or --replicas processes in one consumer group)
on its own PostgreSQL database, with review's automatic approval policy on for tier A. It has
PIPELINE_HOPS consume-and-produce hops from submission to close: sales (placed), review
(feasibility requested), production (assessed), review (completed), sales (confirmed, released),
production (produced), logistics (shipment requested), finance (payment checked), logistics
(released, shipped and delivered), finance (invoiced), the bank (paid), finance (received), sales
(closed). Review, production, logistics and finance run their automatic policies.

Baselines (tests/bench/hop.py; plain aiokafka and asyncpg, nothing of the project): as many
messages through as many hops, each hop its own process, batch-consuming, pipelining its sends
(idempotent producer, acks=all) and committing offsets once per batch after the broker
acknowledged them:
  batched raw chain   -- the bus alone;
  inbox+outbox chain  -- plus an inbox row and an outbox row per message in ONE PostgreSQL
                         transaction per batch before the sends, and one UPDATE marking the
                         batch's outbox rows published after them: what a real outbox costs.

PostgreSQL runs with fsync, synchronous_commit and full_page_writes ON for the whole run (see
tests/bench/durable.py) and back off afterwards. Do not run the tests at the same time: they use
the same cluster and the same CPUs.

All orders are offered at once unless --rate R spaces them at R per second (latency at that
offered load). Results: a table on stdout and a JSON file in --output.
"""

import argparse
import asyncio
import json
import os
import platform
import signal
import sys
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from shared.contracts import topics
from shared.messaging.access import KafkaAccess
from tests.bench.chain import PIPELINE_HOPS, Measured, chain, sweep_leftovers
from tests.bench.durable import DURABLE, durable, other_sessions, server_version, settings_of
from tests.bench.procs import Meter
from tests.bench.stats import (
    Figures,
    figures,
    first_arrivals,
    paced,
    share,
    table,
)
from tests.support import infra
from tests.support.bank import Bank
from tests.support.bus import Watcher, producer
from tests.support.orders import bulk_submission, encode
from tests.support.system import AUTOMATIC_POLICIES, SERVICES, System, launch

BASELINES = {
    "batched_raw": f"batched raw chain, {PIPELINE_HOPS} hops",
    "inbox_outbox": f"+ inbox/outbox in PG, {PIPELINE_HOPS} hops",
}


def service_cpu(system: System) -> dict[str, float]:
    """CPU seconds (user + system) used so far by all processes of each service."""
    system.sample_memory()  # also samples each process's CPU time
    return {
        name: sum(process.cpu_seconds() for process in processes)
        for name, processes in system.replicas.items()
    }


async def pipeline(
    kafka: KafkaAccess,
    postgres: str,
    count: int,
    rate: float | None,
    replicas: int,
    partitions: int,
    timeout: float,
    work: Path,
) -> Measured:
    settings = (
        AUTOMATIC_POLICIES
        | {f"{name.upper()}_LOG_LEVEL": "WARNING" for name in SERVICES}
        | {f"{name.upper()}_TOPIC_PARTITIONS": str(partitions) for name in SERVICES}
    )
    async with launch(kafka, postgres, work, settings, label="bench", replicas=replicas) as system:
        placed, closed = system.topic(topics.ORDER_PLACED), system.topic(topics.ORDER_CLOSED)
        submitted = system.topic(topics.ORDER_SUBMITTED)
        references = [f"BENCH-{index:06d}" for index in range(count)]
        values = {ref: encode(bulk_submission(ref, index)) for index, ref in enumerate(references)}
        async with (
            Bank(kafka, system.namespace),
            Watcher(kafka, [placed, closed]) as watcher,
            producer(kafka) as client,
        ):
            meter = Meter(lambda: service_cpu(system))
            meter.start()

            async def send(reference: str) -> object:
                return await client.send(submitted, values[reference], key=reference.encode())

            sent = await paced(references, rate, send)
            await client.flush()
            await watcher.wait_for(
                lambda w: len({r.key for r in w.on(closed)}) >= count, timeout, f"{count} closed"
            )
            used = meter.stop()
        system.sample_memory()
        memory = {
            name: max(replica.peak_rss_kib for replica in group) // 1024
            for name, group in system.replicas.items()
        }
    reference_of = {
        event["order_id"]: event["payload"]["customer_reference"]
        for event in (record.json() for record in watcher.on(placed))
    }
    arrived = first_arrivals(
        (reference_of[record.json()["order_id"]], record.arrived_at)
        for record in watcher.on(closed)
    )
    return Measured.of(figures(sent, arrived), used, memory)


def machine() -> str:
    cores = os.cpu_count()
    memory_gib = int(Path("/proc/meminfo").read_text().split()[1]) // 1024 // 1024
    python = platform.python_version()
    return f"{platform.machine()}, {cores} cores, {memory_gib} GiB, Python {python}"


def row(name: str, measured: Measured, share_text: str) -> list[str]:
    figure: Figures = measured.figures
    busy = measured.machine_cpu_busy
    return [
        name,
        str(figure.per_second),
        str(figure.seconds),
        str(figure.p50_ms),
        str(figure.p95_ms),
        str(figure.p99_ms),
        str(measured.cpu_ms_per_order.get("total", measured.cpu_ms_per_order.get("hops", ""))),
        str(measured.infrastructure_cpu_ms_per_order.get("kafka", "")),
        str(measured.infrastructure_cpu_ms_per_order.get("postgresql", "")),
        "" if busy is None else f"{busy:.0%}",
        share_text,
    ]


def report(result: dict[str, Any], legs: dict[str, Measured]) -> str:
    rate = result["rate"]
    offered = f"offered at {rate}/s" if rate else "offered all at once"
    lines = [
        f"{result['orders']} orders ({offered}), {PIPELINE_HOPS} hops, "
        f"{result['partitions']} partitions, {result['replicas']} replica(s) per service",
        f"machine: {result['machine']}; load average at start {result['load_average_at_start']}",
        "PostgreSQL "
        + result["postgres"]["version"]
        + ", "
        + ", ".join(f"{k}={v}" for k, v in result["postgres"]["settings"].items())
        + " (SHOW, at start and end of the run)",
        "",
    ]
    header = ["", "per second", "seconds", "p50 ms", "p95 ms", "p99 ms"]
    accounting = ["CPU ms/order", "Kafka ms/order", "PG ms/order", "CPU busy", "pipeline share"]
    rows = [[*header, *accounting]]
    if "pipeline" in legs:
        rows.append(row("pipeline (orders, submitted → closed)", legs["pipeline"], ""))
    for key, name in BASELINES.items():
        if key in legs:
            value = result["pipeline_share"].get(key)
            rows.append(row(name, legs[key], "" if value is None else f"{value:.1%}"))
    lines.append(table(rows))
    lines.append(
        "CPU ms/order: the services' (or the hops') processes; Kafka, PG: the broker and the "
        "database server (anyone else's use included); CPU busy: the whole machine"
    )
    if "pipeline" in legs:
        cpu = legs["pipeline"].cpu_ms_per_order
        memory = legs["pipeline"].peak_memory_mib
        lines.append("")
        lines.append(
            "pipeline CPU ms per order: " + ", ".join(f"{name} {ms}" for name, ms in cpu.items())
        )
        lines.append(
            "pipeline peak memory MiB per process: "
            + ", ".join(f"{name} {mib}" for name, mib in memory.items())
        )
    if rate:
        lines.append(
            f"at an offered {rate}/s every leg runs at about that rate: compare latencies; "
            "the throughput each allows is measured without --rate"
        )
    if result["other_postgres_sessions_at_start"]:
        lines.append(
            f"WARNING: {result['other_postgres_sessions_at_start']} other PostgreSQL sessions "
            "were open at the start (tests running?): the figures may be skewed"
        )
    return "\n".join(lines)


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--orders", type=int, default=2000)
    parser.add_argument("--rate", type=float, help="offer orders at this many per second")
    parser.add_argument("--replicas", type=int, default=1, help="processes per service")
    parser.add_argument("--only", choices=("pipeline", "baselines"))
    parser.add_argument("--max-records", type=int, default=500, help="baseline batch size")
    parser.add_argument("--timeout", type=float, default=1800.0)
    parser.add_argument("--output", type=Path, default=Path("bench-results"))
    args = parser.parse_args()
    if args.rate is not None and args.rate <= 0:
        parser.error("--rate must be positive")
    args.output.mkdir(parents=True, exist_ok=True)
    partitions = max(3, args.replicas)  # the services' default, or enough for every replica
    task = asyncio.current_task()
    assert task is not None
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)

    legs: dict[str, Measured] = {}
    with infra.kafka_admin() as kafka, infra.postgres_server_url() as postgres:
        others = await other_sessions(postgres)
        if others:
            print(f"warning: {others} other PostgreSQL sessions are open", file=sys.stderr)
        load = os.getloadavg()
        async with durable(postgres) as in_force:
            if swept := await sweep_leftovers(kafka, postgres):
                print(f"bench: removed what an earlier run left: {swept}", file=sys.stderr)
            if args.only != "pipeline":
                for key, database in (("batched_raw", None), ("inbox_outbox", postgres)):
                    print(f"bench: {BASELINES[key]} ...", file=sys.stderr, flush=True)
                    legs[key] = await chain(
                        kafka,
                        database,
                        args.orders,
                        args.rate,
                        partitions,
                        args.timeout,
                        args.max_records,
                    )
            if args.only != "baselines":
                print("bench: pipeline ...", file=sys.stderr, flush=True)
                legs["pipeline"] = await pipeline(
                    kafka,
                    postgres,
                    args.orders,
                    args.rate,
                    args.replicas,
                    partitions,
                    args.timeout,
                    args.output / "logs",
                )
            at_end = await settings_of(postgres)
            if at_end != DURABLE:
                raise RuntimeError(f"durable settings changed during the run: {at_end}")
            version = await server_version(postgres)
        print(
            f"bench: PostgreSQL settings restored: {await settings_of(postgres)}", file=sys.stderr
        )

    result: dict[str, Any] = {
        "taken_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "load_average_at_start": [round(value, 2) for value in load],
        "other_postgres_sessions_at_start": others,
        "orders": args.orders,
        "rate": args.rate,
        "replicas": args.replicas,
        "partitions": partitions,
        "hops": PIPELINE_HOPS,
        "baseline_max_records": args.max_records,
        "postgres": {"version": version, "settings": in_force},
        **{key: asdict(measured) for key, measured in legs.items()},
        "pipeline_share": {
            key: share(legs["pipeline"].figures.per_second, legs[key].figures.per_second)
            for key in BASELINES
            if key in legs and "pipeline" in legs
        },
    }
    print()
    print(report(result, legs))
    path = args.output / f"bench-{datetime.now(UTC):%Y%m%dT%H%M%S}.json"
    path.write_text(json.dumps(result, indent=2) + "\n")
    print(f"\nwritten to {path}")


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except (asyncio.CancelledError, KeyboardInterrupt):
        print("bench: interrupted", file=sys.stderr)
        sys.exit(130)
