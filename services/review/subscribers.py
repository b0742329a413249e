"""What review consumes (one route per topic), its HTTP API, the master data it loads at start
and its deadline check."""

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from functools import partial
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from services.review import handlers
from services.review.adapters import master_data
from services.review.domain.master import AutoApprovalPolicy
from services.review.http import router
from services.review.settings import ReviewSettings
from shared.contracts import (
    BalanceUpdated,
    CustomerUpdated,
    Event,
    FeasibilityAssessed,
    OrderClosed,
    OrderPlaced,
    ProductUpdated,
    topics,
)
from shared.messaging.routes import Route
from shared.runtime import ServiceContext, ServiceParts

log = logging.getLogger(__name__)

ESCALATION_BATCH = 200
"""Overdue reviews escalated per unit of work."""


def routes(auto_approval: AutoApprovalPolicy) -> Sequence[Route[Any]]:
    return [
        Route(
            topics.ORDER_PLACED,
            OrderPlaced,
            partial(handlers.open_review, auto_approval=auto_approval),
        ),
        Route(
            topics.CUSTOMER_UPDATED,
            CustomerUpdated,
            partial(handlers.store_customer, auto_approval=auto_approval),
        ),
        Route(
            topics.PRODUCT_UPDATED,
            ProductUpdated,
            partial(handlers.store_product, auto_approval=auto_approval),
        ),
        Route(topics.BALANCE_UPDATED, BalanceUpdated, handlers.store_balance),
        Route(topics.FEASIBILITY_ASSESSED, FeasibilityAssessed, handlers.record_assessment),
        Route(topics.ORDER_CLOSED, OrderClosed, handlers.close_review),
    ]


def load_own_master_data(context: ServiceContext) -> Callable[[], Awaitable[None]]:
    """At start: review's own master data from the seed file (approval authority, QA
    capability: P2.3, P2.4, P8.1), replacing what was loaded before."""

    async def load() -> None:
        seed = context.seed

        async def unit(connection: AsyncConnection) -> list[Event]:
            await master_data.load_own_master_data(
                connection, seed.approval_authority, seed.qa_capability_level
            )
            return []

        await context.unit_of_work.run(unit)
        log.info(
            "review master data loaded: %d approval authorities, QA capability level %d",
            len(seed.approval_authority),
            seed.qa_capability_level,
        )

    return load


async def escalate_overdue_reviews(context: ServiceContext) -> int:
    """One pass of the deadline check (P2.4, P8.2): escalate every review still open after its
    deadline, once; returns how many were escalated."""
    total = 0
    while True:

        async def unit(connection: AsyncConnection) -> tuple[int, list[Event]]:
            events = await handlers.escalate_overdue(
                connection, context.clock.now(), ESCALATION_BATCH
            )
            return len(events), events

        escalated = await context.unit_of_work.decide(unit)
        total += escalated
        if escalated < ESCALATION_BATCH:
            break
    if total:
        log.warning("escalated %d overdue reviews (P8.2)", total)
    return total


def deadline_check(context: ServiceContext, every: float) -> Callable[[], Awaitable[None]]:
    """The background loop: look for overdue reviews every `every` seconds."""

    async def check_deadlines() -> None:
        while True:
            await escalate_overdue_reviews(context)
            await asyncio.sleep(every)

    return check_deadlines


def parts(context: ServiceContext) -> ServiceParts:
    settings = context.settings
    if not isinstance(settings, ReviewSettings):
        settings = ReviewSettings()
    return ServiceParts(
        routes=routes(settings.auto_approval()),
        router=router(context),
        on_start=[load_own_master_data(context)],
        background=[deadline_check(context, settings.deadline_check_seconds)],
    )
