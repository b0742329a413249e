"""The plant's database for production's unit tests; a test module with master data of its own
defines its own `engine`."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.unit.production.plant_fixtures import plant_database


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    async with plant_database(tmp_path / "production.db") as engine:
        yield engine
