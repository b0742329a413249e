"""Finance's HTTP API: accounts, payment checks (P5.2), unmatched payments and customer credit
(P6.2), and collection (P6.3). Every request is authenticated; the domain decides whether the
actor may act. A refused decision changes nothing and is answered 403 (beyond authority), 404,
409 (not in a state to take it) or 422 (the decision does not add up).
"""

from decimal import Decimal
from typing import Any, Literal

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Table, select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.finance import decisions
from services.finance.adapters import repository
from services.finance.adapters.money import unmatched_from
from services.finance.adapters.tables import (
    accounts,
    invoices,
    payment_checks,
    payments,
    unmatched_payments,
)
from services.finance.ledger import Ledger
from services.finance.views import (
    Decision,
    account_view,
    check_view,
    plain,
    shown,
    unmatched_view,
)
from shared.contracts.bounds import ContractDate, CustomerId, OrderId, Reason
from shared.contracts.common import Money
from shared.db import rows
from shared.decisions import NotFound, Person
from shared.http.auth import Actor
from shared.runtime import ServiceContext

LIST_LIMIT = 1000


class Body(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class CheckDecisionBody(Body):
    decision: Literal["sign", "refuse"]
    reason: Reason = Field(default="", description="Required for a refusal")


class AssignmentBody(Body):
    order_id: OrderId


class ReasonBody(Body):
    reason: Reason = Field(default="", description="Required")


class CreditRefundBody(Body):
    amount: Money | None = Field(default=None, description="null: all the credit available")
    reason: Reason = Field(default="", description="Required")


class CreditApplyBody(CreditRefundBody):
    to_order_id: OrderId


class ReminderBody(Body):
    note: Reason = ""


class FollowUpBody(Body):
    promised_on: ContractDate
    note: Reason = ""


def router(context: ServiceContext, policy: bool = False) -> APIRouter:
    api = APIRouter(tags=["finance"])
    current_actor = Depends(context.current_actor)

    async def decide(actor: Actor, decision: Decision) -> Any:
        """Run a person's decision as one unit of work; a refusal rolls everything back."""
        person = Person(actor.user, actor.role)

        async def work(connection: AsyncConnection) -> tuple[Any, list[Any]]:
            ledger = Ledger(connection, context.clock.now(), policy)
            result = shown(await decision(ledger, person))
            return result, await ledger.events(None)

        return plain(await context.unit_of_work.decide(work))

    async def listed(table: Table, order: Any, **where: Any) -> list[dict[str, Any]]:
        query = select(table)
        for column, value in where.items():
            if value is not None:
                query = query.where(table.c[column] == value)
        async with context.unit_of_work.read() as connection:
            found = await connection.execute(query.order_by(order).limit(LIST_LIMIT))
            return [plain(dict(row)) for row in found.mappings()]

    # -- reading ------------------------------------------------------------------------------

    @api.get("/accounts/{order_id}")
    async def show_account(order_id: str, actor: Actor = current_actor) -> Any:
        async with context.unit_of_work.read() as connection, rows.in_scope(connection):
            account = await repository.load(connection, order_id)
            query = select(payments).where(payments.c.order_id == order_id)
            paid = [dict(r) for r in (await connection.execute(query)).mappings()]
        if account is None:
            raise NotFound(f"finance knows no order {order_id}")
        return plain(
            account_view(account, sorted(paid, key=lambda p: (p["booked_at"], p["payment_id"])))
        )

    @api.get("/payment-checks")
    async def list_checks(
        actor: Actor = current_actor, status: str | None = None
    ) -> list[dict[str, Any]]:
        return await listed(payment_checks, payment_checks.c.requested_at, status=status)

    @api.get("/payment-checks/{shipment_id}")
    async def show_check(shipment_id: str, actor: Actor = current_actor) -> Any:
        async with context.unit_of_work.read() as connection, rows.in_scope(connection):
            order_id = await repository.check_owner(connection, shipment_id)
            account = None if order_id is None else await repository.load(connection, order_id)
        found = None if account is None else account.check(shipment_id)
        if account is None or found is None:
            raise NotFound(f"finance knows no shipment {shipment_id}")
        return plain({**check_view(found, account.currency), "order_id": account.order_id})

    @api.get("/unmatched-payments")
    async def list_unmatched(actor: Actor = current_actor, status: str | None = None) -> Any:
        found = await listed(unmatched_payments, unmatched_payments.c.booked_at, status=status)
        return plain([unmatched_view(unmatched_from(row)) for row in found])

    @api.get("/credits")
    async def list_credits(actor: Actor = current_actor) -> list[dict[str, Any]]:
        """P6.2: every order with credit available, for the finance manager."""
        query = (
            select(
                accounts.c.order_id,
                accounts.c.customer_id,
                accounts.c.currency,
                accounts.c.credit_available,
            )
            .where(accounts.c.credit_available > Decimal("0.00"))
            .order_by(accounts.c.order_id)
            .limit(LIST_LIMIT)
        )
        async with context.unit_of_work.read() as connection:
            found = (await connection.execute(query)).mappings().all()
        return [
            plain(
                {
                    "order_id": row["order_id"],
                    "customer_id": row["customer_id"],
                    "currency": row["currency"],
                    "available": row["credit_available"],
                }
            )
            for row in found
        ]

    @api.get("/collections")
    async def list_collections(
        actor: Actor = current_actor,
        status: str | None = None,
        customer_id: CustomerId | None = None,
    ) -> list[dict[str, Any]]:
        """P6.3: invoices by collection step (reminder, follow_up, sales_manager,
        general_manager, cleared); without a status, every invoice that reached one."""
        query = select(invoices).where(invoices.c.kind == "invoice")
        query = query.where(invoices.c.step == status if status else invoices.c.step.is_not(None))
        if customer_id:
            query = query.where(invoices.c.customer_id == customer_id)
        async with context.unit_of_work.read() as connection:
            found = await connection.execute(query.order_by(invoices.c.due_date).limit(LIST_LIMIT))
            return [plain(dict(row)) for row in found.mappings()]

    # -- decisions ----------------------------------------------------------------------------

    @api.post("/payment-checks/{shipment_id}/decision")
    async def decide_check(
        shipment_id: str, body: CheckDecisionBody, actor: Actor = current_actor
    ) -> Any:
        return await decide(
            actor,
            lambda ledger, person: decisions.decide_check(
                ledger, shipment_id, body.decision == "sign", body.reason, person
            ),
        )

    @api.post("/unmatched-payments/{tx}/assignment")
    async def assign(tx: str, body: AssignmentBody, actor: Actor = current_actor) -> Any:
        return await decide(
            actor,
            lambda ledger, person: decisions.assign_payment(ledger, tx, body.order_id, person),
        )

    @api.post("/unmatched-payments/{tx}/refund")
    async def refund_unmatched(tx: str, body: ReasonBody, actor: Actor = current_actor) -> Any:
        return await decide(
            actor,
            lambda ledger, person: decisions.refund_payment(ledger, tx, body.reason, person),
        )

    @api.post("/orders/{order_id}/credit/refund")
    async def refund_credit(
        order_id: str, body: CreditRefundBody, actor: Actor = current_actor
    ) -> Any:
        return await decide(
            actor,
            lambda ledger, person: decisions.refund_credit(
                ledger, order_id, body.amount, body.reason, person
            ),
        )

    @api.post("/orders/{order_id}/credit/apply")
    async def apply_credit(
        order_id: str, body: CreditApplyBody, actor: Actor = current_actor
    ) -> Any:
        return await decide(
            actor,
            lambda ledger, person: decisions.apply_credit(
                ledger, order_id, body.to_order_id, body.amount, body.reason, person
            ),
        )

    @api.post("/collections/{number}/reminder")
    async def remind(number: str, body: ReminderBody, actor: Actor = current_actor) -> Any:
        return await decide(
            actor,
            lambda ledger, person: decisions.record_collection(
                ledger, number, "reminder", body.note, person
            ),
        )

    @api.post("/collections/{number}/follow-up")
    async def follow_up(number: str, body: FollowUpBody, actor: Actor = current_actor) -> Any:
        return await decide(
            actor,
            lambda ledger, person: decisions.record_collection(
                ledger, number, "follow_up", body.note, person, body.promised_on
            ),
        )

    return api
