"""What production consumes: one route per topic."""

from collections.abc import Sequence
from typing import Any

from services.production import handlers
from shared.clock import Clock
from shared.contracts import OrderClosed, OrderPlaced, ReviewCompleted, topics
from shared.messaging.routes import Route
from shared.runtime import ServiceContext, ServiceParts


def routes(_clock: Clock) -> Sequence[Route[Any]]:
    return [
        Route(topics.ORDER_PLACED, OrderPlaced, handlers.plan_order),
        Route(topics.REVIEW_COMPLETED, ReviewCompleted, handlers.release_order),
        Route(topics.ORDER_CLOSED, OrderClosed, handlers.close_order),
    ]


def parts(context: ServiceContext) -> ServiceParts:
    return ServiceParts(routes=routes(context.clock))
