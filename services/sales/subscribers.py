"""What sales consumes (one route per topic), its HTTP API and its work at start and in the
background.

Besides its own handlers, sales follows every event about an order on the bus: each becomes a
step of the order's history, opens or closes the order's deadline steps and puts escalations in
the work queue (`adapters/tracking.py`, P7.6, P8.2)."""

import asyncio
from collections.abc import Awaitable, Callable, Mapping, Sequence
from functools import partial
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from services.sales import change_handlers, handlers, replacement_handlers
from services.sales.adapters import repository, tracking
from services.sales.adapters.tables import orders
from services.sales.domain.deadlines import Deadlines
from services.sales.http import router
from services.sales.notices import notice_handlers
from services.sales.settings import SalesSettings
from shared.contracts import EVENT_TYPES, Event, OrderSubmission, topics
from shared.messaging.routes import Handler, Incoming, Preload, Route, chain, preload_orders
from shared.runtime import ServiceContext, ServiceParts

ORDERS = preload_orders(orders)
"""Other departments' events of a batch: their orders are read in one statement."""

NOT_ABOUT_ONE_ORDER = frozenset(
    {
        topics.ORDER_REJECTED,
        topics.PAYMENT_UNMATCHED,
        topics.CUSTOMER_UPDATED,
        topics.PRODUCT_UPDATED,
        topics.BALANCE_UPDATED,
    }
)
"""Event topics keyed by something other than an order: no order's history holds them."""

TRACKED: Mapping[str, type[Event]] = {
    kind.TOPIC: kind for kind in EVENT_TYPES if kind.TOPIC not in NOT_ABOUT_ONE_ORDER
}
"""Every event topic about one order: sales follows them all."""

OWN_HANDLERS: Mapping[str, Handler] = {
    topics.REVIEW_COMPLETED: change_handlers.record_verdict,
    topics.GOODS_SHIPPED: handlers.record_shipment,
    topics.GOODS_DELIVERED: handlers.record_delivery,
    topics.DELIVERY_LATE: handlers.record_late_delivery,
    topics.ORDER_DELAYED: handlers.record_delay,
    topics.PAYMENT_RECEIVED: handlers.record_payment,
    topics.CHANGE_ACKNOWLEDGED: change_handlers.record_acknowledgement,
    topics.RETURN_STEPPED: replacement_handlers.replace_returned,
}
"""Events that change sales' own order, each with its handler (run before the tracking)."""


def both(first: Preload, second: Preload) -> Preload:
    async def preload(connection: AsyncConnection, bodies: Sequence[Any]) -> None:
        await first(connection, bodies)
        await second(connection, bodies)

    return preload


ORDERS_AND_TRACKS = both(ORDERS, tracking.preload)
"""Every followed event: its order's row, locked (so one order's steps are changed by one
transaction at a time, whichever replica consumes which topic), its steps and open work
items; one statement each per batch."""


def tracker(deadlines: Deadlines) -> Handler:
    async def track(connection: AsyncConnection, incoming: Incoming[Event]) -> list[Event]:
        await tracking.track(connection, incoming.body, deadlines)
        return []

    return track


def routes(
    deadlines: Deadlines, notices: Mapping[str, Handler] | None = None
) -> Sequence[Route[Any]]:
    notices = notices or {}
    submissions = Route(
        topics.ORDER_SUBMITTED,
        OrderSubmission,
        handlers.take_submission,
        on_invalid=handlers.reject_invalid_submission,
        preload=repository.preload_submissions,
    )
    followed: list[Route[Any]] = []
    for topic, contract in TRACKED.items():
        steps = [OWN_HANDLERS[topic]] if topic in OWN_HANDLERS else []
        steps.append(tracker(deadlines))
        if topic in notices:
            steps.append(notices[topic])
        preload = ORDERS_AND_TRACKS
        followed.append(Route(topic, contract, chain(*steps), preload=preload))
    return [submissions, *followed]


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


def step_rounds(
    context: ServiceContext, deadlines: Deadlines, seconds: float
) -> Callable[[], Awaitable[None]]:
    """P8.2: every `seconds`, flag the open steps heading for (or past) their deadline."""

    async def rounds() -> None:
        while True:
            await asyncio.sleep(seconds)
            await context.unit_of_work.run(
                partial(tracking.flag_steps, now=context.clock.now(), deadlines=deadlines)
            )

    return rounds


def parts(context: ServiceContext) -> ServiceParts:
    settings = context.settings
    if not isinstance(settings, SalesSettings):
        settings = SalesSettings()
    deadlines = settings.deadlines
    return ServiceParts(
        routes=routes(deadlines, notice_handlers(deadlines, context.clock)),
        router=router(context),
        on_start=[master_data_loader(context)],
        background=[step_rounds(context, deadlines, settings.step_round_seconds)],
    )
