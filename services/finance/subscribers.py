"""What finance consumes: one route per topic."""

from collections.abc import Sequence
from typing import Any

from services.finance import handlers
from services.finance.adapters import repository
from shared.contracts import (
    ConfirmationIssued,
    CustomerUpdated,
    DeliveryRevised,
    GoodsShipped,
    OrderClosed,
    OrderPlaced,
    PaymentNotification,
    topics,
)
from shared.messaging.routes import Route
from shared.runtime import ServiceContext, ServiceParts

ACCOUNTS = repository.preload_accounts


def routes() -> Sequence[Route[Any]]:
    return [
        Route(topics.ORDER_PLACED, OrderPlaced, handlers.open_account, preload=ACCOUNTS),
        Route(
            topics.CONFIRMATION_ISSUED,
            ConfirmationIssued,
            handlers.confirm_order,
            preload=ACCOUNTS,
        ),
        Route(topics.GOODS_SHIPPED, GoodsShipped, handlers.invoice_order, preload=ACCOUNTS),
        Route(
            topics.PAYMENT_NOTIFIED,
            PaymentNotification,
            handlers.receive_payment,
            preload=repository.preload_transactions,
        ),
        Route(topics.ORDER_CLOSED, OrderClosed, handlers.close_account, preload=ACCOUNTS),
        Route(
            topics.DELIVERY_REVISED,
            DeliveryRevised,
            handlers.revise_delivery,
            preload=ACCOUNTS,
        ),
        Route(
            topics.CUSTOMER_UPDATED,
            CustomerUpdated,
            handlers.record_customer,
            latest_per_key=True,
        ),
    ]


def parts(context: ServiceContext) -> ServiceParts:
    return ServiceParts(routes=routes())
