"""The stock ledger: an order's material requirement list, what it reserves of free stock, when
a shortfall is expected, who gets scarce material first, what a rush order takes from others,
and the day production can start; and purchasing's answer to review (P4.1, P4.2, P4.3, P4.4,
P4.6)."""

from datetime import date, timedelta
from decimal import Decimal

from services.production.domain.feasibility import Verdict
from services.production.domain.materials import (
    BomLine,
    Requirements,
    check_materials,
    requirements,
)
from services.production.domain.stock import (
    Claim,
    MaterialLine,
    distribute,
    earliest_start,
    give_up,
    list_materials,
    priority,
    receive,
    supplier_date,
    take_for_rush,
)
from shared.contracts.bounds import DATE_MAX
from tests.unit.production.builders import LEAD_DAYS, TODAY, line, stock

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
PLENTY = {
    "STEEL-CAST": stock("STEEL-CAST", "1000"),
    "GASKET-PTFE": stock("GASKET-PTFE", "100", unit="pc"),
    "STEEL-BAR": stock("STEEL-BAR", "1000"),
    "INVAR-BAR": stock("INVAR-BAR", "0", lead_time_days=None),
}
REQUESTED = TODAY + timedelta(days=30)
SOON, LATER, LATEST = date(2031, 9, 1), date(2031, 9, 15), date(2031, 10, 1)


def needs(*lines: tuple[str, int]) -> Requirements:
    return requirements(lines, BOM)


def claim(
    order_id: str,
    shortfall: str = "0",
    reserved: str = "0",
    needed_by: date = LATER,
    urgent: bool = False,
    started: bool = False,
) -> Claim:
    return Claim(order_id, Decimal(reserved), Decimal(shortfall), urgent, needed_by, started)


# -- the requirement list (P4.1) ---------------------------------------------------------------


def test_the_need_is_quantity_times_quantity_per_unit_summed_per_material() -> None:
    """P4.1"""
    required = needs(("VALVE-DN50", 20), ("FLANGE-DN50", 40), ("VALVE-DN50", 2))

    assert required.needs == {
        "STEEL-CAST": Decimal("143.0"),
        "GASKET-PTFE": Decimal("1.10"),
        "STEEL-BAR": Decimal("84.0"),
    }
    assert required.products_without_bom == ()


def test_products_without_a_bill_of_materials_are_named_once_in_order_of_appearance() -> None:
    """P4.1"""
    required = needs(("PUMP-NEW", 1), ("VALVE-DN50", 1), ("PUMP-OLD", 1), ("PUMP-NEW", 2))

    assert required.products_without_bom == ("PUMP-NEW", "PUMP-OLD")


def test_the_list_has_one_line_per_material_in_code_order() -> None:
    """P4.1"""
    listed = list_materials(needs(("VALVE-DN50", 20), ("FLANGE-DN50", 40)), PLENTY, TODAY)

    assert [item.material_code for item in listed] == ["GASKET-PTFE", "STEEL-BAR", "STEEL-CAST"]
    assert [item.unit for item in listed] == ["pc", "kg", "kg"]


# -- reservations and shortfalls (P4.2, P4.3) --------------------------------------------------


def test_free_stock_covering_the_need_is_reserved_whole() -> None:
    """P4.2"""
    listed = list_materials(needs(("FLANGE-DN50", 40)), PLENTY, TODAY)

    assert listed == (
        MaterialLine("STEEL-BAR", "kg", Decimal("84.0"), Decimal("84.0"), Decimal(0), None),
    )
    assert listed[0].complete


def test_what_free_stock_lacks_is_short_and_expected_after_the_suppliers_lead_time() -> None:
    """P4.2, P4.3"""
    short = {"STEEL-BAR": stock("STEEL-BAR", "100", reserved_by_others="50", lead_time_days=21)}

    [listed] = list_materials(needs(("FLANGE-DN50", 40)), short, TODAY)

    assert listed.reserved == Decimal(50)
    assert listed.shortfall == Decimal("34.0")
    assert listed.expected_on == TODAY + timedelta(days=21)
    assert not listed.complete


def test_stock_other_orders_reserved_beyond_what_is_on_hand_leaves_nothing_free() -> None:
    """P4.2"""
    overbooked = stock("STEEL-BAR", "100", reserved_by_others="150")

    [listed] = list_materials(needs(("FLANGE-DN50", 1)), {"STEEL-BAR": overbooked}, TODAY)

    assert overbooked.free == Decimal(0)
    assert listed.reserved == Decimal(0)
    assert listed.shortfall == Decimal("2.1")


def test_a_shortfall_no_supplier_delivers_has_no_expected_day() -> None:
    """P4.2, P4.3"""
    [gasket, invar] = list_materials(needs(("VALVE-CRYO-50", 1)), PLENTY, TODAY)

    assert gasket.complete
    assert invar.shortfall == Decimal(7)
    assert invar.expected_on is None


