"""Sales' HTTP API: the sales desk enters orders, clarifies held ones, records written and
signed confirmations, holds releases, records a new delivery date agreed after a delay, and
reads orders (with a late delivery, P5.6) and their confirmation (P1, P3, P4.10).

Every request is authenticated; whether the actor may decide is the domain's call.
"""

from dataclasses import replace
from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi import status as http_status
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.ext.asyncio import AsyncConnection

from services.sales import handlers
from services.sales.adapters import repository
from services.sales.adapters.document import render_confirmation
from services.sales.adapters.wire import place_order_command
from services.sales.changes_http import changes_router
from services.sales.domain.model import (
    Decider,
    Decision,
    Delay,
    Order,
    OrderStatus,
    PlaceOrder,
)
from services.sales.timeline import timeline_router
from shared.contracts import OrderSubmission
from shared.contracts.bounds import ContractDate, OrderVersion, RequiredReason
from shared.decisions import NotFound
from shared.http.auth import Actor
from shared.runtime import ServiceContext


class Body(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def desk_command(submission: OrderSubmission) -> PlaceOrder:
    """The desk takes the very body another system publishes on `order.submitted`; an order
    entered without a channel came in at the desk."""
    command = place_order_command(submission)
    if "channel" not in submission.model_fields_set:
        command = replace(command, channel="desk")
    return command


class SignedConfirmationBody(Body):
    received_on: ContractDate = Field(description="Day the signed confirmation came back (P3.4)")
    version: OrderVersion | None = Field(
        default=None,
        description="The version of the confirmation signed; null: the one last sent (P7.3)",
    )


class HoldBody(Body):
    reason: RequiredReason = Field(description="Why the release waits")


class DeliveryDateBody(Body):
    delivery_date: ContractDate = Field(
        description="The new delivery date agreed with the customer; after today (P4.10)"
    )
    reason: RequiredReason = Field(description="What was agreed with the customer, and why")


class ReasonView(BaseModel):
    field: str = Field(description="Field at fault ('channel' for a verbal order)")
    message: str = Field(description="What is wrong or missing")


class LineView(BaseModel):
    line_no: int
    product_code: str
    quantity: int
    unit_price: str
    amount: str


class OrderView(BaseModel):
    """Where an order stands, for sales (P1.3, P3, P7.6)."""

    order_id: str
    status: str = Field(
        description="awaiting_written_confirmation, held, placed, confirmed, released, closed"
    )
    customer_id: str
    customer_reference: str
    submitter: str
    channel: str
    tier: str | None
    currency: str
    total_amount: str
    lines: list[LineView]
    payment_terms: str | None
    requested_delivery_date: date
    confirmed_delivery_date: date | None
    expected_delivery_date: date | None
    reasons: list[ReasonView] = Field(description="Why the order waits (held, verbal, on hold)")
    confirmation_sent_on: date | None
    deposit_required: bool
    deposit_amount: str | None
    deposit_received: bool
    paid_total: str = Field(description="Money finance has recorded against the order")
    signed_confirmation_received_on: date | None
    days_late: int | None
    released: bool
    release_gate: str | None
    manual_hold: str | None
    awaiting_new_delivery_date: bool = Field(
        description="Production reported a delay; a new date is to be agreed (P4.10)"
    )
    delivered: bool = Field(description="Logistics reported the whole order delivered (P5.6)")
    delivery_late: bool = Field(
        description="A shipment is past the day its shipping notice gave and not delivered "
        "(P5.6); cleared when it is"
    )
    late_delivery_expected_on: date | None = Field(
        description="The day the late shipment was expected (the earliest, if several)"
    )
    outcome: str | None
    decline_reason: str
    version: int = Field(description="The applied version: 1 as placed, n after change n (P7.1)")
    confirmation_version: int = Field(
        description="The version the last confirmation sent confirms: above 1, amended (P7.3)"
    )
    release_version: int = Field(
        description="The version production was last released with (0: not released, P7.3)"
    )

    @classmethod
    def of(cls, order: Order) -> "OrderView":
        reasons = [ReasonView(field=r.field, message=r.message) for r in order.reasons]
        if order.manual_hold is not None:
            reasons.append(ReasonView(field="hold", message=order.manual_hold))
        return cls(
            order_id=order.order_id,
            status=order.status.value,
            customer_id=order.customer_id,
            customer_reference=order.customer_reference,
            submitter=order.submitter,
            channel=order.channel,
            tier=order.tier,
            currency=order.currency,
            total_amount=str(order.total_amount),
            lines=[
                LineView(
                    line_no=line.line_no,
                    product_code=line.product_code,
                    quantity=line.quantity,
                    unit_price=str(line.unit_price),
                    amount=str(line.amount),
                )
                for line in order.lines
            ],
            payment_terms=order.payment_terms,
            requested_delivery_date=order.requested_delivery_date,
            confirmed_delivery_date=order.confirmed_delivery_date,
            expected_delivery_date=order.expected_delivery_date,
            reasons=reasons,
            confirmation_sent_on=order.confirmation_sent_on,
            deposit_required=order.deposit_required,
            deposit_amount=None if order.deposit_amount is None else str(order.deposit_amount),
            deposit_received=order.deposit_received,
            paid_total=str(order.paid_total),
            signed_confirmation_received_on=order.signed_received_on,
            days_late=order.days_late,
            released=order.released,
            release_gate=order.release_gate,
            manual_hold=order.manual_hold,
            awaiting_new_delivery_date=order.awaiting_new_delivery_date,
            delivered=order.delivered,
            version=order.version,
            confirmation_version=order.confirmation_version,
            release_version=order.release_version,
            delivery_late=order.delivery_late,
            late_delivery_expected_on=order.late_delivery_expected_on,
            outcome=order.outcome.value if order.outcome else None,
            decline_reason=order.decline_reason,
        )


class DecisionView(BaseModel):
    kind: str
    user: str
    role: str
    at: datetime
    detail: str

    @classmethod
    def of(cls, decision: Decision) -> "DecisionView":
        return cls(
            kind=decision.kind,
            user=decision.user,
            role=decision.role,
            at=decision.at,
            detail=decision.detail,
        )


class DelayView(BaseModel):
    production_order_id: str
    cause: str = Field(description="late_purchase, failed_inspection, rush, capacity or production")
    confirmed_delivery_date: date = Field(description="The date production found it would miss")
    expected_delivery_date: date = Field(description="The earliest date it can be delivered")
    reason: str
    reported_at: datetime = Field(description="When production reported it")
    event_id: str = Field(description="The order.delayed event that brought it")

    @classmethod
    def of(cls, delay: Delay) -> "DelayView":
        return cls(
            production_order_id=delay.production_order_id,
            cause=delay.cause,
            confirmed_delivery_date=delay.confirmed_delivery_date,
            expected_delivery_date=delay.expected_delivery_date,
            reason=delay.reason,
            reported_at=delay.reported_at,
            event_id=delay.event_id,
        )


class OrderDetail(OrderView):
    history: list[DecisionView] = Field(description="Who decided what, and when (P7.6)")
    delays: list[DelayView] = Field(description="Production's delay reports, oldest first (P4.10)")


def router(context: ServiceContext) -> APIRouter:
    api = APIRouter(tags=["orders"])
    api.include_router(timeline_router(context))
    api.include_router(changes_router(context))
    current_actor = Depends(context.current_actor)

    def decider(actor: Actor) -> Decider:
        return Decider(user=actor.user, role=actor.role, at=context.clock.now())

    async def existing(connection: AsyncConnection, order_id: str) -> Order:
        order = await repository.load(connection, order_id, for_update=False)
        if order is None:
            raise NotFound(f"no order {order_id}")
        return order

    @api.post("/orders", status_code=http_status.HTTP_201_CREATED)
    async def enter_order(body: OrderSubmission, actor: Actor = current_actor) -> OrderView:
        """Enter an order at the sales desk, or correct a held one (same submitter and
        reference): it is registered and checked at once (P1.1, P1.2, P1.3, P1.6)."""
        by = decider(actor)
        order = await context.unit_of_work.decide(
            lambda connection: handlers.submit(connection, desk_command(body), by.at, by=by)
        )
        return OrderView.of(order)

    @api.get("/orders")
    async def list_orders(
        actor: Actor = current_actor,
        status: Annotated[OrderStatus | None, Query(description="Only orders in it")] = None,
        limit: Annotated[int, Query(ge=1, le=5000)] = 500,
        after: Annotated[str, Query(description="Only orders numbered after this one")] = "",
    ) -> list[OrderView]:
        """Orders in number order, e.g. `?status=held` for those to clarify (P1.3)."""
        async with context.unit_of_work.read() as connection:
            orders = await repository.list_orders(
                connection, status.value if status else None, limit, after
            )
        return [OrderView.of(order) for order in orders]

    @api.get("/orders/{order_id}")
    async def show_order(order_id: str, actor: Actor = current_actor) -> OrderDetail:
        async with context.unit_of_work.read() as connection:
            order = await existing(connection, order_id)
            history = await repository.decisions(connection, order_id)
            delays = await repository.delays(connection, order_id)
        return OrderDetail(
            **OrderView.of(order).model_dump(),
            history=[DecisionView.of(decision) for decision in history],
            delays=[DelayView.of(delay) for delay in delays],
        )

    @api.get("/orders/{order_id}/confirmation", response_class=HTMLResponse)
    async def show_confirmation(order_id: str, actor: Actor = current_actor) -> HTMLResponse:
        """The order confirmation sent to the customer to sign and return (P3.1)."""
        async with context.unit_of_work.read() as connection:
            order = await existing(connection, order_id)
            order.confirmation()
            customer = await repository.customer(connection, order.customer_id)
            products = await repository.products_named(
                connection, (line.product_code for line in order.lines)
            )
        return HTMLResponse(
            render_confirmation(order, context.seed.company, customer, products),
            media_type="text/html",
        )

    @api.post("/orders/{order_id}/written-confirmation")
    async def record_written_confirmation(order_id: str, actor: Actor = current_actor) -> OrderView:
        """The customer confirmed a verbal order in writing; it goes through intake (P1.1)."""
        by = decider(actor)
        order = await context.unit_of_work.decide(
            lambda connection: handlers.confirm_in_writing(connection, order_id, by)
        )
        return OrderView.of(order)

    @api.post("/orders/{order_id}/signed-confirmation")
    async def record_signed_confirmation(
        order_id: str, body: SignedConfirmationBody, actor: Actor = current_actor
    ) -> OrderView:
        """The signed confirmation is back; late ones move the date (P3.1, P3.3, P3.4)."""
        by = decider(actor)
        order = await context.unit_of_work.decide(
            lambda connection: handlers.record_signed_confirmation(
                connection, order_id, body.received_on, by, body.version
            )
        )
        return OrderView.of(order)

    @api.post("/orders/{order_id}/hold")
    async def hold_order(order_id: str, body: HoldBody, actor: Actor = current_actor) -> OrderView:
        """Stop the order's release for production until the hold is lifted (P8.1)."""
        by = decider(actor)
        order = await context.unit_of_work.decide(
            lambda connection: handlers.hold(connection, order_id, body.reason, by)
        )
        return OrderView.of(order)

    @api.post("/orders/{order_id}/release-hold")
    async def release_hold(order_id: str, actor: Actor = current_actor) -> OrderView:
        """Lift the hold; the order is released if its gates are passed (P3.2, P3.3)."""
        by = decider(actor)
        order = await context.unit_of_work.decide(
            lambda connection: handlers.release_hold(connection, order_id, by)
        )
        return OrderView.of(order)

    @api.post("/orders/{order_id}/delivery-date")
    async def revise_delivery_date(
        order_id: str, body: DeliveryDateBody, actor: Actor = current_actor
    ) -> OrderView:
        """Record the new delivery date agreed with the customer after a delay; it is the
        order's date from now on and is published as delivery.revised (P4.10). Sales manager
        or general manager."""
        by = decider(actor)
        order = await context.unit_of_work.decide(
            lambda connection: handlers.revise_delivery_date(
                connection, order_id, body.delivery_date, body.reason, by
            )
        )
        return OrderView.of(order)

    return api
