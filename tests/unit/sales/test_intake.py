"""The intake check finds every defect at once (P1.3); order numbers are unique (P1.2)."""

from datetime import date
from decimal import Decimal

from services.sales.domain.intake import format_order_number, intake_defects
from services.sales.domain.model import Line
from tests.unit.sales.test_order import command

TODAY = date(2026, 11, 21)


def test_a_correct_submission_has_no_defects() -> None:
    assert intake_defects(command(stated_total=Decimal("1460.00")), TODAY) == []


def test_a_delivery_date_in_the_past_is_a_defect() -> None:
    defects = intake_defects(command(requested_delivery_date=date(2026, 11, 20)), TODAY)

    assert [defect.field for defect in defects] == ["requested_delivery_date"]


def test_a_stated_total_that_does_not_add_up_is_a_defect() -> None:
    defects = intake_defects(command(stated_total=Decimal("1460.01")), TODAY)

    assert [defect.field for defect in defects] == ["total_amount"]
    assert "1460.00" in defects[0].message


def test_every_defect_is_reported_at_once() -> None:
    lines = (Line(1, "VALVE-DN50", 1, Decimal("1")), Line(2, "VALVE-DN50", 1, Decimal("1")))
    defects = intake_defects(
        command(lines=lines, stated_total=Decimal("5"), requested_delivery_date=date(2020, 1, 1)),
        TODAY,
    )

    assert {defect.field for defect in defects} == {
        "requested_delivery_date",
        "total_amount",
        "lines.1.product_code",
    }


def test_order_numbers_carry_the_year_and_a_zero_padded_sequence() -> None:
    assert format_order_number(2026, 42) == "SO-2026-000042"
