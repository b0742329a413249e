"""Loads and stores sales orders and sales' master data in the service's own database."""

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from services.sales.adapters import change_rows
from services.sales.adapters.tables import (
    customers,
    order_decisions,
    order_delays,
    order_number_counters,
    orders,
    products,
)
from services.sales.domain.commands import PlaceOrder
from services.sales.domain.intake import Defect, format_order_number
from services.sales.domain.master import Customer, Product
from services.sales.domain.model import (
    Decision,
    Delay,
    Line,
    Order,
    OrderStatus,
    Outcome,
    ShipmentDelivery,
)
from services.sales.domain.replacements import Replacement
from shared.contracts import OrderSubmission
from shared.db import rows
from shared.db.sequences import next_in_year


async def next_order_number(connection: AsyncConnection, year: int) -> str:
    """Allocate the next order number inside the caller's transaction."""
    return format_order_number(year, await next_in_year(connection, order_number_counters, year))


SubmissionKey = tuple[str, str, str]
"""What identifies a submission (P1.6): submitter, customer, customer's reference."""


def submission_key(submission: OrderSubmission | PlaceOrder | Order) -> SubmissionKey:
    return (submission.submitter, submission.customer_id, submission.customer_reference)


async def find_by_submission(connection: AsyncConnection, key: SubmissionKey) -> str | None:
    known: str | None = rows.recall(("submission", *key))
    if known is not None:  # registered or looked up in this batch; "" means none
        return known or None
    submitter, customer_id, reference = key
    return await connection.scalar(
        select(orders.c.order_id).where(
            orders.c.submitter == submitter,
            orders.c.customer_id == customer_id,
            orders.c.customer_reference == reference,
        )
    )


async def preload_submissions(
    connection: AsyncConnection, submissions: Sequence[OrderSubmission]
) -> None:
    """Before a batch of submissions: which of them are registered already, in one statement
    (the domain then corrects a held order or ignores a repeat, P1.6)."""
    wanted = {submission_key(item) for item in submissions}
    found = await connection.execute(
        select(
            orders.c.order_id,
            orders.c.submitter,
            orders.c.customer_id,
            orders.c.customer_reference,
        ).where(orders.c.customer_reference.in_(sorted({key[2] for key in wanted})))
    )
    registered = {
        (row.submitter, row.customer_id, row.customer_reference): row.order_id for row in found
    }
    for key in wanted:
        rows.remember(("submission", *key), registered.get(key, ""))


async def load(connection: AsyncConnection, order_id: str, for_update: bool = True) -> Order | None:
    """The order as it is in this transaction (read once per unit of work, see shared.db.rows)."""
    row = await rows.load(connection, orders, order_id, for_update=for_update)
    return None if row is None else _order(SimpleNamespace(**row))


async def list_orders(
    connection: AsyncConnection, status: str | None, limit: int, after: str = ""
) -> list[Order]:
    """Orders in number order, optionally of one status (e.g. held ones to clarify, P1.3)."""
    query = select(orders).where(orders.c.order_id > after).order_by(orders.c.order_id)
    if status is not None:
        query = query.where(orders.c.status == status)
    rows = (await connection.execute(query.limit(limit))).all()
    return [_order(row) for row in rows]


async def decisions(connection: AsyncConnection, order_id: str) -> list[Decision]:
    rows = (
        await connection.execute(
            select(order_decisions)
            .where(order_decisions.c.order_id == order_id)
            .order_by(order_decisions.c.id)
        )
    ).all()
    return [Decision(row.kind, row.user_name, row.role, row.decided_at, row.detail) for row in rows]


async def delays(connection: AsyncConnection, order_id: str) -> list[Delay]:
    """Production's delay reports on the order, in the order they came (P4.10)."""
    rows = (
        await connection.execute(
            select(order_delays)
            .where(order_delays.c.order_id == order_id)
            .order_by(order_delays.c.id)
        )
    ).all()
    return [
        Delay(
            production_order_id=row.production_order_id,
            cause=row.cause,
            confirmed_delivery_date=row.confirmed_delivery_date,
            expected_delivery_date=row.expected_delivery_date,
            reason=row.reason,
            reported_at=row.reported_at,
            event_id=row.event_id,
        )
        for row in rows
    ]


