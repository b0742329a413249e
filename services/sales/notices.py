"""Customer notices (P1.5 and each step that concerns the customer): one `customer.notified`
for each consumed event the customer must hear of, for a mail or EDI gateway to send
(docs/customer-notices.md).

`notice_handlers` maps each topic to its handler; sales' routes run it after sales' own
handler and the history, in the same unit of work. A handler reads the order (never locking
it), addresses the notice to the order's contact and words it (`notice_texts`). It returns no
notice, and never fails the unit of work, for an order sales does not know, a contact with
neither e-mail nor phone, or a step the customer is not told of (an approved review: the
confirmation follows). A notice's id derives from the consumed event's, so handling that event
again publishes the same notice, never a second one."""

import logging
from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar
from uuid import NAMESPACE_URL, UUID, uuid5

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncConnection

from services.sales import SERVICE_NAME, notice_texts
from services.sales.adapters import repository
from services.sales.domain.deadlines import Deadlines
from services.sales.domain.model import Order
from services.sales.notice_texts import About, Wording
from shared.clock import Clock
from shared.contracts import CustomerNotified, Event, topics
from shared.contracts.common import Contact
from shared.contracts.notices import NoticeChannel
from shared.messaging.events import new_event
from shared.messaging.routes import Handler, Incoming

log = logging.getLogger(__name__)

NOTICE_NAMESPACE = uuid5(NAMESPACE_URL, "orderflow:customer-notice")

E = TypeVar("E", bound=Event)
Compose = Callable[[About, E], Wording | None]


def notice_id(causation_id: UUID) -> UUID:
    """The id of the notice a consumed event causes: the same each time it is handled."""
    return uuid5(NOTICE_NAMESPACE, str(causation_id))


def addressee(order: Order) -> tuple[Contact, NoticeChannel] | None:
    """The order's contact and how to reach them: e-mail if they have an address, else phone;
    None if neither (the order is then held for it, P1.3, and people call the submitter)."""
    try:
        contact = Contact.model_validate(order.contact)
    except ValidationError:
        return None
    if contact.email is not None:
        return contact, "email"
    if contact.phone is not None:
        return contact, "phone"
    return None


def notified(
    order: Order,
    reached: tuple[Contact, NoticeChannel],
    wording: Wording,
    incoming: Incoming[Any],
    clock: Clock | None,
) -> list[Event]:
    """The notice as an event, or none (logged) if the contract refuses it: a notice never
    fails the unit of work it is part of. It is stamped when it is staged (with a clock): the
    notices of one order come from events on different topics, and a batch done again after a
    deadlock is staged after newer notices, so the time it was received would go back."""
    contact, channel = reached
    try:
        notice = new_event(
            CustomerNotified,
            order_id=order.order_id,
            producer=SERVICE_NAME,
            causation_id=incoming.causation_id,
            occurred_at=clock.now() if clock else incoming.received_at,
            event_id=notice_id(incoming.causation_id),
            payload={
                "customer_id": order.customer_id,
                "customer_reference": order.customer_reference,
                "addressee": contact,
                "channel": channel,
                **wording.payload_fields(),
            },
        )
    except ValidationError as error:
        log.error("no %s notice for %s: %s", wording.kind, order.order_id, error)
        return []
    return [notice]


def _handler(compose: Compose[E], clock: Clock | None) -> Handler:
    async def handle(connection: AsyncConnection, incoming: Incoming[E]) -> list[Event]:
        event = incoming.body
        order = await repository.load(connection, event.order_id, for_update=False)
        if order is None:
            log.info("no notice for %s on %s: unknown order", event.order_id, event.event_type)
            return []
        reached = addressee(order)
        if reached is None:
            log.info("no notice for %s: its contact has neither e-mail nor phone", order.order_id)
            return []
        about = About(order.order_id, order.customer_reference, reached[0].name, order.currency)
        wording = compose(about, event)
        return [] if wording is None else notified(order, reached, wording, incoming, clock)

    return handle


def notice_handlers(deadlines: Deadlines, clock: Clock | None = None) -> dict[str, Handler]:
    """topic -> the handler that tells the customer of that step (P1.5 among them); notices are
    stamped by `clock` when staged (without one: when their cause was received)."""
    return {
        topics.ORDER_PLACED: _handler(
            partial(notice_texts.confirmation_expected, review=deadlines.review), clock
        ),
        topics.ORDER_HELD: _handler(notice_texts.order_held, clock),
        topics.REVIEW_COMPLETED: _handler(notice_texts.order_declined, clock),
        topics.CONFIRMATION_ISSUED: _handler(notice_texts.confirmation, clock),
        topics.DEPOSIT_REQUESTED: _handler(notice_texts.deposit_request, clock),
        topics.ORDER_DELAYED: _handler(notice_texts.delay, clock),
        topics.DELIVERY_REVISED: _handler(notice_texts.new_date, clock),
        topics.GOODS_SHIPPED: _handler(notice_texts.shipping_notice, clock),
        topics.INVOICE_ISSUED: _handler(notice_texts.invoice, clock),
        topics.BALANCE_DUE: _handler(notice_texts.balance_due, clock),
        topics.CHANGE_REQUESTED: _handler(notice_texts.change_received, clock),
        topics.CHANGE_DECIDED: _handler(notice_texts.change_decided, clock),
        topics.CREDIT_CHANGED: _handler(notice_texts.refund, clock),
        topics.RETURN_STEPPED: _handler(notice_texts.return_step, clock),
        topics.CREDIT_NOTE_ISSUED: _handler(notice_texts.credit_note, clock),
    }
