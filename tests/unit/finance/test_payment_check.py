"""The payment check of each shipment by the customer's tier: B and C only when paid for
everything shipped so far, A always but with a credit exception beyond the credit limit or
with an invoice overdue; a refusal with a reason and a balance-due notice; a payment re-runs a
refused check (P5.2, P6.1, P6.4)."""

from decimal import Decimal

import pytest

from services.finance.domain.authority import Act, check
from services.finance.domain.checks import CheckStatus
from services.finance.domain.events import BalanceWasDue, PaymentWasChecked
from services.finance.domain.model import Account
from shared.decisions import BeyondAuthority, InvalidDecision, NotAllowedNow, Person
from tests.unit.finance.builders import (
    AT,
    CLERK,
    ORDER,
    opened,
    order,
    payment,
    request,
    tier,
)


def checked(account: Account) -> list[PaymentWasChecked]:
    return [event for event in account.events if isinstance(event, PaymentWasChecked)]


def requested(tier_name: str = "B", paid: str = "0.00", **facts: object) -> Account:
    account = opened("1000.00")
    if Decimal(paid):
        account.receive_payment("PAY-1", payment(paid, "BANK-0"))
    account.request_shipment(request("SH-1"), AT, tier(tier_name, **facts))
    account.events.clear()
    return account


@pytest.mark.rule("P5.2")
def test_a_b_tier_shipment_90_percent_paid_cannot_be_signed_and_the_amounts_say_why() -> None:
    account = requested("B", paid="900.00")

    with pytest.raises(NotAllowedNow, match=r"received 900\.00 EUR against 1000\.00 EUR"):
        account.sign_check("SH-1", tier("B"), CLERK)
    assert account.events == []


@pytest.mark.rule("P5.2")
def test_a_b_tier_shipment_90_percent_paid_is_refused_with_a_balance_due_notice() -> None:
    account = requested("B", paid="900.00")

    account.refuse_check("SH-1", tier("B"), "10 % of the order is not paid", CLERK)

    (refused,) = checked(account)
    assert (refused.check.status, refused.check.signed) == (CheckStatus.REFUSED, CLERK)
    due = [event for event in account.events if isinstance(event, BalanceWasDue)]
    assert [(d.shipment_id, d.amount) for d in due] == [("SH-1", Decimal("100.00"))]


@pytest.mark.rule("P5.2", "P6.1")
def test_the_last_10_percent_passes_the_refused_check_without_a_person() -> None:
    account = requested("B", paid="900.00")
    account.refuse_check("SH-1", tier("B"), "not paid", CLERK)
    account.events.clear()

    account.receive_payment("PAY-2026-000002", payment("100.00", "BANK-2"))

    (passed,) = checked(account)
    assert passed.check.status is CheckStatus.PASSED
    assert passed.check.signed is None
    assert "PAY-2026-000002" in passed.check.reason


@pytest.mark.rule("P5.2")
def test_a_payment_that_does_not_cover_the_shipment_leaves_the_check_refused() -> None:
    account = requested("C")
    account.refuse_check("SH-1", tier("C"), "not paid", CLERK)
    account.events.clear()

    account.receive_payment("PAY-2", payment("999.99", "BANK-2"))

    assert checked(account) == []
    assert account.require_check("SH-1").status is CheckStatus.REFUSED


@pytest.mark.rule("P5.2")
def test_a_paid_c_tier_shipment_may_be_signed() -> None:
    account = requested("C", paid="1000.00")

    account.sign_check("SH-1", tier("C"), CLERK)

    (passed,) = checked(account)
    assert (passed.check.status, passed.check.credit_exception) == (CheckStatus.PASSED, False)


