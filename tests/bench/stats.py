"""The benchmark's pure parts: percentiles, figures, pacing, CPU accounting, the table.

Nothing here touches the bus or a database, so tests/unit/bench can check it all.
"""

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass


@dataclass
class Figures:
    messages: int
    seconds: float
    per_second: float
    p50_ms: float
    p95_ms: float
    p99_ms: float


def percentile(values: Sequence[float], share: float) -> float:
    """The nearest-rank percentile: the smallest value with at least `share` of all at or below."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def figures(sent: Mapping[str, float], arrived: Mapping[str, float]) -> Figures:
    """Throughput and latency of keys sent at `sent[key]` and seen at the end at `arrived[key]`
    (wall-clock seconds): throughput over the span from the first send to the last arrival."""
    missing = sent.keys() - arrived.keys()
    if missing:
        raise ValueError(f"{len(missing)} keys never arrived, e.g. {sorted(missing)[:3]}")
    latencies = [(arrived[key] - sent[key]) * 1000 for key in sent]
    seconds = max(arrived[key] for key in sent) - min(sent.values())
    return Figures(
        messages=len(sent),
        seconds=round(seconds, 2),
        per_second=round(len(sent) / seconds, 1),
        p50_ms=round(percentile(latencies, 0.50), 1),
        p95_ms=round(percentile(latencies, 0.95), 1),
        p99_ms=round(percentile(latencies, 0.99), 1),
    )


def first_arrivals(keyed: Iterable[tuple[str, float]]) -> dict[str, float]:
    """When each key was first seen: a redelivered record does not count twice."""
    arrived: dict[str, float] = {}
    for key, at in keyed:
        arrived.setdefault(key, at)
    return arrived


def share(part: float, whole: float) -> float | None:
    return round(part / whole, 3) if whole else None


# ------------------------------------------------------------------------------------ pacing ---


def send_offsets(count: int, rate: float | None) -> list[float]:
    """When (seconds after the start) to send each of `count` messages: all at once without a
    rate, else evenly spaced at `rate` per second. Offsets are absolute, so a late send does not
    push every later one back (no drift from sleeping between sends)."""
    if rate is not None and rate <= 0:
        raise ValueError("rate must be positive")
    if rate is None:
        return [0.0] * count
    return [index / rate for index in range(count)]


async def paced(
    keys: Sequence[str],
    rate: float | None,
    send: Callable[[str], Awaitable[object]],
    clock: Callable[[], float] = time.monotonic,
    wall: Callable[[], float] = time.time,
    sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
) -> dict[str, float]:
    """Call `await send(key)` for each key on the schedule of `send_offsets`; returns when each
    was sent (wall clock, taken just before the send)."""
    sent: dict[str, float] = {}
    start = clock()
    for key, offset in zip(keys, send_offsets(len(keys), rate), strict=True):
        delay = start + offset - clock()
        if delay > 0:
            await sleep(delay)
        sent[key] = wall()
        await send(key)
    return sent


# ------------------------------------------------------------------------------------- CPU ---


@dataclass(frozen=True)
class ProcStat:
    """The fields of /proc/<pid>/stat the benchmark uses; times in clock ticks."""

    pid: int
    command: str
    parent: int
    user: int
    system: int
    children_user: int
    """CPU time of children that ended and were waited for (a postmaster's backends)."""
    children_system: int

    @property
    def own_ticks(self) -> int:
        return self.user + self.system


def parse_proc_stat(stat: str) -> ProcStat:
    """The text of /proc/<pid>/stat. The command name (field 2) may hold spaces and
    parentheses, so the later fields are counted from its last ')'."""
    head, _, tail = stat.rpartition(")")
    pid, _, command = head.partition(" (")
    fields = tail.split()  # fields[0] is field 3 of proc(5), the state
    return ProcStat(
        pid=int(pid),
        command=command,
        parent=int(fields[1]),
        user=int(fields[11]),
        system=int(fields[12]),
        children_user=int(fields[13]),
        children_system=int(fields[14]),
    )


def process_cpu_ticks(stat: str) -> int:
    """utime + stime from the text of /proc/<pid>/stat."""
    return parse_proc_stat(stat).own_ticks


def postgres_ticks(processes: Iterable[ProcStat]) -> int:
    """CPU ticks of every PostgreSQL cluster on the machine so far: each postmaster's own and
    its ended children's, plus those of its live children (backends, walwriter, checkpointer)."""
    postgres = {process.pid: process for process in processes if process.command == "postgres"}
    total = 0
    for process in postgres.values():
        total += process.own_ticks
        if process.parent not in postgres:  # a postmaster
            total += process.children_user + process.children_system
    return total


def machine_cpu_ticks(stat: str) -> tuple[int, int]:
    """(busy, total) ticks of all CPUs from the text of /proc/stat; idle and iowait are idle."""
    values = [int(value) for value in stat.splitlines()[0].split()[1:]]
    total = sum(values[:8])  # user nice system idle iowait irq softirq steal (guest is in user)
    idle = values[3] + values[4]
    return total - idle, total


def busy_share(before: tuple[int, int], after: tuple[int, int]) -> float | None:
    """How busy the machine's CPUs were between two readings of machine_cpu_ticks (0 to 1)."""
    busy, total = after[0] - before[0], after[1] - before[1]
    return round(busy / total, 3) if total > 0 else None


def per_order(seconds: Mapping[str, float], orders: int) -> dict[str, float]:
    """CPU milliseconds per order, per process or group of processes, plus their total when
    there are several."""
    result = {name: round(value * 1000 / orders, 2) for name, value in seconds.items()}
    if len(seconds) > 1:
        result["total"] = round(sum(seconds.values()) * 1000 / orders, 2)
    return result


# ------------------------------------------------------------------------------------ table ---


def table(rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    )
