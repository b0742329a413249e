"""Finance rules: one invoice per order, payments at any time, exact money, unmatched money
kept for a person, and any arrival order of the order, its shipment and its closing (P2.7,
P6.1, P6.2, P6.3, P7.6)."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from services.finance.domain.matching import order_id_from_reference, unmatched_reason
from services.finance.domain.model import (
    Account,
    AccountStatus,
    CurrencyMismatch,
    Invoice,
    InvoiceWasIssued,
    OpenAccount,
    Outcome,
    PaymentKind,
    PaymentWasReceived,
    ReceivePayment,
    format_payment_number,
)

ORDER = "SO-2026-000001"
TODAY = date(2026, 11, 22)


def order(total: str = "1460.00") -> OpenAccount:
    return OpenAccount(ORDER, "CUST-0001", "EUR", Decimal(total))


def opened(total: str = "1460.00") -> Account:
    account = Account.start(ORDER)
    account.open(order(total))
    return account


def payment(amount: str, currency: str = "EUR", transaction: str = "BANK-1") -> ReceivePayment:
    return ReceivePayment(
        bank_transaction_id=transaction,
        order_reference=ORDER,
        amount=Decimal(amount),
        currency=currency,
        booked_at=datetime(2026, 11, 22, 9, 30, tzinfo=UTC),
        payer="Acme Pumps GmbH",
    )


def received(account: Account) -> list[PaymentWasReceived]:
    return [event for event in account.events if isinstance(event, PaymentWasReceived)]


def test_an_opened_account_owes_the_order_total_and_has_no_invoice_yet_p2_7() -> None:
    account = opened()

    assert account.status is AccountStatus.OPEN
    assert account.balance_due == Decimal("1460.00")
    assert not account.settled
    assert account.invoice is None
    assert account.events == []


def test_a_shipped_order_is_invoiced_for_its_total_due_in_30_days_p6_3() -> None:
    account = opened()

    account.record_shipment(TODAY)

    invoice = Invoice("INV-SO-2026-000001", Decimal("1460.00"), "EUR", TODAY, date(2026, 12, 22))
    assert account.invoice == invoice
    assert account.events == [InvoiceWasIssued(ORDER, invoice)]


def test_a_repeated_shipment_report_never_invoices_the_order_twice_p6_3() -> None:
    account = opened()
    account.record_shipment(TODAY)

    account.record_shipment(date(2026, 11, 30))

    assert account.invoice is not None and account.invoice.issued_on == TODAY
    assert len(account.events) == 1


def test_a_payment_that_covers_the_total_settles_the_order_p6_2() -> None:
    account = opened()

    recorded = account.receive_payment("PAY-2026-000001", payment("1460.00"))

    assert recorded.kind is PaymentKind.BALANCE
    assert recorded.order_id == ORDER
    assert account.paid_total == Decimal("1460.00")
    assert [(e.paid_total, e.balance_due, e.settled) for e in received(account)] == [
        (Decimal("1460.00"), Decimal("0.00"), True)
    ]


def test_a_part_payment_leaves_the_rest_due_and_the_order_unsettled_p6_2() -> None:
    account = opened()

    account.receive_payment("PAY-2026-000001", payment("460.00"))

    assert account.balance_due == Decimal("1000.00")
    assert not account.settled
    assert received(account)[0].settled is False


def test_payments_add_up_exactly_to_the_order_total() -> None:
    account = opened(total="0.30")

    account.receive_payment("PAY-2026-000001", payment("0.10", transaction="BANK-1"))
    account.receive_payment("PAY-2026-000002", payment("0.20", transaction="BANK-2"))

    assert account.paid_total == Decimal("0.30")
    assert account.settled
    assert [event.paid_total for event in received(account)] == [Decimal("0.10"), Decimal("0.30")]


def test_an_overpayment_leaves_nothing_due_never_a_negative_balance() -> None:
    account = opened()

    account.receive_payment("PAY-2026-000001", payment("1500.00"))

    assert account.balance_due == Decimal("0.00")
    assert account.settled


def test_a_payment_before_the_invoice_is_recorded_all_the_same_p6_2() -> None:
    account = opened()

    account.receive_payment("PAY-2026-000001", payment("1460.00"))
    account.record_shipment(TODAY)

    assert account.settled
    assert [type(event) for event in account.events] == [PaymentWasReceived, InvoiceWasIssued]


def test_money_in_another_currency_is_not_put_against_the_order() -> None:
    account = opened()

    with pytest.raises(CurrencyMismatch):
        account.receive_payment("PAY-2026-000001", payment("1460.00", currency="USD"))
    assert account.paid_total == Decimal("0.00")
    assert account.events == []


def test_a_payment_naming_no_known_order_is_unmatched_p6_2() -> None:
    assert unmatched_reason(None, payment("10.00")) == f"no order {ORDER}"


def test_a_payment_for_an_order_finance_has_only_heard_of_is_unmatched() -> None:
    account = Account.start(ORDER)
    account.record_shipment(TODAY)

    assert unmatched_reason(account, payment("10.00")) == f"no order {ORDER}"


def test_a_payment_in_the_wrong_currency_is_unmatched() -> None:
    reason = unmatched_reason(opened(), payment("10.00", currency="USD"))

    assert reason is not None and "USD" in reason and "EUR" in reason


def test_a_payment_in_the_orders_currency_matches() -> None:
    assert unmatched_reason(opened(), payment("10.00")) is None


def test_a_payers_reference_is_read_regardless_of_surrounding_blanks_and_case() -> None:
    assert order_id_from_reference("  so-2026-000001 ") == ORDER


def test_payment_numbers_are_readable_and_sequential() -> None:
    assert format_payment_number(2026, 7) == "PAY-2026-000007"


def test_a_payment_on_a_closed_account_is_still_recorded_p6_2() -> None:
    account = opened()
    account.close(Outcome.DECLINED)

    account.receive_payment("PAY-2026-000001", payment("100.00"))

    assert account.paid_total == Decimal("100.00")
    assert account.status is AccountStatus.CLOSED


def test_closing_files_the_account_with_the_orders_outcome_p7_6() -> None:
    account = opened()

    account.close(Outcome.FULFILLED)
    account.close(Outcome.DECLINED)

    assert account.status is AccountStatus.CLOSED
    assert account.outcome is Outcome.FULFILLED
    assert account.events == []


def test_an_account_started_by_a_shipment_waits_for_its_order_and_invoices_nothing_yet() -> None:
    account = Account.start(ORDER)

    account.record_shipment(TODAY)

    assert account.status is AccountStatus.AWAITING_ORDER
    assert account.invoice is None
    assert account.events == []


def test_an_order_shipped_before_it_reached_finance_is_invoiced_when_it_arrives_p6_3() -> None:
    account = Account.start(ORDER)
    account.record_shipment(TODAY)

    account.open(order())

    assert account.status is AccountStatus.OPEN
    assert account.invoice is not None
    assert account.invoice.amount == Decimal("1460.00")
    assert account.invoice.due_date == date(2026, 12, 22)
    assert [type(event) for event in account.events] == [InvoiceWasIssued]


def test_a_repeated_order_changes_neither_the_total_nor_the_invoice() -> None:
    account = opened()
    account.record_shipment(TODAY)

    account.open(order(total="9999.00"))

    assert account.total_amount == Decimal("1460.00")
    assert len(account.events) == 1


def test_an_order_closed_before_it_reached_finance_stays_closed_when_it_arrives_p7_6() -> None:
    account = Account.start(ORDER)
    account.close(Outcome.DECLINED)

    account.open(order())

    assert account.status is AccountStatus.CLOSED
    assert account.outcome is Outcome.DECLINED
    assert account.total_amount == Decimal("1460.00")
    assert account.events == []


def test_a_payment_that_would_take_the_account_past_the_largest_amount_is_unmatched() -> None:
    account = opened()
    account.receive_payment("PAY-1", payment("99999999999999.00"))

    reason = unmatched_reason(account, payment("1.00", transaction="BANK-2"))

    assert reason is not None
    assert "would exceed 99999999999999.99 EUR" in reason