@pytest.mark.rule("P5.2")
def test_what_shipped_before_counts_so_the_second_shipment_needs_both_paid() -> None:
    account = opened("1000.00")
    account.receive_payment("PAY-1", payment("600.00"))
    account.request_shipment(request("SH-1", ("PUMP-1", 5)), AT, tier("B"))
    account.sign_check("SH-1", tier("B"), CLERK)
    account.request_shipment(request("SH-2", ("PUMP-1", 5)), AT, tier("B"))

    _check, assessment = account.assess("SH-2", tier("B"))

    assert (assessment.shipped_value, assessment.missing) == (Decimal("1000.00"), Decimal("400.00"))
    assert not assessment.may_sign


@pytest.mark.rule("P5.2", "P6.4")
def test_an_a_tier_customer_over_its_credit_limit_is_signed_with_a_credit_exception() -> None:
    customer = tier("A", credit_limit=Decimal("5000.00"), open_balance=Decimal("5000.01"))
    account = requested("A")

    account.sign_check("SH-1", customer, CLERK)

    (passed,) = checked(account)
    assert passed.check.status is CheckStatus.PASSED
    assert passed.check.credit_exception
    assert "credit limit" in passed.check.reason


@pytest.mark.rule("P5.2", "P6.4")
def test_an_a_tier_customer_with_an_overdue_invoice_is_signed_with_a_credit_exception() -> None:
    account = requested("A")

    account.sign_check("SH-1", tier("A", overdue_invoices=1), CLERK)

    assert checked(account)[0].check.credit_exception


@pytest.mark.rule("P6.4")
def test_an_a_tier_customer_without_a_credit_limit_on_file_is_signed_with_a_credit_exception() -> (
    None
):
    account = requested("A")

    account.sign_check("SH-1", tier("A", credit_limit=None), CLERK)

    check = checked(account)[0].check
    assert check.credit_exception and "no credit limit" in check.reason


@pytest.mark.rule("P5.2")
def test_an_a_tier_customer_within_its_limit_is_signed_unpaid_without_exception() -> None:
    account = requested("A")

    account.sign_check("SH-1", tier("A", credit_limit=Decimal("5000.00")), CLERK)

    assert not checked(account)[0].check.credit_exception


@pytest.mark.rule("P5.2")
def test_a_refusal_without_a_reason_is_invalid_and_changes_nothing() -> None:
    account = requested("B")

    with pytest.raises(InvalidDecision):
        account.refuse_check("SH-1", tier("B"), "  ", CLERK)
    assert account.require_check("SH-1").status is CheckStatus.PENDING


@pytest.mark.rule("P5.2")
def test_a_check_that_passed_cannot_be_signed_or_refused_again() -> None:
    account = requested("A")
    account.sign_check("SH-1", tier("A"), CLERK)

    with pytest.raises(NotAllowedNow):
        account.sign_check("SH-1", tier("A"), CLERK)
    with pytest.raises(NotAllowedNow):
        account.refuse_check("SH-1", tier("A"), "changed my mind", CLERK)


@pytest.mark.rule("P5.2")
def test_a_shipment_requested_before_its_order_waits_and_is_valued_when_it_arrives() -> None:
    account = Account.start(ORDER)
    account.request_shipment(request("SH-1", ("PUMP-1", 4)), AT, tier("B"))
    with pytest.raises(NotAllowedNow):
        account.sign_check("SH-1", tier("B"), CLERK)

    account.open(order("1000.00"))

    waiting = account.require_check("SH-1")
    assert (waiting.status, waiting.amount) == (CheckStatus.PENDING, Decimal("400.00"))


@pytest.mark.rule("P5.2")
def test_a_repeated_shipment_request_is_one_check() -> None:
    account = requested("B")

    assert account.request_shipment(request("SH-1"), AT, tier("B")) is None
    assert len(account.checks) == 1


@pytest.mark.rule("P5.2", "P8.1")
def test_only_the_finance_clerk_and_manager_decide_payment_checks() -> None:
    check(Person("hana.kim", "finance_clerk"), Act.CHECK_PAYMENT)
    check(Person("david.cohen", "finance_manager"), Act.CHECK_PAYMENT)
    with pytest.raises(BeyondAuthority):
        check(Person("marta.weiss", "sales_manager"), Act.CHECK_PAYMENT)
