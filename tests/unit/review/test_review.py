"""A review from receipt to its one verdict: master data, approvals by authority, feasibility,
negotiation, the automatic policy and filing (P2.1-P2.6, P6.4, P7.6, P8.1)."""

from datetime import date, timedelta

import pytest

from services.review.domain.model import (
    AnswerSource,
    ApprovalDecision,
    Decision,
    FeasibilityWasRequested,
    Line,
    NegotiationStatus,
    NegotiationWasOpened,
    Outcome,
    OverrideFeasibility,
    RecordNegotiationOutcome,
    Review,
    ReviewStatus,
    ReviewWasCompleted,
    SignApproval,
)
from services.review.domain.rules import Assessment, Department, Verdict
from shared.decisions import BeyondAuthority, NotAllowedNow, Person, Signature
from tests.unit.review.factory import (
    AUTHORITY,
    BEYOND_QA,
    ENGINEER,
    GENERAL_MANAGER,
    INSPECTOR,
    NEW_UNREADY,
    RECEIVED,
    REQUESTED,
    SALES_MANAGER,
    SALES_REP,
    SMALL_CREDIT,
    basis,
    opened,
    order,
)

LATER = RECEIVED + timedelta(hours=3)
FEASIBLE = Assessment(Verdict.FEASIBLE, "capacity free")


def approve(review: Review, person: Person = SALES_MANAGER, stamped: bool = True) -> None:
    review.sign(
        SignApproval(person, ApprovalDecision.APPROVE, "terms checked", stamped), AUTHORITY, LATER
    )


def reject(review: Review, person: Person, note: str) -> None:
    review.sign(SignApproval(person, ApprovalDecision.REJECT, note), AUTHORITY, LATER)


def production_answers(
    review: Review, production: Assessment = FEASIBLE, purchasing: Assessment = FEASIBLE
) -> None:
    review.record_assessment(production, purchasing, LATER)


def evaluated(auto_approve: str | None = None, tiers: frozenset[str] = frozenset({"A"})) -> Review:
    """An order of CUST-0001 (tier A) for 970.00 EUR of a standard product, evaluated against
    the demo master data."""
    review = opened()
    review.evaluate(basis(auto_approve=auto_approve, tiers=tiers), RECEIVED)
    return review


def big_order() -> Review:
    review = opened(order(total="53600.00"))
    review.evaluate(basis(), RECEIVED)
    return review


def completed_events(review: Review) -> list[ReviewWasCompleted]:
    return [event for event in review.events if isinstance(event, ReviewWasCompleted)]


# -- receipt and master data ----------------------------------------------------------------------


def test_a_placed_order_is_received_now_due_in_two_days_and_asks_production_at_once_p2_4() -> None:
    review = Review.open(order(products=("VALVE-DN50", "FLANGE-DN50")), RECEIVED)

    assert review.received_at == RECEIVED
    assert review.deadline == RECEIVED + timedelta(days=2)
    assert review.status is ReviewStatus.AWAITING_MASTER_DATA
    assert review.events == [
        FeasibilityWasRequested(
            "SO-2027-000001",
            "CUST-0001",
            REQUESTED,
            (Line(1, "VALVE-DN50", 20), Line(2, "FLANGE-DN50", 20)),
        )
    ]


def test_a_review_without_its_customers_data_waits_and_says_for_what() -> None:
    review = opened()

    review.evaluate(basis(customer=None, products=()), RECEIVED)

    assert review.status is ReviewStatus.AWAITING_MASTER_DATA
    assert review.missing_master_data == ("customer:CUST-0001", "product:VALVE-DN50")
    assert review.approvals == []
    assert review.events == []


def test_a_waiting_review_is_evaluated_when_its_master_data_arrives() -> None:
    review = opened()
    review.evaluate(basis(customer=None), RECEIVED)

    review.evaluate(basis(), LATER)

    assert review.status is ReviewStatus.IN_REVIEW
    assert review.missing_master_data == ()
    assert [step.role for step in review.approvals] == ["sales_manager"]


def test_a_review_is_evaluated_only_once() -> None:
    review = evaluated()

    review.evaluate(basis(customer=SMALL_CREDIT, open_balance="1000000"), LATER)

    assert [step.role for step in review.approvals] == ["sales_manager"]


