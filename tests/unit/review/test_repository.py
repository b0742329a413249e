"""Reviews stored and read back on SQLite: every part kept as JSON comes back equal, and rows
written in the JSON format of earlier versions still read."""

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from services.review.adapters import repository
from services.review.adapters.tables import parked_assessments, reviews
from services.review.app import DEFINITION
from services.review.domain.model import (
    Answer,
    AnswerSource,
    ApprovalDecision,
    ApprovalStep,
    Line,
    Negotiation,
    NegotiationStatus,
    Review,
    ReviewStatus,
)
from services.review.domain.rules import Assessment, Department, Verdict
from shared.decisions import Signature
from tests.support.databases import sqlite_database

RECEIVED = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
SIGNED = Signature("jonas.weber", "sales_manager", RECEIVED + timedelta(hours=1))
OVERRIDDEN = Signature("anna.novak", "engineering", RECEIVED + timedelta(hours=2))
AGREED = Signature("li.wang", "general_manager", RECEIVED + timedelta(days=1))


def stored_review() -> Review:
    """A review with every JSON part filled in: lines, a signed and a pending approval, answers
    of every source, a closed negotiation."""
    return Review(
        order_id="SO-2027-000001",
        customer_id="CUST-0001",
        currency="EUR",
        total_amount=Decimal("53350.00"),
        requested_delivery_date=date(2027, 4, 15),
        payment_terms="net30",
        lines=(Line(1, "VALVE-DN50", 1000), Line(2, "PUMP-HX90", 10)),
        received_at=RECEIVED,
        deadline=RECEIVED + timedelta(days=2),
        status=ReviewStatus.IN_REVIEW,
        findings=("a finding",),
        general_manager_reasons=("above authority",),
        approvals=[
            ApprovalStep("sales_manager", ApprovalDecision.APPROVE, "terms checked", True, SIGNED),
            ApprovalStep("general_manager"),
        ],
        answers={
            Department.ENGINEERING: Answer(
                Verdict.FEASIBLE,
                "specification sent",
                None,
                AnswerSource.OVERRIDE,
                OVERRIDDEN.at,
                OVERRIDDEN,
            ),
            Department.QA: Answer(
                Verdict.FEASIBLE, "level 3", None, AnswerSource.COMPUTED, RECEIVED
            ),
            Department.PRODUCTION: Answer(
                Verdict.LATER, "week booked", date(2027, 8, 20), AnswerSource.ASSESSED, RECEIVED
            ),
        },
        negotiation=Negotiation(
            opened_at=RECEIVED,
            proposed_delivery_date=date(2027, 8, 20),
            reasons=("production: week booked",),
            status=NegotiationStatus.ACCEPTED,
            agreed_delivery_date=date(2027, 8, 20),
            signature=AGREED,
            closed_at=AGREED.at,
        ),
    )


def signature_as_written_before(signature: Signature) -> dict[str, Any]:
    return {"user": signature.user, "role": signature.role, "at": signature.at.isoformat()}


ROW_AS_WRITTEN_BEFORE: dict[str, Any] = {
    "order_id": "SO-2027-000001",
    "customer_id": "CUST-0001",
    "currency": "EUR",
    "total_amount": Decimal("53350.00"),
    "requested_delivery_date": date(2027, 4, 15),
    "status": "in_review",
    "confirmed_delivery_date": None,
    "decline_reason": "",
    "outcome": None,
    "payment_terms": "net30",
    "lines": [
        {"line_no": 1, "product_code": "VALVE-DN50", "quantity": 1000},
        {"line_no": 2, "product_code": "PUMP-HX90", "quantity": 10},
    ],
    "received_at": RECEIVED,
    "deadline": RECEIVED + timedelta(days=2),
    "escalated_at": None,
    "missing_master_data": [],
    "findings": ["a finding"],
    "general_manager_reasons": ["above authority"],
    "approvals": [
        {
            "role": "sales_manager",
            "decision": "approve",
            "note": "terms checked",
            "contract_stamped": True,
            "signature": signature_as_written_before(SIGNED),
        },
        {
            "role": "general_manager",
            "decision": None,
            "note": "",
            "contract_stamped": None,
            "signature": None,
        },
    ],
    "answers": {
        "engineering": {
            "verdict": "feasible",
            "reason": "specification sent",
            "available_from": None,
            "source": "override",
            "at": "2027-03-01T11:00:00+00:00",
            "signature": signature_as_written_before(OVERRIDDEN),
        },
        "qa": {
            "verdict": "feasible",
            "reason": "level 3",
            "available_from": None,
            "source": "computed",
            "at": "2027-03-01T09:00:00+00:00",
            "signature": None,
        },
        "production": {
            "verdict": "later",
            "reason": "week booked",
            "available_from": "2027-08-20",
            "source": "assessed",
            "at": "2027-03-01T09:00:00+00:00",
            "signature": None,
        },
    },
    "negotiation": {
        "opened_at": "2027-03-01T09:00:00+00:00",
        "proposed_delivery_date": "2027-08-20",
        "reasons": ["production: week booked"],
        "status": "accepted",
        "agreed_delivery_date": "2027-08-20",
        "reason": "",
        "signature": signature_as_written_before(AGREED),
        "closed_at": "2027-03-02T09:00:00+00:00",
    },
    "feasible_delivery_date": None,
}
"""A review row as the hand-written converters stored it (datetimes with "+00:00")."""


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    async with sqlite_database(tmp_path / "review.db", DEFINITION.migrations) as engine:
        yield engine


async def test_a_review_reads_back_as_it_was_stored(engine: AsyncEngine) -> None:
    review = stored_review()
    async with engine.begin() as connection:
        await repository.add(connection, review)

    async with engine.connect() as connection:
        loaded = await repository.load(connection, review.order_id, for_update=False)

    assert loaded == review
    assert loaded.approvals[0].signature == SIGNED
    assert loaded.answers[Department.ENGINEERING].signature == OVERRIDDEN
    assert loaded.negotiation == review.negotiation


async def test_a_review_stored_by_earlier_versions_still_reads(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        await connection.execute(insert(reviews).values(**ROW_AS_WRITTEN_BEFORE))

    async with engine.connect() as connection:
        loaded = await repository.load(connection, "SO-2027-000001", for_update=False)

    assert loaded == stored_review()


async def test_parked_answers_read_back_in_either_format(engine: AsyncEngine) -> None:
    production = Assessment(Verdict.LATER, "week booked", date(2027, 8, 20))
    purchasing = Assessment(Verdict.FEASIBLE, "in stock")
    async with engine.begin() as connection:
        await repository.park_assessment(
            connection, "SO-2027-000001", production, purchasing, RECEIVED
        )
        await connection.execute(
            insert(parked_assessments).values(
                order_id="SO-2027-000002",
                production={
                    "verdict": "later",
                    "reason": "week booked",
                    "available_from": "2027-08-20",
                },
                purchasing={"verdict": "feasible", "reason": "in stock", "available_from": None},
                received_at=RECEIVED,
            )
        )

    async with engine.begin() as connection:
        first = await repository.take_parked_assessment(connection, "SO-2027-000001")
        second = await repository.take_parked_assessment(connection, "SO-2027-000002")

    assert first == second == (production, purchasing)
