"""The automatic policy's rounds (P4.8): an order released with all its materials but a planned
start in the future waits; the round on the day its start has come starts, inspects and
receives it, and it is reported complete once. On embedded SQLite, each round in a row scope."""

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from services.production.adapters import planning, repository
from services.production.domain.model import ProductionStatus
from services.production.plant import Plant
from shared.contracts import Event, GoodsProduced
from shared.db import rows
from tests.unit.production.builders import NOW, TODAY
from tests.unit.production.test_repository import engine, released, slot

__all__ = ["engine"]

LATER = TODAY + timedelta(days=3)


async def policy_round(engine: AsyncEngine, now: datetime) -> list[Event]:
    async with engine.begin() as connection, rows.in_scope(connection):
        plant = Plant(connection, now, policy=True)
        for order_id in await planning.due_to_start(connection, plant.today):
            order = await plant.order(order_id)
            assert order is not None
            await plant.act_for_people(order)
        return await plant.events(None)


async def test_a_released_order_waits_for_its_planned_start_then_the_policy_makes_it(
    engine: AsyncEngine,
) -> None:
    """P4.8, P4.9"""
    order = released()
    order.book(slot(LATER), "capacity")
    order.events.clear()
    async with engine.begin() as connection, rows.in_scope(connection):
        await repository.store(connection, order)

    assert await policy_round(engine, NOW) == []
    async with engine.begin() as connection:
        waiting = await repository.load(connection, order.order_id)
    assert waiting is not None and waiting.status is ProductionStatus.RELEASED

    on_the_day = NOW + (LATER - TODAY)
    events = await policy_round(engine, on_the_day)
    produced = [event for event in events if isinstance(event, GoodsProduced)]
    assert len(produced) == 1
    assert produced[0].payload.ready_on == LATER
    assert await policy_round(engine, on_the_day) == []