def test_approving_before_the_master_data_is_there_is_not_allowed_yet() -> None:
    review = opened()
    review.evaluate(basis(customer=None), RECEIVED)

    with pytest.raises(NotAllowedNow, match="customer:CUST-0001"):
        approve(review)


# -- approvals by authority ----------------------------------------------------------------------


def test_every_order_needs_the_sales_managers_approval_p2_3() -> None:
    review = evaluated()
    production_answers(review)

    assert review.status is ReviewStatus.IN_REVIEW
    assert review.events == []


def test_the_sales_managers_approval_records_signature_stamp_and_time_p2_2() -> None:
    review = evaluated()

    approve(review)

    (step,) = review.approvals
    assert step.decision is ApprovalDecision.APPROVE
    assert step.signature == Signature("jonas.weber", "sales_manager", LATER)
    assert step.contract_stamped is True
    assert step.note == "terms checked"


def test_a_contract_without_the_company_stamp_is_not_signed_p2_2() -> None:
    review = evaluated()

    with pytest.raises(NotAllowedNow, match="stamp"):
        approve(review, stamped=False)
    assert review.approvals[0].pending


def test_approved_and_all_feasible_the_requested_date_is_confirmed_p2_3_p2_5() -> None:
    review = evaluated()
    approve(review)

    production_answers(review)

    assert review.status is ReviewStatus.APPROVED
    assert review.confirmed_delivery_date == REQUESTED
    assert completed_events(review) == [
        ReviewWasCompleted(
            "SO-2027-000001",
            Decision.approve(REQUESTED),
            (Signature("jonas.weber", "sales_manager", LATER),),
        )
    ]


def test_the_approval_may_come_after_the_departments_answers_p2_5() -> None:
    review = evaluated()
    production_answers(review)

    approve(review)

    assert review.status is ReviewStatus.APPROVED


def test_above_the_sales_managers_authority_the_general_manager_must_approve_too_p2_3() -> None:
    review = big_order()
    production_answers(review)

    approve(review)

    assert [step.role for step in review.approvals] == ["sales_manager", "general_manager"]
    assert completed_events(review) == []
    assert review.is_open

    approve(review, GENERAL_MANAGER)

    assert review.status is ReviewStatus.APPROVED
    assert review.approvals[1].signature == Signature("li.wang", "general_manager", LATER)


def test_a_sales_manager_is_refused_when_only_the_general_managers_step_is_pending_p8_1() -> None:
    review = big_order()
    approve(review)
    before = [*review.approvals]

    with pytest.raises(BeyondAuthority) as refused:
        approve(review)

    assert "53600.00 EUR" in refused.value.message
    assert "50000.00 EUR" in refused.value.message
    assert review.approvals == before


def test_the_refusal_over_a_credit_limit_names_the_credit_limit_p6_4_p8_1() -> None:
    review = opened(order(total="22250.00", customer_id="CUST-0002"))
    review.evaluate(basis(customer=SMALL_CREDIT), RECEIVED)
    approve(review)

    with pytest.raises(BeyondAuthority, match=r"credit limit of 20000\.00 EUR"):
        approve(review)


def test_a_terms_finding_sends_the_order_to_the_general_manager_p2_1() -> None:
    review = opened(order(payment_terms="net90"))
    review.evaluate(basis(), RECEIVED)

    assert review.findings
    assert [step.role for step in review.approvals] == ["sales_manager", "general_manager"]


def test_the_general_manager_does_not_sign_for_the_sales_manager_p2_2_p2_3() -> None:
    review = big_order()
    production_answers(review)

    with pytest.raises(NotAllowedNow, match="sales manager"):
        approve(review, GENERAL_MANAGER)  # the sales manager passes the order on first

    assert review.status is ReviewStatus.IN_REVIEW
    assert all(step.pending for step in review.approvals)


def test_the_general_manager_has_nothing_to_sign_on_an_order_within_sales_authority() -> None:
    review = evaluated()

    with pytest.raises(BeyondAuthority):
        approve(review, GENERAL_MANAGER)


def test_a_role_without_approval_authority_is_refused_p8_1() -> None:
    review = evaluated()

    with pytest.raises(BeyondAuthority, match="sales_rep"):
        approve(review, SALES_REP)
    assert review.approvals[0].pending


