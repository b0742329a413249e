"""Sales' handlers: turn a consumed message or a person's request into a domain call, inside
the caller's unit of work, and return the events it causes."""

import logging
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any
from uuid import UUID

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncConnection

from services.sales.adapters import repository
from services.sales.adapters.wire import (
    customer_from_record,
    customer_updated,
    delay_from_event,
    place_order_command,
    problems_from_validation,
    product_from_record,
    product_updated,
    rejection,
    submission_identity,
    to_wire,
)
from services.sales.domain.intake import IntakeFacts
from services.sales.domain.master import is_new_or_changed
from services.sales.domain.model import Decider, Order, PlaceOrder
from shared.contracts import (
    DeliveryLate,
    Event,
    GoodsDelivered,
    GoodsShipped,
    OrderDelayed,
    OrderSubmission,
    PaymentReceived,
    ReviewCompleted,
)
from shared.contracts.master import CustomerRecord, ProductRecord
from shared.decisions import NotFound
from shared.messaging.routes import Incoming, MessageRejected, Source

log = logging.getLogger(__name__)

Outcome = tuple[Order, list[Event]]
"""The order as it is now and the events its change caused."""


def wired(order: Order, causation_id: UUID | None, now: datetime) -> list[Event]:
    return [to_wire(event, order, causation_id, now) for event in order.events]


# -- master data (sales owns customers and products) --------------------------------------------


async def load_master_data(
    connection: AsyncConnection,
    customers: Sequence[CustomerRecord],
    products: Sequence[ProductRecord],
    now: datetime,
) -> list[Event]:
    """Upsert the seed's customers and products; announce each new or changed record on its
    compacted topic. An unchanged record announces nothing, so restarts are quiet."""
    events: list[Event] = []
    stored_customers = await repository.all_customers(connection)
    for customer_record in customers:
        customer = customer_from_record(customer_record)
        stored_customer = stored_customers.get(customer.customer_id)
        if is_new_or_changed(stored_customer, customer):
            await repository.put_customer(connection, customer, exists=stored_customer is not None)
            events.append(customer_updated(customer, now))
    stored_products = await repository.all_products(connection)
    for product_record in products:
        product = product_from_record(product_record)
        stored_product = stored_products.get(product.product_code)
        if is_new_or_changed(stored_product, product):
            await repository.put_product(connection, product, exists=stored_product is not None)
            events.append(product_updated(product, now))
    return events


# -- intake (P1.1, P1.2, P1.3, P1.4, P1.6) --------------------------------------------------


async def _facts(connection: AsyncConnection, command: PlaceOrder, today: date) -> IntakeFacts:
    return IntakeFacts(
        today=today,
        customer=await repository.customer(connection, command.customer_id),
        products=await repository.products_named(
            connection, (line.product_code for line in command.lines)
        ),
    )


async def submit(
    connection: AsyncConnection,
    command: PlaceOrder,
    now: datetime,
    causation_id: UUID | None = None,
    by: Decider | None = None,
) -> Outcome:
    """P1.2, P1.3, P1.6: register a submission under a new number and check it, or re-check
    the held order it corrects; the same placed order again changes nothing."""
    facts = await _facts(connection, command, now.date())
    existing = await repository.find_by_submission(connection, repository.submission_key(command))
    if existing is None:
        order_id = await repository.next_order_number(connection, now.year)
        order = Order.register(order_id, command, facts, by)
        await repository.add(connection, order)
    else:
        loaded = await repository.load(connection, existing)
        assert loaded is not None  # found by its submission in this transaction
        order = loaded
        order.resubmit(command, facts, by, now)
        await repository.save(connection, order)
    return order, wired(order, causation_id, now)


async def take_submission(
    connection: AsyncConnection, incoming: Incoming[OrderSubmission]
) -> list[Event]:
    """Another system's submission from the bus (P1.1)."""
    _order, events = await submit(
        connection,
        place_order_command(incoming.body),
        incoming.received_at,
        incoming.causation_id,
    )
    return events


def reject_invalid_submission(
    value: bytes, error: ValidationError, source: Source, now: datetime
) -> list[Event]:
    """A submission that fails validation is answered with every problem found, keyed by the
    submitter's reference. The answer is built only from a submitter and a reference that pass
    the contract's own bounds, and the problems are escaped and clipped; a submission without
    such a pair (or one that cannot even be read) cannot be answered and is dead-lettered
    instead. Nothing the submitter sent can make this raise."""
    try:
        identity = submission_identity(value)
        if identity is None:
            return []
        submitter, reference = identity
        return [
            rejection(
                submitter, reference, problems_from_validation(error), source.causation_id, now
            )
        ]
    except Exception:  # RecursionError, MemoryError, anything: dead-letter rather than stall
        log.warning("cannot answer the invalid submission at %s", source.position, exc_info=True)
        return []


# -- people's decisions (HTTP) --------------------------------------------------------------


async def _decide(
    connection: AsyncConnection,
    order_id: str,
    now: datetime,
    change: Callable[[Order], None],
) -> Outcome:
    order = await repository.load(connection, order_id)
    if order is None:
        raise NotFound(f"no order {order_id}")
    change(order)
    await repository.save(connection, order)
    return order, wired(order, None, now)


