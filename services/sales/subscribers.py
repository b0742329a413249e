"""What sales consumes (one route per topic), its HTTP API and its work at start."""

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from services.sales import handlers
from services.sales.adapters import repository
from services.sales.adapters.tables import orders
from services.sales.http import router
from shared.contracts import (
    DeliveryLate,
    Event,
    GoodsDelivered,
    GoodsShipped,
    OrderDelayed,
    OrderSubmission,
    PaymentReceived,
    ReviewCompleted,
    topics,
)
from shared.messaging.routes import Route, preload_orders
from shared.runtime import ServiceContext, ServiceParts

ORDERS = preload_orders(orders)
"""Other departments' events of a batch: their orders are read in one statement."""


def routes() -> Sequence[Route[Any]]:
    return [
        Route(
            topics.ORDER_SUBMITTED,
            OrderSubmission,
            handlers.take_submission,
            on_invalid=handlers.reject_invalid_submission,
            preload=repository.preload_submissions,
        ),
        Route(
            topics.REVIEW_COMPLETED,
            ReviewCompleted,
            handlers.record_review,
            preload=ORDERS,
        ),
        Route(
            topics.GOODS_SHIPPED,
            GoodsShipped,
            handlers.record_shipment,
            preload=ORDERS,
        ),
        Route(
            topics.GOODS_DELIVERED,
            GoodsDelivered,
            handlers.record_delivery,
            preload=ORDERS,
        ),
        Route(
            topics.DELIVERY_LATE,
            DeliveryLate,
            handlers.record_late_delivery,
            preload=ORDERS,
        ),
        Route(
            topics.ORDER_DELAYED,
            OrderDelayed,
            handlers.record_delay,
            preload=ORDERS,
        ),
        Route(
            topics.PAYMENT_RECEIVED,
            PaymentReceived,
            handlers.record_payment,
            preload=ORDERS,
        ),
    ]


def master_data_loader(context: ServiceContext) -> Callable[[], Awaitable[None]]:
    """At start, before consuming: sales' customers and products from the seed into its own
    tables, announcing what is new or changed (customer.updated, product.updated)."""

    async def load_master_data() -> None:
        async def work(connection: AsyncConnection) -> Sequence[Event]:
            return await handlers.load_master_data(
                connection, context.seed.customers, context.seed.products, context.clock.now()
            )

        await context.unit_of_work.run(work)

    return load_master_data


def parts(context: ServiceContext) -> ServiceParts:
    return ServiceParts(
        routes=routes(),
        router=router(context),
        on_start=[master_data_loader(context)],
    )
