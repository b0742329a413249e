"""An increase or a new date after confirmation in production's pure domain (P7.3): rule 3
gives the released quantity from the highest release and the highest applied version in
either order of arrival; the requirement list made again for more units takes free stock as
far as it goes and keeps what was issued; a produced order that grew goes back to released and
books only its extra, one in production goes on; a new date after release is the due date."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from services.production.domain import quality
from services.production.domain.changes import ChangeDecision, apply_decision
from services.production.domain.commands import Line, ReleaseOrder
from services.production.domain.events import GoodsWereProduced
from services.production.domain.model import ProductionOrder, ProductionStatus
from services.production.domain.planner import Slot, iso_week
from services.production.domain.stock import MaterialLine, relist
from services.production.domain.versions import Effect, take_release
from tests.unit.production.builders import (
    CLERK,
    INSPECTOR,
    LEAD_DAYS,
    MANAGER,
    TODAY,
    line,
    signed,
    stock,
)

ORDER = "SO-2031-000001"
VALVE, FLANGE = "VALVE-DN50", "FLANGE-DN50"
CONFIRMED = date(2031, 9, 17)


def release(units: int, version: int = 1, confirmed: date = CONFIRMED) -> ReleaseOrder:
    return ReleaseOrder(ORDER, confirmed, (Line(VALVE, units),), "signed", version)


def decision(
    change_no: int, units: int, kinds: frozenset[str] = frozenset({"increase"})
) -> ChangeDecision:
    return ChangeDecision(change_no, True, kinds, (Line(VALVE, units),), CONFIRMED, False)


def released(units: int = 20) -> ProductionOrder:
    order = ProductionOrder.start(ORDER)
    operations = quality.routing_operations([VALVE], {VALVE: ["machining", "assembly"]})
    order.release(release(units), (line("STEEL-CAST", str(units)),), operations, LEAD_DAYS)
    order.book(Slot(iso_week(TODAY), TODAY, TODAY + timedelta(days=LEAD_DAYS)), "capacity")
    order.events.clear()
    return order


def produced(units: int = 20) -> ProductionOrder:
    order = released(units)
    order.begin(TODAY, signed(MANAGER))
    for operation in order.operations:
        order.patrol(operation.number, True, "", signed(INSPECTOR))
    order.request_inspection(VALVE, units, signed(MANAGER))
    order.sign_inspection(1, units, 0, "", signed(INSPECTOR))
    order.receive(VALVE, units, TODAY, signed(CLERK))
    order.events.clear()
    return order


def amounts(lines: tuple[MaterialLine, ...], *fields: str) -> list[tuple[object, ...]]:
    """The named fields of each material line (Decimals, compared with counts)."""
    return [tuple(getattr(m, name) for name in fields) for m in lines]


# -- rule 3 in either order of arrival ----------------------------------------------------------


@pytest.mark.rule("P7.3")
def test_a_later_release_alone_gives_no_more_until_its_version_is_applied() -> None:
    order = released()

    assert take_release(order, release(30, version=2)) is Effect.NOTHING
    assert (order.units, order.release_version) == (20, 2)
    assert apply_decision(order, decision(2, 30)) is Effect.INCREASED
    assert (order.units, order.version) == (30, 2)


@pytest.mark.rule("P7.3")
def test_a_decision_alone_gives_no_more_until_its_version_is_released() -> None:
    order = released()

    assert apply_decision(order, decision(2, 30)) is Effect.NOTHING
    assert (order.units, order.version) == (20, 2)
    assert take_release(order, release(30, version=2)) is Effect.INCREASED
    assert (order.units, order.release_version) == (30, 2)


@pytest.mark.rule("P7.3")
def test_both_orders_of_arrival_end_with_the_same_lines_versions_and_date() -> None:
    first, second = released(), released()
    take_release(first, release(30, version=2))
    apply_decision(first, decision(2, 30))
    apply_decision(second, decision(2, 30))
    take_release(second, release(30, version=2))

    def state(order: ProductionOrder) -> tuple[object, ...]:
        return (order.lines, order.version, order.release_version, order.due, order.status)

    assert state(first) == state(second)


@pytest.mark.rule("P7.3")
def test_a_repeated_or_older_release_changes_nothing() -> None:
    order = released()
    apply_decision(order, decision(2, 30))
    take_release(order, release(30, version=2))

    assert take_release(order, release(30, version=2)) is Effect.NOTHING
    assert take_release(order, release(20, version=1, confirmed=date(2031, 8, 20))) is (
        Effect.NOTHING
    )
    assert (order.units, order.release_version, order.due) == (30, 2, CONFIRMED)


@pytest.mark.rule("P7.3")
def test_a_later_decrease_caps_a_release_that_comes_late() -> None:
    """Rule 3: the lower of the two, each from its highest version."""
    order = released()
    apply_decision(order, decision(2, 30))
    apply_decision(order, decision(3, 25, frozenset({"decrease"})))

    assert take_release(order, release(30, version=2)) is Effect.INCREASED
    assert order.units == 25


# -- started orders ----------------------------------------------------------------------------


@pytest.mark.rule("P7.3")
def test_a_produced_order_that_grew_goes_back_to_released_and_books_only_its_extra() -> None:
    order = produced()
    assert order.ready_on == TODAY

    apply_decision(order, decision(2, 30))
    assert take_release(order, release(30, version=2)) is Effect.SUPPLEMENTED

    assert order.status is ProductionStatus.RELEASED
    assert order.ready_on is None
    assert (order.units, order.units_to_book) == (30, 10)
    assert [operation.status.value for operation in order.operations] == ["passed", "passed"]


@pytest.mark.rule("P7.3")
@pytest.mark.rule("P7.2")
def test_a_restarted_order_whose_extra_is_cut_again_before_its_new_start_is_produced_again() -> (
    None
):
    order = produced()
    apply_decision(order, decision(2, 30))
    take_release(order, release(30, version=2))

    assert apply_decision(order, decision(3, 20, frozenset({"decrease"}))) is Effect.DECREASED
    assert order.status is ProductionStatus.PRODUCED
    [goods] = [event for event in order.events if isinstance(event, GoodsWereProduced)]
    assert goods.lines == (Line(VALVE, 20),)


@pytest.mark.rule("P7.3")
def test_an_order_in_production_that_grew_stays_in_production() -> None:
    order = released()
    order.begin(TODAY, signed(MANAGER))

    apply_decision(order, decision(2, 30))
    assert take_release(order, release(30, version=2)) is Effect.SUPPLEMENTED

    assert (order.status, order.units, order.units_to_book) == (
        ProductionStatus.IN_PRODUCTION,
        30,
        30,
    )


@pytest.mark.rule("P7.3")
def test_a_new_start_issues_only_what_was_not_issued_yet() -> None:
    order = produced()
    apply_decision(order, decision(2, 30))
    take_release(order, release(30, version=2))
    order.materials = (
        MaterialLine("STEEL-CAST", "kg", Decimal(30), Decimal(30), Decimal(0), None, Decimal(20)),
    )
    order.book(Slot(iso_week(TODAY), TODAY, TODAY + timedelta(days=LEAD_DAYS)), "capacity")

    assert order.begin(TODAY, signed(MANAGER)) == {"STEEL-CAST": Decimal(10)}
    assert amounts(order.materials, "reserved", "issued", "held") == [(30, 30, 0)]


# -- the requirement list made again -------------------------------------------------------------


@pytest.mark.rule("P7.3")
def test_more_units_take_free_stock_as_far_as_it_goes_and_the_rest_is_short() -> None:
    """The order's own hold counts as free to it (the stock as it sees it)."""
    before = (line("STEEL-CAST", "20"),)
    listed, freed = relist(
        before,
        {"STEEL-CAST": Decimal(40), "GASKET-PTFE": Decimal(2)},
        {"STEEL-CAST": stock("STEEL-CAST", "30"), "GASKET-PTFE": stock("GASKET-PTFE", "5")},
        TODAY,
    )

    assert amounts(listed, "material_code", "need", "reserved", "shortfall") == [
        ("STEEL-CAST", 40, 30, 10),
        ("GASKET-PTFE", 2, 2, 0),
    ]
    assert listed[0].expected_on == TODAY + timedelta(days=14)
    assert freed == ()


