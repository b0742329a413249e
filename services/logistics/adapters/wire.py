"""Translation between the wire contracts and the logistics domain."""

from datetime import datetime
from decimal import Decimal
from uuid import UUID

from services.logistics import SERVICE_NAME
from services.logistics.domain import events as domain
from services.logistics.domain.commands import (
    Address,
    Contact,
    FinanceCheck,
    Placement,
    RecordProduction,
    Units,
    units,
)
from services.logistics.domain.model import OrderShipping
from services.logistics.domain.shipment import Shipment
from shared.contracts import (
    DeliveryLate,
    Event,
    GoodsDelivered,
    GoodsProduced,
    GoodsShipped,
    OrderPlaced,
    PaymentChecked,
    ShipmentEscalated,
    ShipmentReleased,
    ShipmentRequested,
)
from shared.contracts import common as wire
from shared.contracts.bounds import MAX_QUANTITY
from shared.contracts.changes import ShipmentCancelled, ShipmentCancelledPayload
from shared.contracts.events import GoodsShippedPayload, ProducedLine
from shared.contracts.shipping import (
    DeliveryLatePayload,
    GoodsDeliveredPayload,
    ShipmentEscalatedPayload,
    ShipmentReleasedPayload,
    ShipmentRequestedPayload,
)
from shared.decisions import Signature
from shared.messaging.events import new_event

NOTIFIED_OF_LATE_DELIVERY = ["customer_service", "sales_rep"]


def placement(placed: OrderPlaced) -> Placement:
    body = placed.payload
    return Placement(
        customer_id=body.customer_id,
        currency=body.currency,
        ordered=units([(line.product_code, line.quantity) for line in body.lines]),
        delivery_address=address(body.delivery_address),
        contact=contact(body.contact),
    )


def address(given: wire.Address) -> Address:
    return Address(given.name, given.street, given.postal_code, given.city, given.country)


def contact(given: wire.Contact) -> Contact:
    return Contact(given.name, given.email, given.phone)


def production(produced: GoodsProduced) -> RecordProduction:
    body = produced.payload
    return RecordProduction(
        production_order_id=body.production_order_id,
        finished=units([(line.product_code, line.quantity) for line in body.lines]),
        at=produced.occurred_at,
    )


def finance_check(checked: PaymentChecked) -> FinanceCheck:
    body = checked.payload
    signed = body.signed
    return FinanceCheck(
        passed=body.outcome == "passed",
        tier=body.tier,
        credit_exception=body.credit_exception,
        amount=body.amount,
        currency=body.currency,
        reason=body.reason,
        signed=Signature(signed.user, signed.role, signed.at) if signed else None,
        at=checked.occurred_at,
    )


def lines(of: Units) -> list[ProducedLine]:
    """Units per product as wire lines, a product beyond one line's quantity on several."""
    out: list[ProducedLine] = []
    for code, count in sorted(of.items()):
        while count > 0:
            out.append(ProducedLine(product_code=code, quantity=min(count, MAX_QUANTITY)))
            count -= MAX_QUANTITY
    return out


def signed(signature: Signature) -> wire.Signed:
    return wire.Signed(user=signature.user, role=signature.role, at=signature.at)


def _address(given: Address) -> wire.Address:
    return wire.Address(
        name=given.name,
        street=given.street,
        postal_code=given.postal_code,
        city=given.city,
        country=given.country,
    )


