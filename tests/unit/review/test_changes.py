"""Review and the changes of an order, on an embedded SQLite database (P7.1, P7.2, P7.4): each
change request is acknowledged once with a deterministic id; a change applied before
confirmation starts the review again with the new content, and verdicts of the older version
change nothing; after confirmation only the applied total is kept; a cancellation closes the
review with the `order.closed` that follows."""

from collections.abc import AsyncIterator
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import NAMESPACE_URL, uuid4, uuid5

import pytest

from shared.contracts import ChangeDecided, ChangeRequested, FeasibilityAssessed, topics
from shared.messaging.events import new_event
from shared.messaging.routes import Source
from tests.unit.review.test_service import (
    APPROVE,
    START,
    Review,
    assessed,
    closed,
    placed,
    start,
    with_master_data,
)

ORDER = "SO-2027-000001"
NEW_DATE = date(2027, 5, 3)
SALES_DESK = {"user": "mei.zhang", "role": "sales_rep", "at": START.isoformat()}


@pytest.fixture
async def review(tmp_path: Path) -> AsyncIterator[Review]:
    async for running in start(tmp_path):
        yield running


@pytest.fixture
async def automatic(tmp_path: Path) -> AsyncIterator[Review]:
    async for running in start(tmp_path, auto_approve_max_amount="50000"):
        yield running


def lines(quantity: int, unit_price: str = "48.50") -> list[dict[str, Any]]:
    amount = Decimal(unit_price) * quantity
    return [
        {
            "line_no": 1,
            "product_code": "VALVE-DN50",
            "quantity": quantity,
            "unit_price": unit_price,
            "amount": str(amount),
        }
    ]


def total(of: list[dict[str, Any]]) -> str:
    return str(sum((Decimal(line["amount"]) for line in of), Decimal(0)))


def requested(
    change_no: int = 2,
    quantity: int | None = 30,
    stage: str = "before_confirmation",
    order_id: str = ORDER,
) -> ChangeRequested:
    """Change `change_no`: line 1 to `quantity` units, or a cancellation (quantity None)."""
    new = [] if quantity is None else lines(quantity)
    kinds = ["cancel"] if quantity is None else ["increase" if quantity > 20 else "decrease"]
    return new_event(
        ChangeRequested,
        order_id=order_id,
        producer="sales",
        causation_id=None,
        occurred_at=START,
        payload={
            "change_no": change_no,
            "based_on": change_no - 1,
            "kinds": kinds,
            "stage": stage,
            "needs_review": "increase" in kinds,
            "lines": new,
            "total_amount": total(new),
            "requested_delivery_date": NEW_DATE.isoformat(),
            "reason": "the customer asked by phone",
            "via": "desk",
            "requested": SALES_DESK,
            "answer_by": (START + timedelta(days=2)).isoformat(),
        },
    )


def decided(
    change_no: int = 2,
    quantity: int | None = 30,
    stage: str = "before_confirmation",
    outcome: str = "applied",
    order_id: str = ORDER,
) -> ChangeDecided:
    """Sales' decision on change `change_no` (applied: line 1 at `quantity`, None: cancel)."""
    applied = outcome == "applied"
    new = [] if quantity is None or not applied else lines(quantity)
    kinds = ["cancel"] if quantity is None else ["increase" if quantity > 20 else "decrease"]
    return new_event(
        ChangeDecided,
        order_id=order_id,
        producer="sales",
        causation_id=None,
        occurred_at=START,
        payload={
            "change_no": change_no,
            "outcome": outcome,
            "stage": stage,
            "kinds": kinds,
            "lines": new,
            "total_amount": total(new) if applied else None,
            "delivery_date": NEW_DATE.isoformat() if applied else None,
            "reason": "" if applied else "the customer withdrew it",
            "decided": SALES_DESK if applied else None,
        },
    )


def assessed_version(version: int, production: str = "feasible") -> FeasibilityAssessed:
    body = assessed(production=production).model_dump(mode="json")
    body["payload"]["version"] = version
    body["event_id"] = str(uuid4())
    return FeasibilityAssessed.model_validate(body)


def again(event: ChangeDecided) -> ChangeDecided:
    """The same decision in another record (a new event id): only its number makes it one."""
    return event.model_copy(update={"event_id": uuid4()})


async def approved_order(
    review: Review, customer_id: str = "CUST-0001", by_policy: bool = False
) -> None:
    """Order 1 (20 valves, 970.00) placed, approved by the sales manager (or, `by_policy`, by
    the automatic policy) and assessed feasible: version 1 done."""
    await with_master_data(review, customer_id=customer_id)
    await review.consume(placed(customer_id=customer_id))
    if not by_policy:
        signed = await review.post("sales_manager", f"/reviews/{ORDER}/approvals", APPROVE)
        assert signed.status_code == 200, signed.text
    await review.consume(assessed())
    (completed,) = await review.published(topics.REVIEW_COMPLETED)
    assert completed["payload"]["outcome"] == "approved"


