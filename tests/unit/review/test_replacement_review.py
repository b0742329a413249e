"""A replacement order at review (P7.5): the return's authorisation by the sales manager is its
approval, recorded with who gave it and when; production is still asked whether it can be
made by its date, and the verdict waits for that answer."""

from datetime import datetime

import pytest

from shared.contracts import OrderPlaced, topics
from shared.contracts.events import ReplacementFor
from tests.unit.review.test_changes import ORDER
from tests.unit.review.test_service import Review, assessed, placed, review, with_master_data

__all__ = ["review"]  # the fixture

AUTHORISED_AT = datetime.fromisoformat("2027-01-04T10:00:00+00:00")


def replacement() -> OrderPlaced:
    """Four valves at 0.00 replacing those returned from SO-2027-000009."""
    order = placed(quantity=4, unit_price="0.00")
    payload = order.payload.model_copy(
        update={
            "submitter": "returns",
            "customer_reference": "RT-SO-2027-000009-1",
            "customer_id": "CUST-0011",
            "replacement_for": ReplacementFor.model_validate(
                {
                    "order_id": "SO-2027-000009",
                    "return_number": "RT-SO-2027-000009-1",
                    "authorised": {
                        "user": "jonas.weber",
                        "role": "sales_manager",
                        "at": AUTHORISED_AT,
                    },
                }
            ),
        }
    )
    return order.model_copy(update={"payload": payload})


@pytest.mark.rule("P7.5")
async def test_a_replacement_is_approved_by_its_returns_authorisation_once_production_answers(
    review: Review,
) -> None:
    await with_master_data(review, customer_id="CUST-0011")

    await review.consume(replacement())

    assert await review.published(topics.REVIEW_COMPLETED) == []  # production not heard yet
    assert len(await review.published(topics.FEASIBILITY_REQUESTED)) == 1
    await review.consume(assessed())
    [completed] = await review.published(topics.REVIEW_COMPLETED)
    assert completed["payload"]["outcome"] == "approved"
    [signature] = completed["payload"]["approved_by"]
    assert (signature["user"], signature["role"]) == ("jonas.weber", "sales_manager")
    assert datetime.fromisoformat(signature["at"]) == AUTHORISED_AT
    view = await review.view(ORDER)
    assert "P7.5" in view["approvals"][0]["note"]


@pytest.mark.rule("P7.5")
async def test_a_b_tier_order_that_is_not_a_replacement_still_waits_for_the_sales_manager(
    review: Review,
) -> None:
    await with_master_data(review, customer_id="CUST-0011")

    await review.consume(placed(customer_id="CUST-0011"))
    await review.consume(assessed())

    assert await review.published(topics.REVIEW_COMPLETED) == []
