"""Running systems for the end-to-end tier: five service processes on PostgreSQL and the broker."""

import contextlib
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from uuid import uuid4

import pytest

from tests.support.bus import delete_topics_with_prefix
from tests.support.databases import create_database, drop_database
from tests.support.system import SERVICES, System

AUTOMATIC_REVIEW = {"REVIEW_AUTO_APPROVE_MAX_AMOUNT": "50000", "REVIEW_AUTO_APPROVE_TIERS": "A"}
"""The issue-2 flow tests let the automatic policy approve A-tier orders (issue #3, point 6)."""


@dataclass
class RunningSystem:
    system: System
    bootstrap: str
    namespace: str
    database_urls: dict[str, str]

    def topic(self, name: str) -> str:
        return self.namespace + name

    def port(self, service: str) -> int:
        return self.system.http_ports[service]


@contextlib.asynccontextmanager
async def launch(
    kafka_bootstrap: str,
    postgres_server: str,
    work_dir: Path,
    env: Mapping[str, str] | None = None,
) -> AsyncIterator[RunningSystem]:
    """Start the five services with `env` (keys like REVIEW_X set ORDERFLOW_REVIEW_X)."""
    namespace = f"e2e{uuid4().hex[:8]}."
    urls = {name: await create_database(postgres_server, prefix=f"e2e_{name}") for name in SERVICES}
    per_service = {
        name: {
            key.split("_", 1)[1]: value
            for key, value in (env or {}).items()
            if key.startswith(f"{name.upper()}_")
        }
        for name in SERVICES
    }
    system = System(kafka_bootstrap, namespace, urls, work_dir, per_service_env=per_service)
    try:
        await system.start()
        yield RunningSystem(system, kafka_bootstrap, namespace, urls)
    finally:
        system.stop()
        for url in urls.values():
            await drop_database(url)
        await delete_topics_with_prefix(kafka_bootstrap, namespace)


@pytest.fixture(scope="module")
async def running_system(
    kafka_bootstrap: str, postgres_server: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[RunningSystem]:
    async with launch(
        kafka_bootstrap, postgres_server, tmp_path_factory.mktemp("system"), AUTOMATIC_REVIEW
    ) as running:
        yield running
