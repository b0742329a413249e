"""Column types: exact decimals and UTC moments, stored on SQLite and declared for PostgreSQL."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import StatementError
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.db.types import ExactDecimal, MoneyType, QuantityType, UtcDateTime
from tests.support.databases import sqlite_database

metadata = MetaData()
values = Table(
    "values",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("money", MoneyType(), nullable=True),
    Column("quantity", QuantityType(), nullable=True),
    Column("rate", ExactDecimal(9, 4, text_length=16), nullable=True),
    Column("at", UtcDateTime(), nullable=True),
)


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    async with sqlite_database(tmp_path / "types.db", metadata) as engine:
        yield engine


async def test_decimals_read_back_exactly_on_sqlite(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        await connection.execute(
            insert(values),
            [
                {
                    "id": 1,
                    "money": Decimal("53350.10"),
                    "quantity": Decimal("0.100001"),
                    "rate": Decimal("12.3456"),
                },
                {"id": 2, "money": None, "quantity": None, "rate": None},
            ],
        )
        rows = (await connection.execute(select(values).order_by(values.c.id))).all()

    assert (rows[0].money, rows[0].quantity, rows[0].rate) == (
        Decimal("53350.10"),
        Decimal("0.100001"),
        Decimal("12.3456"),
    )
    assert str(rows[0].money) == "53350.10"
    assert (rows[1].money, rows[1].quantity, rows[1].rate) == (None, None, None)


def test_decimals_are_numeric_on_postgresql_and_text_on_sqlite() -> None:
    pg = postgresql.dialect()  # type: ignore[no-untyped-call]
    lite = sqlite.dialect()

    assert [column.type.compile(pg) for column in values.c][1:4] == [
        "NUMERIC(16, 2)",
        "NUMERIC(20, 6)",
        "NUMERIC(9, 4)",
    ]
    assert [column.type.compile(lite) for column in values.c][1:4] == [
        "VARCHAR(32)",
        "VARCHAR(40)",
        "VARCHAR(16)",
    ]


def test_exact_decimals_of_another_precision_are_another_type_to_the_statement_cache() -> None:
    assert ExactDecimal(9, 4, 16)._static_cache_key != ExactDecimal(9, 2, 16)._static_cache_key
    assert MoneyType()._static_cache_key == MoneyType()._static_cache_key


async def test_a_moment_reads_back_in_utc_on_sqlite(engine: AsyncEngine) -> None:
    local = datetime(2027, 3, 1, 10, 0, tzinfo=timezone(timedelta(hours=1)))
    async with engine.begin() as connection:
        await connection.execute(insert(values).values(id=1, at=local))
        at = await connection.scalar(select(values.c.at))
        earlier = await connection.scalar(
            select(values.c.id).where(values.c.at < datetime(2027, 3, 1, 9, 30, tzinfo=UTC))
        )

    assert at == datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
    assert at is not None and at.tzinfo is UTC
    assert earlier == 1


async def test_a_moment_without_timezone_is_refused(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        with pytest.raises(StatementError, match="timezone-aware"):
            await connection.execute(insert(values).values(id=1, at=datetime(2027, 3, 1, 9, 0)))
