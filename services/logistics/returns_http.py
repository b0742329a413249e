"""Logistics' HTTP API for customers' returns of delivered goods (P7.5): customer service
records one, the sales manager authorises or declines it, the order clerk receives the goods,
QA inspects them and the dispatcher sends rejected units back; anyone reads them. Every
request is authenticated; who may decide what is the domain's call. A refused decision
changes nothing, publishes nothing, and is answered 403, 404, 409 or 422."""

import logging
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, Literal
from uuid import uuid4

from fastapi import APIRouter, Depends
from fastapi import Path as PathParam
from fastapi import status as http_status
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.ext.asyncio import AsyncConnection

from services.logistics.adapters import return_rows
from services.logistics.desk import Desk
from services.logistics.domain.returns import CustomerReturn
from services.logistics.return_desk import Asked, ReturnsDesk
from services.logistics.views import return_view
from shared.contracts import Event
from shared.contracts.bounds import (
    CODE_PATTERN,
    MAX_LINES,
    ORDER_ID_PATTERN,
    DocumentNumber,
    Reason,
    RequiredReason,
    ShortText,
    TrackingNumber,
)
from shared.contracts.events import MAX_WAYBILLS, ProducedLine
from shared.contracts.returns import InspectedReturn, Remedy
from shared.decisions import NotFound, Person
from shared.http.auth import Actor
from shared.runtime import ServiceContext

audit = logging.getLogger("orderflow.audit")

OrderId = Annotated[str, PathParam(max_length=40, pattern=ORDER_ID_PATTERN)]
ReturnNumber = Annotated[str, PathParam(max_length=50, pattern=CODE_PATTERN)]


