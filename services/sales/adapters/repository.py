"""Loads and stores sales orders in the service's own database."""

from decimal import Decimal
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from services.sales.adapters.tables import order_number_counters, orders
from services.sales.domain.intake import format_order_number
from services.sales.domain.model import Line, Order, OrderStatus, Outcome


async def next_order_number(connection: AsyncConnection, year: int) -> str:
    """Allocate the next order number inside the caller's transaction."""
    last = await connection.scalar(
        select(order_number_counters.c.last_number)
        .where(order_number_counters.c.year == year)
        .with_for_update()
    )
    if last is None:
        number = 1
        await connection.execute(insert(order_number_counters).values(year=year, last_number=1))
    else:
        number = last + 1
        await connection.execute(
            update(order_number_counters)
            .where(order_number_counters.c.year == year)
            .values(last_number=number)
        )
    return format_order_number(year, number)


async def find_by_submission(
    connection: AsyncConnection, submitter: str, customer_reference: str
) -> str | None:
    return await connection.scalar(
        select(orders.c.order_id).where(
            orders.c.submitter == submitter, orders.c.customer_reference == customer_reference
        )
    )


async def load(connection: AsyncConnection, order_id: str) -> Order | None:
    row = (
        await connection.execute(
            select(orders).where(orders.c.order_id == order_id).with_for_update()
        )
    ).one_or_none()
    if row is None:
        return None
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
            )
            for item in row.lines
        ),
        requested_delivery_date=row.requested_delivery_date,
        delivery_address=row.delivery_address,
        contact=row.contact,
        status=OrderStatus(row.status),
        confirmed_delivery_date=row.confirmed_delivery_date,
        shipped=row.shipped,
        settled=row.settled,
        outcome=Outcome(row.outcome) if row.outcome else None,
        decline_reason=row.decline_reason,
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
            }
            for line in order.lines
        ],
        "requested_delivery_date": order.requested_delivery_date,
        "delivery_address": order.delivery_address,
        "contact": order.contact,
        "status": order.status.value,
        "confirmed_delivery_date": order.confirmed_delivery_date,
        "shipped": order.shipped,
        "settled": order.settled,
        "outcome": order.outcome.value if order.outcome else None,
        "decline_reason": order.decline_reason,
    }


async def add(connection: AsyncConnection, order: Order) -> None:
    await connection.execute(insert(orders).values(**_row(order)))


async def save(connection: AsyncConnection, order: Order) -> None:
    await connection.execute(
        update(orders).where(orders.c.order_id == order.order_id).values(**_row(order))
    )
