"""Translation between the wire contracts and the logistics domain."""

from datetime import datetime
from uuid import UUID

from services.logistics import SERVICE_NAME
from services.logistics.domain.model import (
    DomainEvent,
    Line,
    PrepareShipment,
    Shipment,
    ShipmentWasDispatched,
)
from shared.contracts import Event, GoodsProduced, GoodsShipped
from shared.contracts.events import GoodsShippedPayload, ProducedLine
from shared.messaging.events import new_event


def prepare_shipment_command(produced: GoodsProduced) -> PrepareShipment:
    return PrepareShipment(
        order_id=produced.order_id,
        production_order_id=produced.payload.production_order_id,
        lines=tuple(
            Line(product_code=line.product_code, quantity=line.quantity)
            for line in produced.payload.lines
        ),
        ready_on=produced.payload.ready_on,
    )


def to_wire(event: DomainEvent, shipment: Shipment, causation_id: UUID, now: datetime) -> Event:
    match event:
        case ShipmentWasDispatched():
            assert shipment.carrier is not None and shipment.tracking_number is not None
            return new_event(
                GoodsShipped,
                order_id=shipment.order_id,
                producer=SERVICE_NAME,
                causation_id=causation_id,
                occurred_at=now,
                payload=GoodsShippedPayload(
                    shipment_id=shipment.shipment_id,
                    carrier=shipment.carrier,
                    tracking_number=shipment.tracking_number,
                    lines=[
                        ProducedLine(product_code=line.product_code, quantity=line.quantity)
                        for line in shipment.lines
                    ],
                ),
            )
