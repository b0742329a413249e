"""Session-wide real infrastructure for the integration and end-to-end tiers."""

from collections.abc import AsyncIterator, Iterator
from uuid import uuid4

import pytest

from shared.messaging.access import KafkaAccess
from tests.support import infra
from tests.support.bus import delete_topics_with_prefix
from tests.support.databases import create_database, drop_database


@pytest.fixture(scope="session")
def kafka() -> Iterator[KafkaAccess]:
    """The tests' real broker (SASL_SSL), as its super user; `infra.as_principal` for others."""
    with infra.kafka_admin() as access:
        yield access


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    with infra.postgres_server_url() as url:
        yield url


@pytest.fixture
async def namespace(kafka: KafkaAccess) -> AsyncIterator[str]:
    """A topic and consumer-group prefix of the test's own, so tests share one broker safely;
    its topics are deleted afterwards."""
    prefix = f"t{uuid4().hex[:10]}."
    yield prefix
    await delete_topics_with_prefix(kafka, prefix)


@pytest.fixture
async def postgres_database(postgres_server: str) -> AsyncIterator[str]:
    url = await create_database(postgres_server)
    yield url
    await drop_database(url)
