"""Production orders stored and read back on SQLite: the lines and answers kept as JSON come
back equal, and rows written in the JSON format of earlier versions still read."""

from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from services.production.adapters import repository
from services.production.adapters.tables import production_orders
from services.production.app import DEFINITION
from services.production.domain.feasibility import Answer, Verdict
from services.production.domain.model import (
    Assessment,
    Booking,
    Line,
    ProductionOrder,
    production_order_number,
)
from tests.support.databases import sqlite_database

ORDER = "SO-2027-000001"


def assessed_order() -> ProductionOrder:
    return ProductionOrder(
        order_id=ORDER,
        production_order_id=production_order_number(ORDER),
        customer_id="CUST-0001",
        lines=(Line("VALVE-DN50", 20), Line("FLANGE-DN50", 40)),
        requested_delivery_date=date(2027, 3, 17),
        assessment=Assessment(
            production=Answer(Verdict.LATER, date(2027, 3, 24), "week 2027-W11 is booked"),
            purchasing=Answer(Verdict.FEASIBLE, reason="in stock"),
        ),
        booking=Booking("2027-W12", 60),
    )


ROW_AS_WRITTEN_BEFORE: dict[str, Any] = {
    "order_id": ORDER,
    "production_order_id": "MO-SO-2027-000001",
    "customer_id": "CUST-0001",
    "lines": [
        {"product_code": "VALVE-DN50", "quantity": 20},
        {"product_code": "FLANGE-DN50", "quantity": 40},
    ],
    "requested_delivery_date": date(2027, 3, 17),
    "assessment": {
        "production": {
            "verdict": "later",
            "available_from": "2027-03-24",
            "reason": "week 2027-W11 is booked",
        },
        "purchasing": {"verdict": "feasible", "available_from": None, "reason": "in stock"},
    },
    "booked_week": "2027-W12",
    "booked_units": 60,
    "release": None,
    "confirmed_delivery_date": None,
    "status": "awaiting_release",
    "ready_on": None,
    "outcome": None,
}
"""A production order row as the hand-written converters stored it."""


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    async with sqlite_database(tmp_path / "production.db", DEFINITION.migrations) as engine:
        yield engine


async def test_a_production_order_reads_back_as_it_was_stored(engine: AsyncEngine) -> None:
    started = ProductionOrder.start("SO-2027-000002")
    async with engine.begin() as connection:
        await repository.add(connection, assessed_order())
        await repository.add(connection, started)

    async with engine.begin() as connection:
        assert await repository.load(connection, ORDER) == assessed_order()
        assert await repository.load(connection, "SO-2027-000002") == started


async def test_a_production_order_stored_by_earlier_versions_still_reads(
    engine: AsyncEngine,
) -> None:
    async with engine.begin() as connection:
        await connection.execute(insert(production_orders).values(**ROW_AS_WRITTEN_BEFORE))

    async with engine.begin() as connection:
        assert await repository.load(connection, ORDER) == assessed_order()
