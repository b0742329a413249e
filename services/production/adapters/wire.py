"""Translation between the wire contracts and the production domain."""

from datetime import datetime
from uuid import UUID

from services.production import SERVICE_NAME
from services.production.domain.model import (
    DomainEvent,
    GoodsWereProduced,
    Line,
    PlanOrder,
    ProductionOrder,
    ReleaseOrder,
)
from shared.contracts import Event, GoodsProduced, OrderPlaced, ReviewCompleted
from shared.contracts.events import GoodsProducedPayload, ProducedLine
from shared.messaging.events import new_event


def plan_order_command(placed: OrderPlaced) -> PlanOrder:
    return PlanOrder(
        order_id=placed.order_id,
        lines=tuple(
            Line(line_no=line.line_no, product_code=line.product_code, quantity=line.quantity)
            for line in placed.payload.lines
        ),
        requested_delivery_date=placed.payload.requested_delivery_date,
    )


def release_order_command(review: ReviewCompleted) -> ReleaseOrder:
    return ReleaseOrder(
        order_id=review.order_id,
        approved=review.payload.outcome == "approved",
        confirmed_delivery_date=review.payload.confirmed_delivery_date,
    )


def to_wire(event: DomainEvent, order: ProductionOrder, causation_id: UUID, now: datetime) -> Event:
    match event:
        case GoodsWereProduced():
            return new_event(
                GoodsProduced,
                order_id=order.order_id,
                producer=SERVICE_NAME,
                causation_id=causation_id,
                occurred_at=now,
                payload=GoodsProducedPayload(
                    production_order_id=event.production_order_id,
                    lines=[
                        ProducedLine(product_code=line.product_code, quantity=line.quantity)
                        for line in event.lines
                    ],
                    ready_on=event.ready_on,
                ),
            )