def test_a_material_missing_from_the_master_is_short_without_unit_or_supplier() -> None:
    """P4.1, P4.2"""
    [listed] = list_materials(needs(("FLANGE-DN50", 10)), {}, TODAY)

    assert listed == MaterialLine(
        "STEEL-BAR", "unknown", Decimal(21), Decimal(0), Decimal(21), None
    )


def test_a_supplier_who_could_deliver_only_after_the_calendars_last_day_cannot_deliver() -> None:
    """P4.3"""
    material = stock("STEEL-BAR", "0", lead_time_days=31)

    assert supplier_date(material, DATE_MAX - timedelta(days=31)) == DATE_MAX
    assert supplier_date(material, DATE_MAX - timedelta(days=30)) is None
    assert supplier_date(stock("STEEL-BAR", "0", lead_time_days=None), TODAY) is None


def test_a_line_that_receives_its_whole_shortfall_is_complete_and_expects_nothing() -> None:
    """P4.2, P4.4"""
    short = line("STEEL-BAR", "84", reserved="50", expected_on=SOON)

    partly = receive(short, Decimal(20))
    whole = receive(partly, Decimal(14))

    assert (partly.reserved, partly.shortfall, partly.expected_on) == (
        Decimal(70),
        Decimal(14),
        SOON,
    )
    assert (whole.reserved, whole.shortfall, whole.expected_on) == (Decimal(84), Decimal(0), None)
    assert whole.complete


def test_a_line_that_gives_up_reservations_is_short_by_as_much_and_expects_it_again() -> None:
    """P4.2, P4.6"""
    given = give_up(line("STEEL-BAR", "84"), Decimal(30), LATER)

    assert (given.reserved, given.shortfall, given.expected_on) == (Decimal(54), Decimal(30), LATER)


# -- who gets accepted material first (P4.2, P4.4) ---------------------------------------------


def test_rush_orders_come_first_then_the_soonest_need_then_the_order_id() -> None:
    """P4.2, P4.6"""
    claims = [
        claim("SO-3", needed_by=SOON),
        claim("SO-2", needed_by=LATER),
        claim("SO-9", needed_by=LATEST, urgent=True),
        claim("SO-1", needed_by=LATER),
    ]

    assert [c.order_id for c in sorted(claims, key=priority)] == ["SO-9", "SO-3", "SO-1", "SO-2"]


def test_accepted_material_fills_shortfalls_in_priority_order() -> None:
    """P4.2, P4.4"""
    claims = [
        claim("SO-1", shortfall="30", needed_by=LATER),
        claim("SO-2", shortfall="20", needed_by=SOON),
        claim("SO-3", shortfall="10", needed_by=LATEST, urgent=True),
    ]

    assert distribute(Decimal(35), claims) == [
        ("SO-3", Decimal(10)),
        ("SO-2", Decimal(20)),
        ("SO-1", Decimal(5)),
    ]


def test_equal_needs_are_filled_in_order_of_order_id() -> None:
    """P4.2, P4.4"""
    claims = [claim("SO-2", shortfall="10"), claim("SO-1", shortfall="10")]

    assert distribute(Decimal(15), claims) == [("SO-1", Decimal(10)), ("SO-2", Decimal(5))]


def test_no_claim_gets_more_than_its_shortfall_and_the_rest_stays_free() -> None:
    """P4.2, P4.4"""
    claims = [claim("SO-1", shortfall="10"), claim("SO-2", reserved="50")]

    assert distribute(Decimal(100), claims) == [("SO-1", Decimal(10))]


def test_nothing_to_distribute_gives_nothing() -> None:
    """P4.2"""
    assert distribute(Decimal(0), [claim("SO-1", shortfall="10")]) == []


# -- what a rush order takes (P4.6) ------------------------------------------------------------


def test_a_rush_order_takes_from_the_order_needed_latest_first() -> None:
    """P4.6, P4.2"""
    donors = [
        claim("SO-1", reserved="40", needed_by=SOON),
        claim("SO-2", reserved="40", needed_by=LATEST),
        claim("SO-3", reserved="40", needed_by=LATER),
    ]

    assert take_for_rush(Decimal(60), donors) == [("SO-2", Decimal(40)), ("SO-3", Decimal(20))]


def test_a_rush_order_takes_nothing_from_urgent_or_started_orders() -> None:
    """P4.6, P4.2"""
    donors = [
        claim("SO-1", reserved="40", needed_by=LATEST, urgent=True),
        claim("SO-2", reserved="40", needed_by=LATEST, started=True),
        claim("SO-3", reserved="40", needed_by=SOON),
    ]

    assert take_for_rush(Decimal(60), donors) == [("SO-3", Decimal(40))]


def test_a_rush_order_takes_no_more_than_it_lacks() -> None:
    """P4.6"""
    donors = [claim("SO-1", reserved="40"), claim("SO-2", reserved="40", needed_by=SOON)]

    assert take_for_rush(Decimal(15), donors) == [("SO-1", Decimal(15))]


def test_orders_holding_nothing_give_nothing() -> None:
    """P4.6"""
    assert take_for_rush(Decimal(15), [claim("SO-1", shortfall="10")]) == []


