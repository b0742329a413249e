"""What review consumes (one route per topic), its HTTP API, its own rules (built once from the
seed file and settings) and its deadline check."""

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from functools import partial
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from services.review import handlers
from services.review.adapters import master_data
from services.review.adapters.tables import parked_assessments, reviews
from services.review.domain.master import ApprovalAuthority, ReviewPolicy
from services.review.http import router
from services.review.settings import ReviewSettings
from shared.contracts import (
    BalanceUpdated,
    ChangeDecided,
    ChangeRequested,
    CollectionStepped,
    ConfirmationIssued,
    ConfirmationSigned,
    CustomerUpdated,
    Event,
    FeasibilityAssessed,
    OrderClosed,
    OrderPlaced,
    OrderReleased,
    ProductUpdated,
    topics,
)
from shared.db import rows
from shared.messaging.routes import Route, preload_orders
from shared.runtime import ServiceContext, ServiceParts

log = logging.getLogger(__name__)

ESCALATION_BATCH = 200
"""Overdue reviews escalated per unit of work."""


REVIEWS = preload_orders(reviews)
"""The reviews of a batch's events, read in one statement."""


async def preload_new_reviews(connection: AsyncConnection, placed: Sequence[OrderPlaced]) -> None:
    """Placed orders: whether each has a review already, answers parked for it, and what its
    review reads of its customer."""
    order_ids = [event.order_id for event in placed]
    await rows.preload(connection, reviews, order_ids)
    await rows.preload(connection, parked_assessments, order_ids)
    await master_data.preload_customers(connection, (event.payload.customer_id for event in placed))


async def preload_confirmed(
    connection: AsyncConnection, issued: Sequence[ConfirmationIssued]
) -> None:
    """Confirmations: their reviews, and what the credit check reads of their customers."""
    order_ids = [event.order_id for event in issued]
    await rows.preload(connection, reviews, order_ids)
    found = await rows.load_many(connection, reviews, order_ids, for_update=True)  # just read
    await master_data.preload_customers(connection, (row["customer_id"] for row in found))


def routes(policy: ReviewPolicy) -> Sequence[Route[Any]]:
    return [
        Route(
            topics.ORDER_PLACED,
            OrderPlaced,
            partial(handlers.open_review, policy=policy),
            preload=preload_new_reviews,
        ),
        Route(
            topics.CUSTOMER_UPDATED,
            CustomerUpdated,
            partial(handlers.store_customer, policy=policy),
            latest_per_key=True,
        ),
        Route(
            topics.PRODUCT_UPDATED,
            ProductUpdated,
            partial(handlers.store_product, policy=policy),
            latest_per_key=True,
        ),
        Route(
            topics.BALANCE_UPDATED,
            BalanceUpdated,
            handlers.store_balance,
            latest_per_key=True,
        ),
        Route(
            topics.COLLECTION_STEPPED,
            CollectionStepped,
            handlers.record_collection_step,
            preload=master_data.preload_collection_steps,
        ),
        Route(
            topics.FEASIBILITY_ASSESSED,
            FeasibilityAssessed,
            handlers.record_assessment,
            preload=REVIEWS,
        ),
        Route(topics.ORDER_CLOSED, OrderClosed, handlers.close_review, preload=REVIEWS),
        Route(
            topics.CONFIRMATION_ISSUED,
            ConfirmationIssued,
            handlers.record_confirmation,
            preload=preload_confirmed,
        ),
        Route(
            topics.CONFIRMATION_SIGNED,
            ConfirmationSigned,
            handlers.record_signature,
            preload=REVIEWS,
        ),
        Route(topics.ORDER_RELEASED, OrderReleased, handlers.record_release, preload=REVIEWS),
        Route(
            topics.CHANGE_REQUESTED,
            ChangeRequested,
            partial(handlers.acknowledge_change, policy=policy),
            preload=REVIEWS,
        ),
        Route(
            topics.CHANGE_DECIDED,
            ChangeDecided,
            partial(handlers.apply_change, policy=policy),
            preload=REVIEWS,
        ),
    ]


def review_policy(context: ServiceContext, settings: ReviewSettings) -> ReviewPolicy:
    """Review's own rules, built once: the approval authority table and QA's capability from
    the seed file (P2.3, P2.4, P8.1), the automatic approval policy from the settings."""
    seed = context.seed
    log.info(
        "review master data from the seed: %d approval authorities, QA capability level %d",
        len(seed.approval_authority),
        seed.qa_capability_level,
    )
    return ReviewPolicy(
        authority=ApprovalAuthority(
            {item.role: item.max_amount for item in seed.approval_authority}
        ),
        qa_capability_level=seed.qa_capability_level,
        auto_approval=settings.auto_approval(),
    )


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
    policy = review_policy(context, settings)
    return ServiceParts(
        routes=routes(policy),
        router=router(context, policy.authority),
        background=[deadline_check(context, settings.deadline_check_seconds)],
    )