async def confirm_in_writing(connection: AsyncConnection, order_id: str, by: Decider) -> Outcome:
    """P1.1: the customer confirmed a verbal order in writing; it goes through intake."""
    order = await repository.load(connection, order_id)
    if order is None:
        raise NotFound(f"no order {order_id}")
    facts = await _facts(connection, order.as_submitted(), by.at.date())
    order.confirm_in_writing(by, facts)
    await repository.save(connection, order)
    return order, wired(order, None, by.at)


async def record_signed_confirmation(
    connection: AsyncConnection,
    order_id: str,
    received_on: date,
    by: Decider,
    version: int | None = None,
) -> Outcome:
    """P3.1, P3.3, P3.4, P7.3: the signed confirmation (of `version`, None: the last one sent)
    is back."""
    return await _decide(
        connection,
        order_id,
        by.at,
        lambda order: order.record_signed_confirmation(received_on, by, version),
    )


async def hold(connection: AsyncConnection, order_id: str, reason: str, by: Decider) -> Outcome:
    """The sales manager stops the release for production (P8.1)."""
    return await _decide(connection, order_id, by.at, lambda order: order.hold(reason, by))


async def release_hold(connection: AsyncConnection, order_id: str, by: Decider) -> Outcome:
    """The sales manager lifts the hold; the order is released if its gates are passed."""
    return await _decide(connection, order_id, by.at, lambda order: order.release_hold(by))


async def revise_delivery_date(
    connection: AsyncConnection, order_id: str, delivery_date: date, reason: str, by: Decider
) -> Outcome:
    """P4.10: the sales manager records the new date agreed with the customer; it is published
    as delivery.revised and is the order's date from now on."""
    return await _decide(
        connection,
        order_id,
        by.at,
        lambda order: order.revise_delivery_date(delivery_date, reason, by),
    )


# -- other departments' events --------------------------------------------------------------


async def known_order(connection: AsyncConnection, incoming: Incoming[Any]) -> Order:
    """The order another department's event is about; an unknown one is rejected."""
    order = await repository.load(connection, incoming.body.order_id)
    if order is None:
        raise MessageRejected(f"unknown order {incoming.body.order_id!r}")
    return order


async def saved(connection: AsyncConnection, order: Order, incoming: Incoming[Any]) -> list[Event]:
    await repository.save(connection, order)
    return wired(order, incoming.causation_id, incoming.received_at)


async def _apply(
    connection: AsyncConnection, incoming: Incoming[Any], change: Callable[[Order], None]
) -> list[Event]:
    order = await known_order(connection, incoming)
    change(order)
    return await saved(connection, order, incoming)


async def record_review(
    connection: AsyncConnection, incoming: Incoming[ReviewCompleted]
) -> list[Event]:
    """P2.6, P3.1, P3.2, P3.3: confirm and (A tier) release an approved order;
    close a declined one."""
    review = incoming.body.payload
    order = await known_order(connection, incoming)
    order.record_review(
        review.outcome == "approved",
        review.confirmed_delivery_date,
        review.reason,
        await repository.customer(connection, order.customer_id),
        incoming.received_at.date(),
        review.version,
    )
    return await saved(connection, order, incoming)


async def record_shipment(
    connection: AsyncConnection, incoming: Incoming[GoodsShipped]
) -> list[Event]:
    """P5.5: the goods left; the order closes only once delivered and settled (P5.6)."""
    return await _apply(connection, incoming, lambda order: order.record_shipment())


async def record_delivery(
    connection: AsyncConnection, incoming: Incoming[GoodsDelivered]
) -> list[Event]:
    """P5.6, P7.6: the customer signed for a shipment; a late one is no longer late, and once
    the whole order is delivered a settled order closes as fulfilled."""
    receipt = incoming.body.payload
    return await _apply(
        connection,
        incoming,
        lambda order: order.record_delivery(
            receipt.shipment_id, receipt.delivered_on, receipt.order_delivered
        ),
    )


async def record_late_delivery(
    connection: AsyncConnection, incoming: Incoming[DeliveryLate]
) -> list[Event]:
    """P5.6: a shipment is past the day its shipping notice gave; the sales rep sees the
    order's delivery late, with that day, until it is delivered."""
    late = incoming.body.payload
    return await _apply(
        connection,
        incoming,
        lambda order: order.record_late_delivery(
            late.shipment_id, late.expected_on, late.days_late
        ),
    )


async def record_delay(
    connection: AsyncConnection, incoming: Incoming[OrderDelayed]
) -> list[Event]:
    """P4.10: production reports the order will miss its confirmed date; sales records it and
    the order waits for a new date agreed with the customer."""
    return await _apply(
        connection, incoming, lambda order: order.record_delay(delay_from_event(incoming.body))
    )


async def record_payment(
    connection: AsyncConnection, incoming: Incoming[PaymentReceived]
) -> list[Event]:
    """P3.3, P6.2: money that covers the deposit opens the deposit gate whenever it comes;
    full payment lets a delivered order close (P5.6)."""
    payment = incoming.body.payload
    return await _apply(
        connection,
        incoming,
        lambda order: order.record_payment(
            payment.paid_total, payment.settled, incoming.body.occurred_at.date()
        ),
    )