def _payload(event: domain.DomainEvent, shipment: Shipment, order: OrderShipping) -> object:
    match event:
        case domain.ShipmentWasRequested():
            return ShipmentRequestedPayload(
                shipment_id=shipment.shipment_id,
                lines=lines(shipment.lines),
                partial=shipment.partial,
                delivery_address=_address(shipment.delivery_address),
                contact=wire.Contact(
                    name=shipment.contact.name,
                    email=shipment.contact.email,
                    phone=shipment.contact.phone,
                ),
                requested=signed(shipment.requested),
            )
        case domain.ShipmentWasReleased(kind="emergency"):
            assert shipment.emergency is not None
            return ShipmentReleasedPayload(
                shipment_id=shipment.shipment_id,
                kind="emergency",
                released=signed(shipment.emergency.signed),
                finance=_finance_signer(shipment),
                reason=shipment.emergency.reason,
            )
        case domain.ShipmentWasReleased():
            assert shipment.release is not None
            return ShipmentReleasedPayload(
                shipment_id=shipment.shipment_id,
                kind="signed",
                released=signed(shipment.release),
                finance=_finance_signer(shipment),
            )
        case domain.ShipmentWasEscalated(missing=missing):
            assert shipment.emergency is not None
            return ShipmentEscalatedPayload(
                shipment_id=shipment.shipment_id,
                released_at=signed(shipment.emergency.signed),
                missing=list(missing),
                escalated_to="general_manager",
            )
        case domain.GoodsWereShipped():
            notice = shipment.dispatched
            assert notice is not None and shipment.handover is not None
            return GoodsShippedPayload(
                shipment_id=shipment.shipment_id,
                carrier=notice.carrier,
                tracking_number=notice.tracking_number,
                lines=lines(shipment.lines),
                waybills=list(shipment.handover.waybills),
                expected_delivery_on=notice.expected_delivery_on,
                emergency=shipment.emergency is not None,
            )
        case domain.GoodsWereDelivered(order_delivered=order_delivered):
            receipt = shipment.receipt
            assert receipt is not None
            cash = Decimal(receipt.cash_collected)
            return GoodsDeliveredPayload(
                shipment_id=shipment.shipment_id,
                delivered_on=receipt.delivered_on,
                received_by=receipt.received_by,
                lines=lines(receipt.lines),
                discrepancy=receipt.discrepancy,
                late=receipt.late,
                order_delivered=order_delivered,
                cash_collected=cash,
                currency=order.placement.currency if cash > 0 and order.placement else None,
                recorded=signed(receipt.signed),
            )
        case domain.DeliveryWasLate(days_late=days_late):
            assert shipment.dispatched is not None
            return DeliveryLatePayload(
                shipment_id=shipment.shipment_id,
                expected_on=shipment.dispatched.expected_delivery_on,
                days_late=days_late,
                notify=list(NOTIFIED_OF_LATE_DELIVERY),
            )
        case domain.ShipmentWasCancelled():
            cancellation = shipment.cancellation
            assert cancellation is not None
            return ShipmentCancelledPayload(
                shipment_id=shipment.shipment_id,
                change_no=cancellation.change_no,
                reason=cancellation.reason,
                cancelled=None,
            )


_KINDS: dict[type[domain.DomainEvent], type[Event]] = {
    domain.ShipmentWasRequested: ShipmentRequested,
    domain.ShipmentWasReleased: ShipmentReleased,
    domain.ShipmentWasEscalated: ShipmentEscalated,
    domain.GoodsWereShipped: GoodsShipped,
    domain.GoodsWereDelivered: GoodsDelivered,
    domain.DeliveryWasLate: DeliveryLate,
    domain.ShipmentWasCancelled: ShipmentCancelled,
}


def _finance_signer(shipment: Shipment) -> wire.Signed | None:
    finance = shipment.finance
    return signed(finance.signed) if finance and finance.passed and finance.signed else None


def to_wire(
    event: domain.DomainEvent,
    shipment: Shipment,
    order: OrderShipping,
    causation_id: UUID | None,
    now: datetime,
) -> Event:
    """The wire event of a shipment's domain event, keyed by its order."""
    return new_event(
        _KINDS[type(event)],
        order_id=shipment.order_id,
        producer=SERVICE_NAME,
        causation_id=causation_id,
        occurred_at=now,
        payload=_payload(event, shipment, order),
    )
