"""Logistics' HTTP API: shipping requests, release signatures, emergency releases, outbound
checks, handovers, dispatch and delivery receipts, and what an order's shipping looks like
(P5.1, P5.3 to P5.6, P8.1). Every request is authenticated; the domain decides whether the
actor may act. A refused decision changes nothing and is answered 403 (beyond authority), 404,
409 (not in a state to take it) or 422 (the decision does not add up)."""

import logging
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any
from uuid import uuid4

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.ext.asyncio import AsyncConnection

from services.logistics import decisions
from services.logistics.adapters import repository, wire
from services.logistics.desk import Desk
from services.logistics.domain.commands import Dispatch, RecordDelivery, RequestShipment, units
from services.logistics.returns_http import returns_router
from services.logistics.views import order_view, shipment_view
from shared.contracts import common
from shared.contracts.bounds import (
    MAX_LINES,
    ContractDate,
    Name,
    Reason,
    ShortText,
    TrackingNumber,
)
from shared.contracts.common import Money
from shared.contracts.events import MAX_WAYBILLS, ProducedLine
from shared.db import rows
from shared.decisions import NotFound, Person
from shared.http.auth import Actor
from shared.runtime import ServiceContext

audit = logging.getLogger("orderflow.audit")


class Body(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


Lines = list[ProducedLine]


class ShipmentRequestBody(Body):
    lines: Lines | None = Field(
        default=None, max_length=MAX_LINES, description="null: everything produced, not shipped"
    )
    delivery_address: common.Address | None = Field(default=None, description="null: as ordered")
    contact: common.Contact | None = Field(default=None, description="null: as ordered")
    correction_reason: Reason = Field(default="", description="Required for a changed address")
    partial_agreement: Reason = Field(
        default="", description="The customer's agreement, required for a partial shipment"
    )


class ReleaseBody(Body):
    pass


class EmergencyReleaseBody(Body):
    reason: Reason = Field(description="Why the goods must leave before their signatures")


class OutboundCheckBody(Body):
    lines: Lines = Field(max_length=MAX_LINES, description="Counted units per product")
    parcels: int = Field(ge=1, le=MAX_WAYBILLS)


class HandoverBody(Body):
    waybills: list[TrackingNumber] = Field(min_length=1, max_length=MAX_WAYBILLS)
    parcels: int = Field(ge=1, le=MAX_WAYBILLS, description="Parcels counted at the handover")


class DispatchBody(Body):
    carrier: ShortText
    tracking_number: TrackingNumber
    expected_delivery_on: ContractDate


class DeliveryBody(Body):
    delivered_on: ContractDate
    received_by: Name = Field(description="Who signed the receipt for the customer")
    lines: Lines | None = Field(default=None, max_length=MAX_LINES, description="null: as shipped")
    discrepancy: Reason = Field(default="", description="Required when quantities differ")
    cash_collected: Money = Field(default=Decimal("0.00"), description="Cash on delivery")


def _units(lines: Lines) -> dict[str, int]:
    return units([(line.product_code, line.quantity) for line in lines])


Decision = Callable[[Desk, Person], Awaitable[Any]]


def router(
    context: ServiceContext, policy: bool = False, release_authority: Decimal | None = None
) -> APIRouter:
    api = APIRouter(tags=["logistics"])
    current_actor = Depends(context.current_actor)

    async def decide(actor: Actor, what: str, decision: Decision) -> Any:
        """Run a person's decision as one unit of work; a refusal rolls everything back. The
        decision's id is the causation of the events it emits, and is audited."""
        person = Person(actor.user, actor.role)
        decision_id = uuid4()

        async def work(connection: AsyncConnection) -> tuple[Any, list[Any]]:
            desk = Desk(connection, context.clock.now(), policy, release_authority)
            result = await decision(desk, person)
            events = await desk.events(decision_id)
            return shipment_view(result), events

        result = await context.unit_of_work.decide(work)
        audit.info("decision %s: %s by %s (%s)", decision_id, what, actor.user, actor.role)
        return result

    # -- reading ------------------------------------------------------------------------------

    @api.get("/orders/{order_id}")
    async def show_order(order_id: str, actor: Actor = current_actor) -> dict[str, Any]:
        """An order's shipping: ordered, produced, shipped, remaining, its shipments."""
        async with context.unit_of_work.read() as connection, rows.in_scope(connection):
            desk = Desk(connection, context.clock.now())
            order = await desk.order(order_id)
            if order is None:
                raise NotFound(f"logistics knows no order {order_id}")
            return order_view(order, await desk.shipments_of(order))

    @api.get("/shipments")
    async def list_shipments(
        actor: Actor = current_actor, status: str | None = None, order_id: str | None = None
    ) -> list[dict[str, Any]]:
        async with context.unit_of_work.read() as connection:
            found = await repository.find_shipments(connection, status, order_id)
        return [shipment_view(shipment) for shipment in found]

    @api.get("/shipments/{shipment_id}")
    async def show_shipment(shipment_id: str, actor: Actor = current_actor) -> dict[str, Any]:
        async with context.unit_of_work.read() as connection, rows.in_scope(connection):
            shipment = await Desk(connection, context.clock.now()).shipment(shipment_id)
        if shipment is None:
            raise NotFound(f"logistics knows no shipment {shipment_id}")
        return shipment_view(shipment)

    # -- decisions ----------------------------------------------------------------------------

    @api.post("/orders/{order_id}/shipments")
    async def request_shipment(
        order_id: str, body: ShipmentRequestBody, actor: Actor = current_actor
    ) -> Any:
        command = RequestShipment(
            lines=None if body.lines is None else _units(body.lines),
            delivery_address=wire.address(body.delivery_address) if body.delivery_address else None,
            contact=wire.contact(body.contact) if body.contact else None,
            correction_reason=body.correction_reason,
            partial_agreement=body.partial_agreement,
        )
        return await decide(
            actor,
            f"shipping request for {order_id}",
            lambda desk, person: decisions.request_shipment(desk, order_id, command, person),
        )

    @api.post("/shipments/{shipment_id}/release")
    async def release(shipment_id: str, body: ReleaseBody, actor: Actor = current_actor) -> Any:
        return await decide(
            actor,
            f"release of {shipment_id}",
            lambda desk, person: decisions.release(desk, shipment_id, person),
        )

    @api.post("/shipments/{shipment_id}/emergency-release")
    async def emergency_release(
        shipment_id: str, body: EmergencyReleaseBody, actor: Actor = current_actor
    ) -> Any:
        return await decide(
            actor,
            f"emergency release of {shipment_id}",
            lambda desk, person: decisions.release_in_emergency(
                desk, shipment_id, body.reason, person
            ),
        )

    @api.post("/shipments/{shipment_id}/outbound-check")
    async def outbound_check(
        shipment_id: str, body: OutboundCheckBody, actor: Actor = current_actor
    ) -> Any:
        counted = _units(body.lines)
        return await decide(
            actor,
            f"outbound check of {shipment_id}",
            lambda desk, person: decisions.check_outbound(
                desk, shipment_id, counted, body.parcels, person
            ),
        )

    @api.post("/shipments/{shipment_id}/handover")
    async def handover(shipment_id: str, body: HandoverBody, actor: Actor = current_actor) -> Any:
        return await decide(
            actor,
            f"handover of {shipment_id}",
            lambda desk, person: decisions.hand_over(
                desk, shipment_id, tuple(body.waybills), body.parcels, person
            ),
        )

    @api.post("/shipments/{shipment_id}/dispatch")
    async def dispatch(shipment_id: str, body: DispatchBody, actor: Actor = current_actor) -> Any:
        notice = Dispatch(body.carrier, body.tracking_number, body.expected_delivery_on)
        return await decide(
            actor,
            f"dispatch of {shipment_id}",
            lambda desk, person: decisions.dispatch(desk, shipment_id, notice, person),
        )

    @api.post("/shipments/{shipment_id}/delivery")
    async def delivery(shipment_id: str, body: DeliveryBody, actor: Actor = current_actor) -> Any:
        receipt = RecordDelivery(
            delivered_on=body.delivered_on,
            received_by=body.received_by,
            lines=None if body.lines is None else _units(body.lines),
            discrepancy=body.discrepancy,
            cash_collected=body.cash_collected,
        )
        return await decide(
            actor,
            f"delivery receipt of {shipment_id}",
            lambda desk, person: decisions.record_delivery(desk, shipment_id, receipt, person),
        )

    api.include_router(returns_router(context))  # P7.5
    return api
