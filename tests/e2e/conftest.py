"""The running system for the order-to-cash flow tests: five service processes on PostgreSQL
and the broker, with the automatic review policy, and a bank that pays every invoice."""

from collections.abc import AsyncIterator

import pytest

from shared.messaging.access import KafkaAccess
from tests.support.bank import Bank
from tests.support.system import AUTOMATIC_POLICIES, System, launch


@pytest.fixture(scope="module")
async def running_system(
    kafka: KafkaAccess, postgres_server: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[System]:
    async with (
        launch(
            kafka, postgres_server, tmp_path_factory.mktemp("system"), AUTOMATIC_POLICIES
        ) as system,
        Bank(system.kafka, system.namespace),
    ):
        yield system
