"""What sales consumes: one route per topic."""

from collections.abc import Sequence
from typing import Any

from services.sales import handlers
from shared.clock import Clock
from shared.contracts import GoodsShipped, OrderSubmission, PaymentReceived, ReviewCompleted, topics
from shared.messaging.routes import Route
from shared.runtime import ServiceContext, ServiceParts


def routes(_clock: Clock) -> Sequence[Route[Any]]:
    return [
        Route(
            topics.ORDER_SUBMITTED,
            OrderSubmission,
            handlers.place_order,
            on_invalid=handlers.reject_invalid_submission,
        ),
        Route(topics.REVIEW_COMPLETED, ReviewCompleted, handlers.record_review),
        Route(topics.GOODS_SHIPPED, GoodsShipped, handlers.record_shipment),
        Route(topics.PAYMENT_RECEIVED, PaymentReceived, handlers.record_payment),
    ]


def parts(context: ServiceContext) -> ServiceParts:
    return ServiceParts(routes=routes(context.clock))
