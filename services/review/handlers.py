"""Review's message handlers: turn a consumed message into a domain call and its events."""

from sqlalchemy.ext.asyncio import AsyncConnection

from services.review.adapters import repository
from services.review.adapters.wire import review_order_command, to_wire
from services.review.domain.model import Outcome, Review
from services.review.domain.policy import AUTOMATIC_APPROVAL, ReviewPolicy
from shared.contracts import Event, OrderClosed, OrderPlaced
from shared.messaging.routes import Incoming, MessageRejected


async def review_order(
    connection: AsyncConnection,
    incoming: Incoming[OrderPlaced],
    policy: ReviewPolicy = AUTOMATIC_APPROVAL,
) -> list[Event]:
    """P2.3, P2.5: review every placed order once and announce the verdict. An order placed
    again (a new event for the same order id) is not reviewed a second time."""
    if await repository.exists(connection, incoming.body.order_id):
        return []
    review = Review.receive(review_order_command(incoming.body))
    review.complete(policy.decide(review))
    await repository.add(connection, review)
    return [
        to_wire(event, review, incoming.causation_id, incoming.received_at)
        for event in review.events
    ]


async def close_review(connection: AsyncConnection, incoming: Incoming[OrderClosed]) -> list[Event]:
    """P7.6: file the review with the order's final outcome."""
    review = await repository.load(connection, incoming.body.order_id)
    if review is None:
        raise MessageRejected(f"unknown order {incoming.body.order_id!r}")
    review.close(Outcome(incoming.body.payload.outcome))
    await repository.save(connection, review)
    return [
        to_wire(event, review, incoming.causation_id, incoming.received_at)
        for event in review.events
    ]
