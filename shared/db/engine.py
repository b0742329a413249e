"""Async engines for the two supported databases: SQLite (embedded default) and PostgreSQL."""

import contextlib
import fcntl
from pathlib import Path
from typing import IO, Any

from pydantic_core import from_json, to_json
from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine


def sqlite_url(data_dir: Path, service: str) -> str:
    """The embedded default: one SQLite file per service under the data directory."""
    return f"sqlite+aiosqlite:///{(data_dir / f'{service}.db').resolve()}"


def normalise_url(url: str) -> URL:
    """Accept plain `postgresql://` URLs, as operators write them, and pick the async driver."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+asyncpg")
    if parsed.drivername == "sqlite":
        parsed = parsed.set(drivername="sqlite+aiosqlite")
    return parsed


def json_text(value: Any) -> str:
    """A JSON column's value as text, by pydantic-core (several times faster than the standard
    library's encoder, which profiling showed in every service's flush)."""
    return to_json(value).decode()


def create_engine(url: str) -> AsyncEngine:
    """Create the service's engine. SQLite gets WAL and a busy timeout so the relay and the
    consumer can share the file."""
    parsed = normalise_url(url)
    codec: dict[str, Any] = {"json_serializer": json_text, "json_deserializer": from_json}
    if parsed.get_backend_name() == "sqlite":
        if parsed.database:
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(parsed, connect_args={"timeout": 30}, **codec)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    # No pre-ping: it costs a round trip per transaction, and a dropped connection surfaces as
    # a transient error that the pipeline retries anyway.
    return create_async_engine(parsed, pool_size=5, max_overflow=5, pool_recycle=1800, **codec)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


class DatabaseInUse(RuntimeError):
    """Another process already runs this service on the same SQLite file."""


def hold_sqlite_file(url: str) -> IO[bytes] | None:
    """For SQLite, take an exclusive lock on `<file>.lock` for the life of the process and
    return it (keep it referenced); a second process on the same file is refused with a clear
    message. SQLite is the single-process embedded default: replicas need PostgreSQL. For other
    databases nothing is locked and None is returned."""
    parsed = normalise_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return None
    path = Path(parsed.database)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = (path.parent / f"{path.name}.lock").open("ab")
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise DatabaseInUse(
            f"another process already uses the SQLite database {path}: SQLite serves one "
            "process per service; run replicas on PostgreSQL (DATABASE_URL=postgresql://...)"
        ) from None
    return handle


async def ensure_database(url: str) -> None:
    """Create the PostgreSQL database named in the URL if it does not exist yet."""
    parsed = normalise_url(url)
    if parsed.get_backend_name() != "postgresql" or not parsed.database:
        return
    import asyncpg  # imported here: only PostgreSQL deployments need it

    server = parsed.set(drivername="postgresql", database="postgres")
    connection = await asyncpg.connect(server.render_as_string(hide_password=False))
    try:
        exists = await connection.fetchval(
            "SELECT 1 FROM pg_database WHERE datname = $1", parsed.database
        )
        if not exists:
            # another replica may create it at the same moment
            with contextlib.suppress(asyncpg.DuplicateDatabaseError):
                await connection.execute(f'CREATE DATABASE "{parsed.database}"')
    finally:
        await connection.close()
