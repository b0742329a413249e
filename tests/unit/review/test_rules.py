"""The checks of a review as pure rules: terms (P2.1), who must approve (P2.3, P6.4, P8.1),
engineering and QA feasibility (P2.4), the date to propose (P2.6) and the automatic policy."""

from datetime import date
from decimal import Decimal

from services.review.domain.master import AutoApprovalPolicy, Customer
from services.review.domain.rules import (
    Assessment,
    Verdict,
    engineering_assessment,
    general_manager_reasons,
    proposed_delivery_date,
    qa_assessment,
    terms_findings,
)
from tests.unit.review.factory import (
    A_TIER,
    AUTHORITY,
    B_TIER,
    BEYOND_QA,
    NEW_UNREADY,
    SMALL_CREDIT,
    STANDARD,
    product,
)


def reasons(
    total: str,
    customer: Customer = A_TIER,
    balance: str = "0",
    findings: tuple[str, ...] = (),
) -> tuple[str, ...]:
    return general_manager_reasons(
        Decimal(total), "EUR", customer, Decimal(balance), AUTHORITY, findings
    )


def test_no_payment_terms_asked_means_the_customers_default_which_is_allowed_p2_1() -> None:
    assert terms_findings(A_TIER, None) == ()


def test_payment_terms_on_the_customers_list_pass_the_terms_check_p2_1() -> None:
    assert terms_findings(A_TIER, "net60") == ()


def test_payment_terms_not_allowed_for_the_customer_are_a_finding_p2_1() -> None:
    (finding,) = terms_findings(B_TIER, "net60")

    assert "'net60'" in finding
    assert "CUST-0011" in finding
    assert "net30, prepaid" in finding


def test_an_order_within_the_sales_managers_authority_needs_no_general_manager_p2_3() -> None:
    assert reasons("50000.00") == ()


def test_an_order_above_the_sales_managers_authority_needs_the_general_manager_p2_3_p8_1() -> None:
    (reason,) = reasons("53600.00")

    assert "53600.00 EUR" in reason
    assert "50000.00 EUR" in reason


def test_an_a_tier_customer_over_its_credit_limit_needs_the_general_manager_p6_4() -> None:
    (reason,) = reasons("22250.00", customer=SMALL_CREDIT)

    assert "credit limit of 20000.00 EUR" in reason


def test_the_open_balance_counts_towards_the_credit_limit_p6_4() -> None:
    assert reasons("5000.00", customer=SMALL_CREDIT, balance="15000.00") == ()
    assert len(reasons("5000.01", customer=SMALL_CREDIT, balance="15000.00")) == 1


def test_the_credit_check_applies_to_a_tier_customers_only_p6_4() -> None:
    assert reasons("45000.00", customer=B_TIER, balance="30000.00") == ()


def test_a_terms_finding_needs_the_general_manager_p2_1() -> None:
    (reason,) = reasons("100.00", findings=("payment terms 'net90' are not allowed",))

    assert "terms check" in reason


def test_standard_products_are_feasible_for_engineering_p2_4() -> None:
    answer = engineering_assessment(["VALVE-DN50"], {"VALVE-DN50": STANDARD})

    assert answer.verdict is Verdict.FEASIBLE


def test_a_new_product_without_samples_or_specification_is_not_feasible_and_says_why_p2_4() -> None:
    answer = engineering_assessment(
        ["VALVE-DN50", "PUMP-HX90"], {"VALVE-DN50": STANDARD, "PUMP-HX90": NEW_UNREADY}
    )

    assert answer.verdict is Verdict.NOT_FEASIBLE
    assert answer.reason == "new product PUMP-HX90 lacks: samples confirmed, specification"


def test_a_new_product_with_samples_bom_drawings_and_specification_is_feasible_p2_4() -> None:
    ready = product("PUMP-NEW", is_new=True)

    assert engineering_assessment(["PUMP-NEW"], {"PUMP-NEW": ready}).verdict is Verdict.FEASIBLE


def test_products_within_qa_capability_are_feasible_for_qa_p2_4() -> None:
    answer = qa_assessment(["PUMP-HX90"], {"PUMP-HX90": NEW_UNREADY}, capability_level=4)

    assert answer.verdict is Verdict.FEASIBLE


def test_a_product_above_qa_capability_is_not_feasible_for_qa_p2_4() -> None:
    answer = qa_assessment(
        ["VALVE-DN50", "SENSOR-P1"],
        {"VALVE-DN50": STANDARD, "SENSOR-P1": BEYOND_QA},
        capability_level=4,
    )

    assert answer.verdict is Verdict.NOT_FEASIBLE
    assert answer.reason == "SENSOR-P1 needs inspection level 5; QA can inspect up to level 4"


def test_when_every_no_is_a_later_the_latest_date_is_proposed_p2_6() -> None:
    answers = [
        Assessment(Verdict.FEASIBLE),
        Assessment(Verdict.LATER, available_from=date(2027, 5, 3)),
        Assessment(Verdict.LATER, available_from=date(2027, 5, 10)),
    ]

    assert proposed_delivery_date(answers) == date(2027, 5, 10)


def test_when_any_department_says_not_feasible_no_date_is_proposed_p2_6() -> None:
    answers = [
        Assessment(Verdict.LATER, available_from=date(2027, 5, 3)),
        Assessment(Verdict.NOT_FEASIBLE, "no supplier"),
    ]

    assert proposed_delivery_date(answers) is None


def test_a_later_without_a_date_proposes_no_date_p2_6() -> None:
    assert proposed_delivery_date([Assessment(Verdict.LATER)]) is None


def test_the_automatic_policy_is_off_by_default() -> None:
    assert not AutoApprovalPolicy().applies("A", Decimal("1.00"), general_manager_needed=False)


def test_the_automatic_policy_applies_to_listed_tiers_up_to_its_amount_p8_1() -> None:
    policy = AutoApprovalPolicy(Decimal("50000"), frozenset({"A"}))

    assert policy.applies("A", Decimal("50000.00"), general_manager_needed=False)
    assert not policy.applies("A", Decimal("50000.01"), general_manager_needed=False)
    assert not policy.applies("B", Decimal("100.00"), general_manager_needed=False)


def test_the_automatic_policy_never_applies_when_the_general_manager_is_needed_p2_3() -> None:
    policy = AutoApprovalPolicy(Decimal("1000000"), frozenset({"A"}))

    assert not policy.applies("A", Decimal("100.00"), general_manager_needed=True)
