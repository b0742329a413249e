"""The shipping request (P5.1): what a shipment takes, numbered per order, partial only with
the customer's agreement, corrections of address or contact only with a reason."""

import pytest

from services.logistics.domain.commands import Address, RecordProduction, RequestShipment
from services.logistics.domain.events import ShipmentWasRequested
from shared.decisions import InvalidDecision, NotAllowedNow
from tests.unit.logistics.builders import (
    ADDRESS,
    CONTACT,
    CUSTOMER_SERVICE,
    FRIDAY,
    ORDER,
    ORDERED,
    placed_order,
    requested,
    signed,
)

pytestmark = pytest.mark.rule("P5.1")

EVERYTHING = RequestShipment(None, None, None)


def test_a_request_without_lines_takes_everything_produced_and_is_numbered_after_its_order() -> (
    None
):
    order = placed_order()

    shipment = requested(order)

    assert shipment.shipment_id == f"SH-{ORDER}-1"
    assert shipment.lines == ORDERED
    assert not shipment.partial
    assert (shipment.delivery_address, shipment.contact) == (ADDRESS, CONTACT)
    assert shipment.events == [ShipmentWasRequested(shipment.shipment_id)]
    assert order.remaining() == {} and order.available() == {}


def test_taking_less_than_the_remaining_quantities_needs_the_customers_agreement() -> None:
    order = placed_order()
    less = RequestShipment({"VALVE-DN50": 20}, None, None)

    with pytest.raises(InvalidDecision, match="partial"):
        order.request(less, signed(CUSTOMER_SERVICE))
    assert order.shipments == 0 and order.taken == {}

    agreed = RequestShipment({"VALVE-DN50": 20}, None, None, partial_agreement="phoned, agreed")
    shipment = order.request(agreed, signed(CUSTOMER_SERVICE))
    assert shipment.partial
    assert order.remaining() == {"FLANGE-DN50": 40}


def test_goods_only_partly_produced_ship_by_default_only_with_the_agreement() -> None:
    order = placed_order(produced={"VALVE-DN50": 5})

    with pytest.raises(InvalidDecision):
        order.request(EVERYTHING, signed(CUSTOMER_SERVICE))
    agreed = RequestShipment(None, None, None, partial_agreement="customer takes the valves now")
    assert order.request(agreed, signed(CUSTOMER_SERVICE)).lines == {"VALVE-DN50": 5}


def test_the_second_shipment_of_an_order_is_numbered_two_and_takes_only_what_is_left() -> None:
    order = placed_order(produced={"VALVE-DN50": 20})
    agreed = RequestShipment(None, None, None, partial_agreement="agreed")
    order.request(agreed, signed(CUSTOMER_SERVICE))
    order.record_production(RecordProduction("MO-1", dict(ORDERED), FRIDAY))

    second = order.request(EVERYTHING, signed(CUSTOMER_SERVICE))

    assert second.shipment_id == f"SH-{ORDER}-2"
    assert second.lines == {"FLANGE-DN50": 40}
    assert not second.partial


def test_nothing_produced_and_unshipped_cannot_be_requested() -> None:
    order = placed_order()
    requested(order)

    with pytest.raises(NotAllowedNow):
        order.request(EVERYTHING, signed(CUSTOMER_SERVICE))


def test_lines_beyond_what_is_available_are_refused_and_change_nothing() -> None:
    order = placed_order()

    with pytest.raises(InvalidDecision, match="exceeds"):
        order.request(RequestShipment({"VALVE-DN50": 21}, None, None), signed(CUSTOMER_SERVICE))
    assert order.taken == {} and order.shipments == 0


def test_a_corrected_address_needs_a_reason_and_is_recorded_with_before_and_after() -> None:
    order = placed_order()
    moved = Address("Keller Anlagenbau GmbH", "Werkstr. 9", "21079", "Hamburg", "DE")

    with pytest.raises(InvalidDecision, match="reason"):
        order.request(RequestShipment(None, moved, None), signed(CUSTOMER_SERVICE))

    shipment = order.request(
        RequestShipment(None, moved, None, correction_reason="new site"), signed(CUSTOMER_SERVICE)
    )
    (correction,) = shipment.corrections
    assert (correction.before, correction.after, correction.reason) == (ADDRESS, moved, "new site")
    assert correction.signed.user == CUSTOMER_SERVICE.user
    assert shipment.delivery_address == moved


def test_the_address_on_file_given_again_is_no_correction() -> None:
    order = placed_order()

    shipment = order.request(RequestShipment(None, ADDRESS, CONTACT), signed(CUSTOMER_SERVICE))

    assert shipment.corrections == []


def test_goods_reported_produced_twice_are_counted_once() -> None:
    order = placed_order()
    order.record_production(RecordProduction("MO-1", dict(ORDERED), FRIDAY))

    assert order.produced == ORDERED
    assert order.available() == ORDERED
