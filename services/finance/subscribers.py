"""What finance consumes: one route per topic."""

from collections.abc import Sequence
from typing import Any

from services.finance import handlers
from shared.contracts import (
    ConfirmationIssued,
    CustomerUpdated,
    GoodsShipped,
    OrderClosed,
    OrderPlaced,
    PaymentNotification,
    topics,
)
from shared.messaging.routes import Route
from shared.runtime import ServiceContext, ServiceParts


def routes() -> Sequence[Route[Any]]:
    return [
        Route(topics.ORDER_PLACED, OrderPlaced, handlers.open_account),
        Route(topics.CONFIRMATION_ISSUED, ConfirmationIssued, handlers.confirm_order),
        Route(topics.GOODS_SHIPPED, GoodsShipped, handlers.invoice_order),
        Route(topics.PAYMENT_NOTIFIED, PaymentNotification, handlers.receive_payment),
        Route(topics.ORDER_CLOSED, OrderClosed, handlers.close_account),
        Route(topics.CUSTOMER_UPDATED, CustomerUpdated, handlers.record_customer),
    ]


def parts(context: ServiceContext) -> ServiceParts:
    return ServiceParts(routes=routes())
