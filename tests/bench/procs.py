"""CPU time from /proc: of processes, of the broker and PostgreSQL, of the whole machine.

Linux only, like the rest of the benchmark's accounting. The broker and PostgreSQL are found
among the machine's processes (the local ones of deploy/kafka.sh and deploy/postgres.sh, or any
other on this machine); what else uses them while a benchmark runs is counted too.
"""

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tests.bench.stats import (
    ProcStat,
    busy_share,
    machine_cpu_ticks,
    parse_proc_stat,
    postgres_ticks,
)

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
"""USER_HZ, the unit of /proc's CPU times (100 on Linux)."""


def process_cpu_seconds(pid: int) -> float:
    """CPU seconds (user + system) that process `pid` has used so far."""
    return parse_proc_stat(Path(f"/proc/{pid}/stat").read_text()).own_ticks / CLOCK_TICKS


def machine_ticks() -> tuple[int, int]:
    """(busy, total) CPU ticks of the machine so far."""
    return machine_cpu_ticks(Path("/proc/stat").read_text())


def _processes() -> list[tuple[ProcStat, bytes]]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            found.append(
                (parse_proc_stat((entry / "stat").read_text()), (entry / "cmdline").read_bytes())
            )
        except (OSError, ValueError, IndexError):
            continue  # ended meanwhile
    return found


def infrastructure_cpu_seconds() -> dict[str, float]:
    """CPU seconds so far of the Kafka broker(s) and the PostgreSQL cluster(s) on this machine;
    a name is missing when none runs here (a remote server or a container elsewhere)."""
    processes = _processes()
    result: dict[str, float] = {}
    kafka = [stat.own_ticks for stat, cmdline in processes if b"kafka.Kafka" in cmdline]
    if kafka:
        result["kafka"] = sum(kafka) / CLOCK_TICKS
    if any(stat.command == "postgres" for stat, _ in processes):
        result["postgresql"] = postgres_ticks(stat for stat, _ in processes) / CLOCK_TICKS
    return result


@dataclass
class Used:
    """CPU used over a stretch of time."""

    seconds: dict[str, float]
    """CPU seconds per measured group of processes."""
    infrastructure_seconds: dict[str, float]
    """CPU seconds of the broker and PostgreSQL."""
    machine_busy: float | None
    """Share of the machine's CPU time that was busy (0 to 1)."""


class Meter:
    """CPU used between start() and stop() by the groups `groups()` reads (name -> CPU seconds
    so far), by the broker and PostgreSQL, and by the whole machine."""

    def __init__(self, groups: Callable[[], dict[str, float]]) -> None:
        self._groups = groups
        self._start: tuple[dict[str, float], dict[str, float], tuple[int, int]] | None = None

    def start(self) -> None:
        self._start = (self._groups(), infrastructure_cpu_seconds(), machine_ticks())

    def stop(self) -> Used:
        assert self._start is not None, "start() first"
        groups, infrastructure, ticks = self._start
        now_groups, now_infrastructure = self._groups(), infrastructure_cpu_seconds()
        return Used(
            seconds={name: now_groups[name] - groups.get(name, 0.0) for name in now_groups},
            infrastructure_seconds={
                name: now_infrastructure[name] - infrastructure[name]
                for name in now_infrastructure
                if name in infrastructure
            },
            machine_busy=busy_share(ticks, machine_ticks()),
        )
