"""The review deadline: a review still open two days after receipt is escalated to management,
once, naming what it still waits for (P2.4, P8.2). Time comes from a frozen clock."""

from datetime import timedelta

from services.review.domain.model import (
    ApprovalDecision,
    ReviewWasEscalated,
    SignApproval,
)
from services.review.domain.rules import Assessment, Verdict
from shared.clock import FrozenClock
from tests.unit.review.factory import (
    AUTHORITY,
    RECEIVED,
    SALES_MANAGER,
    basis,
    opened,
    order,
)


def test_a_review_within_its_two_days_is_not_escalated_p2_4() -> None:
    clock = FrozenClock(RECEIVED)
    review = opened()
    clock.advance(timedelta(days=2) - timedelta(seconds=1))

    assert not review.escalate_if_overdue(clock.now())
    assert review.events == []


def test_a_review_open_after_two_days_is_escalated_with_what_it_waits_for_p8_2() -> None:
    clock = FrozenClock(RECEIVED)
    review = opened(order(total="53600.00"))
    review.evaluate(basis(), clock.now())
    stamped = SignApproval(SALES_MANAGER, ApprovalDecision.APPROVE, contract_stamped=True)
    review.sign(stamped, AUTHORITY, clock.now())
    clock.advance(timedelta(days=2, minutes=5))

    assert review.escalate_if_overdue(clock.now())

    assert review.escalated
    assert review.events == [
        ReviewWasEscalated(
            "SO-2027-000001",
            RECEIVED,
            RECEIVED + timedelta(days=2),
            ("approval:general_manager", "feasibility:production", "feasibility:purchasing"),
        )
    ]


def test_a_review_is_escalated_only_once_p8_2() -> None:
    clock = FrozenClock(RECEIVED)
    review = opened()
    clock.advance(timedelta(days=2))
    review.escalate_if_overdue(clock.now())
    clock.advance(timedelta(days=1))

    assert not review.escalate_if_overdue(clock.now())
    assert len(review.events) == 1


def test_a_review_waiting_for_master_data_names_it_when_escalated_p8_2() -> None:
    review = opened()
    review.evaluate(basis(customer=None), RECEIVED)

    review.escalate_if_overdue(RECEIVED + timedelta(days=3))

    (event,) = review.events
    assert isinstance(event, ReviewWasEscalated)
    assert "master_data:customer:CUST-0001" in event.waiting_for
    assert "approval:sales_manager" in event.waiting_for


def test_a_negotiation_left_open_is_escalated_to_the_general_manager_p2_6_p8_2() -> None:
    review = opened()
    review.evaluate(basis(), RECEIVED)
    review.record_assessment(
        Assessment(Verdict.NOT_FEASIBLE, "full"), Assessment(Verdict.FEASIBLE), RECEIVED
    )
    review.events.clear()

    review.escalate_if_overdue(RECEIVED + timedelta(days=2))

    (event,) = review.events
    assert isinstance(event, ReviewWasEscalated)
    assert event.waiting_for == ("approval:sales_manager", "negotiation:general_manager")


def test_a_completed_review_is_never_escalated() -> None:
    review = opened()
    review.evaluate(basis(), RECEIVED)
    review.sign(SignApproval(SALES_MANAGER, ApprovalDecision.REJECT, "no"), AUTHORITY, RECEIVED)
    review.events.clear()

    assert not review.escalate_if_overdue(RECEIVED + timedelta(days=5))
    assert review.events == []
