"""Finance's message handlers: turn a consumed message into a domain call and its events."""

from collections.abc import Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from services.finance.adapters import repository
from services.finance.adapters.wire import (
    open_account_command,
    receive_payment_command,
    to_wire,
    unmatched_payment,
)
from services.finance.domain.matching import order_id_from_reference, unmatched, unmatched_reason
from services.finance.domain.model import Account, Outcome
from shared.contracts import Event, GoodsShipped, OrderClosed, OrderPlaced, PaymentNotification
from shared.messaging.routes import Incoming


async def _start_or_apply(
    connection: AsyncConnection, incoming: Incoming[Any], change: Callable[[Account], None]
) -> list[Event]:
    """Apply a change to the order's account, starting one if this is the first message finance
    hears about the order: topics are not ordered among each other, so the shipment or the
    closing may come before the order itself."""
    order_id = incoming.body.order_id
    account = await repository.load(connection, order_id)
    if account is None:
        account = Account.start(order_id)
        change(account)
        await repository.add(connection, account)
    else:
        change(account)
        await repository.save(connection, account)
    return [
        to_wire(event, account, incoming.causation_id, incoming.received_at)
        for event in account.events
    ]


async def open_account(connection: AsyncConnection, incoming: Incoming[OrderPlaced]) -> list[Event]:
    """P2.7, P6.2: every placed order gets an account, once, so payments can be put against it
    from the start; an order already shipped is invoiced now (P6.3)."""
    command = open_account_command(incoming.body)
    return await _start_or_apply(connection, incoming, lambda account: account.open(command))


async def invoice_order(
    connection: AsyncConnection, incoming: Incoming[GoodsShipped]
) -> list[Event]:
    """P6.3: invoice the shipped order, once; if the order has not reached finance yet, as soon
    as it does."""
    today = incoming.received_at.date()
    return await _start_or_apply(
        connection, incoming, lambda account: account.record_shipment(today)
    )


async def receive_payment(
    connection: AsyncConnection, incoming: Incoming[PaymentNotification]
) -> list[Event]:
    """P6.1, P6.2: put the bank's payment against its order, invoiced or not. The same bank
    transaction reported twice is one payment; money that matches no order (or not its
    currency) is kept and announced for a person to resolve."""
    command = receive_payment_command(incoming.body)
    if await repository.transaction_known(connection, command.bank_transaction_id):
        return []
    account = await repository.load(connection, order_id_from_reference(command.order_reference))
    reason = unmatched_reason(account, command)
    if reason is not None:
        kept = unmatched(command, reason)
        await repository.add_unmatched(connection, kept)
        return [unmatched_payment(kept, incoming.causation_id, incoming.received_at)]
    assert account is not None  # a missing account is a reason not to match
    payment_id = await repository.next_payment_number(connection, incoming.received_at.year)
    payment = account.receive_payment(payment_id, command)
    await repository.add_payment(connection, payment)
    await repository.save(connection, account)
    return [
        to_wire(event, account, incoming.causation_id, incoming.received_at)
        for event in account.events
    ]


async def close_account(
    connection: AsyncConnection, incoming: Incoming[OrderClosed]
) -> list[Event]:
    """P7.6: file the account with the order's final outcome, even if the order itself has
    not reached finance yet."""
    outcome = Outcome(incoming.body.payload.outcome)
    return await _start_or_apply(connection, incoming, lambda account: account.close(outcome))
