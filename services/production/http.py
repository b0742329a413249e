"""Production's HTTP API: purchasing, incoming inspection, rush marks, the line's patrol and
final inspection, warehouse receipts, safety stock, and what the plant looks like (P4.2 to
P4.9, P8.1). Every request is authenticated; the domain decides whether the actor may act. A
refused decision changes nothing and is answered 403 (beyond authority), 404 or 409.
"""

from collections.abc import Awaitable, Callable
from dataclasses import asdict
from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.production import decisions
from services.production.adapters import repository
from services.production.adapters.documents import (
    DELIVERIES,
    PURCHASE_ORDERS,
    REQUISITIONS,
    RETURNS,
    SAFETY_STOCK,
    Documents,
)
from services.production.adapters.tables import finished_stock, materials, production_orders
from services.production.domain.model import ProductionOrder
from services.production.domain.quality import Disposition, tally
from services.production.plant import Plant
from shared.contracts.bounds import (
    ContractDate,
    DocumentNumber,
    IsoWeek,
    MaterialCode,
    Name,
    ProductCode,
    Quantity,
    Reason,
    RequiredReason,
)
from shared.contracts.changes import change_number
from shared.contracts.production import MaterialQuantity
from shared.db import rows
from shared.decisions import NotFound, Person
from shared.http.auth import Actor
from shared.runtime import ServiceContext


