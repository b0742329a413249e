"""People's decisions at the shipping desk (P5.1, P5.3 to P5.6): each checks the role, loads
what it decides on, lets the domain decide and the desk carry out the consequences. A refusal
raises before anything is stored, and the unit of work rolls back."""

import logging

from services.logistics.desk import Desk
from services.logistics.domain import authority
from services.logistics.domain.authority import Act, check
from services.logistics.domain.commands import Dispatch, RecordDelivery, RequestShipment, Units
from services.logistics.domain.shipment import Shipment
from shared.decisions import NotAllowedNow, Person, Signature

audit = logging.getLogger("orderflow.audit")


def _signed(desk: Desk, person: Person) -> Signature:
    return Signature.of(person, desk.now)


async def request_shipment(
    desk: Desk, order_id: str, command: RequestShipment, person: Person
) -> Shipment:
    """P5.1: customer service raises the shipping request."""
    check(person, Act.REQUEST)
    order = await desk.require_order(order_id)
    return await desk.request(order, command, _signed(desk, person))


async def release(desk: Desk, shipment_id: str, person: Person) -> Shipment:
    """P5.1, P8.1: the release signature, after finance's check passed."""
    check(person, Act.RELEASE)
    _order, shipment = await desk.require_shipment(shipment_id)
    if shipment.finance is None or not shipment.finance.passed:
        raise NotAllowedNow(f"finance's check of {shipment_id} has not passed")
    authority.check_release(person, shipment.finance, desk.release_authority)
    shipment.sign_release(_signed(desk, person))
    return shipment


async def release_in_emergency(
    desk: Desk, shipment_id: str, reason: str, person: Person
) -> Shipment:
    """P5.3: released before its signatures, with a reason."""
    check(person, Act.EMERGENCY_RELEASE)
    order, shipment = await desk.require_shipment(shipment_id)
    tier = shipment.finance.tier if shipment.finance else order.tier
    authority.check_emergency_release(person, tier, shipment.finance)
    shipment.release_in_emergency(_signed(desk, person), reason)
    return shipment


async def check_outbound(
    desk: Desk, shipment_id: str, counted: Units, parcels: int, person: Person
) -> Shipment:
    """P5.4: the dispatcher counts the outbound goods and parcels."""
    check(person, Act.OUTBOUND_CHECK)
    _order, shipment = await desk.require_shipment(shipment_id)
    shipment.check_outbound(counted, parcels, _signed(desk, person))
    return shipment


async def hand_over(
    desk: Desk, shipment_id: str, waybills: tuple[str, ...], parcels: int, person: Person
) -> Shipment:
    """P5.3, P5.4: the order clerk hands the parcels to the carrier with their waybills."""
    check(person, Act.HANDOVER)
    _order, shipment = await desk.require_shipment(shipment_id)
    _warn_unless_released(shipment, person, "hand over")
    await desk.hand_over(shipment, waybills, parcels, _signed(desk, person))
    return shipment


async def dispatch(desk: Desk, shipment_id: str, notice: Dispatch, person: Person) -> Shipment:
    """P5.3, P5.5: the shipping notice; never without a release."""
    check(person, Act.DISPATCH)
    _order, shipment = await desk.require_shipment(shipment_id)
    _warn_unless_released(shipment, person, "dispatch")
    shipment.dispatch(notice, _signed(desk, person))
    return shipment


async def record_delivery(
    desk: Desk, shipment_id: str, receipt: RecordDelivery, person: Person
) -> Shipment:
    """P5.6: customer service records the customer's signed receipt."""
    check(person, Act.RECORD_DELIVERY)
    order, shipment = await desk.require_shipment(shipment_id)
    order.record_delivery(shipment, receipt, _signed(desk, person))
    return shipment


def _warn_unless_released(shipment: Shipment, person: Person, act: str) -> None:
    """P5.3: an attempt to ship what is not released is logged for the audit (the refusal
    that follows changes nothing)."""
    if not shipment.released:
        audit.warning(
            "%s (%s) tried to %s %s, which is not released",
            person.user,
            person.role,
            act,
            shipment.shipment_id,
        )
