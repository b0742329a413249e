"""Defects of issue #9 in the review domain: the order of the two signatures, the entrant who
may not approve their own order, and the date a negotiation agrees (P2.3, P2.6, P8.1, P2.4)."""

from dataclasses import replace
from datetime import date, timedelta

import pytest

from services.review.domain.model import (
    ApprovalDecision,
    OpenReview,
    OverrideFeasibility,
    RecordNegotiationOutcome,
    Review,
    ReviewStatus,
    SignApproval,
)
from services.review.domain.rules import Assessment, Department, Verdict
from shared.decisions import BeyondAuthority, InvalidDecision, NotAllowedNow, Person
from tests.unit.review.factory import (
    AUTHORITY,
    ENGINEER,
    GENERAL_MANAGER,
    INSPECTOR,
    NEW_UNREADY,
    RECEIVED,
    SALES_MANAGER,
    STANDARD,
    basis,
    opened,
    order,
)

LATER = RECEIVED + timedelta(hours=3)
FEASIBLE = Assessment(Verdict.FEASIBLE, "capacity free")
OFFERED = date(2027, 8, 20)


def sign(
    review: Review, person: Person, decision: ApprovalDecision = ApprovalDecision.APPROVE
) -> None:
    review.sign(SignApproval(person, decision, "checked", contract_stamped=True), AUTHORITY, LATER)


def big_order(entered_by: str | None = None) -> Review:
    review = opened(replace(order(total="53600.00"), entered_by=entered_by))
    review.evaluate(basis(), RECEIVED)
    review.record_assessment(FEASIBLE, FEASIBLE, LATER)
    return review


def negotiating(production: Assessment, command: OpenReview | None = None) -> Review:
    """A review in negotiation because production cannot meet the requested date."""
    review = opened(command)
    review.evaluate(basis(products=(STANDARD, NEW_UNREADY)), RECEIVED)
    review.record_assessment(production, FEASIBLE, LATER)
    assert review.status is ReviewStatus.NEGOTIATING
    return review


def agree(review: Review, agreed: date, now_offset: timedelta = timedelta(0)) -> None:
    review.record_negotiation_outcome(
        RecordNegotiationOutcome(GENERAL_MANAGER, accepted=True, agreed_date=agreed),
        LATER + now_offset,
    )


# -- 1: the sales manager passes the order on to the general manager ------------------------------


@pytest.mark.rule("P2.3")
def test_the_general_manager_cannot_sign_before_the_sales_manager_has() -> None:
    review = big_order()

    with pytest.raises(NotAllowedNow, match="sales manager"):
        sign(review, GENERAL_MANAGER)
    with pytest.raises(NotAllowedNow, match="sales manager"):
        sign(review, GENERAL_MANAGER, ApprovalDecision.REJECT)

    assert all(step.pending for step in review.approvals)
    assert review.status is ReviewStatus.IN_REVIEW


@pytest.mark.rule("P2.3")
def test_the_general_manager_signs_once_the_sales_manager_has_passed_the_order_on() -> None:
    review = big_order()
    sign(review, SALES_MANAGER)

    sign(review, GENERAL_MANAGER)

    assert review.status is ReviewStatus.APPROVED


# -- 2: the entrant does not approve their own order ----------------------------------------------


@pytest.mark.rule("P8.1")
def test_the_person_who_entered_the_order_cannot_approve_it() -> None:
    review = big_order(entered_by=SALES_MANAGER.user)

    with pytest.raises(BeyondAuthority, match="entered"):
        sign(review, SALES_MANAGER)

    assert review.approvals[0].pending


@pytest.mark.rule("P8.1")
def test_the_person_who_entered_the_order_cannot_approve_it_as_general_manager() -> None:
    review = big_order(entered_by=GENERAL_MANAGER.user)
    sign(review, SALES_MANAGER)

    with pytest.raises(BeyondAuthority, match="entered"):
        sign(review, GENERAL_MANAGER)

    assert review.approvals[1].pending


@pytest.mark.rule("P8.1")
def test_another_person_approves_an_order_somebody_entered() -> None:
    review = big_order(entered_by="mei.zhang")

    sign(review, SALES_MANAGER)
    sign(review, GENERAL_MANAGER)

    assert review.status is ReviewStatus.APPROVED


# -- 3: the agreed date is checked, and engineering's and QA's "not feasible" stands ---------------

PRODUCTION_LATER = Assessment(Verdict.LATER, "week booked", OFFERED)


@pytest.mark.rule("P2.6")
def test_an_agreed_date_before_the_date_production_offered_is_refused() -> None:
    review = negotiating(PRODUCTION_LATER)

    with pytest.raises(InvalidDecision, match="2027-08-20"):
        agree(review, OFFERED - timedelta(days=1))

    assert review.status is ReviewStatus.NEGOTIATING
    assert review.feasible_delivery_date is None


@pytest.mark.rule("P2.6")
def test_an_agreed_date_in_the_past_is_refused() -> None:
    review = negotiating(Assessment(Verdict.NOT_FEASIBLE, "no machine"))

    with pytest.raises(InvalidDecision, match="past"):
        agree(review, LATER.date() - timedelta(days=1))

    assert review.status is ReviewStatus.NEGOTIATING


@pytest.mark.rule("P2.6")
def test_an_agreed_date_on_or_after_the_offered_date_is_accepted() -> None:
    review = negotiating(PRODUCTION_LATER)

    agree(review, OFFERED)

    assert review.feasible_delivery_date == OFFERED


@pytest.mark.rule("P2.4", "P2.6")
def test_an_agreed_date_does_not_overrule_engineerings_not_feasible() -> None:
    review = negotiating(PRODUCTION_LATER, order(products=("PUMP-HX90",)))
    assert review.answers[Department.ENGINEERING].verdict is Verdict.NOT_FEASIBLE

    with pytest.raises(NotAllowedNow, match="engineering"):
        agree(review, OFFERED)

    assert review.status is ReviewStatus.NEGOTIATING
    assert review.feasible_delivery_date is None


@pytest.mark.rule("P2.4", "P2.6")
@pytest.mark.parametrize("person", [ENGINEER, INSPECTOR], ids=["engineering", "qa"])
def test_a_not_feasible_answer_after_the_agreement_unsettles_the_date(person: Person) -> None:
    review = negotiating(PRODUCTION_LATER)
    agree(review, OFFERED)

    review.override(
        OverrideFeasibility(
            person, Department(person.role), Assessment(Verdict.NOT_FEASIBLE, "cannot")
        ),
        LATER,
    )
    sign(review, SALES_MANAGER)

    assert review.feasible_delivery_date is None
    assert review.status is ReviewStatus.NEGOTIATING
    assert review.confirmed_delivery_date is None
