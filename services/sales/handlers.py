"""Sales' message handlers: turn a consumed message into a domain call and its events."""

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any
from uuid import uuid5

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncConnection

from services.sales.adapters import repository
from services.sales.adapters.wire import (
    place_order_command,
    problems_from_defects,
    problems_from_validation,
    rejection,
    to_wire,
)
from services.sales.domain.intake import intake_defects
from services.sales.domain.model import Order
from shared.contracts import Event, GoodsShipped, OrderSubmission, PaymentReceived, ReviewCompleted
from shared.messaging.routes import SOURCE_NAMESPACE, Incoming, MessageRejected, Source


async def place_order(
    connection: AsyncConnection, incoming: Incoming[OrderSubmission]
) -> list[Event]:
    """P1.2, P1.3, P1.6: register a valid submission once; reject one with defects."""
    submission = incoming.body
    if await repository.find_by_submission(
        connection, submission.submitter, submission.customer_reference
    ):
        return []
    command = place_order_command(submission)
    defects = intake_defects(command, incoming.received_at.date())
    if defects:
        return [
            rejection(
                submission.submitter,
                submission.customer_reference,
                problems_from_defects(defects),
                incoming.causation_id,
                incoming.received_at,
            )
        ]
    order_id = await repository.next_order_number(connection, incoming.received_at.year)
    order = Order.place(order_id, command)
    await repository.add(connection, order)
    return [
        to_wire(event, order, incoming.causation_id, incoming.received_at) for event in order.events
    ]


def reject_invalid_submission(
    value: bytes, error: ValidationError, source: Source, now: datetime
) -> list[Event]:
    """A submission that fails validation is answered with every problem found, keyed by the
    submitter's reference; one without a usable reference cannot be answered and is
    dead-lettered instead."""
    try:
        data = json.loads(value)
    except ValueError:
        return []
    if not isinstance(data, dict):
        return []
    submitter, reference = data.get("submitter"), data.get("customer_reference")
    if not (isinstance(submitter, str) and submitter and isinstance(reference, str) and reference):
        return []
    return [
        rejection(
            submitter,
            reference,
            problems_from_validation(error),
            uuid5(SOURCE_NAMESPACE, source.position),
            now,
        )
    ]


async def _apply(
    connection: AsyncConnection, incoming: Incoming[Any], change: Callable[[Order], None]
) -> list[Event]:
    order = await repository.load(connection, incoming.body.order_id)
    if order is None:
        raise MessageRejected(f"unknown order {incoming.body.order_id!r}")
    change(order)
    await repository.save(connection, order)
    return [
        to_wire(event, order, incoming.causation_id, incoming.received_at) for event in order.events
    ]


async def record_review(
    connection: AsyncConnection, incoming: Incoming[ReviewCompleted]
) -> list[Event]:
    review = incoming.body.payload
    return await _apply(
        connection,
        incoming,
        lambda order: order.record_review(
            review.outcome == "approved", review.confirmed_delivery_date, review.reason
        ),
    )


async def record_shipment(
    connection: AsyncConnection, incoming: Incoming[GoodsShipped]
) -> list[Event]:
    return await _apply(connection, incoming, lambda order: order.record_shipment())


async def record_payment(
    connection: AsyncConnection, incoming: Incoming[PaymentReceived]
) -> list[Event]:
    settled = incoming.body.payload.settled
    return await _apply(connection, incoming, lambda order: order.record_payment(settled))
