"""Loads and stores production orders in the service's own database."""

from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from services.production.adapters.tables import production_orders
from services.production.domain.model import (
    Line,
    Outcome,
    ProductionOrder,
    ProductionStatus,
    Release,
)


async def load(connection: AsyncConnection, order_id: str) -> ProductionOrder | None:
    row = (
        await connection.execute(
            select(production_orders)
            .where(production_orders.c.order_id == order_id)
            .with_for_update()
        )
    ).one_or_none()
    if row is None:
        return None
    return ProductionOrder(
        order_id=row.order_id,
        production_order_id=row.production_order_id,
        lines=None
        if row.lines is None
        else tuple(
            Line(
                line_no=item["line_no"],
                product_code=item["product_code"],
                quantity=item["quantity"],
            )
            for item in row.lines
        ),
        requested_delivery_date=row.requested_delivery_date,
        release=Release(row.release) if row.release else None,
        confirmed_delivery_date=row.confirmed_delivery_date,
        status=ProductionStatus(row.status),
        ready_on=row.ready_on,
        outcome=Outcome(row.outcome) if row.outcome else None,
    )


def _row(order: ProductionOrder) -> dict[str, Any]:
    return {
        "order_id": order.order_id,
        "production_order_id": order.production_order_id,
        "lines": None
        if order.lines is None
        else [
            {"line_no": line.line_no, "product_code": line.product_code, "quantity": line.quantity}
            for line in order.lines
        ],
        "requested_delivery_date": order.requested_delivery_date,
        "release": order.release.value if order.release else None,
        "confirmed_delivery_date": order.confirmed_delivery_date,
        "status": order.status.value,
        "ready_on": order.ready_on,
        "outcome": order.outcome.value if order.outcome else None,
    }


async def add(connection: AsyncConnection, order: ProductionOrder) -> None:
    await connection.execute(insert(production_orders).values(**_row(order)))


async def save(connection: AsyncConnection, order: ProductionOrder) -> None:
    await connection.execute(
        update(production_orders)
        .where(production_orders.c.order_id == order.order_id)
        .values(**_row(order))
    )
