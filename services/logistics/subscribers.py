"""What logistics consumes, its HTTP API and its deadline rounds (P5.3, P5.6)."""

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from decimal import Decimal
from functools import partial
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from services.logistics import handlers
from services.logistics.adapters import repository
from services.logistics.desk import Desk
from services.logistics.http import router
from services.logistics.settings import LogisticsSettings
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
    topics,
)
from shared.messaging.routes import Route
from shared.runtime import ServiceContext, ServiceParts
from shared.seed import Seed

SHIPPING = repository.preload


def routes(policy: bool = False, release_authority: Decimal | None = None) -> Sequence[Route[Any]]:
    """Every route reads its batch's orders and their shipments in two statements (finance's
    checks also the waybills the automatic policy would tie)."""
    given = {"policy": policy, "release_authority": release_authority}
    consumed: list[tuple[str, type[Any], Any, Any]] = [
        (topics.ORDER_PLACED, OrderPlaced, handlers.place_order, SHIPPING),
        (topics.CONFIRMATION_ISSUED, ConfirmationIssued, handlers.confirm_order, SHIPPING),
        (topics.DELIVERY_REVISED, DeliveryRevised, handlers.revise_delivery, SHIPPING),
        (topics.CONFIRMATION_SIGNED, ConfirmationSigned, handlers.record_signature, SHIPPING),
        (topics.ORDER_RELEASED, OrderReleased, handlers.record_release, SHIPPING),
        (topics.GOODS_PRODUCED, GoodsProduced, handlers.record_production, SHIPPING),
        (
            topics.PAYMENT_CHECKED,
            PaymentChecked,
            handlers.record_payment_check,
            repository.preload_checks,
        ),
        (topics.ORDER_CLOSED, OrderClosed, handlers.close_order, SHIPPING),
        (topics.CHANGE_REQUESTED, ChangeRequested, handlers.take_change_request, SHIPPING),
        (topics.CHANGE_DECIDED, ChangeDecided, handlers.apply_change_decision, SHIPPING),
    ]
    return [
        Route(topic, contract, partial(handler, **given), preload=preload)
        for topic, contract, handler, preload in consumed
    ]


def sales_manager_authority(seed: Seed) -> Decimal | None:
    """The largest shipment the sales manager may release: the sales manager's approval
    authority (P8.1); none at all if the seed gives the sales manager none."""
    for granted in seed.approval_authority:
        if granted.role == "sales_manager":
            return granted.max_amount
    return Decimal("0.00")


async def deadline_round(connection: AsyncConnection, now: datetime) -> list[Event]:
    """P5.3, P5.6: escalate emergency releases whose signatures are missing a working day
    later, and flag dispatched shipments not delivered by their expected day, each once."""
    desk = Desk(connection, now)
    for shipment_id in await repository.due_escalations(connection, now):
        _order, shipment = await desk.require_shipment(shipment_id)
        shipment.escalate_if_due(now)
    for shipment_id in await repository.overdue_deliveries(connection, now.date()):
        _order, shipment = await desk.require_shipment(shipment_id)
        shipment.flag_if_late(now.date())
    return await desk.events(None)


def deadline_rounds(context: ServiceContext, seconds: float) -> Callable[[], Awaitable[None]]:
    async def rounds() -> None:
        while True:
            await asyncio.sleep(seconds)
            await context.unit_of_work.run(partial(deadline_round, now=context.clock.now()))

    return rounds


def parts(context: ServiceContext) -> ServiceParts:
    settings = context.settings
    if not isinstance(settings, LogisticsSettings):
        settings = LogisticsSettings()
    policy = settings.automatic_policy
    authority = sales_manager_authority(context.seed)
    return ServiceParts(
        routes=routes(policy, authority),
        router=router(context, policy, authority),
        background=[deadline_rounds(context, settings.deadline_round_seconds)],
    )