class Body(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ReturnRequestBody(Body):
    shipment_id: DocumentNumber = Field(description="The delivered shipment the goods came in")
    lines: list[ProducedLine] = Field(
        min_length=1, max_length=MAX_LINES, description="Units the customer returns"
    )
    reason: RequiredReason = Field(description="Why the customer returns them")
    remedy: Remedy = Field(description="What the customer asks for: credit or replacement")


class AuthorisationBody(Body):
    decision: Literal["authorise", "decline"]
    remedy: Remedy | None = Field(default=None, description="null: as the customer asked")
    reason: Reason = Field(default="", description="Required to decline")


class ReceiptBody(Body):
    lines: list[ProducedLine] = Field(
        min_length=1, max_length=MAX_LINES, description="Units received and unpacked"
    )
    parcels: int = Field(default=1, ge=1, le=MAX_WAYBILLS, description="Parcels received")
    note: Reason = Field(default="", description="What the order clerk noticed")


class InspectionBody(Body):
    lines: list[InspectedReturn] = Field(
        min_length=1, max_length=MAX_LINES, description="Accepted and rejected units per product"
    )
    note: Reason = Field(default="", description="QA's findings")


class SendBackBody(Body):
    carrier: ShortText
    tracking_number: TrackingNumber


def _units(lines: list[ProducedLine]) -> list[tuple[str, int]]:
    return [(line.product_code, line.quantity) for line in lines]


Decision = Callable[[ReturnsDesk, Person], Awaitable[tuple[CustomerReturn, list[Event]]]]


def returns_router(context: ServiceContext) -> APIRouter:
    api = APIRouter(tags=["logistics returns"])
    current_actor = Depends(context.current_actor)

    async def decide(actor: Actor, what: str, decision: Decision) -> dict[str, Any]:
        """Run a person's decision on a return as one unit of work: the return's row, the
        order's counter and the `return.stepped` records in the outbox commit together."""
        person = Person(actor.user, actor.role)
        decision_id = uuid4()

        async def work(connection: AsyncConnection) -> tuple[dict[str, Any], list[Event]]:
            desk = ReturnsDesk(Desk(connection, context.clock.now()), decision_id)
            found, events = await decision(desk, person)
            return return_view(found), events

        result = await context.unit_of_work.decide(work)
        audit.info("decision %s: %s by %s (%s)", decision_id, what, actor.user, actor.role)
        return result

    # -- reading --------------------------------------------------------------------------------

    @api.get("/customer-returns")
    async def list_returns(
        actor: Actor = current_actor, order_id: str | None = None, status: str | None = None
    ) -> list[dict[str, Any]]:
        async with context.unit_of_work.read() as connection:
            found = await return_rows.read_many(connection, order_id, status)
        return [return_view(one) for one in found]

    @api.get("/customer-returns/{number}")
    async def show_return(number: ReturnNumber, actor: Actor = current_actor) -> dict[str, Any]:
        async with context.unit_of_work.read() as connection:
            found = await return_rows.read_one(connection, number)
        if found is None:
            raise NotFound(f"logistics knows no return {number}")
        return return_view(found)

    @api.get("/orders/{order_id}/returns")
    async def returns_of_order(
        order_id: OrderId, actor: Actor = current_actor
    ) -> list[dict[str, Any]]:
        async with context.unit_of_work.read() as connection:
            found = await return_rows.read_many(connection, order_id)
        return [return_view(one) for one in found]

    # -- decisions ------------------------------------------------------------------------------

    @api.post("/orders/{order_id}/returns", status_code=http_status.HTTP_201_CREATED)
    async def request_return(
        order_id: OrderId, body: ReturnRequestBody, actor: Actor = current_actor
    ) -> dict[str, Any]:
        """Record a customer's return of goods a delivered shipment brought (customer
        service, customer-service lead); answered with its number RT-<order id>-<n>."""
        asked = Asked(body.shipment_id, _units(body.lines), body.reason, body.remedy)
        return await decide(
            actor,
            f"return of {body.shipment_id} for {order_id}",
            lambda desk, person: desk.request(order_id, asked, person),
        )

    @api.post("/customer-returns/{number}/authorisation")
    async def authorisation(
        number: ReturnNumber, body: AuthorisationBody, actor: Actor = current_actor
    ) -> dict[str, Any]:
        """Authorise (fixing the remedy) or decline with a reason (sales manager, general
        manager)."""
        if body.decision == "decline":
            return await decide(
                actor,
                f"decline of {number}",
                lambda desk, person: desk.decline(number, body.remedy, body.reason, person),
            )
        return await decide(
            actor,
            f"authorisation of {number}",
            lambda desk, person: desk.authorise(number, body.remedy, body.reason, person),
        )

    @api.post("/customer-returns/{number}/receipt")
    async def receipt(
        number: ReturnNumber, body: ReceiptBody, actor: Actor = current_actor
    ) -> dict[str, Any]:
        """The goods arrived and were unpacked (order clerk)."""
        received: dict[str, int] = {}
        for code, count in _units(body.lines):
            received[code] = received.get(code, 0) + count
        return await decide(
            actor,
            f"receipt of {number}",
            lambda desk, person: desk.receive(number, received, body.parcels, body.note, person),
        )

    @api.post("/customer-returns/{number}/inspection")
    async def inspection(
        number: ReturnNumber, body: InspectionBody, actor: Actor = current_actor
    ) -> dict[str, Any]:
        """QA's verdict: accepted plus rejected is what was received (QA inspector)."""
        verdict = [(line.product_code, line.accepted, line.rejected) for line in body.lines]
        return await decide(
            actor,
            f"inspection of {number}",
            lambda desk, person: desk.inspect(number, verdict, body.note, person),
        )

    @api.post("/customer-returns/{number}/send-back")
    async def send_back(
        number: ReturnNumber, body: SendBackBody, actor: Actor = current_actor
    ) -> dict[str, Any]:
        """The rejected units go back to the customer (dispatcher)."""
        return await decide(
            actor,
            f"send-back of {number}",
            lambda desk, person: desk.send_back(number, body.carrier, body.tracking_number, person),
        )

    return api
