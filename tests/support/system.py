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

from shared.runtime import READY_MESSAGE, consumer_group
from tests.support.bus import delete_topics_with_prefix
from tests.support.databases import create_database, drop_database
from tests.support.infra import REPO

SERVICES = ("sales", "review", "production", "logistics", "finance")

AUTOMATIC_REVIEW = {"REVIEW_AUTO_APPROVE_MAX_AMOUNT": "50000", "REVIEW_AUTO_APPROVE_TIERS": "A"}
"""Settings that let review's automatic policy approve A-tier orders (issue #3, point 6): the
flow tests and the benchmark use them."""

ORDER_VIEWS = {
    "sales": "orders",
    "review": "reviews",
    "production": "production_orders",
    "logistics": "shipments",
    "finance": "accounts",
}
"""The table in which each service keeps its own view of an order (order_id, status, outcome)."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class ServiceProcess:
    """One service run as `python -m services.<name>` with its settings in the environment."""

    def __init__(self, name: str, env: Mapping[str, str], log_dir: Path) -> None:
        self.name = name
        self.env = dict(env)
        self.log_path = log_dir / f"{name}.log"
        self.process: subprocess.Popen[bytes] | None = None
        self.peak_rss_kib = 0
        self._log_offset = 0

    def start(self) -> None:
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
                raise RuntimeError(f"{self.name} exited at start:\n{self.log_tail()}")
            with self.log_path.open("rb") as log:
                log.seek(self._log_offset)
                if READY_MESSAGE.encode() in log.read():
                    return
            await asyncio.sleep(0.1)
        raise TimeoutError(f"{self.name} not ready after {timeout}s:\n{self.log_tail()}")

    def sample_memory(self) -> None:
        """Remember the process's peak resident memory (VmHWM) so far."""
        if self.process is None or self.process.poll() is not None:
            return
        try:
            status = Path(f"/proc/{self.process.pid}/status").read_text()
        except OSError:
            return
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                self.peak_rss_kib = max(self.peak_rss_kib, int(line.split()[1]))

    def kill(self) -> None:
        """SIGKILL: no shutdown hooks, no offset commits, no flushes."""
        if self.process is not None and self.process.poll() is None:
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
    review's `X`); every process gets all of them and reads its own.
    """

    def __init__(
        self,
        bootstrap: str,
        namespace: str,
        database_urls: Mapping[str, str],
        work_dir: Path,
        settings: Mapping[str, str] | None = None,
    ) -> None:
        work_dir.mkdir(parents=True, exist_ok=True)
        self.bootstrap = bootstrap
        self.namespace = namespace
        self.database_urls = dict(database_urls)
        self.clock_file = work_dir / "clock-offset-seconds"
        self.clock_file.write_text("0")
        self.services: dict[str, ServiceProcess] = {}
        self.http_ports: dict[str, int] = {}
        inherited = {
            key: value for key, value in os.environ.items() if not key.startswith("ORDERFLOW_")
        }
        for name in SERVICES:
            self.http_ports[name] = free_port()
            prefix = f"ORDERFLOW_{name.upper()}_"
            env = inherited | {
                prefix + "KAFKA_BOOTSTRAP_SERVERS": bootstrap,
                prefix + "TOPIC_NAMESPACE": namespace,
                prefix + "DATA_DIR": str(work_dir / "data"),
                prefix + "DATABASE_URL": database_urls[name],
                prefix + "KAFKA_SESSION_TIMEOUT_MS": "6000",
                prefix + "HTTP_PORT": str(self.http_ports[name]),
                prefix + "CLOCK_OFFSET_FILE": str(self.clock_file),
                "PYTHONUNBUFFERED": "1",
            }
            env |= {"ORDERFLOW_" + key: value for key, value in (settings or {}).items()}
            self.services[name] = ServiceProcess(name, env, work_dir)

    def topic(self, name: str) -> str:
        return self.namespace + name

    def consumer_group(self, service: str) -> str:
        return self.namespace + consumer_group(service)

    def port(self, service: str) -> int:
        return self.http_ports[service]

    def advance_clock(self, seconds: float) -> None:
        """Move every service's clock forward (they re-read the offset within 0.2 s)."""
        self.clock_file.write_text(str(float(self.clock_file.read_text()) + seconds))

    async def start(self) -> None:
        for service in self.services.values():
            service.start()
        await asyncio.gather(*(service.wait_ready() for service in self.services.values()))

    async def restart(self, name: str) -> None:
        service = self.services[name]
        service.start()
        await service.wait_ready()

    def sample_memory(self) -> None:
        for service in self.services.values():
            service.sample_memory()

    def stop(self) -> None:
        for service in self.services.values():
            service.stop()


@contextlib.asynccontextmanager
async def launch(
    bootstrap: str,
    postgres_server: str,
    work_dir: Path,
    settings: Mapping[str, str] | None = None,
    label: str = "e2e",
) -> AsyncIterator[System]:
    """The five services started in a fresh topic namespace, each on a fresh PostgreSQL
    database; afterwards the processes stop and their databases and topics are removed."""
    namespace = f"{label}{uuid4().hex[:8]}."
    urls = {
        name: await create_database(postgres_server, prefix=f"{label}_{name}") for name in SERVICES
    }
    system = System(bootstrap, namespace, urls, work_dir, settings)
    try:
        await system.start()
        yield system
    finally:
        system.stop()
        for url in urls.values():
            await drop_database(url)
        await delete_topics_with_prefix(bootstrap, namespace)
