"""All five services as separate operating-system processes, as operators run them."""

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Mapping
from pathlib import Path
from uuid import uuid4

from sqlalchemy.engine import make_url

from shared.contracts.acls import consumer_group
from shared.messaging.access import KafkaAccess
from shared.messaging.bus_setup import apply_acls, remove_acls
from shared.runtime import READY_MESSAGE
from tests.support.bus import delete_topics_with_prefix
from tests.support.databases import create_service_database, database_url, drop_database
from tests.support.infra import REPO, as_principal

SERVICES = ("sales", "review", "production", "logistics", "finance")

AUTOMATIC_REVIEW = {"REVIEW_AUTO_APPROVE_MAX_AMOUNT": "50000", "REVIEW_AUTO_APPROVE_TIERS": "A"}
"""Settings that let review's automatic policy approve A-tier orders (issue #3, point 6)."""

AUTOMATIC_POLICIES = {
    **AUTOMATIC_REVIEW,
    "PRODUCTION_AUTOMATIC_POLICY": "true",
    "LOGISTICS_AUTOMATIC_POLICY": "true",
    "FINANCE_AUTOMATIC_POLICY": "true",
}
"""Review's automatic approvals and the automatic policies of production, logistics and finance
(docs/production.md, docs/shipping-and-money.md): the flow tests and the benchmark, which are not
about people's decisions, use them."""

ORDER_VIEWS = {
    "sales": "SELECT order_id, status, outcome FROM orders",
    "review": "SELECT order_id, status, outcome FROM reviews",
    "production": "SELECT order_id, status, outcome FROM production_orders",
    "logistics": "SELECT order_id, CASE WHEN document->>'outcome' IS NULL THEN 'open' "
    "ELSE 'closed' END AS status, document->>'outcome' AS outcome FROM shipping_orders",
    "finance": "SELECT order_id, status, outcome FROM accounts",
}
"""How each service's own view of an order reads as (order_id, status, outcome)."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


class ServiceProcess:
    """One service run as `python -m services.<name>` with its settings in the environment.

    `replica` numbers the processes of one service (0, 1, ...); each writes its own log,
    `<name>-<replica>.log`. The process may be started again after it stopped or was killed:
    its CPU time and peak memory cover every process it ran.
    """

    def __init__(self, name: str, env: Mapping[str, str], log_dir: Path, replica: int = 0) -> None:
        self.name = name
        self.replica = replica
        self.env = dict(env)
        self.log_path = log_dir / f"{name}-{replica}.log"
        self.process: subprocess.Popen[bytes] | None = None
        self.peak_rss_kib = 0
        self._log_offset = 0
        self._cpu_of_earlier_runs = 0.0
        self._cpu_of_this_run = 0.0

    @property
    def label(self) -> str:
        return f"{self.name}-{self.replica}"

    @property
    def pid(self) -> int:
        """The operating-system id of the process last started."""
        if self.process is None:
            raise RuntimeError(f"{self.label} was never started")
        return self.process.pid

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self) -> None:
        self._cpu_of_earlier_runs += self._cpu_of_this_run
        self._cpu_of_this_run = 0.0
        self._log_offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", f"services.{self.name}"],
                cwd=REPO,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    async def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"{self.label} exited at start:\n{self.log_tail()}")
            with self.log_path.open("rb") as log:
                log.seek(self._log_offset)
                if READY_MESSAGE.encode() in log.read():
                    return
            await asyncio.sleep(0.1)
        raise TimeoutError(f"{self.label} not ready after {timeout}s:\n{self.log_tail()}")

    def sample_memory(self) -> None:
        """Remember the process's peak resident memory (VmHWM) and its CPU time so far."""
        if not self.alive():
            return
        try:
            status = Path(f"/proc/{self.pid}/status").read_text()
        except OSError:
            return
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                self.peak_rss_kib = max(self.peak_rss_kib, int(line.split()[1]))
        self._sample_cpu()

    def _sample_cpu(self) -> None:
        try:
            stat = Path(f"/proc/{self.pid}/stat").read_text()
        except OSError:
            return
        # The command name (field 2) is in parentheses and may hold spaces: split after it.
        fields = stat.rpartition(")")[2].split()
        utime, stime = int(fields[11]), int(fields[12])  # fields 14 and 15 of proc(5)
        self._cpu_of_this_run = (utime + stime) / CLOCK_TICKS

    def cpu_seconds(self) -> float:
        """User plus system CPU time of every run, as of the last sample (sample_memory(),
        stop() and kill() take one): still known after the process ended."""
        return self._cpu_of_earlier_runs + self._cpu_of_this_run

    def kill(self) -> None:
        """SIGKILL: no shutdown hooks, no offset commits, no flushes."""
        if self.process is not None and self.process.poll() is None:
            self.sample_memory()
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=30)

    def stop(self, timeout: float = 20.0) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.sample_memory()
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "<no log>"


