"""Overpayment becomes customer credit the finance manager refunds or applies to another open
order of the same customer and currency; unmatched payments are assigned or marked for refund
by a finance clerk (P6.2)."""

from dataclasses import replace
from decimal import Decimal

import pytest

from services.finance.domain.authority import Act, check
from services.finance.domain.events import CreditWasChanged, PaymentKind, PaymentWasReceived
from services.finance.domain.matching import (
    UnmatchedStatus,
    assign,
    mark_for_refund,
    unmatched,
)
from services.finance.domain.model import Account
from shared.decisions import BeyondAuthority, InvalidDecision, NotAllowedNow, Person
from tests.unit.finance.builders import CLERK, MANAGER, opened, order, payment

OTHER = "SO-2026-000002"


def overpaid(amount: str = "1200.00") -> Account:
    account = opened("1000.00")
    account.receive_payment("PAY-1", payment(amount))
    return account


def credit_changes(account: Account) -> list[CreditWasChanged]:
    return [event for event in account.events if isinstance(event, CreditWasChanged)]


@pytest.mark.rule("P6.2")
def test_1200_on_1000_settles_the_order_with_200_credit() -> None:
    account = overpaid()

    (received,) = [e for e in account.events if isinstance(e, PaymentWasReceived)]
    assert (received.settled, received.balance_due, received.credit) == (
        True,
        Decimal("0.00"),
        Decimal("200.00"),
    )
    assert [(c.change, c.amount, c.available) for c in credit_changes(account)] == [
        ("arisen", Decimal("200.00"), Decimal("200.00"))
    ]


@pytest.mark.rule("P6.2")
def test_refunding_without_an_amount_refunds_all_the_credit() -> None:
    account = overpaid()
    account.events.clear()

    account.refund_credit(None, "customer asked for it back", MANAGER)

    assert account.credit == Decimal("0.00")
    assert [(c.change, c.amount, c.decided) for c in credit_changes(account)] == [
        ("refunded", Decimal("200.00"), MANAGER)
    ]


@pytest.mark.rule("P6.2")
def test_no_more_credit_can_be_refunded_than_is_available() -> None:
    account = overpaid()
    account.refund_credit(Decimal("150.00"), "part", MANAGER)

    with pytest.raises(NotAllowedNow):
        account.refund_credit(Decimal("50.01"), "too much", MANAGER)
    assert account.credit == Decimal("50.00")


@pytest.mark.rule("P6.2")
def test_a_credit_refund_needs_a_reason_and_some_credit() -> None:
    with pytest.raises(InvalidDecision):
        overpaid().refund_credit(None, "", MANAGER)
    with pytest.raises(NotAllowedNow):
        overpaid("1000.00").refund_credit(None, "nothing to refund", MANAGER)


@pytest.mark.rule("P6.2")
def test_credit_applied_to_another_order_of_the_customer_is_a_payment_of_kind_credit() -> None:
    source, target = overpaid(), opened("500.00", order_id=OTHER)

    paid = source.apply_credit(target, Decimal("120.00"), "next order", MANAGER, "PAY-9")

    assert (paid.kind, paid.amount, paid.order_id) == (PaymentKind.CREDIT, Decimal("120.00"), OTHER)
    assert (source.credit, target.paid_total) == (Decimal("80.00"), Decimal("120.00"))
    assert [(c.change, c.applied_to) for c in credit_changes(source)][-1] == ("applied", OTHER)


@pytest.mark.rule("P6.2")
def test_credit_goes_only_to_an_order_of_the_same_customer_and_currency() -> None:
    other_customer = Account.start(OTHER)
    other_customer.open(replace(order("500.00", order_id=OTHER), customer_id="CUST-9"))
    other_currency = Account.start(OTHER)
    other_currency.open(replace(order("500.00", order_id=OTHER), currency="USD"))

    for target in (other_customer, other_currency):
        with pytest.raises(NotAllowedNow):
            overpaid().apply_credit(target, None, "wrong order", MANAGER, "PAY-9")


@pytest.mark.rule("P6.2")
def test_no_more_credit_is_applied_than_the_other_order_owes() -> None:
    with pytest.raises(NotAllowedNow):
        overpaid().apply_credit(opened("100.00", order_id=OTHER), None, "all", MANAGER, "PAY-9")


@pytest.mark.rule("P6.2", "P8.1")
def test_only_the_finance_manager_refunds_or_applies_credit() -> None:
    check(Person("david.cohen", "finance_manager"), Act.MANAGE_CREDIT)
    with pytest.raises(BeyondAuthority):
        check(Person("hana.kim", "finance_clerk"), Act.MANAGE_CREDIT)


@pytest.mark.rule("P6.2")
def test_an_unmatched_payment_is_assigned_once_to_an_order_in_its_currency() -> None:
    kept = unmatched(payment("50.00", order_id="WHO KNOWS"), "no order WHO KNOWS")

    assigned = assign(kept, opened(), CLERK)

    assert (assigned.status, assigned.resolved) == (UnmatchedStatus.ASSIGNED, CLERK)
    with pytest.raises(NotAllowedNow):
        assign(assigned, opened(), CLERK)


@pytest.mark.rule("P6.2")
def test_a_payment_in_another_currency_cannot_be_assigned_to_the_order() -> None:
    kept = unmatched(payment("50.00", currency="USD"), "payment in USD")

    with pytest.raises(NotAllowedNow, match="USD"):
        assign(kept, opened(), CLERK)


@pytest.mark.rule("P6.2")
def test_an_unmatched_payment_marked_for_refund_needs_a_reason() -> None:
    kept = unmatched(payment("50.00"), "no order")

    with pytest.raises(InvalidDecision):
        mark_for_refund(kept, "", CLERK)
    assert mark_for_refund(kept, "paid twice", CLERK).status is UnmatchedStatus.REFUND
