"""Shipment rules: one shipment per order, dispatched only once released, with carrier and
tracking number recorded (P5.1, P5.3, P5.4, P5.5, P7.6)."""

from datetime import date

import pytest

from services.logistics.domain.model import (
    AUTOMATIC_RELEASE,
    DEFAULT_CARRIER,
    Line,
    NotReleased,
    Outcome,
    PrepareShipment,
    Shipment,
    ShipmentStatus,
    ShipmentWasDispatched,
    shipment_number,
    tracking_number_for,
)

ORDER = "SO-2026-000001"
TODAY = date(2026, 11, 22)
LINES = (Line("VALVE-DN50", 20), Line("FLANGE-DN50", 40))


def prepared() -> Shipment:
    return Shipment.prepare(PrepareShipment(ORDER, "MO-SO-2026-000001", LINES, TODAY))


def dispatched() -> Shipment:
    shipment = prepared()
    shipment.release(AUTOMATIC_RELEASE)
    shipment.dispatch(DEFAULT_CARRIER, tracking_number_for(ORDER), TODAY)
    return shipment


def test_a_prepared_shipment_is_numbered_after_its_order_and_awaits_release_p5_1() -> None:
    shipment = prepared()

    assert shipment.shipment_id == shipment_number(ORDER) == "SH-SO-2026-000001"
    assert shipment.status is ShipmentStatus.AWAITING_RELEASE
    assert shipment.lines == LINES
    assert shipment.events == []


def test_a_shipment_that_has_not_been_released_cannot_be_dispatched_p5_3() -> None:
    shipment = prepared()

    with pytest.raises(NotReleased):
        shipment.dispatch(DEFAULT_CARRIER, "TRK1", TODAY)
    assert shipment.status is ShipmentStatus.AWAITING_RELEASE
    assert shipment.events == []


def test_a_release_records_who_released_the_shipment_p5_1() -> None:
    shipment = prepared()

    shipment.release(AUTOMATIC_RELEASE)

    assert shipment.status is ShipmentStatus.RELEASED
    assert shipment.released_by == "automatic"


def test_a_released_shipment_is_dispatched_with_carrier_and_tracking_number_p5_5() -> None:
    shipment = dispatched()

    assert shipment.status is ShipmentStatus.DISPATCHED
    assert shipment.carrier == "DHL Freight"
    assert shipment.tracking_number == tracking_number_for(ORDER)
    assert shipment.dispatched_on == TODAY
    assert shipment.events == [ShipmentWasDispatched(ORDER, "SH-SO-2026-000001")]


def test_a_dispatched_shipment_cannot_be_dispatched_a_second_time() -> None:
    shipment = dispatched()

    with pytest.raises(NotReleased):
        shipment.dispatch(DEFAULT_CARRIER, "TRK2", TODAY)
    assert len(shipment.events) == 1


def test_an_orders_tracking_number_is_the_same_every_time_it_is_worked_out() -> None:
    number = tracking_number_for(ORDER)

    assert number == tracking_number_for(ORDER)
    assert number.startswith("TRK")
    assert len(number) == 15


def test_different_orders_get_different_tracking_numbers() -> None:
    assert tracking_number_for("SO-2026-000001") != tracking_number_for("SO-2026-000002")


def test_closing_files_the_shipment_with_the_orders_outcome_p7_6() -> None:
    shipment = dispatched()
    shipment.events.clear()

    shipment.close(Outcome.FULFILLED)
    shipment.close(Outcome.DECLINED)

    assert shipment.status is ShipmentStatus.CLOSED
    assert shipment.outcome is Outcome.FULFILLED
    assert shipment.events == []
