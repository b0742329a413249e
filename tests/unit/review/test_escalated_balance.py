"""A customer with an escalated overdue balance needs the general manager (P6.3, P8.1): while
finance's collection of one of its invoices is escalated, every new order of that customer is
approved only with the general manager's signature, whatever the amount; the automatic policy
never approves it; the reason names the invoices. The latest collection step per invoice wins.

A review evaluated before the escalation arrived takes the general manager's step at its next
approval decision: the gate applies when someone signs, and signatures given before stand."""

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from services.review.domain.master import ReviewPolicy
from services.review.domain.model import ApprovalDecision, Review, ReviewStatus, SignApproval
from services.review.domain.rules import escalation_reason, general_manager_reasons
from services.review.subscribers import routes
from shared.contracts import CollectionStepped, topics
from shared.decisions import BeyondAuthority, Person
from shared.messaging.events import new_event
from tests.unit.review.factory import (
    A_TIER,
    AUTHORITY,
    GENERAL_MANAGER,
    RECEIVED,
    REQUESTED,
    SALES_MANAGER,
    basis,
    opened,
)
from tests.unit.review.test_review import FEASIBLE, LATER, completed_events, production_answers
from tests.unit.review.test_service import (
    APPROVE,
    START,
    assessed,
    placed,
    start,
    with_master_data,
)
from tests.unit.review.test_service import Review as Service

pytestmark = pytest.mark.rule("P6.3")

ESCALATED = ("INV-SO-2026-000007-1",)
REASON = "customer CUST-0001 has an escalated overdue balance (INV-SO-2026-000007-1) (P6.3)"


def evaluated_with(escalated: tuple[str, ...], auto_approve: str | None = None) -> Review:
    review = opened()
    the_basis = replace(basis(auto_approve=auto_approve), escalated_invoices=escalated)
    review.evaluate(the_basis, RECEIVED)
    return review


def sign(review: Review, person: Person, escalated: tuple[str, ...] = ()) -> None:
    review.sign(
        SignApproval(person, ApprovalDecision.APPROVE, "checked", True), AUTHORITY, LATER, escalated
    )


# -- the rule ------------------------------------------------------------------------------------


def test_an_escalated_invoice_is_a_reason_for_the_general_manager_whatever_the_amount() -> None:
    reasons = general_manager_reasons(
        Decimal("0.01"), "EUR", A_TIER, Decimal(0), AUTHORITY, (), ESCALATED
    )

    assert reasons == (REASON,)
    assert general_manager_reasons(Decimal("0.01"), "EUR", A_TIER, Decimal(0), AUTHORITY, ()) == ()


def test_no_escalated_invoice_is_no_reason() -> None:
    assert escalation_reason("CUST-0001", ()) is None


# -- the review ----------------------------------------------------------------------------------


def test_a_small_order_of_an_escalated_customer_needs_the_general_manager_with_the_reason() -> None:
    review = evaluated_with(ESCALATED)

    assert [step.role for step in review.approvals] == ["sales_manager", "general_manager"]
    assert review.general_manager_reasons == (REASON,)


def test_the_automatic_policy_never_approves_an_order_of_an_escalated_customer() -> None:
    review = evaluated_with(ESCALATED, auto_approve="50000.00")
    production_answers(review)

    assert all(step.pending for step in review.approvals)
    assert review.status is ReviewStatus.IN_REVIEW
    assert completed_events(review) == []


def test_the_sales_managers_signature_alone_does_not_approve_it() -> None:
    review = evaluated_with(ESCALATED)
    production_answers(review)
    sign(review, SALES_MANAGER, ESCALATED)

    assert completed_events(review) == []
    with pytest.raises(BeyondAuthority, match="escalated overdue balance"):
        sign(review, SALES_MANAGER, ESCALATED)

    sign(review, GENERAL_MANAGER, ESCALATED)

    assert review.status is ReviewStatus.APPROVED
    assert review.confirmed_delivery_date == REQUESTED


def test_a_review_waiting_when_the_escalation_arrives_takes_the_general_managers_step() -> None:
    review = evaluated_with(())
    assert [step.role for step in review.approvals] == ["sales_manager"]
    production_answers(review)

    sign(review, SALES_MANAGER, ESCALATED)

    assert [step.role for step in review.approvals] == ["sales_manager", "general_manager"]
    assert review.general_manager_reasons == (REASON,)
    assert completed_events(review) == []


def test_the_general_manager_may_approve_a_review_that_waited_when_the_escalation_came() -> None:
    review = evaluated_with(())
    production_answers(review)

    sign(review, SALES_MANAGER, ESCALATED)
    assert review.is_open  # the sales manager's signature is one of two now
    sign(review, GENERAL_MANAGER, ESCALATED)

    assert review.status is ReviewStatus.APPROVED
    assert [step.signature.role for step in review.approvals if step.signature] == [
        "sales_manager",
        "general_manager",
    ]


def test_a_signature_given_before_the_escalation_stands() -> None:
    review = evaluated_with(())
    sign(review, SALES_MANAGER)

    review.record_assessment(FEASIBLE, FEASIBLE, LATER)

    assert review.status is ReviewStatus.APPROVED


# -- the service ---------------------------------------------------------------------------------


@pytest.fixture
async def review(tmp_path: Path) -> AsyncIterator[Service]:
    async for running in start(tmp_path):
        yield running


@pytest.fixture
async def automatic(tmp_path: Path) -> AsyncIterator[Service]:
    async for running in start(tmp_path, auto_approve_max_amount="50000"):
        yield running


