"""What finance consumes (one route per topic), its HTTP API and its collection round."""

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from functools import partial
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from services.finance import handlers
from services.finance.adapters import customers, money, repository
from services.finance.domain import commands
from services.finance.domain.matching import order_id_from_reference
from services.finance.http import router
from services.finance.ledger import Ledger
from services.finance.settings import FinanceSettings
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
    topics,
)
from shared.messaging.routes import Route
from shared.runtime import ServiceContext, ServiceParts

ACCOUNTS = repository.preload_accounts


async def _orders(connection: AsyncConnection, bodies: Sequence[Any]) -> None:
    """Orders opening: their accounts, their customers and the payments waiting for them."""
    order_ids = [body.order_id for body in bodies]
    await ACCOUNTS(connection, bodies)
    await customers.preload_customers(
        connection, order_ids, [body.payload.customer_id for body in bodies]
    )
    await money.preload_waiting(connection, order_ids)


async def _shipments(connection: AsyncConnection, bodies: Sequence[Any]) -> None:
    await repository.preload_shipments(connection, bodies)
    await customers.preload_customers(connection, [body.order_id for body in bodies])


async def _deliveries(connection: AsyncConnection, bodies: Sequence[GoodsDelivered]) -> None:
    paying = [body for body in bodies if body.payload.cash_collected > 0]
    if paying:
        await ACCOUNTS(connection, paying)
        ids = [commands.cash_transaction(body.payload.shipment_id) for body in paying]
        await money.preload_transactions(connection, ids)


async def _notifications(
    connection: AsyncConnection, notifications: Sequence[PaymentNotification]
) -> None:
    await money.preload_notifications(connection, notifications)
    order_ids = [order_id_from_reference(n.order_reference) for n in notifications]
    await customers.preload_customers(connection, order_ids)


def routes(policy: bool = False) -> Sequence[Route[Any]]:
    def route(topic: str, contract: Any, handler: Any, preload: Any = ACCOUNTS) -> Route[Any]:
        return Route(topic, contract, partial(handler, policy=policy), preload=preload)

    return [
        route(topics.ORDER_PLACED, OrderPlaced, handlers.open_account, _orders),
        route(topics.CONFIRMATION_ISSUED, ConfirmationIssued, handlers.confirm_order, _orders),
        route(topics.SHIPMENT_REQUESTED, ShipmentRequested, handlers.check_shipment, _shipments),
        route(topics.GOODS_SHIPPED, GoodsShipped, handlers.invoice_shipment, _shipments),
        route(topics.GOODS_DELIVERED, GoodsDelivered, handlers.collect_cash, _deliveries),
        route(
            topics.PAYMENT_NOTIFIED, PaymentNotification, handlers.receive_payment, _notifications
        ),
        route(topics.ORDER_CLOSED, OrderClosed, handlers.close_account),
        route(topics.DELIVERY_REVISED, DeliveryRevised, handlers.revise_delivery),
        route(topics.CONFIRMATION_SIGNED, ConfirmationSigned, handlers.record_signature),
        route(topics.ORDER_RELEASED, OrderReleased, handlers.record_release),
        route(topics.CHANGE_REQUESTED, ChangeRequested, handlers.acknowledge_change),
        route(topics.CHANGE_DECIDED, ChangeDecided, handlers.apply_change),
        route(topics.SHIPMENT_CANCELLED, ShipmentCancelled, handlers.cancel_shipment, _shipments),
        route(topics.RETURN_STEPPED, ReturnStepped, handlers.credit_return),
        Route(
            topics.CUSTOMER_UPDATED,
            CustomerUpdated,
            handlers.record_customer,
            latest_per_key=True,
        ),
    ]


async def collection_round(connection: AsyncConnection, ledger: Ledger) -> Sequence[Event]:
    """P6.3: walk the collection steps of the accounts whose next step has come, a bounded
    batch per round, each account locked (and skipped by other replicas) while it is walked."""
    for order_id in await repository.due_for_collection(connection, ledger.today):
        account = await ledger.account(order_id)
        if account is not None:
            account.walk_collection(ledger.today)
            ledger.touch(account)
    return await ledger.events(None)


def collection_rounds(
    context: ServiceContext, every: float, policy: bool = False
) -> Callable[[], Awaitable[None]]:
    """A round every `every` seconds on the services' clock (which tests move forward)."""

    async def rounds() -> None:
        while True:
            await asyncio.sleep(every)

            async def work(connection: AsyncConnection) -> Sequence[Event]:
                return await collection_round(
                    connection, Ledger(connection, context.clock.now(), policy)
                )

            await context.unit_of_work.run(work)

    return rounds


def parts(context: ServiceContext) -> ServiceParts:
    settings = context.settings
    policy = isinstance(settings, FinanceSettings) and settings.automatic_policy
    every = settings.collection_round_seconds if isinstance(settings, FinanceSettings) else 5.0
    return ServiceParts(
        routes=routes(policy),
        router=router(context, policy),
        background=[collection_rounds(context, every, policy)],
    )