# -- the earliest start (P4.5 from P4.2, P4.3) -------------------------------------------------


def test_an_order_with_every_material_reserved_can_start_today() -> None:
    """P4.2, P4.5"""
    assert earliest_start([line("STEEL-BAR", "84"), line("GASKET-PTFE", "1")], TODAY) == TODAY


def test_an_order_can_start_when_its_last_short_material_is_expected() -> None:
    """P4.3, P4.5"""
    lines = [
        line("STEEL-BAR", "84", reserved="0", expected_on=LATER),
        line("STEEL-CAST", "10", reserved="5", expected_on=SOON),
        line("GASKET-PTFE", "1"),
    ]

    assert earliest_start(lines, TODAY) == LATER


def test_material_overdue_from_the_supplier_lets_the_order_start_no_earlier_than_today() -> None:
    """P4.3, P4.5"""
    overdue = line("STEEL-BAR", "84", reserved="0", expected_on=TODAY - timedelta(days=3))

    assert earliest_start([overdue], TODAY) == TODAY


def test_a_short_material_nobody_can_deliver_leaves_no_earliest_start() -> None:
    """P4.3, P4.5"""
    assert earliest_start([line("INVAR-BAR", "7", reserved="0"), line("X", "1")], TODAY) is None


# -- purchasing's answer to review (P4.2, P4.3) ------------------------------------------------


def test_materials_covered_by_free_stock_are_feasible() -> None:
    """P4.2"""
    answer = check_materials(needs(("VALVE-DN50", 20)), PLENTY, TODAY, REQUESTED, LEAD_DAYS)

    assert answer.verdict is Verdict.FEASIBLE
    assert answer.reason == "all materials in stock"


def test_a_shortfall_bought_in_time_for_production_before_the_date_is_feasible() -> None:
    """P4.3, P4.5"""
    lead = (REQUESTED - TODAY).days - LEAD_DAYS - 1
    short = {**PLENTY, "STEEL-CAST": stock("STEEL-CAST", "100", lead_time_days=lead)}

    answer = check_materials(needs(("VALVE-DN50", 20)), short, TODAY, REQUESTED, LEAD_DAYS)

    assert answer.verdict is Verdict.FEASIBLE
    assert answer.available_from is None
    assert "STEEL-CAST" in answer.reason


def test_a_shortfall_a_day_too_late_for_production_is_feasible_later() -> None:
    """P4.3, P4.5"""
    lead = (REQUESTED - TODAY).days - LEAD_DAYS
    short = {**PLENTY, "STEEL-CAST": stock("STEEL-CAST", "100", lead_time_days=lead)}

    answer = check_materials(needs(("VALVE-DN50", 20)), short, TODAY, REQUESTED, LEAD_DAYS)

    assert answer.verdict is Verdict.LATER
    assert answer.available_from == REQUESTED + timedelta(days=1)


def test_the_latest_supplier_sets_the_day_it_is_feasible_from() -> None:
    """P4.3"""
    short = {
        **PLENTY,
        "STEEL-CAST": stock("STEEL-CAST", "0", lead_time_days=40),
        "STEEL-BAR": stock("STEEL-BAR", "0", lead_time_days=50),
    }

    answer = check_materials(
        needs(("VALVE-DN50", 1), ("FLANGE-DN50", 1)), short, TODAY, REQUESTED, LEAD_DAYS
    )

    assert answer.verdict is Verdict.LATER
    assert answer.available_from == TODAY + timedelta(days=50 + LEAD_DAYS + 1)


def test_a_shortfall_nobody_delivers_a_missing_bom_or_material_is_not_feasible() -> None:
    """P4.1, P4.3"""
    no_supplier = check_materials(needs(("VALVE-CRYO-50", 1)), PLENTY, TODAY, REQUESTED, LEAD_DAYS)
    no_bom = check_materials(needs(("PUMP-NEW", 5)), PLENTY, TODAY, REQUESTED, LEAD_DAYS)
    no_master = check_materials(needs(("FLANGE-DN50", 1)), {}, TODAY, REQUESTED, LEAD_DAYS)

    assert no_supplier.verdict is Verdict.NOT_FEASIBLE and "INVAR-BAR" in no_supplier.reason
    assert no_bom.verdict is Verdict.NOT_FEASIBLE
    assert no_bom.reason == "no bill of materials for PUMP-NEW"
    assert no_master.verdict is Verdict.NOT_FEASIBLE and "STEEL-BAR" in no_master.reason


def test_a_supplier_who_cannot_deliver_inside_the_calendar_makes_it_not_feasible() -> None:
    """P4.3"""
    today = date(2100, 12, 1)
    short = {"STEEL-BAR": stock("STEEL-BAR", "0", lead_time_days=31)}

    answer = check_materials(needs(("FLANGE-DN50", 1)), short, today, DATE_MAX, LEAD_DAYS)

    assert answer.verdict is Verdict.NOT_FEASIBLE
    assert "cannot deliver before 2100-12-31" in answer.reason
