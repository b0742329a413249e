"""What logistics consumes: one route per topic."""

from collections.abc import Sequence
from typing import Any

from services.logistics import handlers
from services.logistics.adapters import repository
from shared.contracts import GoodsProduced, OrderClosed, topics
from shared.messaging.routes import Route
from shared.runtime import ServiceContext, ServiceParts


def routes() -> Sequence[Route[Any]]:
    return [
        Route(
            topics.GOODS_PRODUCED,
            GoodsProduced,
            handlers.ship_goods,
            preload=repository.preload,
        ),
        Route(
            topics.ORDER_CLOSED, OrderClosed, handlers.close_shipment, preload=repository.preload
        ),
    ]


def parts(context: ServiceContext) -> ServiceParts:
    return ServiceParts(routes=routes())
