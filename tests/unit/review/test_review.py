"""Review rules: every order is reviewed once, approved with a date or declined with a reason,
then filed with its outcome (P2.3, P2.5, P2.6, P7.6)."""

from datetime import date
from decimal import Decimal

import pytest

from services.review.domain.model import (
    Decision,
    Outcome,
    Review,
    ReviewAlreadyDecided,
    ReviewOrder,
    ReviewStatus,
    ReviewWasCompleted,
)
from services.review.domain.policy import AutomaticApproval


def received(total: str = "1460.00") -> Review:
    return Review.receive(
        ReviewOrder(
            order_id="SO-2026-000001",
            customer_id="CUST-0001",
            currency="EUR",
            total_amount=Decimal(total),
            requested_delivery_date=date(2027, 3, 15),
        )
    )


def test_a_received_order_awaits_its_verdict_and_announces_nothing_yet_p2_3() -> None:
    review = received()

    assert review.status is ReviewStatus.RECEIVED
    assert review.events == []


def test_automatic_approval_commits_to_the_requested_delivery_date_p2_5() -> None:
    review = received()

    decision = AutomaticApproval().decide(review)

    assert decision == Decision(approved=True, confirmed_delivery_date=date(2027, 3, 15))


def test_an_approved_review_records_and_announces_the_confirmed_date_p2_5() -> None:
    review = received()
    decision = Decision.approve(date(2027, 3, 15))

    review.complete(decision)

    assert review.status is ReviewStatus.APPROVED
    assert review.confirmed_delivery_date == date(2027, 3, 15)
    assert review.events == [ReviewWasCompleted("SO-2026-000001", decision)]


def test_a_declined_review_records_its_reason_and_commits_to_no_date_p2_6() -> None:
    review = received()

    review.complete(Decision.decline("no capacity before the requested date"))

    assert review.status is ReviewStatus.DECLINED
    assert review.confirmed_delivery_date is None
    assert review.decline_reason == "no capacity before the requested date"
    assert len(review.events) == 1


def test_an_order_cannot_be_declined_without_a_recorded_reason_p2_6() -> None:
    with pytest.raises(ValueError):
        Decision.decline("")


def test_a_review_is_decided_only_once() -> None:
    review = received()
    review.complete(Decision.approve(date(2027, 3, 15)))

    with pytest.raises(ReviewAlreadyDecided):
        review.complete(Decision.decline("changed our mind"))
    assert review.status is ReviewStatus.APPROVED
    assert len(review.events) == 1


def test_another_policy_can_decide_instead_of_the_automatic_one_p8_1() -> None:
    class DeclineAboveLimit:
        def decide(self, review: Review) -> Decision:
            if review.total_amount > Decimal("1000.00"):
                return Decision.decline("above the sales manager's authority")
            return Decision.approve(review.requested_delivery_date)

    review = received(total="1000.01")
    review.complete(DeclineAboveLimit().decide(review))

    assert review.status is ReviewStatus.DECLINED


def test_closing_files_the_review_with_the_orders_outcome_p7_6() -> None:
    review = received()
    review.complete(Decision.approve(date(2027, 3, 15)))
    review.events.clear()

    review.close(Outcome.FULFILLED)

    assert review.status is ReviewStatus.CLOSED
    assert review.outcome is Outcome.FULFILLED
    assert review.events == []


def test_closing_a_closed_review_again_changes_nothing() -> None:
    review = received()
    review.complete(Decision.decline("no material"))
    review.close(Outcome.DECLINED)

    review.close(Outcome.FULFILLED)

    assert review.outcome is Outcome.DECLINED
