"""Finance's message handlers: turn a consumed message into a domain call and its events."""

from collections.abc import Callable
from copy import copy
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from services.finance.adapters import repository
from services.finance.adapters.wire import (
    balance_updated,
    confirm_order_command,
    customer_from_record,
    open_account_command,
    receive_payment_command,
    to_wire,
    unmatched_payment,
)
from services.finance.domain.balance import CustomerBalance
from services.finance.domain.matching import order_id_from_reference, unmatched, unmatched_reason
from services.finance.domain.model import Account, Outcome
from shared.contracts import (
    ConfirmationIssued,
    CustomerUpdated,
    DeliveryRevised,
    Event,
    GoodsShipped,
    OrderClosed,
    OrderPlaced,
    PaymentNotification,
)
from shared.messaging.routes import Incoming


async def _update_balance(
    connection: AsyncConnection, account: Account, before: Decimal, incoming: Incoming[Any]
) -> list[Event]:
    """P6.4: a confirmed order's change moves its customer's open balance, which is published
    (balance.updated). An order not confirmed yet is no part of it."""
    if not account.confirmed or account.customer_id is None or account.currency is None:
        return []
    balance = await repository.load_balance(connection, account.customer_id)
    is_new = balance is None
    if balance is None:
        currency = await repository.customer_currency(connection, account.customer_id)
        balance = CustomerBalance.start(account.customer_id, currency or account.currency)
    balance.record_change(account.order_id, account.currency, before, account.open_amount)
    if not balance.events:
        return []
    if is_new:
        await repository.add_balance(connection, balance)
    else:
        await repository.save_balance(connection, balance)
    return [
        balance_updated(event, incoming.causation_id, incoming.received_at)
        for event in balance.events
    ]


async def _start_or_apply(
    connection: AsyncConnection,
    incoming: Incoming[Any],
    change: Callable[[Account], None],
    moves_balance: bool = False,
) -> list[Event]:
    """Apply a change to the order's account, starting one if this is the first message finance
    hears about the order: topics are not ordered among each other, so the confirmation, the
    shipment or the closing may come before the order itself. A change that may move the
    customer's open balance (`moves_balance`) updates and publishes it; a repeated message
    that changes nothing publishes nothing."""
    order_id = incoming.body.order_id
    account = await repository.load(connection, order_id)
    is_new = account is None
    if account is None:
        account = Account.start(order_id)
    unchanged = copy(account)
    change(account)
    if is_new:
        await repository.add(connection, account)
    elif account != unchanged:
        await repository.save(connection, account)
    events = [
        to_wire(event, account, incoming.causation_id, incoming.received_at)
        for event in account.events
    ]
    if moves_balance and account != unchanged:
        events += await _update_balance(connection, account, unchanged.open_amount, incoming)
    return events


async def open_account(connection: AsyncConnection, incoming: Incoming[OrderPlaced]) -> list[Event]:
    """P2.7, P6.2: every placed order gets an account, once, so payments can be put against it
    from the start; an order already shipped is invoiced now (P6.3)."""
    command = open_account_command(incoming.body)
    return await _start_or_apply(connection, incoming, lambda account: account.open(command))


async def confirm_order(
    connection: AsyncConnection, incoming: Incoming[ConfirmationIssued]
) -> list[Event]:
    """P2.7, P3.1, P3.3, P6.1, P6.4: the confirmed order is recorded on its account (opening it
    if the order has not reached finance yet); a deposit due is requested once; the order now
    counts in its customer's open balance."""
    command = confirm_order_command(incoming.body)
    return await _start_or_apply(
        connection, incoming, lambda account: account.confirm(command), moves_balance=True
    )


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
    """P6.1, P6.2, P3.3: put the bank's payment against its order, invoiced or not; while a
    requested deposit is outstanding it is the deposit. The same bank transaction reported
    twice is one payment; money that matches no order (or not its currency) is kept and
    announced for a person to resolve. The customer's open balance follows (P6.4)."""
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
    before = account.open_amount
    payment_id = await repository.next_payment_number(connection, incoming.received_at.year)
    payment = account.receive_payment(payment_id, command)
    await repository.add_payment(connection, payment)
    await repository.save(connection, account)
    events = [
        to_wire(event, account, incoming.causation_id, incoming.received_at)
        for event in account.events
    ]
    return events + await _update_balance(connection, account, before, incoming)


async def close_account(
    connection: AsyncConnection, incoming: Incoming[OrderClosed]
) -> list[Event]:
    """P7.6, P6.4: file the account with the order's final outcome, even if the order itself
    has not reached finance yet; a declined order leaves its customer's open balance."""
    outcome = Outcome(incoming.body.payload.outcome)
    return await _start_or_apply(
        connection, incoming, lambda account: account.close(outcome), moves_balance=True
    )


async def revise_delivery(
    connection: AsyncConnection, incoming: Incoming[DeliveryRevised]
) -> list[Event]:
    """P4.10: the delivery date sales agreed after a delay replaces the confirmed one."""
    delivery_date = incoming.body.payload.delivery_date
    return await _start_or_apply(
        connection, incoming, lambda account: account.revise_delivery(delivery_date)
    )


async def record_customer(
    connection: AsyncConnection, incoming: Incoming[CustomerUpdated]
) -> list[Event]:
    """Keep the latest customer record sales published (tier, deposit %, currency)."""
    await repository.store_customer(connection, customer_from_record(incoming.body))
    return []
