"""A change after confirmation reviewed again, at review (P7.3): more units or a new date opens
a new round on the new content at the request, acknowledged `reopened`; approvals are asked
again on the new total, the credit check counts only the difference, the automatic policy
does not sign it, and a change refused or withdrawn gives the confirmed round back."""

from typing import Any

import pytest

from shared.contracts import FeasibilityAssessed, topics
from tests.unit.review.test_changes import (
    ORDER,
    approved_order,
    assessed_version,
    decided,
    requested,
)
from tests.unit.review.test_service import (
    APPROVE,
    Review,
    automatic,
    balance,
    review,
)

__all__ = ["automatic", "review"]  # the fixtures

AFTER = "after_confirmation"


def round_2_assessed() -> FeasibilityAssessed:
    return assessed_version(2)


async def verdicts(review: Review) -> list[tuple[int, str]]:
    return [
        (event["payload"]["version"], event["payload"]["outcome"])
        for event in await review.published(topics.REVIEW_COMPLETED)
    ]


@pytest.mark.rule("P7.3")
async def test_more_units_after_confirmation_open_a_new_round_that_the_sales_manager_approves_on_the_new_total(  # noqa: E501
    review: Review,
) -> None:
    await approved_order(review)

    await review.consume(requested(2, quantity=30, stage=AFTER))

    [ack] = await review.published(topics.CHANGE_ACKNOWLEDGED)
    assert ack["payload"]["review"] == "reopened"
    asked = await review.published(topics.FEASIBILITY_REQUESTED)
    assert [(e["payload"]["version"], e["payload"]["lines"][0]["quantity"]) for e in asked] == [
        (1, 20),
        (2, 30),
    ]
    view: dict[str, Any] = await review.view(ORDER)
    assert (view["version"], view["status"], view["total_amount"]) == (2, "in_review", "1455.00")
    assert [step["status"] for step in view["approvals"]] == ["pending"]

    signed = await review.post("sales_manager", f"/reviews/{ORDER}/approvals", APPROVE)
    assert signed.status_code == 200, signed.text
    await review.consume(round_2_assessed())

    assert await verdicts(review) == [(1, "approved"), (2, "approved")]


@pytest.mark.rule("P7.3")
@pytest.mark.rule("P6.4")
async def test_the_credit_check_of_a_new_round_counts_only_the_difference_to_the_confirmed_total(
    review: Review,
) -> None:
    await approved_order(review, customer_id="CUST-0002")  # credit limit 20,000.00
    await review.consume(balance("CUST-0002", "19500.00"))  # this order's 970.00 is in it

    await review.consume(requested(2, quantity=30, stage=AFTER))  # 485.00 more: 19,985.00

    view = await review.view(ORDER)
    assert view["required_approvals"] == ["sales_manager"]
    assert view["general_manager_reasons"] == []


@pytest.mark.rule("P7.3")
async def test_the_automatic_policy_does_not_sign_a_round_after_confirmation(
    automatic: Review,
) -> None:
    await approved_order(automatic, by_policy=True)

    await automatic.consume(requested(2, quantity=30, stage=AFTER))
    await automatic.consume(round_2_assessed())

    assert await verdicts(automatic) == [(1, "approved")]
    assert "approval:sales_manager" in (await automatic.view(ORDER))["waiting_for"]


@pytest.mark.rule("P7.3")
async def test_a_change_withdrawn_while_its_round_is_open_gives_the_confirmed_round_back(
    review: Review,
) -> None:
    await approved_order(review)
    await review.consume(requested(2, quantity=30, stage=AFTER))

    await review.consume(decided(2, quantity=30, stage=AFTER, outcome="withdrawn"))

    view = await review.view(ORDER)
    assert (view["version"], view["status"], view["total_amount"]) == (1, "approved", "970.00")
    late = await review.post("sales_manager", f"/reviews/{ORDER}/approvals", APPROVE)
    assert late.status_code == 409, late.text
    assert await verdicts(review) == [(1, "approved")]