def test_approving_a_completed_review_is_not_allowed_now() -> None:
    review = evaluated()
    approve(review)
    production_answers(review)

    with pytest.raises(NotAllowedNow):
        approve(review, GENERAL_MANAGER)
    with pytest.raises(NotAllowedNow):
        approve(review)


def test_approving_again_once_every_approval_is_in_is_not_allowed_now() -> None:
    review = evaluated()
    approve(review)

    with pytest.raises(NotAllowedNow, match="feasibility:production"):
        approve(review)


def test_a_rejection_declines_the_order_with_the_note_as_reason_p2_6() -> None:
    review = evaluated()

    reject(review, SALES_MANAGER, "customer insists on 120 days credit")

    assert review.status is ReviewStatus.DECLINED
    assert review.decline_reason == "customer insists on 120 days credit"
    assert completed_events(review) == [
        ReviewWasCompleted(
            "SO-2027-000001", Decision.decline("customer insists on 120 days credit")
        )
    ]


def test_the_general_manager_may_reject_on_its_own_step_p2_6() -> None:
    review = big_order()
    approve(review)

    reject(review, GENERAL_MANAGER, "")

    assert review.status is ReviewStatus.DECLINED
    assert review.decline_reason == "rejected by li.wang (general_manager)"


def test_a_sales_manager_cannot_reject_once_only_the_general_manager_may_decide_p8_1() -> None:
    review = big_order()
    approve(review)

    with pytest.raises(BeyondAuthority):
        reject(review, SALES_MANAGER, "too big")
    assert review.status is ReviewStatus.IN_REVIEW


def test_a_review_completes_exactly_once() -> None:
    review = evaluated()
    approve(review)
    production_answers(review)

    production_answers(review, Assessment(Verdict.NOT_FEASIBLE, "machine broke"))

    assert len(completed_events(review)) == 1
    assert review.status is ReviewStatus.APPROVED
    assert review.answers[Department.PRODUCTION].verdict is Verdict.NOT_FEASIBLE


# -- feasibility and negotiation -----------------------------------------------------------------


def test_engineering_and_qa_answers_are_computed_from_product_data_p2_4() -> None:
    review = evaluated()

    assert review.answers[Department.ENGINEERING].verdict is Verdict.FEASIBLE
    assert review.answers[Department.ENGINEERING].source is AnswerSource.COMPUTED
    assert review.answers[Department.QA].verdict is Verdict.FEASIBLE
    assert Department.PRODUCTION not in review.answers


def test_a_new_product_not_ready_opens_a_negotiation_without_a_date_p2_4_p2_6() -> None:
    review = opened(order(products=("PUMP-HX90",)))
    review.evaluate(basis(products=(NEW_UNREADY,)), RECEIVED)

    production_answers(review)

    assert review.status is ReviewStatus.NEGOTIATING
    (event,) = review.events
    assert isinstance(event, NegotiationWasOpened)
    assert event.proposed_delivery_date is None
    assert event.reasons == (
        "engineering: new product PUMP-HX90 lacks: samples confirmed, specification",
    )


def test_a_product_beyond_qa_capability_is_not_feasible_p2_4() -> None:
    review = opened(order(products=("SENSOR-P1",)))
    review.evaluate(basis(products=(BEYOND_QA,)), RECEIVED)

    assert review.answers[Department.QA].verdict is Verdict.NOT_FEASIBLE


def test_later_answers_propose_the_latest_date_every_department_can_meet_p2_6() -> None:
    review = evaluated()

    production_answers(
        review,
        Assessment(Verdict.LATER, "week 16 is full", date(2027, 4, 26)),
        Assessment(Verdict.LATER, "castings in 5 weeks", date(2027, 5, 3)),
    )

    (event,) = review.events
    assert event == NegotiationWasOpened(
        "SO-2027-000001",
        REQUESTED,
        date(2027, 5, 3),
        ("production: week 16 is full", "purchasing: castings in 5 weeks"),
    )
    assert review.negotiation is not None
    assert review.negotiation.proposed_delivery_date == date(2027, 5, 3)


