"""One running system per module: five service processes on PostgreSQL and the real broker."""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from uuid import uuid4

import pytest

from tests.support.bus import delete_topics_with_prefix
from tests.support.databases import create_database, drop_database
from tests.support.system import SERVICES, System


@dataclass
class RunningSystem:
    system: System
    bootstrap: str
    namespace: str
    database_urls: dict[str, str]

    def topic(self, name: str) -> str:
        return self.namespace + name


@pytest.fixture(scope="module")
async def running_system(
    kafka_bootstrap: str, postgres_server: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[RunningSystem]:
    namespace = f"e2e{uuid4().hex[:8]}."
    urls = {name: await create_database(postgres_server, prefix=f"e2e_{name}") for name in SERVICES}
    work_dir: Path = tmp_path_factory.mktemp("system")
    system = System(kafka_bootstrap, namespace, urls, work_dir)
    try:
        await system.start()
        yield RunningSystem(system, kafka_bootstrap, namespace, urls)
    finally:
        system.stop()
        for url in urls.values():
            await drop_database(url)
        await delete_topics_with_prefix(kafka_bootstrap, namespace)
