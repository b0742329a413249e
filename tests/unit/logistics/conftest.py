"""An embedded SQLite database of logistics' tables, per test."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from services.logistics.adapters.tables import metadata
from tests.support.databases import sqlite_database


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    async with sqlite_database(tmp_path / "logistics.db", metadata) as created:
        yield created