def test_an_agreed_date_signed_by_the_general_manager_is_confirmed_p2_6() -> None:
    review = evaluated()
    production_answers(review, Assessment(Verdict.LATER, "full", date(2027, 5, 3)))
    approve(review)

    review.record_negotiation_outcome(
        RecordNegotiationOutcome(GENERAL_MANAGER, accepted=True, agreed_date=date(2027, 5, 7)),
        LATER,
    )

    assert review.status is ReviewStatus.APPROVED
    assert review.confirmed_delivery_date == date(2027, 5, 7)
    assert review.negotiation is not None
    assert review.negotiation.status is NegotiationStatus.ACCEPTED
    assert review.negotiation.signature == Signature("li.wang", "general_manager", LATER)


def test_an_agreed_date_waits_for_the_pending_approvals_p2_3() -> None:
    review = evaluated()
    production_answers(review, Assessment(Verdict.LATER, "full", date(2027, 5, 3)))

    review.record_negotiation_outcome(
        RecordNegotiationOutcome(GENERAL_MANAGER, accepted=True, agreed_date=date(2027, 5, 3)),
        LATER,
    )
    assert review.status is ReviewStatus.IN_REVIEW

    approve(review)
    assert review.confirmed_delivery_date == date(2027, 5, 3)


def test_without_agreement_the_general_manager_declines_with_the_reason_p2_6() -> None:
    review = evaluated()
    production_answers(review, Assessment(Verdict.NOT_FEASIBLE, "no supplier"))

    review.record_negotiation_outcome(
        RecordNegotiationOutcome(GENERAL_MANAGER, accepted=False, reason="needs week 16"),
        LATER,
    )

    assert review.status is ReviewStatus.DECLINED
    assert review.decline_reason == "needs week 16"
    assert completed_events(review)[0].decision == Decision.decline("needs week 16")


def test_rejecting_an_order_in_negotiation_withdraws_the_negotiation_p2_3_p2_6() -> None:
    review = evaluated()
    production_answers(review, Assessment(Verdict.LATER, "full", date(2027, 5, 3)))

    reject(review, SALES_MANAGER, "customer withdrew")

    assert review.status is ReviewStatus.DECLINED
    assert review.negotiation is not None
    assert review.negotiation.status is NegotiationStatus.WITHDRAWN
    assert review.negotiation.closed_at is not None


def test_only_the_general_manager_records_a_negotiation_p2_6() -> None:
    review = evaluated()
    production_answers(review, Assessment(Verdict.NOT_FEASIBLE, "no supplier"))

    with pytest.raises(BeyondAuthority):
        review.record_negotiation_outcome(
            RecordNegotiationOutcome(SALES_MANAGER, accepted=False, reason="no"), LATER
        )
    assert review.status is ReviewStatus.NEGOTIATING


def test_a_negotiation_outcome_without_a_negotiation_is_not_allowed_now() -> None:
    review = evaluated()

    with pytest.raises(NotAllowedNow):
        review.record_negotiation_outcome(
            RecordNegotiationOutcome(GENERAL_MANAGER, accepted=True, agreed_date=REQUESTED),
            LATER,
        )


def test_engineering_may_override_its_answer_and_settle_the_requested_date_p2_4_p2_5() -> None:
    review = opened(order(products=("PUMP-HX90",)))
    review.evaluate(basis(products=(NEW_UNREADY,)), RECEIVED)
    production_answers(review)
    approve(review)

    review.override(
        OverrideFeasibility(
            ENGINEER,
            Department.ENGINEERING,
            Assessment(Verdict.FEASIBLE, "samples approved by phone, spec sent"),
        ),
        LATER,
    )

    answer = review.answers[Department.ENGINEERING]
    assert answer.source is AnswerSource.OVERRIDE
    assert answer.signature == Signature("anna.novak", "engineering", LATER)
    assert review.negotiation is not None
    assert review.negotiation.status is NegotiationStatus.WITHDRAWN
    assert review.status is ReviewStatus.APPROVED
    assert review.confirmed_delivery_date == REQUESTED


def test_a_later_override_proposes_its_date_again_p2_6() -> None:
    review = opened(order(products=("PUMP-HX90",)))
    review.evaluate(basis(products=(NEW_UNREADY,)), RECEIVED)
    production_answers(review)
    review.events.clear()

    review.override(
        OverrideFeasibility(
            ENGINEER,
            Department.ENGINEERING,
            Assessment(Verdict.LATER, "samples due", date(2027, 6, 1)),
        ),
        LATER,
    )

    (event,) = review.events
    assert isinstance(event, NegotiationWasOpened)
    assert event.proposed_delivery_date == date(2027, 6, 1)


