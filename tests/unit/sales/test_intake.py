"""The intake check finds every defect at once against sales' own master data (P1.3); order
numbers are unique (P1.2)."""

from datetime import date
from decimal import Decimal

import pytest

from services.sales.domain.commands import Line
from services.sales.domain.intake import (
    Defect,
    format_order_number,
    intake_defects,
    latest_delivery_date,
)
from tests.unit.sales.builders import TODAY, command, customer, facts


def fields(defects: list[Defect]) -> set[str]:
    return {defect.field for defect in defects}


def test_a_correct_submission_has_no_defects() -> None:
    assert intake_defects(command(stated_total=Decimal("1460.00")), facts()) == []


def test_an_unknown_customer_is_a_defect_p1_3() -> None:
    defects = intake_defects(command(customer_id="CUST-9999"), facts(known=False))

    assert fields(defects) == {"customer_id"}
    assert "CUST-9999" in defects[0].message


def test_an_unknown_product_model_is_a_defect_p1_3() -> None:
    lines = (Line(1, "VALVE-DN999", 1, Decimal("10.00")),)

    defects = intake_defects(command(lines=lines), facts())

    assert fields(defects) == {"lines.0.product_code"}
    assert "VALVE-DN999" in defects[0].message


def test_the_list_price_and_the_largest_discount_are_both_on_the_price_list_p1_3() -> None:
    for price in ("48.50", "43.65"):  # list, and list less 10 %
        lines = (Line(1, "VALVE-DN50", 1, Decimal(price)),)
        assert intake_defects(command(lines=lines), facts()) == []


def test_a_price_above_the_list_or_below_the_largest_discount_is_a_defect_p1_3() -> None:
    for price in ("48.51", "43.64"):
        lines = (Line(1, "VALVE-DN50", 1, Decimal(price)),)

        defects = intake_defects(command(lines=lines), facts())

        assert fields(defects) == {"lines.0.unit_price"}
        assert "48.50" in defects[0].message and "43.65" in defects[0].message


def test_the_lowest_allowed_price_is_rounded_up_to_a_cent_in_the_message() -> None:
    lines = (Line(1, "FLANGE-DN50", 1, Decimal("10.41")),)  # 12.25 less 15 % = 10.4125

    defects = intake_defects(command(lines=lines), facts())

    assert "lowest allowed 10.42" in defects[0].message


def test_a_stated_line_amount_that_is_not_quantity_times_price_is_a_defect_p1_3() -> None:
    lines = (
        Line(1, "VALVE-DN50", 20, Decimal("48.50"), stated_amount=Decimal("970.00")),
        Line(2, "FLANGE-DN50", 40, Decimal("12.25"), stated_amount=Decimal("480.00")),
    )

    defects = intake_defects(command(lines=lines), facts())

    assert fields(defects) == {"lines.1.amount"}
    assert "490.00" in defects[0].message


def test_a_stated_total_that_does_not_add_up_is_a_defect_p1_3() -> None:
    defects = intake_defects(command(stated_total=Decimal("1460.01")), facts())

    assert fields(defects) == {"total_amount"}
    assert "1460.00" in defects[0].message


def test_a_delivery_date_in_the_past_by_the_clock_is_a_defect_p1_3() -> None:
    defects = intake_defects(command(requested_delivery_date=date(2026, 11, 20)), facts())

    assert fields(defects) == {"requested_delivery_date"}


def test_a_delivery_date_of_today_is_not_in_the_past() -> None:
    assert intake_defects(command(requested_delivery_date=TODAY), facts()) == []


def test_a_delivery_date_more_than_five_years_ahead_is_a_defect_p1_3() -> None:
    defects = intake_defects(command(requested_delivery_date=date(2031, 11, 22)), facts())

    assert fields(defects) == {"requested_delivery_date"}
    assert "more than 5 years ahead (latest 2031-11-21)" in defects[0].message


def test_a_delivery_date_exactly_five_years_ahead_is_no_defect() -> None:
    assert intake_defects(command(requested_delivery_date=date(2031, 11, 21)), facts()) == []


def test_five_years_after_a_leap_day_is_the_28th_of_february() -> None:
    assert latest_delivery_date(date(2028, 2, 29)) == date(2033, 2, 28)


def test_a_missing_delivery_address_is_a_defect_p1_3() -> None:
    defects = intake_defects(command(delivery_address=None), facts())

    assert fields(defects) == {"delivery_address"}


def test_a_currency_other_than_the_customers_is_a_defect() -> None:
    defects = intake_defects(command(currency="USD"), facts())

    assert "currency" in fields(defects)


def test_every_defect_is_reported_at_once_p1_3() -> None:
    lines = (
        Line(1, "VALVE-DN50", 2, Decimal("60.00"), stated_amount=Decimal("100.00")),
        Line(2, "NO-SUCH-THING", 1, Decimal("1.00")),
        Line(3, "VALVE-DN50", 1, Decimal("48.50")),
    )
    defects = intake_defects(
        command(
            customer_id="CUST-9999",
            lines=lines,
            stated_total=Decimal("5"),
            requested_delivery_date=date(2020, 1, 1),
            delivery_address=None,
        ),
        facts(known=False),
    )

    assert fields(defects) == {
        "customer_id",
        "lines.0.unit_price",
        "lines.0.amount",
        "lines.1.product_code",
        "lines.2.product_code",
        "total_amount",
        "requested_delivery_date",
        "delivery_address",
    }


def test_a_customer_of_another_tier_changes_nothing_in_the_intake_check() -> None:
    assert intake_defects(command(), facts(customer("C", "50"))) == []


def test_order_numbers_carry_the_year_and_a_zero_padded_sequence_p1_2() -> None:
    assert format_order_number(2026, 42) == "SO-2026-000042"


@pytest.mark.rule("P1.3")
def test_a_contact_with_neither_e_mail_nor_phone_is_a_defect() -> None:
    defects = intake_defects(command(contact={"name": "Jana"}), facts())

    assert [defect.field for defect in defects] == ["contact"]
    assert intake_defects(command(contact={"name": "Jana", "email": "j@k.example"}), facts()) == []