def stepped(
    step: str,
    escalated: bool,
    invoice: str = ESCALATED[0],
    customer_id: str = "CUST-0001",
    at: datetime = START,
) -> CollectionStepped:
    return new_event(
        CollectionStepped,
        order_id="SO-2026-000007",
        producer="finance",
        causation_id=None,
        occurred_at=at,
        payload={
            "invoice_number": invoice,
            "customer_id": customer_id,
            "step": step,
            "escalated": escalated,
            "overdue_amount": "970.00",
            "currency": "EUR",
            "due_date": date(2027, 1, 15),
            "days_overdue": 45,
            "recorded": None,
        },
    )


def test_review_consumes_collection_steps_of_every_invoice() -> None:
    policy = ReviewPolicy(authority=AUTHORITY, qa_capability_level=4)
    (route,) = [item for item in routes(policy) if item.topic == topics.COLLECTION_STEPPED]

    assert route.contract is CollectionStepped
    assert not route.latest_per_key  # keyed by order: each of an order's invoices counts


async def test_a_new_order_of_an_escalated_customer_shows_the_general_manager_and_why(
    review: Service,
) -> None:
    await with_master_data(review)
    await review.consume(stepped("sales_manager", True))

    await review.consume(placed())

    view = await review.view("SO-2027-000001")
    assert view["required_approvals"] == ["sales_manager", "general_manager"]
    assert view["general_manager_reasons"] == [REASON]


async def test_a_cleared_invoice_ends_the_escalation_for_the_next_order(review: Service) -> None:
    await with_master_data(review)
    other = "INV-SO-2026-000008-1"
    for event in (
        stepped("sales_manager", True),
        stepped("general_manager", True, invoice=other),
        stepped("cleared", False),
    ):
        await review.consume(event)

    await review.consume(placed())
    assert (await review.view("SO-2027-000001"))["general_manager_reasons"] == [
        f"customer CUST-0001 has an escalated overdue balance ({other}) (P6.3)"
    ]

    await review.consume(stepped("cleared", False, invoice=other))
    await review.consume(placed(order_id="SO-2027-000002"))
    view = await review.view("SO-2027-000002")
    assert view["required_approvals"] == ["sales_manager"]
    assert view["general_manager_reasons"] == []


async def test_an_older_step_arriving_after_a_newer_one_changes_nothing_and_others_do_not_count(
    review: Service,
) -> None:
    await with_master_data(review)
    await review.consume(stepped("cleared", False, at=START + timedelta(hours=1)))
    await review.consume(stepped("sales_manager", True, at=START))
    await review.consume(
        stepped("sales_manager", True, invoice="INV-SO-2026-000009-1", customer_id="CUST-0002")
    )

    await review.consume(placed())

    assert (await review.view("SO-2027-000001"))["required_approvals"] == ["sales_manager"]


async def test_the_automatic_policy_leaves_an_escalated_customers_order_to_the_general_manager(
    automatic: Service,
) -> None:
    await with_master_data(automatic)
    await automatic.consume(stepped("general_manager", True))
    await automatic.consume(placed())
    await automatic.consume(assessed())

    assert await automatic.published(topics.REVIEW_COMPLETED) == []
    view = await automatic.view("SO-2027-000001")
    assert all(step["status"] == "pending" for step in view["approvals"])

    path = "/reviews/SO-2027-000001/approvals"
    assert (await automatic.post("sales_manager", path, APPROVE)).status_code == 200
    assert await automatic.published(topics.REVIEW_COMPLETED) == []
    assert (await automatic.post("general_manager", path, APPROVE)).status_code == 200
    (completed,) = await automatic.published(topics.REVIEW_COMPLETED)
    assert completed["payload"]["outcome"] == "approved"


async def test_an_order_waiting_when_the_escalation_arrives_needs_the_general_manager_to_sign(
    review: Service,
) -> None:
    await with_master_data(review)
    await review.consume(placed())
    await review.consume(assessed())
    await review.consume(stepped("sales_manager", True))
    path = "/reviews/SO-2027-000001/approvals"

    signed = await review.post("sales_manager", path, APPROVE)
    again = await review.post("sales_manager", path, APPROVE)

    assert signed.status_code == 200, signed.text
    assert signed.json()["required_approvals"] == ["sales_manager", "general_manager"]
    assert signed.json()["general_manager_reasons"] == [REASON]
    assert again.status_code == 403
    assert await review.published(topics.REVIEW_COMPLETED) == []
    assert (await review.post("general_manager", path, APPROVE)).status_code == 200
    assert len(await review.published(topics.REVIEW_COMPLETED)) == 1


# -- one batch, one transaction: what review reads per batch follows the batch's own steps --


async def test_an_escalation_earlier_in_the_same_batch_counts_for_the_order_after_it(
    review: Service,
) -> None:
    await with_master_data(review)

    await review.consume_batch(stepped("sales_manager", True), placed())

    view = await review.view("SO-2027-000001")
    assert view["required_approvals"] == ["sales_manager", "general_manager"]
    assert view["general_manager_reasons"] == [REASON]


async def test_an_invoice_cleared_between_two_orders_of_one_batch_frees_only_the_second(
    review: Service,
) -> None:
    await with_master_data(review)
    await review.consume(stepped("sales_manager", True))

    await review.consume_batch(
        placed(), stepped("cleared", False), placed(order_id="SO-2027-000002")
    )

    first, second = await review.view("SO-2027-000001"), await review.view("SO-2027-000002")
    assert first["general_manager_reasons"] == [REASON]
    assert second["required_approvals"] == ["sales_manager"]
    assert second["general_manager_reasons"] == []
