"""Finance's message handlers: each maps a consumed message to a command and lets the ledger
carry it out; the ledger stores what changed and collects the events."""

from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from services.finance.adapters import repository
from services.finance.adapters.customers import store_customer
from services.finance.adapters.wire import (
    apply_change_command,
    confirm_order_command,
    credit_return_command,
    customer_from_record,
    open_account_command,
    receive_payment_command,
    request_shipment_command,
    ship_goods_command,
)
from services.finance.domain import commands
from services.finance.domain.commands import ReceivePayment
from services.finance.domain.credit_notes import return_no
from services.finance.domain.events import PaymentKind
from services.finance.domain.model import Outcome
from services.finance.ledger import Ledger
from shared.contracts import (
    ChangeDecided,
    ChangeRequested,
    ConfirmationIssued,
    ConfirmationSigned,
    CustomerUpdated,
    DeliveryRevised,
    Event,
    GoodsDelivered,
    GoodsShipped,
    OrderClosed,
    OrderPlaced,
    OrderReleased,
    PaymentNotification,
    ReturnStepped,
    ShipmentCancelled,
    ShipmentRequested,
)
from shared.delivery_dates import DateSource
from shared.messaging.routes import Incoming, MessageRejected

NO_CURRENCY = "XXX"
"""ISO 4217's code for no currency: cash reported without one never matches an order."""


async def open_account(
    connection: AsyncConnection, incoming: Incoming[OrderPlaced], policy: bool = False
) -> list[Event]:
    """P2.7, P5.2, P6.2, P6.3: every placed order gets an account, once, with its lines and
    terms; shipments requested or shipped before it are valued, checked and invoiced now, and
    payments that waited for it are matched."""
    ledger = Ledger(connection, incoming.received_at, policy)
    account = await ledger.account_or_start(incoming.body.order_id)
    command = open_account_command(incoming.body)
    account.open(command, await ledger.customer(account, command.customer_id))
    await ledger.opened(account)
    return await ledger.events(incoming.causation_id)


async def confirm_order(
    connection: AsyncConnection, incoming: Incoming[ConfirmationIssued], policy: bool = False
) -> list[Event]:
    """P2.7, P3.1, P3.3, P6.1, P6.4: the confirmed order is recorded on its account (opening it
    if the order has not reached finance yet); a deposit due is requested once; the order now
    counts in its customer's open balance; payments that waited for it are matched (P6.2). An
    amended confirmation (a higher version, P7.3) replaces the total and deposit and asks for
    the deposit's difference."""
    ledger = Ledger(connection, incoming.received_at, policy)
    account = await ledger.account_or_start(incoming.body.order_id)
    command = confirm_order_command(incoming.body)
    account.confirm(command, await ledger.customer(account, command.customer_id))
    await ledger.opened(account)
    return await ledger.events(incoming.causation_id)


async def check_shipment(
    connection: AsyncConnection, incoming: Incoming[ShipmentRequested], policy: bool = False
) -> list[Event]:
    """P5.2, P6.3: a payment check per shipment, once; a pro-forma for prepaid terms; with the
    automatic policy on, decided in the same unit of work. A shipment requested before its
    order waits for the order's lines."""
    body = incoming.body
    await _require_own_shipment(connection, body.payload.shipment_id, body.order_id)
    ledger = Ledger(connection, incoming.received_at, policy)
    account = await ledger.account_or_start(body.order_id)
    command = request_shipment_command(body)
    account.request_shipment(command, incoming.received_at, await ledger.customer(account))
    await ledger.act_for_people(account)
    return await ledger.events(incoming.causation_id)


async def invoice_shipment(
    connection: AsyncConnection, incoming: Incoming[GoodsShipped], policy: bool = False
) -> list[Event]:
    """P6.3: one invoice per shipment, for what it shipped, due by the order's terms; if the
    order has not reached finance yet, as soon as it does."""
    body = incoming.body
    await _require_own_shipment(connection, body.payload.shipment_id, body.order_id)
    ledger = Ledger(connection, incoming.received_at, policy)
    account = await ledger.account_or_start(body.order_id)
    account.ship(ship_goods_command(body, incoming.received_at), await ledger.customer(account))
    return await ledger.events(incoming.causation_id)


