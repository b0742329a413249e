"""Loads and stores reviews in the service's own database. The parts of a review that are lists
(lines, approvals, answers, findings) are kept as JSON in the review's row: one row read and
written per message. The domain's dataclasses are converted to and from JSON by pydantic
TypeAdapters: enums as their values, dates and datetimes in ISO 8601, tuples as lists."""

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any

from pydantic import TypeAdapter
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.review.adapters.tables import parked_assessments, reviews
from services.review.domain.model import (
    OPEN_STATUSES,
    Answer,
    ApprovalStep,
    Line,
    Negotiation,
    Outcome,
    Replacement,
    Review,
    ReviewStatus,
    Round,
)
from services.review.domain.rules import Assessment, Department
from shared.db import rows
from shared.db.upsert import upsert
from shared.decisions import Signature

_LINES: TypeAdapter[tuple[Line, ...]] = TypeAdapter(tuple[Line, ...])
"""reviews.lines"""
_APPROVALS: TypeAdapter[list[ApprovalStep]] = TypeAdapter(list[ApprovalStep])
"""reviews.approvals, with each step's signature"""
_ANSWERS: TypeAdapter[dict[Department, Answer]] = TypeAdapter(dict[Department, Answer])
"""reviews.answers, by department"""
_NEGOTIATION: TypeAdapter[Negotiation | None] = TypeAdapter(Negotiation | None)
"""reviews.negotiation"""
_ROUNDS: TypeAdapter[list[Round]] = TypeAdapter(list[Round])
"""reviews.rounds, the rounds ended by a change before confirmation (P7.4)"""
_ASSESSMENT: TypeAdapter[Assessment] = TypeAdapter(Assessment)
"""parked_assessments.production and parked_assessments.purchasing"""


async def exists(connection: AsyncConnection, order_id: str) -> bool:
    return await rows.load(connection, reviews, order_id) is not None


async def load(
    connection: AsyncConnection, order_id: str, for_update: bool = True
) -> Review | None:
    """The review as it is in this transaction (read once per unit of work)."""
    row = await rows.load(connection, reviews, order_id, for_update=for_update)
    return None if row is None else _review(row)


async def load_awaiting_master_data(connection: AsyncConnection) -> list[Review]:
    """Reviews waiting for customer or product data (normally none or a few)."""
    await rows.flush_table(connection, reviews)  # the query must see this batch's changes
    found = await connection.execute(
        select(reviews)
        .where(reviews.c.status == ReviewStatus.AWAITING_MASTER_DATA.value)
        .order_by(reviews.c.received_at)
        .with_for_update()
    )
    loaded = [_review(row._mapping) for row in found]
    for review in loaded:  # later loads in this transaction see what the query found
        rows.forget(reviews, review.order_id)
    return loaded


async def overdue(connection: AsyncConnection, now: datetime, limit: int) -> list[str]:
    """Open reviews past their deadline that were not escalated yet (P8.2)."""
    await rows.flush_table(connection, reviews)
    found = await connection.execute(
        select(reviews.c.order_id)
        .where(
            reviews.c.status.in_([status.value for status in OPEN_STATUSES]),
            reviews.c.deadline <= now,
            reviews.c.escalated_at.is_(None),
        )
        .order_by(reviews.c.deadline)
        .limit(limit)
    )
    return [row.order_id for row in found]


async def approved_unconfirmed_total(
    connection: AsyncConnection, customer_id: str, excluding: str
) -> Decimal:
    """P6.4: the totals of the customer's orders review approved and sales has not confirmed
    yet (not in finance's open balance so far), other than `excluding`. Read once per customer
    and transaction, then kept in step by `add` and `save` (a burst confirms many orders of one
    customer in a batch: one query each would read the same rows again)."""
    pending = await _approved_unconfirmed(connection, customer_id)
    return sum((total for order_id, total in pending.items() if order_id != excluding), Decimal(0))


def _pending_key(customer_id: str) -> tuple[str, str]:
    return ("review.approved_unconfirmed", customer_id)


async def _approved_unconfirmed(
    connection: AsyncConnection, customer_id: str
) -> dict[str, Decimal]:
    pending: dict[str, Decimal] | None = rows.recall(_pending_key(customer_id))
    if pending is not None:
        return pending
    await rows.flush_table(connection, reviews)  # this batch's approvals so far count
    found = await connection.execute(
        select(reviews.c.order_id, reviews.c.total_amount).where(
            reviews.c.customer_id == customer_id,
            reviews.c.status == ReviewStatus.APPROVED.value,
            reviews.c.confirmed_at.is_(None),
        )
    )
    pending = {row.order_id: row.total_amount for row in found}
    rows.remember(_pending_key(customer_id), pending)
    return pending


async def preload_approved_unconfirmed(
    connection: AsyncConnection, customer_ids: Iterable[str]
) -> None:
    """The approved-unconfirmed totals of a batch's customers in one statement, kept for the
    transaction as `approved_unconfirmed_total` would read them one customer at a time."""
    wanted = sorted({c for c in customer_ids if rows.recall(_pending_key(c)) is None})
    if not wanted:
        return
    await rows.flush_table(connection, reviews)
    found = await connection.execute(
        select(reviews.c.customer_id, reviews.c.order_id, reviews.c.total_amount).where(
            reviews.c.customer_id.in_(wanted),
            reviews.c.status == ReviewStatus.APPROVED.value,
            reviews.c.confirmed_at.is_(None),
        )
    )
    pending: dict[str, dict[str, Decimal]] = {customer_id: {} for customer_id in wanted}
    for row in found:
        pending[row.customer_id][row.order_id] = row.total_amount
    for customer_id, of_customer in pending.items():
        rows.remember(_pending_key(customer_id), of_customer)


