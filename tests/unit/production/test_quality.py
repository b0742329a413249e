"""Quality control: the routing's operations patrolled in order, a failure holding the later
ones until rework passes; inspection requests bounded by what the order still needs; the QA
inspector's signed result; rework and scrap; and the warehouse receiving passed units (P4.8,
P4.9)."""

from datetime import timedelta

import pytest

from services.production.domain.quality import (
    DEFAULT_ROUTING,
    Disposition,
    InspectionRequest,
    Operation,
    OperationStatus,
    Receipt,
    all_passed,
    dispose,
    patrol,
    receive,
    request_inspection,
    routing_operations,
    sign_inspection,
    tally,
)
from shared.decisions import InvalidDecision, NotAllowedNow, NotFound
from tests.unit.production.builders import CLERK, INSPECTOR, MANAGER, TODAY, signed

VALVE = "VALVE-DN50"
FLANGE = "FLANGE-DN50"
ORDERED = {VALVE: 20, FLANGE: 5}
ROUTINGS = {VALVE: ["casting machining", "assembly", "pressure test"]}


def operations() -> tuple[Operation, ...]:
    return routing_operations([VALVE], ROUTINGS)


def passed_through(ops: tuple[Operation, ...], *numbers: int) -> tuple[Operation, ...]:
    for number in numbers:
        ops = patrol(ops, number, True, "", signed(INSPECTOR))
    return ops


def asked(quantity: int = 20, product: str = VALVE) -> tuple[InspectionRequest, ...]:
    return request_inspection((), (), ORDERED, product, quantity, signed(MANAGER))


def inspected(
    passed: int, failed: int, requests: tuple[InspectionRequest, ...] | None = None
) -> tuple[InspectionRequest, ...]:
    requests = asked(passed + failed) if requests is None else requests
    note = "leaks at the seat" if failed else ""
    return sign_inspection(requests, len(requests), passed, failed, note, signed(INSPECTOR))


# -- the routing -------------------------------------------------------------------------------


def test_an_order_has_each_products_routing_numbered_in_order_of_first_appearance() -> None:
    """P4.8"""
    ops = routing_operations([VALVE, FLANGE, VALVE], ROUTINGS)

    assert [(op.number, op.product_code, op.name) for op in ops] == [
        (1, VALVE, "casting machining"),
        (2, VALVE, "assembly"),
        (3, VALVE, "pressure test"),
        (4, FLANGE, DEFAULT_ROUTING[0]),
    ]
    assert all(op.status is OperationStatus.WAITING for op in ops)


# -- patrol inspection -------------------------------------------------------------------------


def test_operations_are_patrolled_in_order() -> None:
    """P4.8"""
    ops = passed_through(operations(), 1, 2, 3)

    assert all_passed(ops)


def test_an_operation_cannot_be_inspected_before_the_one_before_it_passed() -> None:
    """P4.8"""
    with pytest.raises(NotAllowedNow, match="operation 1"):
        patrol(operations(), 2, True, "", signed(INSPECTOR))


def test_a_failed_operation_holds_every_later_one_until_it_passes_after_rework() -> None:
    """P4.8"""
    failed = patrol(operations(), 1, False, "bore out of tolerance", signed(INSPECTOR))

    with pytest.raises(NotAllowedNow, match="rework it first"):
        patrol(failed, 2, True, "", signed(INSPECTOR))
    with pytest.raises(NotAllowedNow):
        patrol(failed, 3, True, "", signed(INSPECTOR))

    reworked = patrol(failed, 1, True, "", signed(INSPECTOR))
    assert reworked[0].status is OperationStatus.PASSED
    assert len(reworked[0].patrols) == 2
    assert passed_through(reworked, 2, 3)[2].status is OperationStatus.PASSED


def test_a_failed_operation_needs_a_note() -> None:
    """P4.8"""
    with pytest.raises(InvalidDecision, match="note"):
        patrol(operations(), 1, False, "  ", signed(INSPECTOR))


def test_a_passed_operation_is_not_inspected_again() -> None:
    """P4.8"""
    with pytest.raises(NotAllowedNow, match="already passed"):
        patrol(passed_through(operations(), 1), 1, True, "", signed(INSPECTOR))


def test_an_operation_the_routing_does_not_have_is_not_found() -> None:
    """P4.8"""
    for number in (0, 4):
        with pytest.raises(NotFound):
            patrol(operations(), number, True, "", signed(INSPECTOR))


# -- inspection requests -----------------------------------------------------------------------


def test_the_workshop_may_ask_for_inspection_of_as_many_units_as_were_ordered() -> None:
    """P4.8"""
    assert asked(20) == (InspectionRequest(1, VALVE, 20, signed(MANAGER)),)


def test_no_more_units_than_ordered_can_be_asked_for() -> None:
    """P4.8"""
    with pytest.raises(NotAllowedNow, match="only 20 units"):
        asked(21)


def test_units_waiting_for_qa_count_against_what_can_be_asked_for() -> None:
    """P4.8"""
    with pytest.raises(NotAllowedNow, match="only 5 units"):
        request_inspection(asked(15), (), ORDERED, VALVE, 6, signed(MANAGER))


def test_passed_units_count_against_what_can_be_asked_for() -> None:
    """P4.8"""
    requests = inspected(15, 0)

    assert len(request_inspection(requests, (), ORDERED, VALVE, 5, signed(MANAGER))) == 2
    with pytest.raises(NotAllowedNow, match="only 5 units"):
        request_inspection(requests, (), ORDERED, VALVE, 6, signed(MANAGER))


