"""PostgreSQL advisory locks: how replicas of a service that share a database take turns."""

import contextlib
import hashlib
from collections.abc import AsyncIterator

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine


def advisory_key(name: str) -> int:
    """A stable signed 64-bit advisory lock key for a name."""
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), signed=True)


STARTUP_LOCK = advisory_key("orderflow.startup")


@contextlib.asynccontextmanager
async def one_at_a_time(engine: AsyncEngine, key: int = STARTUP_LOCK) -> AsyncIterator[None]:
    """Hold a session advisory lock while the block runs, so replicas starting together run it
    one after the other (migrations, loading the seed's master data). Other databases serve
    one process and need no turn."""
    if engine.dialect.name != "postgresql":
        yield
        return
    async with engine.connect() as connection:
        await connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": key})
        await connection.commit()
        try:
            yield
        finally:
            await connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
            await connection.commit()
