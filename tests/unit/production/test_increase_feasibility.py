"""Production's feasibility answer to a change reviewed again after the release (P7.3): only
the extra units are still to make, so material already issued to the order and the units it
has are not asked for again, and a change that adds no units is answered by the plan."""

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from services.production import decisions
from shared.contracts import FeasibilityAssessed, FeasibilityRequested
from tests.unit.production.plant_fixtures import (
    DUE,
    MANAGER,
    NOW,
    STOCKED,
    handle,
    message,
    released,
    worked,
)


def asked(units: int, version: int, due: Any = DUE) -> FeasibilityRequested:
    return message(
        FeasibilityRequested,
        {
            "customer_id": "CUST-0001",
            "requested_delivery_date": due,
            "lines": [{"product_code": STOCKED, "quantity": units}],
            "version": version,
        },
        producer="review",
    )


async def answer(engine: AsyncEngine, request: FeasibilityRequested) -> dict[str, Any]:
    [assessed] = [e for e in await handle(engine, request) if isinstance(e, FeasibilityAssessed)]
    return assessed.payload.model_dump(mode="json")


async def started_with_twenty(engine: AsyncEngine) -> None:
    """20 units released and started: 20 of the 30 in stock are issued, 10 are free."""
    await answer(engine, asked(20, 1))
    await handle(engine, released(STOCKED, 20))

    async def start(plant: Any, _connection: Any) -> None:
        await decisions.start(plant, "SO-2031-000001", MANAGER)

    await worked(engine, start)


@pytest.mark.rule("P7.3")
async def test_an_increase_of_a_started_order_asks_only_the_extra_of_purchasing(
    engine: AsyncEngine,
) -> None:
    await started_with_twenty(engine)

    soon = NOW.date() + timedelta(days=15)  # before 20 more could be bought (20 days)
    assessed = await answer(engine, asked(30, 2, soon))  # 10 more: the 10 free in stock do

    assert assessed["purchasing"]["verdict"] == "feasible", assessed
    assert assessed["production"]["reason"].startswith("10 units"), assessed


@pytest.mark.rule("P7.3")
async def test_a_change_that_adds_no_units_to_a_started_order_is_answered_by_its_plan(
    engine: AsyncEngine,
) -> None:
    await started_with_twenty(engine)

    assessed = await answer(engine, asked(20, 2, DUE + timedelta(days=30)))

    assert assessed["purchasing"]["verdict"] == "feasible", assessed
    assert assessed["production"]["verdict"] == "feasible", assessed
