"""What production consumes, and the master data it loads at start."""

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from services.production import handlers
from services.production.adapters import planning, repository
from shared.contracts import Event, FeasibilityRequested, OrderClosed, OrderReleased, topics
from shared.messaging.routes import Route
from shared.runtime import ServiceContext, ServiceParts

PRODUCTION_ORDERS = repository.preload


def routes() -> Sequence[Route[Any]]:
    """Production starts only on `order.released` (P3.2, P3.3): neither the placed order nor
    review's verdict is consumed any more."""
    return [
        Route(
            topics.FEASIBILITY_REQUESTED,
            FeasibilityRequested,
            handlers.assess_feasibility,
            preload=PRODUCTION_ORDERS,
        ),
        Route(
            topics.ORDER_RELEASED,
            OrderReleased,
            handlers.release_order,
            preload=PRODUCTION_ORDERS,
        ),
        Route(topics.ORDER_CLOSED, OrderClosed, handlers.close_order, preload=PRODUCTION_ORDERS),
    ]


def load_master_data(context: ServiceContext) -> Callable[[], Awaitable[None]]:
    """Production owns materials, bills of materials and weekly capacity: load the seed's."""

    async def load() -> None:
        async def work(connection: AsyncConnection) -> Sequence[Event]:
            await planning.load_master_data(connection, context.seed)
            return ()

        await context.unit_of_work.run(work)

    return load


def parts(context: ServiceContext) -> ServiceParts:
    return ServiceParts(routes=routes(), on_start=[load_master_data(context)])