def _order(row: Any) -> Order:
    return Order(
        order_id=row.order_id,
        submitter=row.submitter,
        customer_reference=row.customer_reference,
        customer_id=row.customer_id,
        channel=row.channel,
        currency=row.currency,
        lines=tuple(
            Line(
                line_no=item["line_no"],
                product_code=item["product_code"],
                quantity=item["quantity"],
                unit_price=Decimal(item["unit_price"]),
                stated_amount=(
                    Decimal(item["stated_amount"])
                    if item.get("stated_amount") is not None
                    else None
                ),
            )
            for item in row.lines
        ),
        stated_total=row.stated_total,
        requested_delivery_date=row.requested_delivery_date,
        delivery_address=row.delivery_address or None,
        contact=row.contact,
        payment_terms=row.payment_terms,
        status=OrderStatus(row.status),
        reasons=tuple(Defect(item["field"], item["message"]) for item in row.reasons),
        tier=row.tier,
        confirmed_delivery_date=row.confirmed_delivery_date,
        confirmation_sent_on=row.confirmation_sent_on,
        deposit_amount=row.deposit_amount,
        paid_total=row.paid_total,
        signed_received_on=row.signed_received_on,
        days_late=row.days_late,
        expected_delivery_date=row.expected_delivery_date,
        release_gate=row.release_gate,
        manual_hold=row.manual_hold,
        shipped=row.shipped,
        delivered=row.delivered,
        deliveries={
            shipment_id: _delivery(shipment_id, item)
            for shipment_id, item in (row.deliveries or {}).items()
        },
        settled=row.settled,
        outcome=Outcome(row.outcome) if row.outcome else None,
        decline_reason=row.decline_reason,
        awaiting_new_delivery_date=row.awaiting_new_delivery_date,
        version=row.version,
        open_change=row.open_change,
        confirmation_version=row.confirmation_version,
        release_version=row.release_version,
        replacement_for=_replacement(row.replacement_for),
        requirements=row.requirements,
    )


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def _day(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


def _delivery(shipment_id: str, item: dict[str, Any]) -> ShipmentDelivery:
    """orders.deliveries holds, per shipment, its late and delivered days (P5.6)."""
    return ShipmentDelivery(
        shipment_id=shipment_id,
        late_expected_on=_day(item.get("late_expected_on")),
        days_late=item.get("days_late"),
        delivered_on=_day(item.get("delivered_on")),
    )


def _row(order: Order) -> dict[str, Any]:
    return {
        "order_id": order.order_id,
        "submitter": order.submitter,
        "customer_reference": order.customer_reference,
        "customer_id": order.customer_id,
        "channel": order.channel,
        "currency": order.currency,
        "lines": [
            {
                "line_no": line.line_no,
                "product_code": line.product_code,
                "quantity": line.quantity,
                "unit_price": str(line.unit_price),
                "stated_amount": (
                    str(line.stated_amount) if line.stated_amount is not None else None
                ),
            }
            for line in order.lines
        ],
        "stated_total": order.stated_total,
        "requested_delivery_date": order.requested_delivery_date,
        "delivery_address": order.delivery_address,
        "contact": order.contact,
        "payment_terms": order.payment_terms,
        "status": order.status.value,
        "reasons": [{"field": reason.field, "message": reason.message} for reason in order.reasons],
        "tier": order.tier,
        "confirmed_delivery_date": order.confirmed_delivery_date,
        "confirmation_sent_on": order.confirmation_sent_on,
        "deposit_amount": order.deposit_amount,
        "paid_total": order.paid_total,
        "signed_received_on": order.signed_received_on,
        "days_late": order.days_late,
        "expected_delivery_date": order.expected_delivery_date,
        "released": order.released,
        "release_gate": order.release_gate,
        "manual_hold": order.manual_hold,
        "shipped": order.shipped,
        "delivered": order.delivered,
        "deliveries": {
            shipment_id: {
                "late_expected_on": _iso(item.late_expected_on),
                "days_late": item.days_late,
                "delivered_on": _iso(item.delivered_on),
            }
            for shipment_id, item in order.deliveries.items()
        },
        "settled": order.settled,
        "outcome": order.outcome.value if order.outcome else None,
        "decline_reason": order.decline_reason,
        "awaiting_new_delivery_date": order.awaiting_new_delivery_date,
        "version": order.version,
        "open_change": order.open_change,
        "confirmation_version": order.confirmation_version,
        "release_version": order.release_version,
        "replacement_for": _replacement_row(order.replacement_for),
        "requirements": order.requirements,
    }


def _replacement_row(replacement: Replacement | None) -> dict[str, Any] | None:
    if replacement is None:
        return None
    return {
        "order_id": replacement.order_id,
        "return_number": replacement.return_number,
        "authorised": change_rows.signed_row(replacement.authorised),
    }


def _replacement(value: dict[str, Any] | None) -> Replacement | None:
    authorised = None if value is None else change_rows.decider_of(value["authorised"])
    if value is None or authorised is None:
        return None
    return Replacement(value["order_id"], value["return_number"], authorised)


async def add(connection: AsyncConnection, order: Order) -> None:
    await rows.add(connection, orders, _row(order))
    await change_rows.save_changes_of(connection, order)
    rows.remember(("submission", *submission_key(order)), order.order_id)
    await _record_decisions(connection, order)
    await _record_delays(connection, order)


async def save(connection: AsyncConnection, order: Order) -> None:
    await rows.save(connection, orders, _row(order))
    await change_rows.save_changes_of(connection, order)
    await _record_decisions(connection, order)
    await _record_delays(connection, order)


async def _record_decisions(connection: AsyncConnection, order: Order) -> None:
    if not order.decisions:
        return
    await connection.execute(
        insert(order_decisions),
        [
            {
                "order_id": order.order_id,
                "kind": decision.kind,
                "user_name": decision.user,
                "role": decision.role,
                "decided_at": decision.at,
                "detail": decision.detail[:1000],
            }
            for decision in order.decisions
        ],
    )
    order.decisions.clear()


async def _record_delays(connection: AsyncConnection, order: Order) -> None:
    if not order.delays:
        return
    await connection.execute(
        insert(order_delays),
        [
            {
                "order_id": order.order_id,
                "event_id": delay.event_id,
                "production_order_id": delay.production_order_id,
                "cause": delay.cause,
                "confirmed_delivery_date": delay.confirmed_delivery_date,
                "expected_delivery_date": delay.expected_delivery_date,
                "reason": delay.reason,
                "reported_at": delay.reported_at,
            }
            for delay in order.delays
        ],
    )
    order.delays.clear()


# -- master data -------------------------------------------------------------------------------


async def customer(connection: AsyncConnection, customer_id: str) -> Customer | None:
    row = await rows.load(connection, customers, customer_id, for_update=False)
    return None if row is None else _customer(SimpleNamespace(**row))


async def all_customers(connection: AsyncConnection) -> dict[str, Customer]:
    rows = (await connection.execute(select(customers))).all()
    return {row.customer_id: _customer(row) for row in rows}


async def products_named(
    connection: AsyncConnection, product_codes: Iterable[str]
) -> dict[str, Product]:
    found = await rows.load_many(connection, products, product_codes)
    return {row["product_code"]: _product(SimpleNamespace(**row)) for row in found}


async def all_products(connection: AsyncConnection) -> dict[str, Product]:
    rows = (await connection.execute(select(products))).all()
    return {row.product_code: _product(row) for row in rows}


async def put_customer(connection: AsyncConnection, record: Customer, exists: bool) -> None:
    values = {
        "name": record.name,
        "tier": record.tier,
        "currency": record.currency,
        "credit_limit": record.credit_limit,
        "payment_terms": list(record.payment_terms),
        "deposit_percent": record.deposit_percent,
    }
    if exists:
        await connection.execute(
            update(customers).where(customers.c.customer_id == record.customer_id).values(**values)
        )
    else:
        await connection.execute(insert(customers).values(customer_id=record.customer_id, **values))


async def put_product(connection: AsyncConnection, record: Product, exists: bool) -> None:
    values = {
        "name": record.name,
        "currency": record.currency,
        "list_price": record.list_price,
        "max_discount_percent": record.max_discount_percent,
        "is_new": record.is_new,
        "samples_confirmed": record.samples_confirmed,
        "bom_ready": record.bom_ready,
        "drawings_ready": record.drawings_ready,
        "specification_ready": record.specification_ready,
        "qa_level": record.qa_level,
    }
    if exists:
        await connection.execute(
            update(products).where(products.c.product_code == record.product_code).values(**values)
        )
    else:
        await connection.execute(
            insert(products).values(product_code=record.product_code, **values)
        )


def _customer(row: Any) -> Customer:
    return Customer(
        customer_id=row.customer_id,
        name=row.name,
        tier=row.tier,
        currency=row.currency,
        credit_limit=row.credit_limit,
        payment_terms=tuple(row.payment_terms),
        deposit_percent=row.deposit_percent,
    )


def _product(row: Any) -> Product:
    return Product(
        product_code=row.product_code,
        name=row.name,
        currency=row.currency,
        list_price=row.list_price,
        max_discount_percent=row.max_discount_percent,
        is_new=row.is_new,
        samples_confirmed=row.samples_confirmed,
        bom_ready=row.bom_ready,
        drawings_ready=row.drawings_ready,
        specification_ready=row.specification_ready,
        qa_level=row.qa_level,
    )
