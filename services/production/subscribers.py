"""What production consumes, its HTTP API, the master data it loads at start and the automatic
policy's rounds."""

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from functools import partial
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from services.production import handlers
from services.production.adapters import planning, repository
from services.production.http import router
from services.production.plant import Plant
from services.production.settings import ProductionSettings
from shared.contracts import (
    ChangeDecided,
    ChangeRequested,
    DeliveryRevised,
    Event,
    FeasibilityRequested,
    OrderClosed,
    OrderReleased,
    topics,
)
from shared.messaging.routes import Route
from shared.runtime import ServiceContext, ServiceParts

PRODUCTION_ORDERS = repository.preload


def routes(policy: bool = False) -> Sequence[Route[Any]]:
    """Production starts only on `order.released` (P3.2, P3.3)."""
    return [
        Route(
            topics.FEASIBILITY_REQUESTED,
            FeasibilityRequested,
            partial(handlers.assess_feasibility, policy=policy),
            preload=PRODUCTION_ORDERS,
        ),
        Route(
            topics.ORDER_RELEASED,
            OrderReleased,
            partial(handlers.release_order, policy=policy),
            preload=PRODUCTION_ORDERS,
        ),
        Route(
            topics.DELIVERY_REVISED,
            DeliveryRevised,
            partial(handlers.revise_delivery, policy=policy),
            preload=PRODUCTION_ORDERS,
        ),
        Route(
            topics.ORDER_CLOSED,
            OrderClosed,
            partial(handlers.close_order, policy=policy),
            preload=PRODUCTION_ORDERS,
        ),
        Route(
            topics.CHANGE_REQUESTED,
            ChangeRequested,
            partial(handlers.take_change_request, policy=policy),
            preload=PRODUCTION_ORDERS,
        ),
        Route(
            topics.CHANGE_DECIDED,
            ChangeDecided,
            partial(handlers.apply_change_decision, policy=policy),
            preload=PRODUCTION_ORDERS,
        ),
    ]


def load_master_data(context: ServiceContext) -> Callable[[], Awaitable[None]]:
    """Production owns materials, bills of materials, routings and weekly capacity."""

    async def load() -> None:
        async def work(connection: AsyncConnection) -> Sequence[Event]:
            await planning.load_master_data(connection, context.seed)
            return ()

        await context.unit_of_work.run(work)

    return load


POLICY_ROUND_SECONDS = 5.0
"""How often the automatic policy looks for released orders whose planned start has come."""


def policy_rounds(context: ServiceContext) -> Callable[[], Awaitable[None]]:
    """With the automatic policy on: start (and inspect and receive) every released order whose
    materials are reserved and whose planned start has come since its release (P4.8)."""

    async def rounds() -> None:
        while True:
            await asyncio.sleep(POLICY_ROUND_SECONDS)

            async def work(connection: AsyncConnection) -> Sequence[Event]:
                plant = Plant(connection, context.clock.now(), policy=True)
                for order_id in await planning.due_to_start(connection, plant.today):
                    order = await plant.order(order_id)
                    if order is not None:
                        await plant.act_for_people(order)
                return await plant.events(None)

            await context.unit_of_work.run(work)

    return rounds


def parts(context: ServiceContext) -> ServiceParts:
    settings = context.settings
    policy = isinstance(settings, ProductionSettings) and settings.automatic_policy
    return ServiceParts(
        routes=routes(policy),
        router=router(context, policy),
        on_start=[load_master_data(context)],
        background=[policy_rounds(context)] if policy else [],
    )
