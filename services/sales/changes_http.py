"""Sales' HTTP API for a customer's changes and cancellations (P7.1, P7.2, P7.4): record one,
read them, withdraw an open one, decide the charge for what was already spent. Every request
is authenticated; who may decide what is the domain's call."""

from datetime import date, datetime
from decimal import Decimal

from fastapi import APIRouter, Depends
from fastapi import status as http_status
from pydantic import BaseModel, ConfigDict, Field

from services.sales import change_handlers
from services.sales.adapters import change_rows
from services.sales.domain.changes import Asked, Change
from services.sales.domain.commands import Decider
from shared.contracts.bounds import (
    MAX_LINES,
    ContractDate,
    LineNumber,
    Money,
    Reason,
    RequiredReason,
)
from shared.decisions import InvalidDecision, NotFound
from shared.http.auth import Actor
from shared.runtime import ServiceContext


class Body(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class LineChange(Body):
    line_no: LineNumber = Field(description="The order's line")
    quantity: int = Field(ge=0, le=100_000, description="Its new quantity; 0 removes the line")


class ChangeBody(Body):
    lines: list[LineChange] = Field(
        default_factory=list, max_length=MAX_LINES, description="Lines whose quantity changes"
    )
    requested_delivery_date: ContractDate | None = Field(
        default=None, description="A new date the customer asks for; null: unchanged"
    )
    cancel: bool = Field(default=False, description="Cancel the whole order")
    requirements: Reason | None = Field(
        default=None,
        description="The product requirements in words from now on; null: unchanged (P7.3)",
    )
    reason: RequiredReason = Field(description="What the customer asked, as recorded")


class ReasonBody(Body):
    reason: RequiredReason = Field(description="Why")


class ChargeBody(Body):
    amount: Money = Field(description="What the customer pays for what was spent; may be 0")
    reason: RequiredReason = Field(description="What the charge is for")


class ChangeLineView(BaseModel):
    line_no: int
    product_code: str
    quantity: int
    unit_price: str


class AnswerView(BaseModel):
    department: str
    accepted: bool
    reason: str
    spent: bool = Field(description="Production reported something a charge could be for")


class ChangeView(BaseModel):
    """A change of the order and where it stands (P7.1)."""

    change_number: str = Field(description="CR-<order id>-<n>")
    change_no: int
    based_on: int
    kinds: list[str]
    stage: str
    status: str = Field(description="acknowledging, awaiting_charge, applied, refused, withdrawn")
    lines: list[ChangeLineView]
    total_amount: str
    previous_total: str
    requested_delivery_date: date
    requirements: str = Field(description="The product requirements in words it asks (P7.3)")
    reason: str
    via: str
    requested_by: str | None
    requested_at: datetime
    answer_by: datetime
    answers: list[AnswerView]
    charge: str | None
    charge_reason: str
    decided_by: str | None
    outcome_reason: str
    refused_by: str | None

    @classmethod
    def of(cls, change: Change) -> "ChangeView":
        return cls(
            change_number=change.number,
            change_no=change.change_no,
            based_on=change.based_on,
            kinds=list(change.kinds),
            stage=change.stage,
            status=change.status.value,
            lines=[
                ChangeLineView(
                    line_no=line.line_no,
                    product_code=line.product_code,
                    quantity=line.quantity,
                    unit_price=str(line.unit_price),
                )
                for line in change.lines
            ],
            total_amount=str(change.total_amount),
            previous_total=str(change.previous_total),
            requested_delivery_date=change.requested_delivery_date,
            requirements=change.requirements,
            reason=change.reason,
            via=change.via,
            requested_by=f"{change.requested.user} ({change.requested.role})"
            if change.requested
            else None,
            requested_at=change.requested_at,
            answer_by=change.answer_by,
            answers=[
                AnswerView(
                    department=answer.department,
                    accepted=answer.accepted,
                    reason=answer.reason,
                    spent=answer.spent,
                )
                for answer in change.answers.values()
            ],
            charge=None if change.charge is None else str(change.charge),
            charge_reason=change.charge_reason,
            decided_by=f"{change.decided.user} ({change.decided.role})" if change.decided else None,
            outcome_reason=change.outcome_reason,
            refused_by=change.refused_by,
        )


def changes_router(context: ServiceContext) -> APIRouter:
    api = APIRouter(tags=["changes"])
    current_actor = Depends(context.current_actor)

    def decider(actor: Actor) -> Decider:
        return Decider(user=actor.user, role=actor.role, at=context.clock.now())

    async def one(order_id: str, change_no: int) -> ChangeView:
        async with context.unit_of_work.read() as connection:
            change = await change_rows.load(connection, order_id, change_no)
        if change is None:
            raise NotFound(f"order {order_id} has no change {change_no}")
        return ChangeView.of(change)

    @api.post("/orders/{order_id}/changes", status_code=http_status.HTTP_201_CREATED)
    async def request_change(
        order_id: str, body: ChangeBody, actor: Actor = current_actor
    ) -> ChangeView:
        """Record a customer's change or cancellation; it goes to every department at once
        (P7.1). Before confirmation it is applied at once and the review starts again (P7.4);
        after it, a decrease or cancellation is decided once production and logistics have
        answered (P7.2). Sales rep, customer service, sales manager, general manager."""
        by = decider(actor)
        asked = Asked(
            quantities={line.line_no: line.quantity for line in body.lines},
            requested_delivery_date=body.requested_delivery_date,
            cancel=body.cancel,
            reason=body.reason,
            requirements=body.requirements,
        )
        if body.cancel and body.lines:
            raise InvalidDecision("a cancellation names no lines")
        change = await context.unit_of_work.decide(
            lambda connection: change_handlers.request_change(connection, order_id, asked, by)
        )
        return ChangeView.of(change)

    @api.get("/orders/{order_id}/changes")
    async def list_changes(order_id: str, actor: Actor = current_actor) -> list[ChangeView]:
        """Every change of the order, in number order."""
        async with context.unit_of_work.read() as connection:
            changes = await change_rows.of_order(connection, order_id)
        return [ChangeView.of(change) for change in changes]

    @api.get("/orders/{order_id}/changes/{change_no}")
    async def show_change(
        order_id: str, change_no: int, actor: Actor = current_actor
    ) -> ChangeView:
        return await one(order_id, change_no)

    @api.post("/orders/{order_id}/changes/{change_no}/withdrawal")
    async def withdraw_change(
        order_id: str, change_no: int, body: ReasonBody, actor: Actor = current_actor
    ) -> ChangeView:
        """The customer withdrew an open change (P7.1); the release waits no longer."""
        by = decider(actor)
        change = await context.unit_of_work.decide(
            lambda connection: change_handlers.withdraw_change(
                connection, order_id, change_no, body.reason, by
            )
        )
        return ChangeView.of(change)

    @api.post("/orders/{order_id}/changes/{change_no}/charge")
    async def charge_change(
        order_id: str, change_no: int, body: ChargeBody, actor: Actor = current_actor
    ) -> ChangeView:
        """Decide what the customer pays for what production already spent (P7.2); the change
        is applied with it. Sales manager or general manager."""
        by = decider(actor)
        change = await context.unit_of_work.decide(
            lambda connection: change_handlers.charge_change(
                connection, order_id, change_no, Decimal(body.amount), body.reason, by
            )
        )
        return ChangeView.of(change)

    return api