@pytest.mark.rule("P7.3")
def test_what_was_issued_stays_issued_and_only_what_the_store_holds_is_freed() -> None:
    issued = MaterialLine(
        "STEEL-CAST", "kg", Decimal(30), Decimal(30), Decimal(0), None, Decimal(20)
    )
    listed, freed = relist((issued,), {"STEEL-CAST": Decimal(15)}, {}, TODAY)

    assert amounts(listed, "need", "reserved", "shortfall", "issued") == [(15, 20, 0, 20)]
    assert freed == (("STEEL-CAST", Decimal(10)),)


@pytest.mark.rule("P7.3")
def test_a_product_added_to_a_started_order_gets_its_operations_after_the_passed_ones() -> None:
    order = produced()
    operations = quality.extend_routing(order.operations, [VALVE, FLANGE], {FLANGE: ["turning"]})

    assert [(o.number, o.product_code, o.status.value) for o in operations] == [
        (1, VALVE, "passed"),
        (2, VALVE, "passed"),
        (3, FLANGE, "waiting"),
    ]


# -- a new date ----------------------------------------------------------------------------------


@pytest.mark.rule("P7.3")
@pytest.mark.rule("P4.10")
def test_a_new_date_after_release_is_the_due_date() -> None:
    order = released()
    later = date(2031, 10, 1)
    date_change = ChangeDecision(2, True, frozenset({"date"}), order.lines or (), later, False)

    assert apply_decision(order, date_change) is Effect.NOTHING
    assert (order.due, order.version) == (later, 2)


@pytest.mark.rule("P7.3")
def test_a_decrease_after_release_does_not_move_the_due_date() -> None:
    """Only a change of kind date does: a decrease's date is the one the order had."""
    order = released()
    cut = ChangeDecision(
        2, True, frozenset({"decrease"}), (Line(VALVE, 15),), date(2031, 12, 1), False
    )

    assert apply_decision(order, cut) is Effect.DECREASED
    assert order.due == CONFIRMED
