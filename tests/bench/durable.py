"""PostgreSQL with durable settings for the benchmark only.

The test cluster of deploy/postgres.sh runs with fsync, synchronous_commit and full_page_writes
off, which makes tests fast and a benchmark meaningless: a commit there costs no flush. For the
length of a benchmark, `durable()` turns all three on with ALTER SYSTEM and a configuration
reload (all three take effect on reload), checks with SHOW that they are in force, and resets
them afterwards, also when the benchmark fails or is interrupted (Ctrl-C, SIGTERM).

While it runs it holds a session advisory lock, BENCH_LOCK: a second benchmark on the same
cluster is refused, and deploy/postgres.sh `start` (which every test run calls) warns instead of
touching the settings. If a benchmark is killed outright (SIGKILL, a machine crash) the lock goes
with its session, and the next `postgres.sh start` resets what it left, so the test cluster is
never left durable and slow.

The tests use this cluster too: do not run them while a benchmark runs. They would run slowly
and, sharing the two cores, make the benchmark's figures wrong.
"""

import asyncio
import contextlib
from collections.abc import AsyncIterator, Mapping

import asyncpg

from tests.support.databases import database_url

DURABLE = {"fsync": "on", "synchronous_commit": "on", "full_page_writes": "on"}

BENCH_LOCK = (20070, 6)
"""pg_advisory_lock(20070, 6): pg_locks shows it as classid 20070, objid 6, objsubid 2 (the
numbers deploy/postgres.sh looks for)."""


async def settings(connection: asyncpg.Connection) -> dict[str, str]:
    return {name: str(await connection.fetchval(f"SHOW {name}")) for name in DURABLE}


async def settings_of(server_url: str) -> dict[str, str]:
    """The durability settings a new session on the server gets."""
    connection = await asyncpg.connect(database_url(server_url, "postgres"))
    try:
        return await settings(connection)
    finally:
        await connection.close()


async def other_sessions(server_url: str) -> int:
    """Client sessions on the server besides the one asking (tests running, say)."""
    connection = await asyncpg.connect(database_url(server_url, "postgres"))
    try:
        return int(
            await connection.fetchval(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()"
            )
        )
    finally:
        await connection.close()


async def _apply(connection: asyncpg.Connection, wanted: Mapping[str, str | None]) -> None:
    for name, value in wanted.items():
        if value is None:
            await connection.execute(f"ALTER SYSTEM RESET {name}")
        else:
            await connection.execute(f"ALTER SYSTEM SET {name} = '{value}'")
    await connection.execute("SELECT pg_reload_conf()")


async def _await_settings(server_url: str, wanted: dict[str, str], timeout: float = 10.0) -> None:
    """The reload is asynchronous: wait until a new session shows the wanted values."""
    deadline = asyncio.get_running_loop().time() + timeout
    while (shown := await settings_of(server_url)) != wanted:
        if asyncio.get_running_loop().time() > deadline:
            raise RuntimeError(f"PostgreSQL did not take {wanted}: SHOW gives {shown}")
        await asyncio.sleep(0.1)


@contextlib.asynccontextmanager
async def durable(server_url: str) -> AsyncIterator[dict[str, str]]:
    """Durable settings in force on the server while the block runs; yields them as SHOW
    reports them."""
    connection = await asyncpg.connect(database_url(server_url, "postgres"))
    try:
        if not await connection.fetchval("SELECT pg_try_advisory_lock($1, $2)", *BENCH_LOCK):
            raise RuntimeError("another benchmark is running on this PostgreSQL server")
        # What ALTER SYSTEM had set before, if anything: put back afterwards unless it is what
        # a killed benchmark leaves (the durable value itself), which is reset instead.
        earlier = {
            row["name"]: row["setting"]
            for row in await connection.fetch(
                "SELECT name, setting FROM pg_file_settings "
                "WHERE sourcefile LIKE '%postgresql.auto.conf' AND name = ANY($1::text[])",
                list(DURABLE),
            )
        }
        restore: dict[str, str | None] = {
            name: earlier[name] if earlier.get(name, value) != value else None
            for name, value in DURABLE.items()
        }
        try:
            await _apply(connection, DURABLE)
            await _await_settings(server_url, DURABLE)
            yield await settings_of(server_url)
        finally:
            try:
                await _apply(connection, restore)
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
                # the locking session was lost (server restarted?): a new one resets
                fresh = await asyncpg.connect(database_url(server_url, "postgres"))
                try:
                    await _apply(fresh, restore)
                finally:
                    await fresh.close()
    finally:
        await connection.close()


async def server_version(server_url: str) -> str:
    connection = await asyncpg.connect(database_url(server_url, "postgres"))
    try:
        return str(await connection.fetchval("SHOW server_version"))
    finally:
        await connection.close()