class System:
    """The five services wired to one broker, one topic namespace and their own databases.

    `settings` are the services' settings without the `ORDERFLOW_` prefix (`REVIEW_X` sets
    review's `X`); every process gets all of them and reads its own. With `replicas` > 1 each
    service runs as that many processes sharing its database and its consumer group, each with
    its own HTTP port and log file.
    """

    def __init__(
        self,
        kafka: KafkaAccess,
        namespace: str,
        database_urls: Mapping[str, str],
        work_dir: Path,
        settings: Mapping[str, str] | None = None,
        replicas: int = 1,
    ) -> None:
        if replicas < 1:
            raise ValueError(f"a service needs at least one replica, not {replicas}")
        work_dir.mkdir(parents=True, exist_ok=True)
        self.kafka = kafka
        self.namespace = namespace
        self.database_urls = dict(database_urls)
        self.clock_file = work_dir / "clock-offset-seconds"
        self.clock_file.write_text("0")
        self.replicas: dict[str, list[ServiceProcess]] = {}
        inherited = {
            key: value for key, value in os.environ.items() if not key.startswith("ORDERFLOW_")
        }
        for name in SERVICES:
            prefix = f"ORDERFLOW_{name.upper()}_"
            self.replicas[name] = []
            for replica in range(replicas):
                env = (
                    inherited
                    | as_principal(kafka, name).environment(prefix)
                    | {
                        prefix + "TOPIC_NAMESPACE": namespace,
                        prefix + "DATA_DIR": str(work_dir / "data"),
                        prefix + "DATABASE_URL": database_urls[name],
                        prefix + "KAFKA_SESSION_TIMEOUT_MS": "6000",
                        prefix + "HTTP_PORT": str(free_port()),
                        prefix + "CLOCK_OFFSET_FILE": str(self.clock_file),
                        prefix + "DEMO_MODE": "true",  # the tests act as the demo seed's users
                        # the tests poll and try refused calls far faster than people: no limits
                        # (tests/unit/shared/test_people.py tests them)
                        prefix + "HTTP_REQUESTS_PER_SECOND": "100000",
                        prefix + "HTTP_REQUEST_BURST": "100000",
                        prefix + "HTTP_FAILURES_PER_MINUTE": "6000000",
                        "PYTHONUNBUFFERED": "1",
                    }
                )
                env |= {"ORDERFLOW_" + key: value for key, value in (settings or {}).items()}
                self.replicas[name].append(ServiceProcess(name, env, work_dir, replica))
        self.services: dict[str, ServiceProcess] = {
            name: processes[0] for name, processes in self.replicas.items()
        }
        """The first replica of each service."""
        self.http_ports: dict[str, int] = {
            name: int(service.env[f"ORDERFLOW_{name.upper()}_HTTP_PORT"])
            for name, service in self.services.items()
        }
        """The HTTP port of each service's first replica."""

    def processes(self) -> list[ServiceProcess]:
        """Every process of every service, service by service."""
        return [process for name in SERVICES for process in self.replicas[name]]

    def topic(self, name: str) -> str:
        return self.namespace + name

    def consumer_group(self, service: str) -> str:
        return self.namespace + consumer_group(service)

    def port(self, service: str, replica: int = 0) -> int:
        process = self.replicas[service][replica]
        return int(process.env[f"ORDERFLOW_{service.upper()}_HTTP_PORT"])

    def advance_clock(self, seconds: float) -> None:
        """Move every service's clock forward (they re-read the offset within 0.2 s)."""
        self.clock_file.write_text(str(float(self.clock_file.read_text()) + seconds))

    async def start(self) -> None:
        """Start every process at once (replicas of one service race their start on purpose,
        as an orchestrator would start them) and wait until each is ready."""
        for process in self.processes():
            process.start()
        await asyncio.gather(*(process.wait_ready() for process in self.processes()))

    async def restart(self, name: str, replica: int = 0) -> None:
        process = self.replicas[name][replica]
        process.start()
        await process.wait_ready()

    def sample_memory(self) -> None:
        for process in self.processes():
            process.sample_memory()

    def stop(self) -> None:
        for process in self.processes():
            process.stop()


@contextlib.asynccontextmanager
async def launch(
    kafka: KafkaAccess,
    postgres_server: str,
    work_dir: Path,
    settings: Mapping[str, str] | None = None,
    label: str = "e2e",
    replicas: int = 1,
) -> AsyncIterator[System]:
    """The five services started in a fresh topic namespace, each on a fresh PostgreSQL
    database (shared by its replicas); afterwards the processes stop and their databases and
    topics are removed."""
    namespace = f"{label}{uuid4().hex[:8]}."
    urls = {
        name: await create_service_database(postgres_server, name, prefix=f"{label}_{name}")
        for name in SERVICES
    }
    system = System(kafka, namespace, urls, work_dir, settings, replicas)
    await apply_acls(kafka, namespace)  # each service runs as its own principal
    try:
        await system.start()
        yield system
    finally:
        system.stop()
        for url in urls.values():  # as the server's superuser, not the service's role
            await drop_database(database_url(postgres_server, str(make_url(url).database)))
        await delete_topics_with_prefix(kafka, namespace)
        await remove_acls(kafka, namespace)
