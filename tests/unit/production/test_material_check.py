"""The material check: what an order needs by its bill of materials, whether free stock covers
it, when suppliers can make up a shortfall, and what the warehouse reserves (P2.4, P4.1-P4.3).
"""

from datetime import date, timedelta
from decimal import Decimal

from services.production.domain.feasibility import Verdict
from services.production.domain.materials import (
    BomLine,
    Requirements,
    Reservation,
    Stock,
    check_materials,
    requirements,
    reserve,
)

TODAY = date(2026, 11, 22)
REQUESTED = TODAY + timedelta(days=30)
BOM = {
    "VALVE-DN50": (
        BomLine("VALVE-DN50", "STEEL-CAST", Decimal("6.5")),
        BomLine("VALVE-DN50", "GASKET-PTFE", Decimal("0.05")),
    ),
    "FLANGE-DN50": (BomLine("FLANGE-DN50", "STEEL-BAR", Decimal("2.1")),),
    "VALVE-CRYO-50": (
        BomLine("VALVE-CRYO-50", "INVAR-BAR", Decimal("7")),
        BomLine("VALVE-CRYO-50", "GASKET-PTFE", Decimal("0.05")),
    ),
}


def stock(
    code: str, on_hand: str, lead_time: int | None = 14, reserved: str = "0"
) -> tuple[str, Stock]:
    return code, Stock(
        material_code=code,
        name=f"{code} name",
        unit="kg",
        on_hand=Decimal(on_hand),
        reserved_by_others=Decimal(reserved),
        lead_time_days=lead_time,
        supplier="Supplier AG",
    )


PLENTY = dict(
    [
        stock("STEEL-CAST", "1000"),
        stock("GASKET-PTFE", "100"),
        stock("STEEL-BAR", "1000"),
        stock("INVAR-BAR", "0", lead_time=None),
    ]
)


def needs(*lines: tuple[str, int]) -> Requirements:
    return requirements(lines, BOM)


def test_the_requirement_is_quantity_times_quantity_per_unit_summed_per_material_p4_1() -> None:
    required = needs(("VALVE-DN50", 20), ("FLANGE-DN50", 40), ("VALVE-DN50", 2))

    assert required.needs == {
        "STEEL-CAST": Decimal("143.0"),
        "GASKET-PTFE": Decimal("1.10"),
        "STEEL-BAR": Decimal("84.0"),
    }
    assert required.products_without_bom == ()


def test_materials_covered_by_free_stock_are_feasible_p4_2() -> None:
    answer = check_materials(needs(("VALVE-DN50", 20)), PLENTY, TODAY, REQUESTED)

    assert answer.verdict is Verdict.FEASIBLE
    assert answer.reason == "all materials in stock"


def test_stock_other_orders_reserved_is_not_free_p4_2() -> None:
    reserved = {**PLENTY, **dict([stock("STEEL-CAST", "1000", lead_time=None, reserved="900")])}

    answer = check_materials(needs(("VALVE-DN50", 20)), reserved, TODAY, REQUESTED)

    assert answer.verdict is Verdict.NOT_FEASIBLE
    assert "STEEL-CAST" in answer.reason


def test_a_shortfall_a_supplier_delivers_by_the_date_is_feasible_to_be_purchased_p4_3() -> None:
    short = {**PLENTY, **dict([stock("STEEL-CAST", "100", lead_time=30)])}

    answer = check_materials(needs(("VALVE-DN50", 20)), short, TODAY, REQUESTED)

    assert answer.verdict is Verdict.FEASIBLE
    assert answer.available_from is None
    assert "STEEL-CAST" in answer.reason and "30" in answer.reason


def test_a_shortfall_ready_after_the_date_is_feasible_later_from_the_ready_day_p4_3() -> None:
    short = {**PLENTY, **dict([stock("STEEL-CAST", "100", lead_time=31)])}

    answer = check_materials(needs(("VALVE-DN50", 20)), short, TODAY, REQUESTED)

    assert answer.verdict is Verdict.LATER
    assert answer.available_from == TODAY + timedelta(days=31)


def test_the_latest_ready_day_across_materials_counts() -> None:
    short = {
        **PLENTY,
        **dict([stock("STEEL-CAST", "0", lead_time=40), stock("STEEL-BAR", "0", lead_time=50)]),
    }

    answer = check_materials(needs(("VALVE-DN50", 1), ("FLANGE-DN50", 1)), short, TODAY, REQUESTED)

    assert answer.verdict is Verdict.LATER
    assert answer.available_from == TODAY + timedelta(days=50)


def test_a_shortfall_no_supplier_can_deliver_is_not_feasible_naming_the_material() -> None:
    answer = check_materials(needs(("VALVE-CRYO-50", 1)), PLENTY, TODAY, REQUESTED)

    assert answer.verdict is Verdict.NOT_FEASIBLE
    assert answer.available_from is None
    assert "INVAR-BAR" in answer.reason


def test_a_product_without_a_bill_of_materials_is_not_feasible_p4_1() -> None:
    answer = check_materials(needs(("PUMP-NEW", 5), ("VALVE-DN50", 1)), PLENTY, TODAY, REQUESTED)

    assert answer.verdict is Verdict.NOT_FEASIBLE
    assert answer.reason == "no bill of materials for PUMP-NEW"


def test_not_feasible_outweighs_later() -> None:
    short = {**PLENTY, **dict([stock("STEEL-CAST", "0", lead_time=90)])}

    answer = check_materials(
        needs(("VALVE-DN50", 1), ("VALVE-CRYO-50", 1)), short, TODAY, REQUESTED
    )

    assert answer.verdict is Verdict.NOT_FEASIBLE


def test_a_material_missing_from_the_master_is_not_feasible() -> None:
    answer = check_materials(
        needs(("FLANGE-DN50", 1)), {"STEEL-CAST": PLENTY["STEEL-CAST"]}, TODAY, REQUESTED
    )

    assert answer.verdict is Verdict.NOT_FEASIBLE
    assert "STEEL-BAR" in answer.reason


def test_the_warehouse_reserves_what_it_has_and_the_rest_is_to_be_purchased_p4_2_p4_3() -> None:
    short = {**PLENTY, **dict([stock("STEEL-CAST", "150", reserved="50")])}

    reservations = reserve(needs(("VALVE-DN50", 20)), short)

    assert reservations == (
        Reservation("GASKET-PTFE", Decimal("1.00"), Decimal("0.00")),
        Reservation("STEEL-CAST", Decimal("100"), Decimal("30.0")),
    )


def test_stock_overbooked_by_others_counts_as_nothing_free() -> None:
    _, material = stock("STEEL-CAST", "100", reserved="150")

    assert material.free == Decimal(0)


def test_a_supplier_who_could_deliver_only_after_the_calendars_last_day_cannot_deliver() -> None:
    today = date(2100, 12, 1)
    short = {**PLENTY, **dict([stock("STEEL-CAST", "0", lead_time=31)])}

    answer = check_materials(needs(("VALVE-DN50", 1)), short, today, date(2100, 12, 31))

    assert answer.verdict is Verdict.NOT_FEASIBLE
    assert "cannot deliver before 2100-12-31" in answer.reason