def test_failed_units_awaiting_rework_or_scrap_count_against_what_can_be_asked_for() -> None:
    """P4.8"""
    with pytest.raises(NotAllowedNow, match="only 0 units"):
        request_inspection(inspected(18, 2), (), ORDERED, VALVE, 1, signed(MANAGER))


def test_each_product_is_counted_on_its_own() -> None:
    """P4.8"""
    requests = request_inspection(asked(20), (), ORDERED, FLANGE, 5, signed(MANAGER))

    assert [(r.number, r.product_code, r.quantity) for r in requests] == [
        (1, VALVE, 20),
        (2, FLANGE, 5),
    ]


def test_a_product_the_order_does_not_have_cannot_be_asked_for() -> None:
    """P4.8"""
    with pytest.raises(NotFound):
        asked(1, product="PUMP-CP40")


# -- the signed result -------------------------------------------------------------------------


def test_passed_and_failed_units_must_add_up_to_the_request() -> None:
    """P4.8"""
    for passed, failed in ((18, 1), (20, 1), (0, 0)):
        with pytest.raises(InvalidDecision, match="add up to the 20"):
            sign_inspection(asked(20), 1, passed, failed, "scratched", signed(INSPECTOR))


def test_a_signed_result_is_kept_with_who_signed_it() -> None:
    """P4.8"""
    [request] = inspected(18, 2)

    assert (request.passed, request.failed, request.note) == (18, 2, "leaks at the seat")
    assert request.inspected == signed(INSPECTOR)
    assert request.signed


def test_failed_units_need_a_note() -> None:
    """P4.8"""
    with pytest.raises(InvalidDecision, match="note"):
        sign_inspection(asked(20), 1, 18, 2, "", signed(INSPECTOR))


def test_a_request_is_signed_only_once() -> None:
    """P4.8"""
    with pytest.raises(NotAllowedNow, match="already signed"):
        sign_inspection(inspected(20, 0), 1, 20, 0, "", signed(INSPECTOR))


def test_an_unknown_request_is_not_found() -> None:
    """P4.8"""
    with pytest.raises(NotFound):
        sign_inspection(asked(20), 2, 20, 0, "", signed(INSPECTOR))


# -- rework and scrap --------------------------------------------------------------------------


def test_reworked_units_are_asked_for_inspection_again_in_a_new_request() -> None:
    """P4.8"""
    requests = dispose(inspected(18, 2), 1, Disposition.REWORK, signed(MANAGER))

    assert requests[0].disposition is Disposition.REWORK
    assert requests[0].disposed == signed(MANAGER)
    assert requests[1] == InspectionRequest(2, VALVE, 2, signed(MANAGER), rework_of=1)


def test_scrapped_units_let_new_units_be_asked_for() -> None:
    """P4.8"""
    requests = dispose(inspected(18, 2), 1, Disposition.SCRAP, signed(MANAGER))

    assert len(requests) == 1
    again = request_inspection(requests, (), ORDERED, VALVE, 2, signed(MANAGER))
    assert again[1] == InspectionRequest(2, VALVE, 2, signed(MANAGER))
    assert tally(VALVE, again, ()).scrapped == 2


def test_only_a_signed_request_with_failed_units_can_be_disposed_of_and_only_once() -> None:
    """P4.8"""
    with pytest.raises(NotAllowedNow, match="no failed units"):
        dispose(asked(20), 1, Disposition.REWORK, signed(MANAGER))
    with pytest.raises(NotAllowedNow, match="no failed units"):
        dispose(inspected(20, 0), 1, Disposition.SCRAP, signed(MANAGER))
    done = dispose(inspected(18, 2), 1, Disposition.SCRAP, signed(MANAGER))
    with pytest.raises(NotAllowedNow, match="already disposed"):
        dispose(done, 1, Disposition.REWORK, signed(MANAGER))


def test_the_tally_counts_inspected_passed_failed_scrapped_pending_and_received() -> None:
    """P4.8, P4.9"""
    requests = dispose(inspected(17, 3), 1, Disposition.REWORK, signed(MANAGER))
    requests = inspected(2, 1, requests)
    receipts = (Receipt(VALVE, 10, TODAY, signed(CLERK)),)

    counted = tally(VALVE, requests, receipts)

    assert counted.inspected == 23
    assert counted.passed == 19
    assert counted.failed == 4
    assert counted.scrapped == 0
    assert counted.pending == 0
    assert counted.awaiting_disposition == 1
    assert counted.received == 10


# -- the warehouse receipt ---------------------------------------------------------------------


def test_passed_units_are_received_day_by_day() -> None:
    """P4.8"""
    requests = inspected(18, 2)
    tomorrow = TODAY + timedelta(days=1)

    receipts = receive(requests, (), VALVE, 10, TODAY, signed(CLERK))
    receipts = receive(requests, receipts, VALVE, 8, tomorrow, signed(CLERK))

    assert receipts == (
        Receipt(VALVE, 10, TODAY, signed(CLERK)),
        Receipt(VALVE, 8, tomorrow, signed(CLERK)),
    )


def test_no_more_than_the_passed_units_not_yet_received_can_be_received() -> None:
    """P4.8"""
    requests = inspected(18, 2)
    receipts = receive(requests, (), VALVE, 10, TODAY, signed(CLERK))

    with pytest.raises(NotAllowedNow, match="only 8 passed units"):
        receive(requests, receipts, VALVE, 9, TODAY, signed(CLERK))


def test_units_not_inspected_yet_cannot_be_received() -> None:
    """P4.8"""
    with pytest.raises(NotAllowedNow, match="only 0 passed units"):
        receive(asked(20), (), VALVE, 1, TODAY, signed(CLERK))
