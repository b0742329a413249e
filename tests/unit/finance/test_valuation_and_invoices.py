"""Shipments valued from the order's lines, one invoice per shipment adding up to the total,
due dates by the payment terms, pro-formas for prepaid orders (P5.2, P6.3)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from services.finance.domain.commands import Line
from services.finance.domain.events import InvoiceWasIssued
from services.finance.domain.model import Account
from services.finance.domain.terms import due_by
from services.finance.domain.valuation import value_shipment
from tests.unit.finance.builders import AT, ORDER, TODAY, opened, order, request, shipped, tier

THIRDS = (Line("P-A", 3, Decimal("10.00")),)


def issued(account: Account) -> list[InvoiceWasIssued]:
    return [event for event in account.events if isinstance(event, InvoiceWasIssued)]


@pytest.mark.rule("P5.2")
def test_a_shipment_is_worth_its_units_at_the_products_average_line_price_rounded_half_up() -> None:
    lines = (Line("P-A", 1, Decimal("0.01")), Line("P-A", 1, Decimal("0.04")))

    half = value_shipment("SH-1", (request("x", ("P-A", 1)).lines), lines, Decimal("0.05"), ())

    assert half.amount == Decimal("0.03")


@pytest.mark.rule("P6.3")
def test_the_shipment_that_completes_the_order_takes_the_rest_so_invoices_add_up() -> None:
    account = opened("10.00", THIRDS)

    for number in (1, 2, 3):
        account.ship(shipped(f"SH-{number}", ("P-A", 1)), tier("B"))

    assert [invoice.amount for invoice in account.invoices] == [
        Decimal("3.33"),
        Decimal("3.33"),
        Decimal("3.34"),
    ]
    assert sum(invoice.amount for invoice in account.invoices) == Decimal("10.00")


@pytest.mark.rule("P6.3")
def test_invoices_per_shipment_of_several_products_add_up_to_the_total() -> None:
    lines = (
        Line("P-A", 7, Decimal("100.00")),
        Line("P-B", 3, Decimal("0.10")),
        Line("P-A", 2, Decimal("55.55")),
    )
    account = opened("155.65", lines)

    account.ship(shipped("SH-1", ("P-A", 4), ("P-B", 1)), tier("B"))
    account.ship(shipped("SH-2", ("P-A", 3)), tier("B"))
    account.ship(shipped("SH-3", ("P-A", 2), ("P-B", 2)), tier("B"))

    assert sum(invoice.amount for invoice in account.invoices) == Decimal("155.65")
    assert account.invoices[0].amount == Decimal("69.17")  # 4 x 155.55/9 + 0.10/3 = 69.1666


@pytest.mark.rule("P6.3")
def test_a_shipment_beyond_what_is_left_of_the_total_is_worth_only_what_is_left() -> None:
    account = opened("10.00", THIRDS)
    account.ship(shipped("SH-1", ("P-A", 2)), tier("B"))

    account.ship(shipped("SH-2", ("P-A", 5)), tier("B"))
    account.ship(shipped("SH-3", ("P-A", 5)), tier("B"))

    assert [i.amount for i in account.invoices] == [Decimal("6.67"), Decimal("3.33")]
    assert [v.amount for v in account.valued] == [
        Decimal("6.67"),
        Decimal("3.33"),
        Decimal("0.00"),
    ]  # the last is worth nothing: no invoice of zero value is issued


@pytest.mark.rule("P6.3")
def test_invoices_are_numbered_per_order_from_one_and_issued_once_per_shipment() -> None:
    account = opened("10.00", THIRDS)

    account.ship(shipped("SH-1", ("P-A", 1)), tier("B"))
    account.ship(shipped("SH-1", ("P-A", 1)), tier("B"))
    account.ship(shipped("SH-2", ("P-A", 2)), tier("B"))

    assert [i.invoice_number for i in account.invoices] == [f"INV-{ORDER}-1", f"INV-{ORDER}-2"]
    assert [i.shipment_id for i in account.invoices] == ["SH-1", "SH-2"]


@pytest.mark.rule("P6.3")
def test_net60_is_due_sixty_days_after_the_invoice() -> None:
    account = opened(terms="net60")

    account.ship(shipped("SH-1"), tier("A"))

    (invoice,) = account.invoices
    assert (invoice.due_date, invoice.payment_terms) == (TODAY + timedelta(days=60), "net60")


@pytest.mark.rule("P6.3")
def test_prepaid_and_cash_on_delivery_are_due_on_the_day_of_issue() -> None:
    assert due_by("prepaid", TODAY, tier="B").due_date == TODAY
    assert due_by("cod", TODAY, tier="A").due_date == TODAY


@pytest.mark.rule("P6.3")
def test_unknown_terms_are_due_in_30_days_and_the_invoice_says_so() -> None:
    due = due_by("quarterly", TODAY, tier="A")

    assert due.due_date == TODAY + timedelta(days=30)
    assert "quarterly" in due.note


@pytest.mark.rule("P6.3")
def test_an_order_without_terms_follows_the_customers_first_terms() -> None:
    account = opened()

    account.ship(shipped("SH-1"), tier("A", default_terms="net45"))

    assert account.invoices[0].due_date == TODAY + timedelta(days=45)


@pytest.mark.rule("P6.3")
def test_a_due_date_beyond_the_contracts_window_is_held_at_its_last_day() -> None:
    due = due_by("net99999", date(2100, 12, 1), tier="A")

    assert due.due_date == date(2100, 12, 31)
    assert due.note


@pytest.mark.rule("P6.3")
def test_a_prepaid_order_gets_a_pro_forma_when_the_shipment_is_requested() -> None:
    account = opened(terms="prepaid")

    account.request_shipment(request("SH-1"), AT, tier("B"))

    (proforma,) = issued(account)
    assert proforma.invoice.invoice_number == f"PF-{ORDER}-1"
    assert (proforma.invoice.kind, proforma.invoice.amount) == ("proforma", Decimal("1000.00"))
    assert proforma.invoice.due_date == AT.date()


@pytest.mark.rule("P6.3")
def test_a_shipment_requested_before_its_order_gets_its_pro_forma_when_the_order_arrives() -> None:
    account = Account.start(ORDER)
    account.request_shipment(request("SH-1"), AT, tier("B"))
    assert account.events == []

    account.open(order(terms="prepaid"))

    assert [e.invoice.kind for e in issued(account)] == ["proforma"]


@pytest.mark.rule("P5.2", "P6.3")
@pytest.mark.parametrize("name", ["B", "C", None])
@pytest.mark.parametrize(("terms", "default"), [("net30", None), (None, "net60"), ("eom", None)])
def test_a_b_or_c_invoice_gets_no_credit_days_whatever_the_terms_say(
    name: str | None, terms: str | None, default: str | None
) -> None:
    account = opened(terms=terms)

    account.ship(shipped("SH-1"), tier(name, default_terms=default))  # type: ignore[arg-type]

    (invoice,) = account.invoices
    assert invoice.due_date == TODAY
    assert "pays before shipment" in invoice.note


@pytest.mark.rule("P5.2", "P6.3")
def test_an_a_tier_invoice_keeps_the_credit_days_of_its_terms() -> None:
    account = opened(terms="net30")

    account.ship(shipped("SH-1"), tier("A"))

    assert account.invoices[0].due_date == TODAY + timedelta(days=30)
