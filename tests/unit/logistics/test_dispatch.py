"""No release, no dispatch (P5.3); outbound check and handover (P5.4); the shipping notice
(P5.5)."""

from dataclasses import replace
from datetime import timedelta

import pytest

from services.logistics.domain.events import GoodsWereShipped
from services.logistics.domain.shipment import ShipmentStatus
from shared.decisions import InvalidDecision, NotAllowedNow
from tests.unit.logistics.builders import (
    DISPATCHER,
    LEAD,
    NOTICE,
    ORDER_CLERK,
    TODAY,
    checked_and_released,
    handed_over,
    requested,
    signed,
)


@pytest.mark.rule("P5.3")
def test_a_shipment_that_is_not_released_cannot_be_dispatched_and_nothing_changes() -> None:
    shipment = requested()
    before = (shipment.status, shipment.dispatched, list(shipment.events))

    with pytest.raises(NotAllowedNow, match="not released"):
        shipment.dispatch(NOTICE, signed(DISPATCHER))
    assert (shipment.status, shipment.dispatched, shipment.events) == before


@pytest.mark.rule("P5.3")
def test_a_shipment_that_is_not_released_cannot_be_handed_over() -> None:
    shipment = requested()

    with pytest.raises(NotAllowedNow, match="not released"):
        shipment.hand_over(("WB1",), 1, signed(ORDER_CLERK))
    assert shipment.handover is None


@pytest.mark.rule("P5.4")
def test_a_released_shipment_is_dispatched_only_after_its_handover() -> None:
    shipment = checked_and_released()

    with pytest.raises(NotAllowedNow, match="handed over"):
        shipment.dispatch(NOTICE, signed(DISPATCHER))


@pytest.mark.rule("P5.4")
def test_counted_goods_that_differ_from_the_shipment_are_refused_with_the_differences() -> None:
    shipment = checked_and_released()
    counted = {**shipment.lines, "VALVE-DN50": 19}

    with pytest.raises(InvalidDecision, match="VALVE-DN50: shipment 20, counted 19"):
        shipment.check_outbound(counted, 2, signed(DISPATCHER))
    assert shipment.outbound is None and shipment.status is ShipmentStatus.RELEASED


@pytest.mark.rule("P5.4")
def test_three_waybills_for_two_parcels_are_refused() -> None:
    shipment = checked_and_released()
    shipment.check_outbound(dict(shipment.lines), 2, signed(DISPATCHER))

    with pytest.raises(InvalidDecision, match="3 waybills, 2 parcels"):
        shipment.hand_over(("WB1", "WB2", "WB3"), 2, signed(ORDER_CLERK))
    assert shipment.handover is None and shipment.status is ShipmentStatus.CHECKED


@pytest.mark.rule("P5.4")
def test_parcels_counted_at_the_handover_must_match_the_outbound_check() -> None:
    shipment = checked_and_released()
    shipment.check_outbound(dict(shipment.lines), 2, signed(DISPATCHER))

    with pytest.raises(InvalidDecision):
        shipment.hand_over(("WB1", "WB2", "WB3"), 3, signed(ORDER_CLERK))
    with pytest.raises(InvalidDecision, match="twice"):
        shipment.hand_over(("WB1", "WB1"), 2, signed(ORDER_CLERK))
    shipment.hand_over(("WB1", "WB2"), 2, signed(ORDER_CLERK))
    assert shipment.status is ShipmentStatus.HANDED_OVER


@pytest.mark.rule("P5.4")
def test_a_shipment_is_not_handed_over_before_its_outbound_check() -> None:
    shipment = checked_and_released()

    with pytest.raises(NotAllowedNow, match="not checked"):
        shipment.hand_over(("WB1",), 1, signed(ORDER_CLERK))


@pytest.mark.rule("P5.5")
def test_a_handed_over_shipment_is_dispatched_with_its_notice() -> None:
    shipment = handed_over(parcels=2)
    shipment.events.clear()

    shipment.dispatch(NOTICE, signed(DISPATCHER))

    assert shipment.status is ShipmentStatus.DISPATCHED
    assert shipment.dispatched is not None
    assert shipment.dispatched.expected_delivery_on == NOTICE.expected_delivery_on
    assert shipment.events == [GoodsWereShipped(shipment.shipment_id)]


@pytest.mark.rule("P5.3")
def test_an_emergency_release_lets_the_goods_go_before_the_signatures() -> None:
    shipment = requested()
    shipment.release_in_emergency(signed(LEAD), "line stop")
    shipment.check_outbound(dict(shipment.lines), 1, signed(DISPATCHER))
    shipment.hand_over(("WB1",), 1, signed(ORDER_CLERK))

    shipment.dispatch(NOTICE, signed(DISPATCHER))

    assert shipment.status is ShipmentStatus.DISPATCHED and shipment.emergency is not None


@pytest.mark.rule("P5.5")
def test_a_shipping_notice_cannot_expect_the_goods_before_the_day_they_leave() -> None:
    shipment = handed_over()
    early = replace(NOTICE, expected_delivery_on=TODAY - timedelta(days=1))

    with pytest.raises(InvalidDecision, match="before the dispatch day"):
        shipment.dispatch(early, signed(DISPATCHER))
    assert shipment.status is ShipmentStatus.HANDED_OVER and shipment.dispatched is None