async def collect_cash(
    connection: AsyncConnection, incoming: Incoming[GoodsDelivered], policy: bool = False
) -> list[Event]:
    """P6.1: cash the carrier collected on delivery is a payment of kind cash_on_delivery,
    bank transaction COD-<shipment>, once; in another currency (or none) it is unmatched."""
    payload = incoming.body.payload
    if payload.cash_collected <= 0:
        return []
    ledger = Ledger(connection, incoming.received_at, policy)
    command = ReceivePayment(
        bank_transaction_id=commands.cash_transaction(payload.shipment_id),
        order_reference=incoming.body.order_id,
        amount=payload.cash_collected,
        currency=payload.currency or NO_CURRENCY,
        booked_at=payload.recorded.at,
        payer=payload.received_by,
    )
    await ledger.take(command, PaymentKind.CASH_ON_DELIVERY)
    return await ledger.events(incoming.causation_id)


async def receive_payment(
    connection: AsyncConnection, incoming: Incoming[PaymentNotification], policy: bool = False
) -> list[Event]:
    """P6.1, P6.2, P3.3, P5.2: put the bank's payment against its order, invoiced or not; while
    a requested deposit is outstanding it is the deposit. The same bank transaction reported
    twice is one payment; money that matches no order (or not its currency), or whose
    transaction id lies in finance's own namespace (COD-, CREDIT-), is kept and announced for a
    person to resolve. Refused checks it covers pass; the customer's open
    balance follows (P6.4)."""
    ledger = Ledger(connection, incoming.received_at, policy)
    await ledger.take(receive_payment_command(incoming.body))
    return await ledger.events(incoming.causation_id)


async def close_account(
    connection: AsyncConnection, incoming: Incoming[OrderClosed], policy: bool = False
) -> list[Event]:
    """P7.6, P6.4: file the account with the order's final outcome, even if the order itself
    has not reached finance yet; a declined order leaves its customer's open balance."""
    ledger = Ledger(connection, incoming.received_at, policy)
    account = await ledger.account_or_start(incoming.body.order_id)
    account.close(Outcome(incoming.body.payload.outcome))
    return await ledger.events(incoming.causation_id)


async def acknowledge_change(
    connection: AsyncConnection, incoming: Incoming[ChangeRequested], policy: bool = False
) -> list[Event]:
    """P7.1: answer a change once, with what was paid, asked as deposit and invoiced (zeros
    for an order finance has not heard of yet, whose account this starts); the answer's id is
    derived from the consumed event's, so a replay answers with the same id."""
    ledger = Ledger(connection, incoming.received_at, policy)
    account = await ledger.account_or_start(incoming.body.order_id)
    account.acknowledge(incoming.body.payload.change_no)
    return await ledger.events(incoming.causation_id)


async def apply_change(
    connection: AsyncConnection, incoming: Incoming[ChangeDecided], policy: bool = False
) -> list[Event]:
    """P7.1, P7.2, P6.2: an applied change above the account's version replaces its lines and
    total and keeps its charge; money paid beyond what is now owed is credit at once, a charge
    the money does not cover is invoiced. Changes refused, withdrawn or superseded change
    nothing. An order finance has not heard of yet keeps the change for when it arrives."""
    body = incoming.body
    if body.payload.outcome != "applied":
        return []
    ledger = Ledger(connection, incoming.received_at, policy)
    account = await ledger.account_or_start(body.order_id)
    command = apply_change_command(body, incoming.received_at)
    account.apply_change(command, await ledger.customer(account))
    await ledger.act_for_people(account)
    return await ledger.events(incoming.causation_id)


async def cancel_shipment(
    connection: AsyncConnection, incoming: Incoming[ShipmentCancelled], policy: bool = False
) -> list[Event]:
    """P7.2: a shipment logistics cancelled loses its check and value, and its pro-forma is
    void, so a later shipment is valued on what is left of the order."""
    body = incoming.body
    await _require_own_shipment(connection, body.payload.shipment_id, body.order_id)
    ledger = Ledger(connection, incoming.received_at, policy)
    account = await ledger.account_or_start(body.order_id)
    account.cancel_shipment(body.payload.shipment_id, incoming.received_at)
    return await ledger.events(incoming.causation_id)


