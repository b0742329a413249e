"""A changed product requirement after confirmation, at review (P7.3): the new round does not
compute engineering's and QA's answers from the product data; a person of each answers."""

import pytest

from shared.contracts import ChangeRequested, topics
from tests.unit.review.test_changes import ORDER, approved_order, assessed_version, requested
from tests.unit.review.test_service import APPROVE, Review, review

__all__ = ["review"]  # the fixture

FEASIBLE = {"verdict": "feasible", "reason": "EPDM seals are in our range"}


def new_requirement() -> ChangeRequested:
    """Change 2 after confirmation: the same 20 valves, with EPDM seals."""
    change = requested(2, quantity=20, stage="after_confirmation")
    payload = change.payload.model_copy(
        update={"kinds": ["requirement"], "requirements": "EPDM seals", "needs_review": True}
    )
    return change.model_copy(update={"payload": payload})


@pytest.mark.rule("P7.3")
async def test_a_changed_requirement_waits_for_engineering_and_qa_in_person(
    review: Review,
) -> None:
    await approved_order(review)

    await review.consume(new_requirement())
    signed = await review.post("sales_manager", f"/reviews/{ORDER}/approvals", APPROVE)
    assert signed.status_code == 200, signed.text
    await review.consume(assessed_version(2))

    waiting = (await review.view(ORDER))["waiting_for"]
    assert {"feasibility:engineering", "feasibility:qa"} <= set(waiting)
    assert len(await review.published(topics.REVIEW_COMPLETED)) == 1  # round 1 only
    for department in ("engineering", "qa"):
        answered = await review.post(
            department, f"/reviews/{ORDER}/feasibility/{department}", FEASIBLE
        )
        assert answered.status_code == 200, answered.text
    verdicts = await review.published(topics.REVIEW_COMPLETED)
    assert [(v["payload"]["version"], v["payload"]["outcome"]) for v in verdicts] == [
        (1, "approved"),
        (2, "approved"),
    ]
