"""What review consumes: one route per topic."""

from collections.abc import Sequence
from typing import Any

from services.review import handlers
from shared.clock import Clock
from shared.contracts import OrderClosed, OrderPlaced, topics
from shared.messaging.routes import Route
from shared.runtime import ServiceContext, ServiceParts


def routes(_clock: Clock) -> Sequence[Route[Any]]:
    return [
        Route(topics.ORDER_PLACED, OrderPlaced, handlers.review_order),
        Route(topics.ORDER_CLOSED, OrderClosed, handlers.close_review),
    ]


def parts(context: ServiceContext) -> ServiceParts:
    return ServiceParts(routes=routes(context.clock))
