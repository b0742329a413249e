"""Translation between the wire contracts and the review domain."""

from datetime import datetime
from uuid import UUID

from services.review import SERVICE_NAME
from services.review.domain.model import DomainEvent, Review, ReviewOrder, ReviewWasCompleted
from shared.contracts import Event, OrderPlaced, ReviewCompleted
from shared.contracts.events import ReviewCompletedPayload
from shared.messaging.events import new_event


def review_order_command(placed: OrderPlaced) -> ReviewOrder:
    return ReviewOrder(
        order_id=placed.order_id,
        customer_id=placed.payload.customer_id,
        currency=placed.payload.currency,
        total_amount=placed.payload.total_amount,
        requested_delivery_date=placed.payload.requested_delivery_date,
    )


def to_wire(event: DomainEvent, review: Review, causation_id: UUID, now: datetime) -> Event:
    match event:
        case ReviewWasCompleted(decision=decision):
            return new_event(
                ReviewCompleted,
                order_id=review.order_id,
                producer=SERVICE_NAME,
                causation_id=causation_id,
                occurred_at=now,
                payload=ReviewCompletedPayload(
                    outcome="approved" if decision.approved else "declined",
                    confirmed_delivery_date=decision.confirmed_delivery_date,
                    reason=decision.reason,
                ),
            )