# -- P7.4: a change before confirmation restarts the review ---------------------------------------


@pytest.mark.rule("P7.4")
async def test_a_change_before_confirmation_drops_the_approvals_and_asks_production_again_for_version_2(  # noqa: E501
    review: Review,
) -> None:
    await with_master_data(review)
    await review.consume(placed())
    assert (
        await review.post("sales_manager", f"/reviews/{ORDER}/approvals", APPROVE)
    ).status_code == 200

    await review.consume(requested())
    await review.consume(decided())

    first, second = await review.published(topics.FEASIBILITY_REQUESTED)
    assert first["payload"]["version"] == 1
    assert second["payload"] == {
        "customer_id": "CUST-0001",
        "requested_delivery_date": NEW_DATE.isoformat(),
        "lines": [{"product_code": "VALVE-DN50", "quantity": 30}],
        "rush": False,
        "version": 2,
    }
    view = await review.view(ORDER)
    assert view["version"] == 2
    assert view["status"] == "in_review"
    assert view["total_amount"] == "1455.00"
    assert view["requested_delivery_date"] == NEW_DATE.isoformat()
    assert [step["status"] for step in view["approvals"]] == ["pending"]
    assert view["feasibility"]["production"] is None
    (round_1,) = view["rounds"]
    assert round_1["version"] == 1
    assert round_1["approvals"][0]["user"] == "jonas.weber"


@pytest.mark.rule("P7.4")
async def test_a_stale_assessment_of_version_1_after_the_restart_changes_nothing(
    review: Review,
) -> None:
    await with_master_data(review)
    await review.consume(placed())
    await review.consume(decided())
    assert (
        await review.post("sales_manager", f"/reviews/{ORDER}/approvals", APPROVE)
    ).status_code == 200
    before = await review.view(ORDER)

    await review.consume(assessed_version(1))

    assert await review.view(ORDER) == before
    assert before["feasibility"]["production"] is None
    assert await review.published(topics.REVIEW_COMPLETED) == []


@pytest.mark.rule("P7.4")
async def test_the_verdict_after_the_restart_carries_version_2(review: Review) -> None:
    await with_master_data(review)
    await review.consume(placed())
    await review.consume(decided())
    assert (
        await review.post("sales_manager", f"/reviews/{ORDER}/approvals", APPROVE)
    ).status_code == 200

    await review.consume(assessed_version(2))

    (completed,) = await review.published(topics.REVIEW_COMPLETED)
    assert completed["payload"]["outcome"] == "approved"
    assert completed["payload"]["version"] == 2
    assert completed["payload"]["confirmed_delivery_date"] == NEW_DATE.isoformat()


@pytest.mark.rule("P7.4")
async def test_a_completed_review_reopens_on_a_change_before_confirmation(review: Review) -> None:
    await approved_order(review)

    await review.consume(decided())

    view = await review.view(ORDER)
    assert view["status"] == "in_review"
    assert view["confirmed_delivery_date"] is None
    assert [step["status"] for step in view["approvals"]] == ["pending"]
    assert view["rounds"][0]["status"] == "approved"
    assert len(await review.published(topics.FEASIBILITY_REQUESTED)) == 2
    assert (
        await review.post("sales_manager", f"/reviews/{ORDER}/approvals", APPROVE)
    ).status_code == 200
    await review.consume(assessed_version(2))
    first, second = await review.published(topics.REVIEW_COMPLETED)
    assert (first["payload"]["version"], second["payload"]["version"]) == (1, 2)


@pytest.mark.rule("P7.4")
async def test_with_the_policy_on_the_new_round_is_approved_as_a_new_order_would_be(
    automatic: Review,
) -> None:
    await with_master_data(automatic)
    await automatic.consume(placed())
    await automatic.consume(assessed())

    await automatic.consume(decided())
    await automatic.consume(assessed_version(2))

    _first, second = await automatic.published(topics.REVIEW_COMPLETED)
    assert second["payload"]["version"] == 2
    assert second["payload"]["approved_by"][0]["user"] == "automatic-policy"


@pytest.mark.rule("P7.4")
async def test_the_same_decision_replayed_restarts_the_review_only_once(review: Review) -> None:
    await with_master_data(review)
    await review.consume(placed())
    decision = decided()
    await review.consume(decision)
    assert (
        await review.post("sales_manager", f"/reviews/{ORDER}/approvals", APPROVE)
    ).status_code == 200
    before = await review.view(ORDER)

    await review.consume(decision)
    await review.consume(again(decision))

    assert await review.view(ORDER) == before
    assert len(await review.published(topics.FEASIBILITY_REQUESTED)) == 2


@pytest.mark.rule("P7.4")
async def test_a_change_not_applied_changes_nothing(review: Review) -> None:
    await approved_order(review)
    before = await review.view(ORDER)

    await review.consume(decided(outcome="withdrawn"))

    assert await review.view(ORDER) == before
    assert len(await review.published(topics.FEASIBILITY_REQUESTED)) == 1


