"""The baselines: the same number of messages through a chain of PIPELINE_HOPS hop processes
(tests/bench/hop.py) on the same broker, with or without inbox and outbox rows in PostgreSQL."""

import asyncio
import contextlib
import itertools
import os
import sys
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from uuid import uuid4

import asyncpg
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from shared.messaging.access import KafkaAccess
from tests.bench import hop
from tests.bench.procs import Meter, Used, process_cpu_seconds
from tests.bench.stats import Figures, figures, first_arrivals, paced, per_order
from tests.support.bus import Watcher, delete_topics_with_prefix, producer
from tests.support.databases import create_database, database_url, drop_database
from tests.support.infra import REPO
from tests.support.orders import bulk_submission, encode

PIPELINE_HOPS = 13


@dataclass
class Measured:
    """What one leg of the benchmark measured."""

    figures: Figures
    cpu_ms_per_order: dict[str, float]
    """CPU milliseconds (user + system) per order, per service (or for all hops together)."""
    infrastructure_cpu_ms_per_order: dict[str, float]
    """The same for the broker and PostgreSQL (whoever else used them meanwhile included)."""
    machine_cpu_busy: float | None
    """Share of the machine's CPU time that was busy while the leg ran (0 to 1)."""
    peak_memory_mib: dict[str, int] = field(default_factory=dict)

    @classmethod
    def of(cls, figures: Figures, used: Used, memory: dict[str, int] | None = None) -> "Measured":
        return cls(
            figures,
            per_order(used.seconds, figures.messages),
            per_order(used.infrastructure_seconds, figures.messages),
            used.machine_busy,
            memory or {},
        )


async def create_topics(kafka: KafkaAccess, names: Sequence[str], partitions: int) -> None:
    admin = AIOKafkaAdminClient(**kafka.client_options())
    await admin.start()
    try:
        await admin.create_topics(
            [NewTopic(name, num_partitions=partitions, replication_factor=1) for name in names]
        )
    finally:
        await admin.close()


@contextlib.asynccontextmanager
async def hop_database(postgres: str) -> AsyncIterator[str]:
    """A fresh database with every hop's inbox and outbox tables; dropped afterwards."""
    url = await create_database(postgres, prefix="bench_outbox")
    try:
        connection = await asyncpg.connect(url)
        try:
            for index in range(PIPELINE_HOPS):
                for statement in hop.schema(index):
                    await connection.execute(statement)
        finally:
            await connection.close()
        yield url
    finally:
        await drop_database(url)


async def start_hop(
    kafka: KafkaAccess, arguments: list[str], timeout: float = 60.0
) -> asyncio.subprocess.Process:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.bench.hop",
        *arguments,
        cwd=REPO,
        env=os.environ | kafka.environment(hop.ENVIRONMENT_PREFIX),
        stdout=asyncio.subprocess.PIPE,
    )
    assert process.stdout is not None
    line = await asyncio.wait_for(process.stdout.readline(), timeout)
    if line.decode().strip() != hop.READY:
        raise RuntimeError(f"hop {arguments} did not start (exit {process.returncode})")
    return process


async def stop(processes: Sequence[asyncio.subprocess.Process]) -> None:
    for process in processes:
        if process.returncode is None:
            process.terminate()
    for process in processes:
        try:
            await asyncio.wait_for(process.wait(), 20)
        except TimeoutError:
            process.kill()
            await process.wait()


async def chain(
    kafka: KafkaAccess,
    postgres: str | None,
    count: int,
    rate: float | None,
    partitions: int,
    timeout: float,
    max_records: int = 500,
) -> Measured:
    """`count` messages through the chain; with `postgres`, every hop writes inbox and outbox
    rows there, one transaction per batch."""
    run = f"bench-{'outbox' if postgres else 'raw'}-{uuid4().hex[:8]}"
    names = [f"{run}.{index}" for index in range(PIPELINE_HOPS + 1)]
    await create_topics(kafka, names, partitions)
    hops: list[asyncio.subprocess.Process] = []
    try:
        async with contextlib.AsyncExitStack() as stack:
            database = await stack.enter_async_context(hop_database(postgres)) if postgres else None
            stack.push_async_callback(stop, hops)  # before the database goes
            for index, (source, target) in enumerate(itertools.pairwise(names)):
                arguments = [
                    *("--source", source, "--target", target),
                    *("--group", f"{run}.hop{index}", "--hop", str(index)),
                    *("--max-records", str(max_records)),
                    *(("--database", database) if database else ()),
                ]
                hops.append(await start_hop(kafka, arguments))
            keys = [f"raw-{index:06d}" for index in range(count)]
            values = {key: encode(bulk_submission(key, index)) for index, key in enumerate(keys)}

            def alive() -> bool:
                for index, process in enumerate(hops):
                    if process.returncode is not None:
                        raise RuntimeError(f"hop {index} exited ({process.returncode})")
                return True

            async with Watcher(kafka, [names[-1]]) as watcher, producer(kafka) as client:
                meter = Meter(
                    lambda: {"hops": sum(process_cpu_seconds(process.pid) for process in hops)}
                )
                meter.start()

                async def send(key: str) -> object:
                    return await client.send(names[0], values[key], key=key.encode())

                sent = await paced(keys, rate, send)
                await client.flush()
                await watcher.wait_for(
                    lambda w: alive() and len({r.key for r in w.records}) >= count,
                    timeout,
                    f"{count} keys through {PIPELINE_HOPS} hops",
                )
                used = meter.stop()
            arrived = first_arrivals(
                ((record.key or b"").decode(), record.arrived_at) for record in watcher.records
            )
            return Measured.of(figures(sent, arrived), used)
    finally:
        await delete_topics_with_prefix(kafka, run)


async def sweep_leftovers(kafka: KafkaAccess, postgres: str) -> list[str]:
    """Remove what a killed benchmark left behind: databases named bench_* and topics named
    bench* (only the benchmark makes such names). Call it holding the benchmark lock, so no
    other benchmark is running."""
    connection = await asyncpg.connect(database_url(postgres, "postgres"))
    try:
        databases = [
            row[0]
            for row in await connection.fetch(
                r"SELECT datname FROM pg_database WHERE datname LIKE 'bench\_%'"
            )
        ]
        for name in databases:
            await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()
    admin = AIOKafkaAdminClient(**kafka.client_options())
    await admin.start()
    try:
        doomed = [name for name in await admin.list_topics() if name.startswith("bench")]
        if doomed:
            await admin.delete_topics(doomed)
    finally:
        await admin.close()
    return databases + doomed
