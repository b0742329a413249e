"""A customer's open balance: the sum of the unpaid parts of confirmed orders not declined,
kept as a running total and published on every change (P6.4)."""

from decimal import Decimal

import pytest

from services.finance.domain.balance import BalanceWasUpdated, CustomerBalance
from shared.contracts.bounds import MAX_MONEY

CUSTOMER = "CUST-0001"


@pytest.mark.rule("P6.4")
def test_a_new_customer_owes_nothing() -> None:
    balance = CustomerBalance.start(CUSTOMER, "EUR")

    assert balance.open_balance == Decimal("0.00")
    assert balance.events == []


@pytest.mark.rule("P6.4")
def test_each_orders_change_moves_the_balance_and_is_published_naming_the_order_p6_4() -> None:
    balance = CustomerBalance.start(CUSTOMER, "EUR")

    balance.record_change("SO-1", "EUR", Decimal("0.00"), Decimal("1000.00"))
    balance.record_change("SO-2", "EUR", Decimal("0.00"), Decimal("250.50"))
    balance.record_change("SO-1", "EUR", Decimal("1000.00"), Decimal("400.00"))

    assert balance.open_balance == Decimal("650.50")
    assert balance.events == [
        BalanceWasUpdated(CUSTOMER, "SO-1", "EUR", Decimal("1000.00")),
        BalanceWasUpdated(CUSTOMER, "SO-2", "EUR", Decimal("1250.50")),
        BalanceWasUpdated(CUSTOMER, "SO-1", "EUR", Decimal("650.50")),
    ]


@pytest.mark.rule("P6.4")
def test_an_unchanged_part_publishes_nothing() -> None:
    balance = CustomerBalance(CUSTOMER, "EUR", Decimal("300.00"))

    balance.record_change("SO-1", "EUR", Decimal("0.00"), Decimal("0.00"))
    balance.record_change("SO-2", "EUR", Decimal("120.00"), Decimal("120.00"))

    assert balance.open_balance == Decimal("300.00")
    assert balance.events == []


@pytest.mark.rule("P6.4")
def test_the_balance_is_never_negative() -> None:
    balance = CustomerBalance(CUSTOMER, "EUR", Decimal("10.00"))

    balance.record_change("SO-1", "EUR", Decimal("20.00"), Decimal("0.00"))

    assert balance.open_balance == Decimal("0.00")


@pytest.mark.rule("P6.4")
def test_an_order_in_another_currency_is_not_added() -> None:
    balance = CustomerBalance.start(CUSTOMER, "EUR")

    balance.record_change("SO-1", "USD", Decimal("0.00"), Decimal("100.00"))

    assert balance.open_balance == Decimal("0.00")
    assert balance.events == []


@pytest.mark.rule("P6.4")
def test_a_balance_beyond_the_money_column_is_published_saturated_and_comes_back_down() -> None:
    balance = CustomerBalance.start(CUSTOMER, "EUR")
    sixty = Decimal("60000000000000.00")

    balance.record_change("SO-1", "EUR", Decimal("0.00"), sixty)
    balance.record_change("SO-2", "EUR", Decimal("0.00"), sixty)
    balance.record_change("SO-1", "EUR", sixty, Decimal("0.00"))

    assert [event.open_balance for event in balance.events] == [sixty, MAX_MONEY, sixty]
    assert balance.open_balance == sixty
    assert balance.published == sixty


@pytest.mark.rule("P6.4")
def test_the_exact_total_beyond_the_money_column_is_kept_never_below_zero() -> None:
    balance = CustomerBalance.start(CUSTOMER, "EUR")

    balance.record_change("SO-1", "EUR", Decimal("0.00"), MAX_MONEY)
    balance.record_change("SO-2", "EUR", Decimal("0.00"), MAX_MONEY)

    assert balance.open_balance == MAX_MONEY * 2
    assert balance.published == MAX_MONEY

    balance.record_change("SO-3", "EUR", MAX_MONEY * 3, Decimal("0.00"))

    assert balance.open_balance == Decimal("0.00")
    assert balance.events[-1].open_balance == Decimal("0.00")