def test_qa_overrides_qa_and_an_override_before_evaluation_stands_p2_4() -> None:
    review = opened(order(products=("SENSOR-P1",)))
    review.override(
        OverrideFeasibility(
            INSPECTOR, Department.QA, Assessment(Verdict.FEASIBLE, "external lab contracted")
        ),
        RECEIVED,
    )

    review.evaluate(basis(products=(BEYOND_QA,)), LATER)

    assert review.answers[Department.QA].verdict is Verdict.FEASIBLE
    assert review.answers[Department.QA].reason == "external lab contracted"


@pytest.mark.parametrize(
    ("person", "department"),
    [
        (SALES_MANAGER, Department.ENGINEERING),
        (INSPECTOR, Department.ENGINEERING),
        (ENGINEER, Department.QA),
        (GENERAL_MANAGER, Department.QA),
    ],
)
def test_only_a_person_of_the_department_may_override_its_answer_p2_4_p8_1(
    person: Person, department: Department
) -> None:
    review = evaluated()
    before = dict(review.answers)

    with pytest.raises(BeyondAuthority):
        review.override(
            OverrideFeasibility(person, department, Assessment(Verdict.NOT_FEASIBLE, "no")), LATER
        )
    assert review.answers == before


def test_overriding_a_completed_review_is_not_allowed_now() -> None:
    review = evaluated()
    reject(review, SALES_MANAGER, "no")

    with pytest.raises(NotAllowedNow):
        review.override(
            OverrideFeasibility(ENGINEER, Department.ENGINEERING, Assessment(Verdict.FEASIBLE)),
            LATER,
        )


# -- the automatic policy ------------------------------------------------------------------------


def test_the_policy_signs_the_sales_managers_step_at_receipt_like_a_person_p8_1() -> None:
    review = evaluated(auto_approve="50000")

    (step,) = review.approvals
    assert step.signature == Signature("automatic-policy", "sales_manager", RECEIVED)
    assert step.decision is ApprovalDecision.APPROVE
    assert step.contract_stamped is None  # the policy never claims to have seen the stamp


def test_an_automatically_approved_order_completes_once_production_says_feasible_p2_5() -> None:
    review = evaluated(auto_approve="50000")
    assert review.approvals[0].decision is ApprovalDecision.APPROVE

    production_answers(review)

    assert review.status is ReviewStatus.APPROVED
    assert review.confirmed_delivery_date == REQUESTED


def test_the_policy_still_leaves_feasibility_to_the_departments_p2_4() -> None:
    review = evaluated(auto_approve="50000")

    production_answers(review, Assessment(Verdict.NOT_FEASIBLE, "no supplier"))

    assert review.status is ReviewStatus.NEGOTIATING


def test_the_policy_does_not_approve_what_needs_the_general_manager_p2_3() -> None:
    review = opened(order(total="22250.00", customer_id="CUST-0002"))
    review.evaluate(basis(customer=SMALL_CREDIT, auto_approve="1000000"), RECEIVED)

    assert all(step.pending for step in review.approvals)


def test_the_policy_does_not_approve_unlisted_tiers_or_larger_orders() -> None:
    assert evaluated(auto_approve="969.99").approvals[0].pending
    assert evaluated(auto_approve="50000", tiers=frozenset({"B"})).approvals[0].pending


# -- filing -------------------------------------------------------------------------------------


def test_closing_files_the_review_with_the_orders_outcome_p7_6() -> None:
    review = evaluated()
    approve(review)
    production_answers(review)
    review.events.clear()

    review.close(Outcome.FULFILLED)

    assert review.status is ReviewStatus.CLOSED
    assert review.outcome is Outcome.FULFILLED
    assert review.events == []


def test_closing_a_closed_review_again_changes_nothing() -> None:
    review = evaluated()
    reject(review, SALES_MANAGER, "no material")
    review.close(Outcome.DECLINED)

    review.close(Outcome.FULFILLED)

    assert review.outcome is Outcome.DECLINED
