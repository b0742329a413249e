"""Only an A customer buys on credit: the customer record refuses credit terms for B and C,
who pay before their goods leave (P5.2), and the demo company's customers keep to that."""

from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError

from shared.contracts.master import CustomerRecord
from shared.seed import load_seed


def record(tier: str, terms: list[str]) -> dict[str, Any]:
    return {
        "customer_id": "CUST-0011",
        "name": "Kobalt Mining GmbH",
        "tier": tier,
        "currency": "EUR",
        "credit_limit": Decimal("60000.00"),
        "payment_terms": terms,
        "deposit_percent": Decimal("30"),
    }


@pytest.mark.rule("P5.2")
@pytest.mark.parametrize("tier", ["B", "C"])
@pytest.mark.parametrize("terms", [["net30", "prepaid"], ["prepaid", "NET60"], ["cod"], ["eom"]])
def test_a_b_or_c_customer_record_with_terms_other_than_prepaid_is_refused(
    tier: str, terms: list[str]
) -> None:
    with pytest.raises(ValidationError, match="pays before"):
        CustomerRecord.model_validate(record(tier, terms))


@pytest.mark.rule("P5.2")
@pytest.mark.parametrize("tier", ["B", "C"])
def test_a_b_or_c_customer_record_paying_prepaid_is_accepted(tier: str) -> None:
    assert CustomerRecord.model_validate(record(tier, ["prepaid"])).payment_terms == ["prepaid"]


@pytest.mark.rule("P5.2")
def test_an_a_customer_record_may_carry_credit_terms() -> None:
    terms = ["net30", "net60", "prepaid"]

    assert CustomerRecord.model_validate(record("A", terms)).payment_terms == terms


@pytest.mark.rule("P5.2", "P1.4")
def test_the_demo_companys_b_and_c_customers_pay_prepaid() -> None:
    customers = [c for c in load_seed().customers if c.tier in ("B", "C")]

    assert customers
    assert {term for c in customers for term in c.payment_terms} == {"prepaid"}
