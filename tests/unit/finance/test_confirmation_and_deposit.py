"""Finance on confirmation: the order is recorded as confirmed, money already received counts
towards the deposit and the rest is requested once, money while it is outstanding is the
deposit, and the order counts in its customer's open balance; in any arrival order (P2.7,
P3.1, P3.3, P6.1, P6.4)."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from services.finance.domain.commands import (
    ConfirmOrder,
    CustomerTerms,
    Line,
    OpenAccount,
    ReceivePayment,
    ShipGoods,
    Units,
)
from services.finance.domain.events import DepositWasRequested, InvoiceWasIssued, PaymentKind
from services.finance.domain.model import Account, AccountStatus, Outcome

ORDER = "SO-2026-000001"
TODAY = date(2026, 11, 22)
TOTAL = Decimal("1000.00")


def confirmation(deposit: str = "300.00") -> ConfirmOrder:
    return ConfirmOrder(ORDER, "CUST-0011", "EUR", TOTAL, Decimal(deposit), date(2027, 3, 15))


def placed() -> OpenAccount:
    return OpenAccount(ORDER, "CUST-0011", "EUR", TOTAL)


def payment(amount: str, transaction: str = "BANK-1") -> ReceivePayment:
    return ReceivePayment(
        bank_transaction_id=transaction,
        order_reference=ORDER,
        amount=Decimal(amount),
        currency="EUR",
        booked_at=datetime(2026, 11, 22, 9, 30, tzinfo=UTC),
        payer="Kobalt Mining GmbH",
    )


def confirmed(deposit: str = "300.00") -> Account:
    account = Account.start(ORDER)
    account.open(placed())
    account.confirm(confirmation(deposit))
    return account


def deposits_requested(account: Account) -> list[DepositWasRequested]:
    return [event for event in account.events if isinstance(event, DepositWasRequested)]


@pytest.mark.rule("P3.3")
def test_a_confirmation_with_a_deposit_requests_it_p3_3_p6_1() -> None:
    account = confirmed()

    assert account.confirmed
    assert account.confirmed_delivery_date == date(2027, 3, 15)
    assert account.deposit_outstanding
    assert deposits_requested(account) == [
        DepositWasRequested(ORDER, "CUST-0011", Decimal("300.00"), "EUR")
    ]


@pytest.mark.rule("P3.3")
def test_a_confirmation_without_a_deposit_requests_nothing_p3_2() -> None:
    account = confirmed(deposit="0.00")

    assert account.confirmed
    assert not account.deposit_outstanding
    assert account.events == []


@pytest.mark.rule("P3.3")
def test_a_repeated_confirmation_requests_the_deposit_only_once() -> None:
    account = confirmed()

    account.confirm(confirmation())
    account.confirm(confirmation(deposit="999.00"))

    assert len(deposits_requested(account)) == 1
    assert account.deposit_amount == Decimal("300.00")


@pytest.mark.rule("P2.7")
def test_a_confirmation_before_the_order_opens_the_account() -> None:
    account = Account.start(ORDER)

    account.confirm(confirmation())
    account.open(OpenAccount(ORDER, "CUST-0011", "EUR", Decimal("5.00")))

    assert account.status is AccountStatus.OPEN
    assert account.customer_id == "CUST-0011"
    assert account.total_amount == TOTAL
    assert len(deposits_requested(account)) == 1


@pytest.mark.rule("P6.3")
def test_a_shipment_before_the_confirmation_is_invoiced_once_the_orders_lines_arrive() -> None:
    account = Account.start(ORDER)
    account.ship(ShipGoods("SH-1", (Units("P-1", 4),), TODAY), CustomerTerms(tier="B"))

    account.confirm(confirmation(deposit="0.00"))
    assert account.events == []
    account.open(OpenAccount(ORDER, "CUST-0011", "EUR", TOTAL, (Line("P-1", 4, TOTAL),)))

    [invoice] = account.events
    assert isinstance(invoice, InvoiceWasIssued)
    assert invoice.invoice.amount == TOTAL


@pytest.mark.rule("P3.3")
def test_money_while_the_deposit_is_outstanding_is_the_deposit_p3_3_p6_1() -> None:
    account = confirmed()

    first = account.receive_payment("PAY-2026-000001", payment("100.00", "BANK-1"))
    second = account.receive_payment("PAY-2026-000002", payment("200.00", "BANK-2"))
    third = account.receive_payment("PAY-2026-000003", payment("700.00", "BANK-3"))

    assert [first.kind, second.kind, third.kind] == [
        PaymentKind.DEPOSIT,
        PaymentKind.DEPOSIT,
        PaymentKind.BALANCE,
    ]
    assert account.deposit_paid == Decimal("300.00")
    assert not account.deposit_outstanding
    assert account.settled


@pytest.mark.rule("P3.3")
def test_money_before_any_deposit_is_requested_goes_against_the_balance() -> None:
    account = Account.start(ORDER)
    account.open(placed())

    recorded = account.receive_payment("PAY-2026-000001", payment("300.00"))

    assert recorded.kind is PaymentKind.BALANCE


@pytest.mark.rule("P3.3")
def test_money_before_the_confirmation_counts_and_only_the_rest_is_requested_p3_3() -> None:
    account = Account.start(ORDER)
    account.open(placed())
    account.receive_payment("PAY-2026-000001", payment("120.00"))

    account.confirm(confirmation())

    assert account.deposit_paid == Decimal("120.00")
    assert account.deposit_outstanding
    assert deposits_requested(account) == [
        DepositWasRequested(ORDER, "CUST-0011", Decimal("180.00"), "EUR")
    ]


@pytest.mark.rule("P3.3")
def test_money_before_the_confirmation_that_covers_the_deposit_leaves_nothing_to_ask_p3_3() -> None:
    account = Account.start(ORDER)
    account.open(placed())
    account.receive_payment("PAY-2026-000001", payment("450.00"))

    account.confirm(confirmation())

    assert account.deposit_paid == Decimal("300.00")
    assert not account.deposit_outstanding
    assert deposits_requested(account) == []


@pytest.mark.rule("P3.3")
def test_money_for_an_order_without_a_deposit_goes_against_the_balance() -> None:
    account = confirmed(deposit="0.00")

    recorded = account.receive_payment("PAY-2026-000001", payment("300.00"))

    assert recorded.kind is PaymentKind.BALANCE


@pytest.mark.rule("P3.3")
def test_a_closed_order_asks_no_deposit() -> None:
    account = Account.start(ORDER)
    account.close(Outcome.DECLINED)

    account.confirm(confirmation())

    assert deposits_requested(account) == []


@pytest.mark.rule("P6.4")
def test_an_order_counts_in_the_open_balance_only_once_confirmed_p6_4() -> None:
    account = Account.start(ORDER)
    account.open(placed())

    assert account.open_amount == Decimal("0.00")
    account.confirm(confirmation())
    assert account.open_amount == TOTAL


@pytest.mark.rule("P6.4")
def test_payments_lower_the_orders_part_of_the_balance_never_below_zero_p6_4() -> None:
    account = confirmed()

    account.receive_payment("PAY-2026-000001", payment("400.00", "BANK-1"))
    assert account.open_amount == Decimal("600.00")
    account.receive_payment("PAY-2026-000002", payment("700.00", "BANK-2"))
    assert account.open_amount == Decimal("0.00")


@pytest.mark.rule("P6.4")
def test_a_declined_order_is_no_part_of_the_open_balance_p6_4() -> None:
    account = confirmed()

    account.close(Outcome.DECLINED)

    assert account.open_amount == Decimal("0.00")


@pytest.mark.rule("P3.3")
def test_a_fulfilled_order_keeps_what_is_unpaid_in_the_open_balance() -> None:
    account = confirmed()

    account.close(Outcome.FULFILLED)

    assert account.open_amount == TOTAL


@pytest.mark.rule("P3.3")
def test_a_revised_delivery_date_replaces_the_confirmed_one_while_the_order_is_open() -> None:
    """P4.10"""
    account = confirmed()
    account.revise_delivery(date(2027, 4, 2))
    assert account.confirmed_delivery_date == date(2027, 4, 2)
    account.close(Outcome.FULFILLED)
    account.revise_delivery(date(2027, 5, 1))
    assert account.confirmed_delivery_date == date(2027, 4, 2)


@pytest.mark.rule("P4.10")
def test_a_revised_date_consumed_before_the_confirmation_is_kept_when_it_arrives() -> None:
    """Topics are not ordered against each other: the confirmed date never undoes a revision."""
    account = Account.start(ORDER)
    account.revise_delivery(date(2027, 4, 2))
    account.open(placed())
    account.confirm(confirmation())
    assert account.confirmed_delivery_date == date(2027, 4, 2)
