"""Intake holds an order that asks a B or C customer's goods to go out on credit: those
customers pay before shipment (P5.2, P1.3)."""

import pytest

from services.sales.domain.intake import intake_defects
from tests.unit.sales.builders import command, customer, facts


@pytest.mark.rule("P5.2", "P1.3")
@pytest.mark.parametrize(("tier", "deposit"), [("B", "30"), ("C", "50")])
@pytest.mark.parametrize("terms", ["net30", "NET60", "cod"])
def test_an_order_asking_credit_terms_for_a_b_or_c_customer_is_held_with_the_reason(
    tier: str, deposit: str, terms: str
) -> None:
    buyer = customer(tier, deposit, payment_terms=("prepaid",))  # type: ignore[arg-type]

    (defect,) = intake_defects(command(payment_terms=terms), facts(buyer))

    assert defect.field == "payment_terms"
    assert terms in defect.message
    assert f"tier {tier}" in defect.message
    assert "pays before shipment" in defect.message


@pytest.mark.rule("P5.2")
@pytest.mark.parametrize("terms", [None, "prepaid", "PREPAID"])
def test_a_b_customers_order_paying_prepaid_or_by_its_default_passes_intake(
    terms: str | None,
) -> None:
    buyer = customer("B", "30", payment_terms=("prepaid",))

    assert intake_defects(command(payment_terms=terms), facts(buyer)) == []


@pytest.mark.rule("P5.2")
def test_an_a_customers_order_on_net30_passes_intake() -> None:
    assert intake_defects(command(payment_terms="net30"), facts(customer("A"))) == []