class Body(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class DecisionBody(Body):
    decision: Literal["approve", "reject"]
    reason: Reason = Field(default="", description="Required for a rejection")


class PurchaseOrderBody(Body):
    supplier: Name
    quantity: MaterialQuantity = Field(description="At least the requisition's quantity")
    promised_on: ContractDate = Field(description="The supplier's promised delivery date")


class CancellationBody(Body):
    outcome: Literal["cancelled", "kept"] = Field(
        description="cancelled: the supplier cancelled what is still open; kept: it comes"
    )
    reason: RequiredReason = Field(description="What the supplier answered")


class DeliveryBody(Body):
    purchase_order: DocumentNumber | None = Field(default=None, description="null: none known")
    material_code: MaterialCode
    supplier: Name
    quantity: MaterialQuantity
    delivery_note: Reason = Field(default="", description="The supplier's delivery note number")


class AssignmentBody(Body):
    purchase_order: DocumentNumber


class ReasonBody(Body):
    reason: RequiredReason


class IncomingInspectionBody(Body):
    accepted: MaterialQuantity
    rejected: MaterialQuantity
    note: Reason = Field(default="", description="Required when anything is rejected")


class PatrolBody(Body):
    result: Literal["pass", "fail"]
    note: Reason = Field(default="", description="Required for a failure")


class InspectionRequestBody(Body):
    product_code: ProductCode
    quantity: Quantity


class InspectionResultBody(Body):
    passed: int = Field(ge=0, le=100_000)
    failed: int = Field(ge=0, le=100_000)
    note: Reason = Field(default="", description="Required when units fail")


class DispositionBody(Body):
    action: Disposition


class ReceiptBody(Body):
    product_code: ProductCode
    quantity: Quantity


class SafetyStockBody(Body):
    product_code: ProductCode
    units: Quantity
    reason: RequiredReason


def order_view(order: ProductionOrder) -> dict[str, Any]:
    """A production order as people read it: plan, materials, line, inspections, receipts."""
    units: dict[str, int] = {}
    for line in order.lines or ():
        units[line.product_code] = units.get(line.product_code, 0) + line.quantity
    return {
        "order_id": order.order_id,
        "production_order_id": order.production_order_id,
        "safety_stock": order.safety_stock,
        "status": order.status.value,
        "lines": [asdict(line) for line in order.lines or ()],
        "requested_delivery_date": order.requested_delivery_date,
        "confirmed_delivery_date": order.confirmed_delivery_date,
        "urgency": asdict(order.urgency) if order.urgency else None,
        "booking": asdict(order.booking) if order.booking else None,
        "materials": [
            {**asdict(line), "consumed": line.consumed, "held": line.held}
            for line in order.materials
        ],
        "started": asdict(order.started) if order.started else None,
        "operations": [
            {**asdict(operation), "status": operation.status.value}
            for operation in order.operations
        ],
        "inspection_requests": [asdict(request) for request in order.inspections],
        "receipts": [asdict(receipt) for receipt in order.receipts],
        "finished": {
            code: {**asdict(tally(code, order.inspections, order.receipts)), "ordered": count}
            for code, count in units.items()
        },
        "reported_delivery": order.reported_delivery,
        "ready_on": order.ready_on,
        "outcome": order.outcome.value if order.outcome else None,
        "version": order.version,
        "release_version": order.release_version,
        "held_for": change_number(order.order_id, order.held_for) if order.held_for else None,
    }


Decision = Callable[[Plant, Person], Awaitable[Any]]


def router(context: ServiceContext, policy: bool = False) -> APIRouter:
    api = APIRouter(tags=["production"])
    current_actor = Depends(context.current_actor)

    async def decide(actor: Actor, decision: Decision) -> Any:
        """Run a person's decision as one unit of work; a refusal rolls everything back."""
        person = Person(actor.user, actor.role)

        async def work(connection: AsyncConnection) -> tuple[Any, list[Any]]:
            plant = Plant(connection, context.clock.now(), policy)
            result = await decision(plant, person)
            events = await plant.events(None)
            if isinstance(result, ProductionOrder):
                result = order_view(result)
            return result, events

        return await context.unit_of_work.decide(work)

    async def listed(documents: Documents[Any], **where: Any) -> list[Any]:
        async with context.unit_of_work.read() as connection:
            return await documents.find(connection, **{k: v for k, v in where.items() if v})

    # -- reading ------------------------------------------------------------------------------

    @api.get("/production-orders/{order_id}")
    async def show_order(order_id: str, actor: Actor = current_actor) -> dict[str, Any]:
        async with context.unit_of_work.read() as connection, rows.in_scope(connection):
            order = await repository.load(connection, order_id)
        if order is None:
            raise NotFound(f"production knows no order {order_id}")
        return order_view(order)

    @api.get("/schedule")
    async def show_schedule(
        actor: Actor = current_actor, week: Annotated[IsoWeek | None, Query()] = None
    ) -> list[dict[str, Any]]:
        """The weekly production schedule (P4.5): every booked order by week and start."""
        query = select(production_orders).where(production_orders.c.booked_week.is_not(None))
        if week:
            query = query.where(production_orders.c.booked_week == week)
        query = query.order_by(
            production_orders.c.booked_week, production_orders.c.booked_start
        ).limit(1000)
        async with context.unit_of_work.read() as connection:
            found = (await connection.execute(query)).mappings().all()
        return [
            {
                "week": row["booked_week"],
                "order_id": row["order_id"],
                "units": row["booked_units"],
                "planned_start": row["booked_start"],
                "ready_on": row["booked_ready"],
                "urgent": row["urgency"] is not None,
                "status": row["status"],
                "confirmed_delivery_date": row["confirmed_delivery_date"],
            }
            for row in found
        ]

    @api.get("/stock")
    async def show_stock(actor: Actor = current_actor) -> dict[str, Any]:
        """Materials on hand, reserved and free, and free finished goods (P4.2, P4.7)."""
        async with context.unit_of_work.read() as connection:
            stock = (
                (await connection.execute(select(materials).order_by(materials.c.material_code)))
                .mappings()
                .all()
            )
            finished = (await connection.execute(select(finished_stock))).mappings().all()
        return {
            "materials": [
                {
                    "material_code": row["material_code"],
                    "unit": row["unit"],
                    "on_hand": row["on_hand"],
                    "reserved": row["reserved"],
                    "free": max(row["on_hand"] - row["reserved"], Decimal(0)),
                }
                for row in stock
            ],
            "finished_goods": {row["product_code"]: row["units"] for row in finished},
        }

    @api.get("/requisitions")
    async def list_requisitions(
        actor: Actor = current_actor,
        status: str | None = None,
        order_id: str | None = None,
    ) -> list[Any]:
        return await listed(REQUISITIONS, status=status, order_id=order_id)

    @api.get("/purchase-orders")
    async def list_purchase_orders(
        actor: Actor = current_actor, status: str | None = None, order_id: str | None = None
    ) -> list[Any]:
        """Open purchase orders and their promised dates (the raw-material statistics)."""
        return await listed(PURCHASE_ORDERS, status=status, order_id=order_id)

    @api.get("/deliveries")
    async def list_deliveries(actor: Actor = current_actor, status: str | None = None) -> list[Any]:
        return await listed(DELIVERIES, status=status)

    @api.get("/returns")
    async def list_returns(actor: Actor = current_actor, status: str | None = None) -> list[Any]:
        return await listed(RETURNS, status=status)

    @api.get("/safety-stock")
    async def list_safety_stock(actor: Actor = current_actor) -> list[Any]:
        return await listed(SAFETY_STOCK)

    # -- purchasing and incoming inspection (P4.3, P4.4) --------------------------------------

    @api.post("/requisitions/{number}/decision")
    async def decide_requisition(
        number: str, body: DecisionBody, actor: Actor = current_actor
    ) -> Any:
        return await decide(
            actor,
            lambda plant, person: decisions.decide_requisition(
                plant, number, body.decision == "approve", body.reason, person
            ),
        )

    @api.post("/requisitions/{number}/purchase-order")
    async def place_purchase_order(
        number: str, body: PurchaseOrderBody, actor: Actor = current_actor
    ) -> Any:
        return await decide(
            actor,
            lambda plant, person: decisions.place_purchase_order(
                plant, number, body.supplier, body.quantity, body.promised_on, person
            ),
        )

    @api.post("/purchase-orders/{number}/cancellation")
    async def answer_cancellation(
        number: str, body: CancellationBody, actor: Actor = current_actor
    ) -> Any:
        """P7.2: the buyer's answer to production's request to cancel a purchase order that a
        decreased or cancelled order no longer needs. Buyer."""
        return await decide(
            actor,
            lambda plant, person: decisions.answer_cancellation(
                plant, number, body.outcome == "cancelled", body.reason, person
            ),
        )

    @api.post("/deliveries")
    async def record_delivery(body: DeliveryBody, actor: Actor = current_actor) -> Any:
        return await decide(
            actor,
            lambda plant, person: decisions.record_delivery(
                plant,
                body.purchase_order,
                body.material_code,
                body.supplier,
                body.quantity,
                body.delivery_note,
                person,
            ),
        )

    @api.post("/deliveries/{number}/assignment")
    async def assign_delivery(
        number: str, body: AssignmentBody, actor: Actor = current_actor
    ) -> Any:
        return await decide(
            actor,
            lambda plant, person: decisions.assign_delivery(
                plant, number, body.purchase_order, person
            ),
        )

    @api.post("/deliveries/{number}/return")
    async def return_delivery(number: str, body: ReasonBody, actor: Actor = current_actor) -> Any:
        return await decide(
            actor,
            lambda plant, person: decisions.return_delivery(plant, number, body.reason, person),
        )

    @api.post("/deliveries/{number}/inspection")
    async def inspect_delivery(
        number: str, body: IncomingInspectionBody, actor: Actor = current_actor
    ) -> Any:
        return await decide(
            actor,
            lambda plant, person: decisions.inspect_delivery(
                plant, number, body.accepted, body.rejected, body.note, person
            ),
        )

    @api.post("/returns/{number}/sent")
    async def send_return(number: str, actor: Actor = current_actor) -> Any:
        return await decide(
            actor, lambda plant, person: decisions.send_return(plant, number, person)
        )

    # -- rush orders and the line (P4.6, P4.8, P4.9) ------------------------------------------

    @api.post("/production-orders/{order_id}/urgency")
    async def mark_urgent(order_id: str, body: ReasonBody, actor: Actor = current_actor) -> Any:
        return await decide(
            actor,
            lambda plant, person: decisions.mark_urgent(plant, order_id, body.reason, person),
        )

    @api.post("/production-orders/{order_id}/start")
    async def start(order_id: str, actor: Actor = current_actor) -> Any:
        return await decide(actor, lambda plant, person: decisions.start(plant, order_id, person))

    @api.post("/production-orders/{order_id}/operations/{number}/inspection")
    async def patrol(
        order_id: str, number: int, body: PatrolBody, actor: Actor = current_actor
    ) -> Any:
        return await decide(
            actor,
            lambda plant, person: decisions.patrol(
                plant, order_id, number, body.result == "pass", body.note, person
            ),
        )

    @api.post("/production-orders/{order_id}/inspection-requests")
    async def request_inspection(
        order_id: str, body: InspectionRequestBody, actor: Actor = current_actor
    ) -> Any:
        return await decide(
            actor,
            lambda plant, person: decisions.request_inspection(
                plant, order_id, body.product_code, body.quantity, person
            ),
        )

    @api.post("/production-orders/{order_id}/inspection-requests/{number}/result")
    async def sign_inspection(
        order_id: str, number: int, body: InspectionResultBody, actor: Actor = current_actor
    ) -> Any:
        return await decide(
            actor,
            lambda plant, person: decisions.sign_inspection(
                plant, order_id, number, body.passed, body.failed, body.note, person
            ),
        )

    @api.post("/production-orders/{order_id}/inspection-requests/{number}/disposition")
    async def dispose(
        order_id: str, number: int, body: DispositionBody, actor: Actor = current_actor
    ) -> Any:
        return await decide(
            actor,
            lambda plant, person: decisions.dispose(plant, order_id, number, body.action, person),
        )

    @api.post("/production-orders/{order_id}/receipts")
    async def receive(order_id: str, body: ReceiptBody, actor: Actor = current_actor) -> Any:
        return await decide(
            actor,
            lambda plant, person: decisions.receive(
                plant, order_id, body.product_code, body.quantity, person
            ),
        )

    # -- safety stock (P4.7) ------------------------------------------------------------------

    @api.post("/safety-stock")
    async def request_safety_stock(body: SafetyStockBody, actor: Actor = current_actor) -> Any:
        return await decide(
            actor,
            lambda plant, person: decisions.request_safety_stock(
                plant, body.product_code, body.units, body.reason, person
            ),
        )

    @api.post("/safety-stock/{number}/decision")
    async def decide_safety_stock(
        number: str, body: DecisionBody, actor: Actor = current_actor
    ) -> Any:
        return await decide(
            actor,
            lambda plant, person: decisions.decide_safety_stock_request(
                plant, number, body.decision == "approve", body.reason, person
            ),
        )

    return api