# -- P7.1: acknowledgements -----------------------------------------------------------------------


def acknowledgement_id(consumed: ChangeRequested) -> str:
    namespace = uuid5(NAMESPACE_URL, "orderflow:change-acknowledgement")
    return str(uuid5(namespace, f"{consumed.event_id}:review"))


@pytest.mark.rule("P7.1")
@pytest.mark.rule("P7.4")
async def test_a_change_before_confirmation_is_acknowledged_as_restarted_with_an_id_from_the_request(  # noqa: E501
    review: Review,
) -> None:
    await approved_order(review)
    change = requested()

    await review.consume(change)

    (acknowledged,) = await review.published(topics.CHANGE_ACKNOWLEDGED)
    assert acknowledged["event_id"] == acknowledgement_id(change)
    assert acknowledged["producer"] == "review"
    assert acknowledged["causation_id"] == str(change.event_id)
    payload = acknowledged["payload"]
    assert (payload["change_no"], payload["department"]) == (2, "review")
    assert (payload["outcome"], payload["review"]) == ("accepted", "restarted")


@pytest.mark.rule("P7.1")
@pytest.mark.rule("P7.2")
async def test_a_decrease_after_confirmation_and_a_cancellation_need_no_new_review(
    review: Review,
) -> None:
    await approved_order(review)

    await review.consume(requested(2, quantity=15, stage="after_confirmation"))
    await review.consume(requested(3, quantity=None, stage="before_confirmation"))

    answers = [
        ack["payload"]["review"] for ack in await review.published(topics.CHANGE_ACKNOWLEDGED)
    ]
    assert answers == ["not_needed", "not_needed"]
    assert len(await review.published(topics.FEASIBILITY_REQUESTED)) == 1


@pytest.mark.rule("P7.1")
async def test_each_change_is_acknowledged_once(review: Review) -> None:
    await approved_order(review)
    change = requested()

    await review.consume(change)
    await review.consume(change)
    await review.consume(change.model_copy(update={"event_id": uuid4()}))

    assert len(await review.published(topics.CHANGE_ACKNOWLEDGED)) == 1


@pytest.mark.rule("P7.1")
async def test_a_change_of_an_order_review_never_saw_is_acknowledged_without_a_review(
    review: Review,
) -> None:
    change = requested(order_id="SO-2027-000099")

    await review.consume(change)

    (acknowledged,) = await review.published(topics.CHANGE_ACKNOWLEDGED)
    assert acknowledged["event_id"] == acknowledgement_id(change)
    assert (acknowledged["payload"]["outcome"], acknowledged["payload"]["review"]) == (
        "accepted",
        "not_needed",
    )


@pytest.mark.rule("P7.1")
async def test_a_decision_about_an_order_review_never_saw_is_dead_lettered_without_a_crash(
    review: Review,
) -> None:
    await review.consume(decided(order_id="SO-2027-000099", outcome="withdrawn"))
    unknown = decided(order_id="SO-2027-000099")
    await review.pipeline.consume(
        review_source(review, unknown), unknown.model_dump_json().encode()
    )

    assert await review.dead_letters() == ["unknown order 'SO-2027-000099'"]
    assert await review.published(topics.FEASIBILITY_REQUESTED) == []


def review_source(review: Review, event: ChangeDecided) -> Source:
    """The next record's place, for a record consumed without `Review.consume`'s check."""
    review.offset += 1
    return Source(str(event.event_type), 0, review.offset, None)


# -- P7.2: after confirmation, and cancellations ---------------------------------------------------


@pytest.mark.rule("P7.2")
async def test_a_decrease_after_confirmation_keeps_only_the_applied_total(review: Review) -> None:
    await approved_order(review)
    before = await review.view(ORDER)

    await review.consume(decided(quantity=15, stage="after_confirmation"))

    view = await review.view(ORDER)
    assert view["total_amount"] == "727.50"
    assert view["version"] == 2
    assert {**view, "total_amount": before["total_amount"], "version": 1} == before
    assert len(await review.published(topics.FEASIBILITY_REQUESTED)) == 1


@pytest.mark.rule("P7.2")
@pytest.mark.rule("P7.4")
async def test_a_cancellation_closes_nothing_by_itself_but_order_closed_cancelled_closes_the_review(
    review: Review,
) -> None:
    await approved_order(review)

    await review.consume(decided(quantity=None))
    assert (await review.view(ORDER))["status"] == "approved"
    assert len(await review.published(topics.FEASIBILITY_REQUESTED)) == 1

    await review.consume(closed(ORDER, "cancelled"))
    await review.consume(closed(ORDER, "cancelled"))

    view = await review.view(ORDER)
    assert (view["status"], view["outcome"]) == ("closed", "cancelled")
