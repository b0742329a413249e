"""Logistics' message handlers: each maps a consumed message to the domain and lets a desk
carry it out. Topics are not ordered among each other: what arrives before `order.placed` is
kept on the order's shipping record and acted on once enough is known."""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from services.logistics.adapters import change_wire, wire
from services.logistics.desk import Desk
from services.logistics.domain import changes
from services.logistics.domain.model import OrderShipping
from shared.contracts import (
    ChangeDecided,
    ChangeRequested,
    ConfirmationIssued,
    ConfirmationSigned,
    DeliveryRevised,
    Event,
    GoodsProduced,
    OrderClosed,
    OrderPlaced,
    OrderReleased,
    PaymentChecked,
)
from shared.delivery_dates import DateSource
from shared.messaging.routes import Incoming, MessageRejected


async def _apply(
    connection: AsyncConnection,
    incoming: Incoming[Any],
    change: Callable[[OrderShipping], None],
    policy: bool,
    release_authority: Decimal | None,
) -> list[Event]:
    desk = Desk(connection, incoming.received_at, policy, release_authority)
    order = await desk.order_or_start(incoming.body.order_id)
    change(order)
    await desk.act_for_people(order)
    return await desk.events(incoming.causation_id)


async def place_order(
    connection: AsyncConnection,
    incoming: Incoming[OrderPlaced],
    policy: bool = False,
    release_authority: Decimal | None = None,
) -> list[Event]:
    """P5.1: what was ordered, where it goes and to whom; goods produced before it arrived
    can now be requested."""
    placement = wire.placement(incoming.body)
    return await _apply(
        connection, incoming, lambda order: order.place(placement), policy, release_authority
    )


async def confirm_order(
    connection: AsyncConnection,
    incoming: Incoming[ConfirmationIssued],
    policy: bool = False,
    release_authority: Decimal | None = None,
) -> list[Event]:
    """P5.3, P7.3: the customer's tier (who may release in an emergency) and the confirmed
    date; an amended confirmation's date (a higher version) replaces those of lower ones."""
    body = incoming.body.payload
    return await _apply(
        connection,
        incoming,
        lambda order: order.confirm(body.tier, body.confirmed_delivery_date, body.version),
        policy,
        release_authority,
    )


async def revise_delivery(
    connection: AsyncConnection,
    incoming: Incoming[DeliveryRevised],
    policy: bool = False,
    release_authority: Decimal | None = None,
) -> list[Event]:
    """P4.10: the date agreed with the customer is the order's delivery date from now on;
    nothing from an earlier step moves it back."""
    delivery_date = incoming.body.payload.delivery_date
    return await _apply(
        connection,
        incoming,
        lambda order: order.revise_delivery(delivery_date),
        policy,
        release_authority,
    )


async def record_signature(
    connection: AsyncConnection,
    incoming: Incoming[ConfirmationSigned],
    policy: bool = False,
    release_authority: Decimal | None = None,
) -> list[Event]:
    """P3.4, P7.3: the delivery date a late signature of the confirmation of its version
    moved, unless the release (or a person), or a higher version, has set the date already."""
    body = incoming.body.payload
    return await _apply(
        connection,
        incoming,
        lambda order: order.move_delivery(
            body.expected_delivery_date, DateSource.SIGNED, body.version
        ),
        policy,
        release_authority,
    )


async def record_release(
    connection: AsyncConnection,
    incoming: Incoming[OrderReleased],
    policy: bool = False,
    release_authority: Decimal | None = None,
) -> list[Event]:
    """P3.3, P3.5, P7.3: the release's delivery date (moved by a late deposit) is the order's
    date until a person revises it or a higher version sets another; a release of a lower
    version than the date's changes nothing. Its lines are production's business: what is
    ordered comes from order.placed and the applied changes."""
    body = incoming.body.payload
    return await _apply(
        connection,
        incoming,
        lambda order: order.move_delivery(body.delivery_date, DateSource.RELEASED, body.version),
        policy,
        release_authority,
    )


async def record_production(
    connection: AsyncConnection,
    incoming: Incoming[GoodsProduced],
    policy: bool = False,
    release_authority: Decimal | None = None,
) -> list[Event]:
    """P5.1: the latest finished totals per product; with the automatic policy on, everything
    remaining is requested once it is all produced."""
    report = wire.production(incoming.body)
    return await _apply(
        connection,
        incoming,
        lambda order: order.record_production(report),
        policy,
        release_authority,
    )


async def record_payment_check(
    connection: AsyncConnection,
    incoming: Incoming[PaymentChecked],
    policy: bool = False,
    release_authority: Decimal | None = None,
) -> list[Event]:
    """P5.2, P5.3: finance's check of a shipment; with the automatic policy on, a passed check
    releases, dispatches and delivers it in this one unit of work. Logistics numbers every
    shipment before finance hears of it, so a check of an unknown shipment can never apply."""
    desk = Desk(connection, incoming.received_at, policy, release_authority)
    shipment_id = incoming.body.payload.shipment_id
    shipment = await desk.shipment(shipment_id)
    order = await desk.order(incoming.body.order_id)
    if shipment is None or order is None or shipment.order_id != order.order_id:
        raise MessageRejected(f"no shipment {shipment_id!r} of order {incoming.body.order_id!r}")
    shipment.record_check(wire.finance_check(incoming.body))
    await desk.act_for_people(order)
    return await desk.events(incoming.causation_id)


async def close_order(
    connection: AsyncConnection,
    incoming: Incoming[OrderClosed],
    policy: bool = False,
    release_authority: Decimal | None = None,
) -> list[Event]:
    """P7.6: file the order with its final outcome; nothing more is requested for it. An order
    may be closed (declined) before logistics heard of it: it is filed all the same."""
    outcome = incoming.body.payload.outcome
    return await _apply(
        connection, incoming, lambda order: order.close(outcome), policy, release_authority
    )


async def take_change_request(
    connection: AsyncConnection,
    incoming: Incoming[ChangeRequested],
    policy: bool = False,
    release_authority: Decimal | None = None,
) -> list[Event]:
    """P7.1, P7.2, P5.4: hold every shipment not handed over for a decrease or cancellation,
    or refuse it ("raise a return") once more has left than it leaves ordered; acknowledge
    each change once, with an id derived from this event's, so a replay answers the same."""
    desk = Desk(connection, incoming.received_at, policy, release_authority)
    order = await desk.order_or_start(incoming.body.order_id)
    asked = change_wire.asked(incoming.body)
    answer = changes.take_request(order, await desk.shipments_of(order), asked)
    if answer is not None:
        desk.staged.append(
            change_wire.acknowledged(
                answer, order.order_id, incoming.causation_id, incoming.received_at
            )
        )
    return await desk.events(incoming.causation_id)


async def apply_change_decision(
    connection: AsyncConnection,
    incoming: Incoming[ChangeDecided],
    policy: bool = False,
    release_authority: Decimal | None = None,
) -> list[Event]:
    """P7.2, P7.3: an applied change's lines are what is ordered (more after an increase, whose
    extra is requested once produced); a new date after the confirmation is the order's; held
    shipments that still fit go on, the others are cancelled (shipment.cancelled); refused,
    withdrawn or superseded: the holds are lifted. A decision about an order not heard of yet
    is kept on its record."""
    desk = Desk(connection, incoming.received_at, policy, release_authority)
    order = await desk.order_or_start(incoming.body.order_id)
    decided = change_wire.decision(incoming.body, incoming.received_at)
    changes.apply_decision(order, await desk.shipments_of(order), decided)
    await desk.act_for_people(order)
    return await desk.events(incoming.causation_id)
