"""Sales' handler of a return's inspection (P7.5): a return to be replaced becomes a new order
of the units QA accepted, at no charge, placed in the unit of work that consumes the step."""

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.sales.adapters import repository
from services.sales.adapters.tables import order_history
from services.sales.domain.commands import Decider
from services.sales.domain.model import Order
from services.sales.domain.replacements import Replacement, replacement_order
from services.sales.handlers import known_order, wired
from shared.contracts import Event, ReturnStepped
from shared.contracts.common import Signed
from shared.db import rows
from shared.messaging.routes import Incoming, MessageRejected


async def replace_returned(
    connection: AsyncConnection, incoming: Incoming[ReturnStepped]
) -> list[Event]:
    """P7.5, P1.6: an inspected return whose remedy is a replacement is registered as a new
    order (submitter `returns`, the return number its reference) of the accepted units at
    0.00, naming the original order, the return and who authorised it. The same return seen
    again is the same order; a return nobody authorised is dead-lettered with the reason."""
    step = incoming.body.payload
    if step.step != "inspected" or step.remedy != "replacement":
        return []
    original = await known_order(connection, incoming)
    if original.confirmation_sent_on is None or original.delivery_address is None:
        raise MessageRejected(
            f"order {original.order_id} was never confirmed: nothing of it can be replaced"
        )
    command = replacement_order(
        return_number=step.return_number,
        customer_id=original.customer_id,
        channel=original.channel,
        currency=original.currency,
        accepted={item.product_code: item.accepted for item in step.inspected},
        delivery_address=original.delivery_address,
        contact=original.contact,
        inspected_on=step.signed.at.date(),
    )
    if command is None:
        return []  # QA accepted nothing: nothing to replace
    key = repository.submission_key(command)
    if await repository.find_by_submission(connection, key) is not None:
        return []
    authorised = await _authoriser(connection, original.order_id, step.return_number)
    if authorised is None:
        raise MessageRejected(f"return {step.return_number} was never authorised")
    order_id = await repository.next_order_number(connection, incoming.received_at.year)
    order = Order.register_replacement(
        order_id, command, Replacement(original.order_id, step.return_number, authorised)
    )
    await repository.add(connection, order)
    return wired(order, incoming.causation_id, incoming.received_at)


async def _authoriser(
    connection: AsyncConnection, order_id: str, return_number: str
) -> Decider | None:
    """Who authorised the return, from the order's history of `return.stepped`."""
    await rows.flush(connection)
    found = await connection.execute(
        select(order_history.c.payload).where(
            order_history.c.order_id == order_id,
            order_history.c.event_type == ReturnStepped.TOPIC,
        )
    )
    for (payload,) in found:
        step: dict[str, Any] = dict(payload)
        if step.get("return_number") == return_number and step.get("step") == "authorised":
            signed = Signed.model_validate(step["signed"])
            return Decider(signed.user, signed.role, signed.at)
    return None
