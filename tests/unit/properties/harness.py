"""Driving a service's handlers on an embedded SQLite database, and checking afterwards that
everything they stored would also be accepted by PostgreSQL, and everything they emit by the
contracts."""

import asyncio
import tempfile
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar
from uuid import uuid4

from pydantic import BaseModel
from sqlalchemy import Integer, MetaData, String, select
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.contracts.envelope import Event
from shared.db.types import ExactDecimal
from shared.messaging.routes import Incoming, Source
from tests.support.databases import sqlite_database

NOW = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
INT32_MAX = 2**31 - 1
M = TypeVar("M", bound=BaseModel)

Scenario = Callable[[AsyncConnection], Awaitable[None]]


def incoming(body: M, topic: str, now: datetime = NOW) -> Incoming[M]:
    """A consumed message as the pipeline hands it to a handler."""
    event_id = body.event_id if isinstance(body, Event) else uuid4()
    return Incoming(
        body=body, source=Source(topic, 0, 0, None), causation_id=event_id, received_at=now
    )


async def refusing_nothing_but(
    refusals: tuple[type[Exception], ...], call: Awaitable[Sequence[Event]]
) -> list[Event]:
    """The events a handler emits; a deliberate refusal of the domain emits none. Anything else
    it raises fails the property."""
    try:
        events = list(await call)
    except refusals:
        return []
    for event in events:
        republished(event)
    return events


def republished(event: Event) -> Event:
    """An emitted event as its consumers read it: serialised (as the outbox does) and validated
    against its contract again, so a value outside the contract's bounds fails here."""
    return type(event).model_validate_json(event.model_dump_json().encode("utf-8"))


def run(metadata: MetaData, scenario: Scenario) -> None:
    """Run a scenario in one transaction on a fresh SQLite database of the service's tables,
    then check every stored value against what PostgreSQL would accept."""

    async def main() -> None:
        with tempfile.TemporaryDirectory() as directory:
            async with (
                sqlite_database(Path(directory) / "service.db", metadata) as engine,
                engine.begin() as connection,
            ):
                await scenario(connection)
                await assert_fits_postgresql(connection, metadata)

    asyncio.run(main())


async def assert_fits_postgresql(connection: AsyncConnection, metadata: MetaData) -> None:
    """Every stored string fits its String(n) column and holds no NUL, every exact decimal fits
    its NUMERIC(p, s), every integer a 32-bit INTEGER: what PostgreSQL refuses and SQLite
    quietly keeps."""
    for table in metadata.sorted_tables:
        for row in (await connection.execute(select(table))).mappings():
            for column in table.columns:
                _check(table.name, column.name, column.type, row[column.name])


def _check(table: str, column: str, type_: Any, value: Any) -> None:
    where = f"{table}.{column}"
    if value is None:
        return
    if isinstance(type_, ExactDecimal):
        assert isinstance(value, Decimal)
        exponent = value.as_tuple().exponent
        assert isinstance(exponent, int) and -exponent <= type_.scale, f"{where}: {value}"
        assert abs(value) < Decimal(10) ** (type_.precision - type_.scale), f"{where}: {value}"
    elif isinstance(type_, String) and isinstance(value, str):
        assert "\x00" not in value, f"{where} holds NUL"
        if type_.length is not None:
            assert len(value) <= type_.length, f"{where}: {len(value)} > {type_.length}"
    elif isinstance(type_, Integer) and isinstance(value, int):
        assert -INT32_MAX - 1 <= value <= INT32_MAX, f"{where}: {value}"
    elif isinstance(value, (dict, list)):
        assert "\\u0000" not in repr(value) and "\x00" not in repr(value), f"{where} holds NUL"
