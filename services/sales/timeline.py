"""Sales' HTTP API for following orders: an order's history across every department
(`GET /orders/{id}/history`, P7.6) and the work queue of escalations (`GET /work-queue`,
P8.2). Every request is authenticated."""

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.ext.asyncio import AsyncConnection

from services.sales import views
from services.sales.adapters import repository, tracking
from shared.contracts.bounds import Reason, UserName
from shared.decisions import BeyondAuthority, NotAllowedNow, NotFound
from shared.http.auth import Actor
from shared.messaging.outbox import Outgoing
from shared.runtime import ServiceContext

MANAGERS = frozenset({"sales_manager", "general_manager", "deputy_general_manager"})
"""Who may mark any role's work item done, besides the role that owns it."""


class Actorship(BaseModel):
    user: str
    role: str
    at: datetime


class HistoryStep(BaseModel):
    """One step of the order's history."""

    at: datetime = Field(description="When it happened, by the clock of who did it")
    what: str = Field(description="The event type, or decision.<kind> for a desk decision")
    summary: str = Field(description="What happened, in words")
    producer: str = Field(description="The department (service) that recorded it")
    by: list[Actorship] = Field(
        description="The people (or automatic-policy) who decided it; empty: the department's "
        "own rule did"
    )
    event_id: str | None = Field(description="The event on the bus; null: a desk decision")
    caused_by: str | None = Field(description="The event or message that caused it")
    payload: dict[str, Any] = Field(description="The event's payload as published")


class OrderHistory(BaseModel):
    order_id: str
    steps: list[HistoryStep]


class WorkItemView(BaseModel):
    item_id: str
    order_id: str
    kind: str
    owner_role: str
    summary: str
    opened_at: datetime
    closed_at: datetime | None
    closed_by: str | None
    detail: str | None = Field(
        default=None, description="The flagged step, or the change (CR-…) or return (RT-…)"
    )

    @classmethod
    def of(cls, item: views.WorkItem) -> "WorkItemView":
        return cls(**item.__dict__)


class DoneBody(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    note: Reason = Field(default="", description="What was done")


def timeline_router(context: ServiceContext) -> APIRouter:
    api = APIRouter(tags=["history and work queue"])
    current_actor = Depends(context.current_actor)

    @api.get("/orders/{order_id}/history")
    async def show_history(order_id: str, actor: Actor = current_actor) -> OrderHistory:
        """Where the order is and who did what, when, across all departments (P7.6)."""
        async with context.unit_of_work.read() as connection:
            entries = await views.order_history(connection, order_id)
            known = await repository.load(connection, order_id, for_update=False)
        if not entries and known is None:
            raise NotFound(f"no order {order_id}")
        return OrderHistory(
            order_id=order_id,
            steps=[
                HistoryStep(
                    at=entry.at,
                    what=entry.what,
                    summary=entry.summary,
                    producer=entry.producer,
                    by=[Actorship.model_validate(actor) for actor in entry.actors],
                    event_id=entry.event_id,
                    caused_by=entry.causation_id,
                    payload=entry.payload,
                )
                for entry in entries
            ],
        )

    @api.get("/work-queue")
    async def list_work(
        actor: Actor = current_actor,
        role: Annotated[UserName | None, Query(description="Only this role's items")] = None,
        include_closed: Annotated[bool, Query(description="Also settled items")] = False,
        limit: Annotated[int, Query(ge=1, le=5000)] = 500,
    ) -> list[WorkItemView]:
        """Escalations waiting for a person, oldest first (P8.2); `?role=` for one role."""
        async with context.unit_of_work.read() as connection:
            items = await views.work_queue(connection, role, include_closed, limit)
        return [WorkItemView.of(item) for item in items]

    @api.post("/work-queue/{item_id}/done")
    async def mark_done(item_id: str, body: DoneBody, actor: Actor = current_actor) -> WorkItemView:
        """The owner (or a manager) took care of the item; who, role and when are recorded."""
        at = context.clock.now()

        async def work(connection: AsyncConnection) -> tuple[views.WorkItem, list[Outgoing]]:
            item = await views.work_item(connection, item_id)
            if item is None:
                raise NotFound(f"no work item {item_id}")
            if actor.role != item.owner_role and actor.role not in MANAGERS:
                raise BeyondAuthority(
                    f"a {actor.role} may not settle a work item of the {item.owner_role}"
                )
            by = f"{actor.user} ({actor.role}) at {at.isoformat()}: {body.note}"
            if not await tracking.mark_done(connection, item_id, at, by):
                raise NotAllowedNow(f"work item {item_id} is settled already")
            done = await views.work_item(connection, item_id)
            assert done is not None  # updated in this transaction
            return done, []

        return WorkItemView.of(await context.unit_of_work.decide(work))

    return api
