"""Finance rules on the account: payments at any time, exact money, unmatched money kept for a
person, and any arrival order of the order, its shipments and its closing (P2.7, P6.1, P6.2,
P6.3, P7.6)."""

from decimal import Decimal

import pytest

from services.finance.domain.events import InvoiceWasIssued, PaymentKind, PaymentWasReceived
from services.finance.domain.matching import order_id_from_reference, unmatched_reason
from services.finance.domain.model import (
    Account,
    AccountStatus,
    CurrencyMismatch,
    Outcome,
    format_payment_number,
)
from tests.unit.finance.builders import ORDER, TODAY, opened, order, payment, shipped, tier


def received(account: Account) -> list[PaymentWasReceived]:
    return [event for event in account.events if isinstance(event, PaymentWasReceived)]


@pytest.mark.rule("P2.7")
def test_an_opened_account_owes_the_order_total_and_has_no_invoice_yet() -> None:
    account = opened("1460.00")

    assert account.status is AccountStatus.OPEN
    assert account.balance_due == Decimal("1460.00")
    assert not account.settled
    assert account.invoices == ()
    assert account.events == []


@pytest.mark.rule("P6.2")
def test_a_payment_that_covers_the_total_settles_the_order() -> None:
    account = opened("1460.00")

    recorded = account.receive_payment("PAY-2026-000001", payment("1460.00"))

    assert recorded.kind is PaymentKind.BALANCE
    assert recorded.order_id == ORDER
    assert [(e.paid_total, e.balance_due, e.settled) for e in received(account)] == [
        (Decimal("1460.00"), Decimal("0.00"), True)
    ]


@pytest.mark.rule("P6.2")
def test_300_and_then_700_on_1000_settle_the_order_on_the_second_payment() -> None:
    account = opened("1000.00")

    account.receive_payment("PAY-2026-000001", payment("300.00", "BANK-1"))
    account.receive_payment("PAY-2026-000002", payment("700.00", "BANK-2"))

    assert [(e.paid_total, e.balance_due, e.settled) for e in received(account)] == [
        (Decimal("300.00"), Decimal("700.00"), False),
        (Decimal("1000.00"), Decimal("0.00"), True),
    ]


@pytest.mark.rule("P6.2")
def test_payments_add_up_exactly_to_the_order_total() -> None:
    account = opened("0.30")

    account.receive_payment("PAY-2026-000001", payment("0.10", "BANK-1"))
    account.receive_payment("PAY-2026-000002", payment("0.20", "BANK-2"))

    assert account.paid_total == Decimal("0.30")
    assert account.settled


@pytest.mark.rule("P6.2")
def test_a_payment_before_the_invoice_is_recorded_all_the_same() -> None:
    account = opened()

    account.receive_payment("PAY-2026-000001", payment("1000.00"))
    account.ship(shipped("SH-1"), tier("B"))

    assert account.settled
    assert [type(event) for event in account.events] == [PaymentWasReceived, InvoiceWasIssued]
    assert account.invoices[0].open_amount == Decimal("0.00")


@pytest.mark.rule("P6.2")
def test_money_in_another_currency_is_not_put_against_the_order() -> None:
    account = opened()

    with pytest.raises(CurrencyMismatch):
        account.receive_payment("PAY-2026-000001", payment("1000.00", currency="USD"))
    assert account.paid_total == Decimal("0.00")
    assert account.events == []


@pytest.mark.rule("P6.2")
def test_a_payment_naming_no_known_order_is_unmatched() -> None:
    assert unmatched_reason(None, payment("10.00")) == f"no order {ORDER}"


@pytest.mark.rule("P6.2")
def test_a_payment_for_an_order_finance_has_only_heard_of_is_unmatched() -> None:
    account = Account.start(ORDER)
    account.ship(shipped("SH-1"), tier("B"))

    assert unmatched_reason(account, payment("10.00")) == f"no order {ORDER}"


@pytest.mark.rule("P6.2")
def test_a_payment_in_the_wrong_currency_is_unmatched_and_the_reason_says_so() -> None:
    reason = unmatched_reason(opened(), payment("10.00", currency="USD"))

    assert reason is not None and "USD" in reason and "EUR" in reason


@pytest.mark.rule("P6.2")
def test_a_payment_in_the_orders_currency_matches() -> None:
    assert unmatched_reason(opened(), payment("10.00")) is None


@pytest.mark.rule("P6.2")
def test_a_payers_reference_is_read_regardless_of_surrounding_blanks_and_case() -> None:
    assert order_id_from_reference("  so-2026-000001 ") == ORDER


@pytest.mark.rule("P6.2")
def test_payment_numbers_are_readable_and_sequential() -> None:
    assert format_payment_number(2026, 7) == "PAY-2026-000007"


@pytest.mark.rule("P6.2")
def test_a_payment_on_a_closed_account_is_still_recorded() -> None:
    account = opened()
    account.close(Outcome.DECLINED)

    account.receive_payment("PAY-2026-000001", payment("100.00"))

    assert account.paid_total == Decimal("100.00")
    assert account.status is AccountStatus.CLOSED


@pytest.mark.rule("P7.6")
def test_closing_files_the_account_with_the_orders_outcome() -> None:
    account = opened()

    account.close(Outcome.FULFILLED)
    account.close(Outcome.DECLINED)

    assert account.status is AccountStatus.CLOSED
    assert account.outcome is Outcome.FULFILLED
    assert account.events == []


@pytest.mark.rule("P6.3")
def test_an_account_started_by_a_shipment_waits_for_its_order_and_invoices_nothing_yet() -> None:
    account = Account.start(ORDER)

    account.ship(shipped("SH-1"), tier("B"))

    assert account.status is AccountStatus.AWAITING_ORDER
    assert account.invoices == ()
    assert account.events == []


@pytest.mark.rule("P6.3")
def test_an_order_shipped_before_it_reached_finance_is_invoiced_when_it_arrives() -> None:
    account = Account.start(ORDER)
    account.ship(shipped("SH-1"), tier("B"))

    account.open(order("1460.00"))

    assert account.status is AccountStatus.OPEN
    (invoice,) = account.invoices
    assert invoice.amount == Decimal("1460.00")
    assert invoice.issued_on == TODAY
    assert [type(event) for event in account.events] == [InvoiceWasIssued]


@pytest.mark.rule("P2.7")
def test_a_repeated_order_changes_neither_the_total_nor_the_invoices() -> None:
    account = opened()
    account.ship(shipped("SH-1"), tier("B"))

    account.open(order(total="9999.00"))

    assert account.total_amount == Decimal("1000.00")
    assert len(account.events) == 1


@pytest.mark.rule("P7.6")
def test_an_order_closed_before_it_reached_finance_stays_closed_when_it_arrives() -> None:
    account = Account.start(ORDER)
    account.close(Outcome.DECLINED)

    account.open(order())

    assert account.status is AccountStatus.CLOSED
    assert account.outcome is Outcome.DECLINED
    assert account.total_amount == Decimal("1000.00")
    assert account.events == []


@pytest.mark.rule("P6.2")
def test_a_payment_that_would_take_the_account_past_the_largest_amount_is_unmatched() -> None:
    account = opened()
    account.receive_payment("PAY-1", payment("99999999999999.00"))

    reason = unmatched_reason(account, payment("1.00", transaction="BANK-2"))

    assert reason is not None
    assert "would exceed 99999999999999.99 EUR" in reason
