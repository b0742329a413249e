"""Loads and stores reviews in the service's own database. The parts of a review that are lists
(lines, approvals, answers, findings) are kept as JSON in the review's row: one row read and
written per message."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from services.review.adapters.tables import parked_assessments, reviews
from services.review.domain.model import (
    OPEN_STATUSES,
    Answer,
    AnswerSource,
    ApprovalDecision,
    ApprovalStep,
    Line,
    Negotiation,
    NegotiationStatus,
    Outcome,
    Review,
    ReviewStatus,
    Signature,
)
from services.review.domain.rules import Assessment, Department, Verdict


async def exists(connection: AsyncConnection, order_id: str) -> bool:
    found = await connection.scalar(
        select(reviews.c.order_id).where(reviews.c.order_id == order_id)
    )
    return found is not None


async def load(
    connection: AsyncConnection, order_id: str, for_update: bool = True
) -> Review | None:
    statement = select(reviews).where(reviews.c.order_id == order_id)
    if for_update:
        statement = statement.with_for_update()
    row = (await connection.execute(statement)).one_or_none()
    return None if row is None else _review(row._mapping)


async def load_awaiting_master_data(connection: AsyncConnection) -> list[Review]:
    """Reviews waiting for customer or product data (normally none or a few)."""
    rows = await connection.execute(
        select(reviews)
        .where(reviews.c.status == ReviewStatus.AWAITING_MASTER_DATA.value)
        .order_by(reviews.c.received_at)
        .with_for_update()
    )
    return [_review(row._mapping) for row in rows]


async def overdue(connection: AsyncConnection, now: datetime, limit: int) -> list[str]:
    """Open reviews past their deadline that were not escalated yet (P8.2)."""
    rows = await connection.execute(
        select(reviews.c.order_id)
        .where(
            reviews.c.status.in_([status.value for status in OPEN_STATUSES]),
            reviews.c.deadline <= now,
            reviews.c.escalated_at.is_(None),
        )
        .order_by(reviews.c.deadline)
        .limit(limit)
    )
    return [row.order_id for row in rows]


async def add(connection: AsyncConnection, review: Review) -> None:
    await connection.execute(insert(reviews).values(**_row(review)))


async def save(connection: AsyncConnection, review: Review) -> None:
    await connection.execute(
        update(reviews).where(reviews.c.order_id == review.order_id).values(**_row(review))
    )


async def park_assessment(
    connection: AsyncConnection,
    order_id: str,
    production: Assessment,
    purchasing: Assessment,
    now: datetime,
) -> None:
    """Keep answers for an order review has not seen yet; the latest answer counts."""
    values = {
        "order_id": order_id,
        "production": _assessment_json(production),
        "purchasing": _assessment_json(purchasing),
        "received_at": now,
    }
    insert_ = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
    statement = insert_(parked_assessments).values(**values)
    await connection.execute(
        statement.on_conflict_do_update(
            index_elements=[parked_assessments.c.order_id],
            set_={key: statement.excluded[key] for key in values if key != "order_id"},
        )
    )


async def take_parked_assessment(
    connection: AsyncConnection, order_id: str
) -> tuple[Assessment, Assessment] | None:
    row = (
        await connection.execute(
            select(parked_assessments).where(parked_assessments.c.order_id == order_id)
        )
    ).one_or_none()
    if row is None:
        return None
    await connection.execute(
        delete(parked_assessments).where(parked_assessments.c.order_id == order_id)
    )
    return _assessment(row.production), _assessment(row.purchasing)


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
        "lines": [
            {"line_no": line.line_no, "product_code": line.product_code, "quantity": line.quantity}
            for line in review.lines
        ],
        "received_at": review.received_at,
        "deadline": review.deadline,
        "escalated_at": review.escalated_at,
        "missing_master_data": list(review.missing_master_data),
        "findings": list(review.findings),
        "general_manager_reasons": list(review.general_manager_reasons),
        "approvals": [_step_json(step) for step in review.approvals],
        "answers": {
            department.value: _answer_json(answer) for department, answer in review.answers.items()
        },
        "negotiation": _negotiation_json(review.negotiation),
        "feasible_delivery_date": review.feasible_delivery_date,
    }


def _review(row: Any) -> Review:
    return Review(
        order_id=row["order_id"],
        customer_id=row["customer_id"],
        currency=row["currency"],
        total_amount=row["total_amount"],
        requested_delivery_date=row["requested_delivery_date"],
        payment_terms=row["payment_terms"],
        lines=tuple(
            Line(item["line_no"], item["product_code"], item["quantity"])
            for item in row["lines"] or ()
        ),
        received_at=row["received_at"],
        deadline=row["deadline"],
        status=ReviewStatus(row["status"]),
        missing_master_data=tuple(row["missing_master_data"] or ()),
        findings=tuple(row["findings"] or ()),
        general_manager_reasons=tuple(row["general_manager_reasons"] or ()),
        approvals=[_step(item) for item in row["approvals"] or ()],
        answers={Department(name): _answer(item) for name, item in (row["answers"] or {}).items()},
        negotiation=_negotiation(row["negotiation"]),
        feasible_delivery_date=row["feasible_delivery_date"],
        confirmed_delivery_date=row["confirmed_delivery_date"],
        decline_reason=row["decline_reason"],
        outcome=Outcome(row["outcome"]) if row["outcome"] else None,
        escalated_at=row["escalated_at"],
    )


def _iso(value: date | datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _date(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


def _datetime(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def _signature_json(signature: Signature | None) -> dict[str, Any] | None:
    if signature is None:
        return None
    return {"user": signature.user, "role": signature.role, "at": signature.at.isoformat()}


def _signature(item: dict[str, Any] | None) -> Signature | None:
    if item is None:
        return None
    return Signature(item["user"], item["role"], datetime.fromisoformat(item["at"]))


def _step_json(step: ApprovalStep) -> dict[str, Any]:
    return {
        "role": step.role,
        "decision": step.decision.value if step.decision else None,
        "note": step.note,
        "contract_stamped": step.contract_stamped,
        "signature": _signature_json(step.signature),
    }


def _step(item: dict[str, Any]) -> ApprovalStep:
    return ApprovalStep(
        role=item["role"],
        decision=ApprovalDecision(item["decision"]) if item["decision"] else None,
        note=item["note"],
        contract_stamped=item["contract_stamped"],
        signature=_signature(item["signature"]),
    )


def _assessment_json(assessment: Assessment) -> dict[str, Any]:
    return {
        "verdict": assessment.verdict.value,
        "reason": assessment.reason,
        "available_from": _iso(assessment.available_from),
    }


def _assessment(item: dict[str, Any]) -> Assessment:
    return Assessment(
        verdict=Verdict(item["verdict"]),
        reason=item["reason"],
        available_from=_date(item["available_from"]),
    )


def _answer_json(answer: Answer) -> dict[str, Any]:
    return {
        **_assessment_json(answer.assessment),
        "source": answer.source.value,
        "at": answer.at.isoformat(),
        "signature": _signature_json(answer.signature),
    }


def _answer(item: dict[str, Any]) -> Answer:
    assessment = _assessment(item)
    return Answer(
        verdict=assessment.verdict,
        reason=assessment.reason,
        available_from=assessment.available_from,
        source=AnswerSource(item["source"]),
        at=datetime.fromisoformat(item["at"]),
        signature=_signature(item["signature"]),
    )


def _negotiation_json(negotiation: Negotiation | None) -> dict[str, Any] | None:
    if negotiation is None:
        return None
    return {
        "opened_at": negotiation.opened_at.isoformat(),
        "proposed_delivery_date": _iso(negotiation.proposed_delivery_date),
        "reasons": list(negotiation.reasons),
        "status": negotiation.status.value,
        "agreed_delivery_date": _iso(negotiation.agreed_delivery_date),
        "reason": negotiation.reason,
        "signature": _signature_json(negotiation.signature),
        "closed_at": _iso(negotiation.closed_at),
    }


def _negotiation(item: dict[str, Any] | None) -> Negotiation | None:
    if item is None:
        return None
    return Negotiation(
        opened_at=datetime.fromisoformat(item["opened_at"]),
        proposed_delivery_date=_date(item["proposed_delivery_date"]),
        reasons=tuple(item["reasons"]),
        status=NegotiationStatus(item["status"]),
        agreed_delivery_date=_date(item["agreed_delivery_date"]),
        reason=item["reason"],
        signature=_signature(item["signature"]),
        closed_at=_datetime(item["closed_at"]),
    )
