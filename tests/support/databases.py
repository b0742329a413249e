"""Fresh databases for tests (PostgreSQL, or embedded SQLite for unit tests), and reading a
service's tables."""

import contextlib
import secrets
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from uuid import uuid4

import asyncpg
from sqlalchemy import MetaData
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.db.engine import create_engine
from shared.db.migrate import upgrade_to_head


@contextlib.asynccontextmanager
async def sqlite_database(path: Path, schema: Path | MetaData) -> AsyncIterator[AsyncEngine]:
    """An embedded SQLite database at `path` for a unit test, its schema built by a service's
    migrations (a folder) or from table metadata; disposed of afterwards."""
    engine = create_engine(f"sqlite:///{path}")
    if isinstance(schema, MetaData):
        async with engine.begin() as connection:
            await connection.run_sync(schema.create_all)
    else:
        await upgrade_to_head(engine, schema)
    try:
        yield engine
    finally:
        await engine.dispose()


def database_url(server_url: str, name: str) -> str:
    return (
        make_url(server_url)
        .set(drivername="postgresql", database=name)
        .render_as_string(hide_password=False)
    )


async def create_database(server_url: str, prefix: str = "t") -> str:
    """Create an empty database; returns its URL."""
    name = f"{prefix}_{uuid4().hex[:12]}"
    connection = await asyncpg.connect(database_url(server_url, "postgres"))
    try:
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    return database_url(server_url, name)


SERVICE_ROLE = "orderflow_{service}"
"""The PostgreSQL role a service connects as: it owns the service's database and nothing else."""
_passwords: dict[str, str] = {}


def service_role(service: str) -> str:
    return SERVICE_ROLE.format(service=service)


async def create_service_database(server_url: str, service: str, prefix: str) -> str:
    """A fresh database owned by the service's own role (created if missing, with a random
    password for this run), closed to every other role; returns the URL the service connects
    with, as that role."""
    role = service_role(service)
    password = _passwords.setdefault(role, secrets.token_urlsafe(24))
    name = f"{prefix}_{uuid4().hex[:12]}"
    connection = await asyncpg.connect(database_url(server_url, "postgres"))
    try:
        verb = (
            "ALTER"
            if await connection.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", role)
            else "CREATE"
        )
        # role and password are ours (no quotes in either): safe to interpolate
        await connection.execute(f"{verb} ROLE \"{role}\" LOGIN PASSWORD '{password}'")
        await connection.execute(f'CREATE DATABASE "{name}" OWNER "{role}"')
        await connection.execute(f'REVOKE ALL ON DATABASE "{name}" FROM PUBLIC')
    finally:
        await connection.close()
    return (
        make_url(database_url(server_url, name))
        .set(username=role, password=password)
        .render_as_string(hide_password=False)
    )


async def drop_database(url: str) -> None:
    name = make_url(url).database
    server = make_url(url).set(database="postgres")
    connection = await asyncpg.connect(server.render_as_string(hide_password=False))
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()


async def fetch(url: str, query: str, *args: Any) -> list[dict[str, Any]]:
    connection = await asyncpg.connect(url)
    try:
        return [dict(row) for row in await connection.fetch(query, *args)]
    finally:
        await connection.close()


async def snapshot(url: str) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table, in a stable order: to compare a database before and after."""
    connection = await asyncpg.connect(url)
    try:
        tables = [
            row["table_name"]
            for row in await connection.fetch(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'public' ORDER BY table_name"
            )
        ]
        return {
            table: [
                dict(row) for row in await connection.fetch(f'SELECT * FROM "{table}" ORDER BY 1')
            ]
            for table in tables
        }
    finally:
        await connection.close()
