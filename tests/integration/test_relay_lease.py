"""Review finding: the relay's lease. `still_held()` answered True without asking the database
for two seconds after each check, so once the lock's session was gone (terminated, the server
restarted, the network cut) the old holder went on publishing for up to two seconds while
another replica already held the lock and published the same rows. Real PostgreSQL."""

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.db.engine import create_engine
from shared.messaging.relay import RelayLease

pytestmark = pytest.mark.integration


@pytest.fixture
async def engines(postgres_database: str) -> AsyncIterator[list[AsyncEngine]]:
    pair = [create_engine(postgres_database), create_engine(postgres_database)]
    yield pair
    for engine in pair:
        await engine.dispose()


async def test_a_lease_whose_session_is_gone_is_not_held_any_more(
    engines: list[AsyncEngine],
) -> None:
    first, second = RelayLease(engines[0]), RelayLease(engines[1])
    async with first.held(poll_seconds=0.05) as first_holds:
        assert await first_holds()
        async with engines[1].connect() as admin:  # the lock's session ends
            pids = await admin.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_locks"
                    " WHERE locktype = 'advisory' AND granted AND pid <> pg_backend_pid()"
                    " AND database = (SELECT oid FROM pg_database"
                    " WHERE datname = current_database())"
                )
            )
            assert list(pids.scalars()) == [True]
        async with second.held(poll_seconds=0.05) as second_holds:
            assert await second_holds()
            try:
                still = await first_holds()
            except Exception:
                still = False
            assert not still, "two relays hold the lease at once"
