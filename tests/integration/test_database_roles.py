"""Each service connects to PostgreSQL as its own role, which owns its database and nothing
else: a service cannot read (or even connect to) another service's database.

Real PostgreSQL; the databases are made the way the end-to-end tests and the benchmark make
them (`tests.support.databases.create_service_database`).
"""

from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from services.review.app import DEFINITION as REVIEW
from services.sales.app import DEFINITION as SALES
from shared.db.engine import create_engine
from shared.db.migrate import upgrade_to_head
from tests.support.databases import (
    create_service_database,
    database_url,
    drop_database,
    fetch,
    service_role,
)


@pytest.fixture
async def databases(postgres_server: str) -> AsyncIterator[dict[str, str]]:
    urls = {
        service: await create_service_database(postgres_server, service, f"roles_{service}")
        for service in ("sales", "review")
    }
    yield urls
    for url in urls.values():
        await drop_database(database_url(postgres_server, str(make_url(url).database)))


async def migrate(url: str, migrations: Path) -> None:
    """Apply a service's migrations as the role in `url` (as the service does at start)."""
    engine = create_engine(url)
    try:
        await upgrade_to_head(engine, migrations)
    finally:
        await engine.dispose()


def as_role_on(url_of_role: str, other_url: str) -> str:
    """The URL of `other_url`'s database, with the credentials of `url_of_role`."""
    other = make_url(other_url)
    return make_url(url_of_role).set(database=other.database).render_as_string(hide_password=False)


async def test_a_service_migrates_and_uses_its_own_database_as_its_own_role(
    databases: dict[str, str],
) -> None:
    await migrate(databases["sales"], SALES.migrations)

    [row] = await fetch(databases["sales"], "SELECT current_user AS who, count(*) AS n FROM orders")
    assert row == {"who": service_role("sales"), "n": 0}


async def test_a_service_cannot_connect_to_another_services_database(
    databases: dict[str, str],
) -> None:
    await migrate(databases["review"], REVIEW.migrations)

    with pytest.raises(asyncpg.InsufficientPrivilegeError, match="permission denied"):
        await fetch(as_role_on(databases["sales"], databases["review"]), "SELECT * FROM reviews")


async def test_a_services_role_cannot_create_databases_or_roles(
    databases: dict[str, str],
) -> None:
    sales = databases["sales"]

    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await fetch(sales, 'CREATE DATABASE "roles_stolen"')
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await fetch(sales, 'CREATE ROLE "roles_stolen"')
