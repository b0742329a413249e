"""Sales' handlers of changes and cancellations (P7.1, P7.2, P7.4): a person's request at the
desk or a department's acknowledgement from the bus, turned into a domain call inside the
caller's unit of work; they return the order as it is now and the events the change caused."""

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncConnection

from services.sales.adapters import change_rows, repository
from services.sales.domain.changes import (
    Answer,
    Asked,
    Change,
    ChangeStatus,
    decide_charge,
    take_answer,
    take_verdict,
    withdraw,
)
from services.sales.domain.model import Amendment, Decider, Order
from services.sales.handlers import known_order, record_review, saved, wired
from shared.contracts import Event, ReviewCompleted
from shared.contracts.changes import ChangeAcknowledged
from shared.decisions import NotFound
from shared.messaging.routes import Incoming, MessageRejected

Decided = tuple[Change, list[Event]]
"""The change as it is now and the events its decision caused."""


async def _order(connection: AsyncConnection, order_id: str) -> Order:
    order = await repository.load(connection, order_id)
    if order is None:
        raise NotFound(f"no order {order_id}")
    return order


async def request_change(
    connection: AsyncConnection, order_id: str, asked: Asked, by: Decider
) -> Decided:
    """P7.1: the desk records a customer's change; before confirmation it is applied at once
    (P7.4), after it the departments answer first (P7.2)."""
    order = await _order(connection, order_id)
    change = order.request_change(asked, via="desk", by=by)
    await repository.save(connection, order)
    return change, wired(order, None, by.at)


async def _on_open_change(
    connection: AsyncConnection,
    order_id: str,
    change_no: int,
    by: Decider,
    decide: Callable[[Change], None],
) -> Decided:
    order = await _order(connection, order_id)
    change = await change_rows.load(connection, order_id, change_no)
    if change is None:
        raise NotFound(f"order {order_id} has no change {change_no}")
    decide(change)
    order.settle_change(change)
    await repository.save(connection, order)
    return change, wired(order, None, by.at)


async def withdraw_change(
    connection: AsyncConnection, order_id: str, change_no: int, reason: str, by: Decider
) -> Decided:
    """P7.1: the customer withdrew a change that is still open."""
    return await _on_open_change(
        connection, order_id, change_no, by, lambda change: withdraw(change, reason, by)
    )


async def charge_change(
    connection: AsyncConnection,
    order_id: str,
    change_no: int,
    amount: Decimal,
    reason: str,
    by: Decider,
) -> Decided:
    """P7.2: the sales manager decides what the customer pays for what was spent; the change
    is applied with it."""
    return await _on_open_change(
        connection,
        order_id,
        change_no,
        by,
        lambda change: decide_charge(change, amount, reason, by),
    )


async def record_verdict(
    connection: AsyncConnection, incoming: Incoming[ReviewCompleted]
) -> list[Event]:
    """P2.6, P3.1, P7.3: review's verdict. On the order's open change it decides that change:
    declined refuses it, and the order goes on as confirmed; approved applies it, once
    production and logistics have answered, with the amended confirmation (new total, date
    and deposit) in the same unit of work. Any other verdict is the order's own."""
    review = incoming.body.payload
    order = await known_order(connection, incoming)
    if order.open_change is None or review.version != order.open_change:
        return await record_review(connection, incoming)
    change = await change_rows.load(connection, order.order_id, review.version)
    if change is None:
        raise MessageRejected(f"order {order.order_id} has no change {review.version}")
    was = change.status
    take_verdict(
        change, review.outcome == "approved", review.reason, review.confirmed_delivery_date
    )
    if change.status is not was:
        await _settle(connection, order, change, incoming.received_at)
    await change_rows.save(connection, change)
    return await saved(connection, order, incoming)


async def _settle(connection: AsyncConnection, order: Order, change: Change, now: datetime) -> None:
    """Publish a decided change; an approved one reviewed again with its amendment (P7.3)."""
    if change.is_open:
        return
    amendment = None
    if change.status is ChangeStatus.APPLIED and change.verdict == "approved":
        customer = await repository.customer(connection, order.customer_id)
        amendment = Amendment(
            confirmed_delivery_date=change.confirmed_delivery_date
            or change.requested_delivery_date,
            sent_on=now.date(),
            deposit_percent=customer.deposit_percent if customer else Decimal(0),
        )
    order.settle_change(change, amendment)


async def record_acknowledgement(
    connection: AsyncConnection, incoming: Incoming[ChangeAcknowledged]
) -> list[Event]:
    """P7.1, P7.2: a department's answer to a change. An answer that names another
    department than the one that sent it, or a change sales never recorded, is dead-lettered;
    a refusal refuses the change, the last answer needed decides it or asks for a charge."""
    event = incoming.body
    answer = event.payload
    order = await known_order(connection, incoming)
    if answer.department != event.producer:
        raise MessageRejected(
            f"an acknowledgement of {answer.department} produced by {event.producer!r}"
        )
    change = await change_rows.load(connection, order.order_id, answer.change_no)
    if change is None:
        raise MessageRejected(f"order {order.order_id} has no change {answer.change_no}")
    was = change.status
    take_answer(
        change,
        Answer(
            department=answer.department,
            accepted=answer.outcome == "accepted",
            reason=answer.reason,
            spent=answer.spent(),
            event_id=str(event.event_id),
        ),
    )
    if change.status is not was and change.status is not ChangeStatus.AWAITING_CHARGE:
        await _settle(connection, order, change, incoming.received_at)
    await change_rows.save(connection, change)
    return await saved(connection, order, incoming)