def _keep_pending_in_step(review: Review) -> None:
    """Bring the customer's approved-unconfirmed totals read in this transaction (if any) up
    to date with a review being written."""
    pending: dict[str, Decimal] | None = rows.recall(_pending_key(review.customer_id))
    if pending is None:
        return
    if review.status is ReviewStatus.APPROVED and review.confirmed_at is None:
        pending[review.order_id] = review.total_amount
    else:
        pending.pop(review.order_id, None)


async def add(connection: AsyncConnection, review: Review) -> None:
    await rows.add(connection, reviews, _row(review))
    _keep_pending_in_step(review)


async def save(connection: AsyncConnection, review: Review) -> None:
    await rows.save(connection, reviews, _row(review))
    _keep_pending_in_step(review)


async def park_assessment(
    connection: AsyncConnection,
    order_id: str,
    production: Assessment,
    purchasing: Assessment,
    now: datetime,
) -> None:
    """Keep answers for an order review has not seen yet; the latest answer counts."""
    rows.forget(parked_assessments, order_id)
    await upsert(
        connection,
        parked_assessments,
        [
            {
                "order_id": order_id,
                "production": _ASSESSMENT.dump_python(production, mode="json"),
                "purchasing": _ASSESSMENT.dump_python(purchasing, mode="json"),
                "received_at": now,
            }
        ],
    )


async def take_parked_assessment(
    connection: AsyncConnection, order_id: str
) -> tuple[Assessment, Assessment] | None:
    row = await rows.load(connection, parked_assessments, order_id)
    if row is None:
        return None
    await connection.execute(
        delete(parked_assessments).where(parked_assessments.c.order_id == order_id)
    )
    rows.forget(parked_assessments, order_id)
    return (
        _ASSESSMENT.validate_python(row["production"]),
        _ASSESSMENT.validate_python(row["purchasing"]),
    )


# -- mapping ------------------------------------------------------------------------------------


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
        "payment_terms": review.payment_terms,
        "lines": _LINES.dump_python(review.lines, mode="json"),
        "received_at": review.received_at,
        "deadline": review.deadline,
        "escalated_at": review.escalated_at,
        "missing_master_data": list(review.missing_master_data),
        "findings": list(review.findings),
        "general_manager_reasons": list(review.general_manager_reasons),
        "approvals": _APPROVALS.dump_python(review.approvals, mode="json"),
        "answers": _ANSWERS.dump_python(review.answers, mode="json"),
        "negotiation": _NEGOTIATION.dump_python(review.negotiation, mode="json"),
        "feasible_delivery_date": review.feasible_delivery_date,
        "entered_by": review.entered_by,
        "delivery_date": review.delivery_date,
        "delivery_date_final": review.delivery_date_final,
        "confirmed_at": review.confirmed_at,
        "version": review.version,
        "acknowledged_change": review.acknowledged_change,
        "rounds": _ROUNDS.dump_python(review.rounds, mode="json"),
        "amending": review.amending,
        "replacement": _replacement_row(review.replacement),
    }


def _replacement_row(replacement: Replacement | None) -> dict[str, Any] | None:
    if replacement is None:
        return None
    by = replacement.authorised
    return {
        "return_number": replacement.return_number,
        "authorised": {"user": by.user, "role": by.role, "at": by.at.isoformat()},
    }


def _replacement(value: dict[str, Any] | None) -> Replacement | None:
    if value is None:
        return None
    by = value["authorised"]
    return Replacement(
        value["return_number"],
        Signature(by["user"], by["role"], datetime.fromisoformat(by["at"])),
    )


def _review(row: Any) -> Review:
    return Review(
        order_id=row["order_id"],
        customer_id=row["customer_id"],
        currency=row["currency"],
        total_amount=row["total_amount"],
        requested_delivery_date=row["requested_delivery_date"],
        payment_terms=row["payment_terms"],
        lines=_LINES.validate_python(row["lines"] or ()),
        received_at=row["received_at"],
        deadline=row["deadline"],
        status=ReviewStatus(row["status"]),
        missing_master_data=tuple(row["missing_master_data"] or ()),
        findings=tuple(row["findings"] or ()),
        general_manager_reasons=tuple(row["general_manager_reasons"] or ()),
        approvals=_APPROVALS.validate_python(row["approvals"] or []),
        answers=_ANSWERS.validate_python(row["answers"] or {}),
        negotiation=_NEGOTIATION.validate_python(row["negotiation"]),
        feasible_delivery_date=row["feasible_delivery_date"],
        confirmed_delivery_date=row["confirmed_delivery_date"],
        decline_reason=row["decline_reason"],
        outcome=Outcome(row["outcome"]) if row["outcome"] else None,
        escalated_at=row["escalated_at"],
        entered_by=row["entered_by"],
        delivery_date=row["delivery_date"],
        delivery_date_final=bool(row["delivery_date_final"]),
        confirmed_at=row["confirmed_at"],
        version=row["version"],
        acknowledged_change=row["acknowledged_change"],
        rounds=_ROUNDS.validate_python(row["rounds"] or []),
        amending=row["amending"],
        replacement=_replacement(row["replacement"]),
    )
