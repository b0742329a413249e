"""Loads and stores reviews in the service's own database."""

from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from services.review.adapters.tables import reviews
from services.review.domain.model import Outcome, Review, ReviewStatus


async def exists(connection: AsyncConnection, order_id: str) -> bool:
    found = await connection.scalar(
        select(reviews.c.order_id).where(reviews.c.order_id == order_id)
    )
    return found is not None


async def load(connection: AsyncConnection, order_id: str) -> Review | None:
    row = (
        await connection.execute(
            select(reviews).where(reviews.c.order_id == order_id).with_for_update()
        )
    ).one_or_none()
    if row is None:
        return None
    return Review(
        order_id=row.order_id,
        customer_id=row.customer_id,
        currency=row.currency,
        total_amount=row.total_amount,
        requested_delivery_date=row.requested_delivery_date,
        status=ReviewStatus(row.status),
        confirmed_delivery_date=row.confirmed_delivery_date,
        decline_reason=row.decline_reason,
        outcome=Outcome(row.outcome) if row.outcome else None,
    )


def _row(review: Review) -> dict[str, Any]:
    return {
        "order_id": review.order_id,
        "customer_id": review.customer_id,
        "currency": review.currency,
        "total_amount": review.total_amount,
        "requested_delivery_date": review.requested_delivery_date,
        "status": review.status.value,
        "confirmed_delivery_date": review.confirmed_delivery_date,
        "decline_reason": review.decline_reason,
        "outcome": review.outcome.value if review.outcome else None,
    }


async def add(connection: AsyncConnection, review: Review) -> None:
    await connection.execute(insert(reviews).values(**_row(review)))


async def save(connection: AsyncConnection, review: Review) -> None:
    await connection.execute(
        update(reviews).where(reviews.c.order_id == review.order_id).values(**_row(review))
    )