async def credit_return(
    connection: AsyncConnection, incoming: Incoming[ReturnStepped], policy: bool = False
) -> list[Event]:
    """P7.5, P6.3: a return inspected with remedy credit and units accepted gets one credit
    note, CN-<order id>-<n>; the balance falls by it. Other steps change nothing here. A
    return number of another order, or a return of an order whose lines finance does not
    know, is refused (dead-lettered)."""
    body = incoming.body
    payload = body.payload
    accepted = [(item.product_code, item.accepted) for item in payload.inspected]
    if payload.step != "inspected" or payload.remedy != "credit":
        return []
    if sum(quantity for _code, quantity in accepted) <= 0:
        return []
    n = return_no(payload.return_number, body.order_id)
    if n is None:
        raise MessageRejected(
            f"return {payload.return_number} is not a return of order {body.order_id}"
        )
    ledger = Ledger(connection, incoming.received_at, policy)
    account = await ledger.account(body.order_id)
    if account is None or not account.valuable:
        raise MessageRejected(f"finance does not know the lines of order {body.order_id}")
    command = credit_return_command(payload.return_number, n, accepted, incoming.received_at)
    account.credit_return(command)
    return await ledger.events(incoming.causation_id)


async def revise_delivery(
    connection: AsyncConnection, incoming: Incoming[DeliveryRevised], policy: bool = False
) -> list[Event]:
    """P4.10: the delivery date sales agreed after a delay replaces the current one."""
    return await _move_delivery(
        connection, incoming, incoming.body.payload.delivery_date, DateSource.REVISED, policy
    )


async def record_signature(
    connection: AsyncConnection, incoming: Incoming[ConfirmationSigned], policy: bool = False
) -> list[Event]:
    """P3.4, P7.3: the delivery date a late signature of the confirmation of its version
    moved, unless the release (or a person), or a higher version, has set the date already."""
    payload = incoming.body.payload
    return await _move_delivery(
        connection,
        incoming,
        payload.expected_delivery_date,
        DateSource.SIGNED,
        policy,
        payload.version,
    )


async def record_release(
    connection: AsyncConnection, incoming: Incoming[OrderReleased], policy: bool = False
) -> list[Event]:
    """P3.3, P3.5, P7.3: the release's delivery date (moved by a late deposit) is the order's
    date until a person revises it or a higher version sets another; a release of a lower
    version than the date's changes nothing."""
    payload = incoming.body.payload
    return await _move_delivery(
        connection, incoming, payload.delivery_date, DateSource.RELEASED, policy, payload.version
    )


async def _move_delivery(
    connection: AsyncConnection,
    incoming: Incoming[Any],
    delivery_date: date,
    source: DateSource,
    policy: bool,
    version: int | None = None,
) -> list[Event]:
    ledger = Ledger(connection, incoming.received_at, policy)
    account = await ledger.account_or_start(incoming.body.order_id)
    account.move_delivery(delivery_date, source, version)
    return await ledger.events(incoming.causation_id)


async def record_customer(
    connection: AsyncConnection, incoming: Incoming[CustomerUpdated], policy: bool = False
) -> list[Event]:
    """Keep the latest customer record sales published (tier, credit limit, terms, deposit %,
    currency: P5.2, P6.3, P6.4)."""
    await store_customer(connection, customer_from_record(incoming.body))
    return []


async def _require_own_shipment(
    connection: AsyncConnection, shipment_id: str, order_id: str
) -> None:
    """A shipment number belongs to one order: one that names another order's shipment is
    refused (dead-lettered), never mixed into that order's checks."""
    owner = await repository.check_owner(connection, shipment_id)
    if owner is not None and owner != order_id:
        raise MessageRejected(f"shipment {shipment_id} belongs to order {owner}, not {order_id}")
