"""Loads and stores an order's changes (P7.1) in sales' own database, one row per change,
read and written once per unit of work like the order's own row."""

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.sales.adapters.tables import order_changes
from services.sales.domain.changes import (
    Answer,
    Change,
    ChangeStatus,
    ChangeWasDecided,
    ChangeWasRequested,
)
from services.sales.domain.commands import Decider, Line
from services.sales.domain.model import Order
from shared.db import rows


def change_id(order_id: str, change_no: int) -> str:
    return f"CR-{order_id}-{change_no}"


async def load(connection: AsyncConnection, order_id: str, change_no: int) -> Change | None:
    """Change n of the order as it is in this transaction, locked for it."""
    row = await rows.load(connection, order_changes, change_id(order_id, change_no))
    return None if row is None else _change(row)


async def of_order(connection: AsyncConnection, order_id: str) -> list[Change]:
    """Every change of the order, in number order (for reading)."""
    await rows.flush_table(connection, order_changes)
    found = await connection.execute(
        select(order_changes)
        .where(order_changes.c.order_id == order_id)
        .order_by(order_changes.c.change_no)
    )
    return [_change(dict(row)) for row in found.mappings()]


async def save(connection: AsyncConnection, change: Change, new: bool = False) -> None:
    row = _row(change)
    if new:
        await rows.add(connection, order_changes, row)
    else:
        await rows.save(connection, order_changes, row)


async def save_changes_of(connection: AsyncConnection, order: Order) -> None:
    """Store every change the order's new events name: a requested one is new (unless this
    unit of work added it already), a decided one is stored as it is now."""
    for event in order.events:
        if isinstance(event, ChangeWasRequested | ChangeWasDecided):
            key = change_id(event.change.order_id, event.change.change_no)
            known = await rows.load(connection, order_changes, key)
            await save(connection, event.change, new=known is None)


def signed_row(by: Decider | None) -> dict[str, str] | None:
    if by is None:
        return None
    return {"user": by.user, "role": by.role, "at": by.at.isoformat()}


def decider_of(value: dict[str, str] | None) -> Decider | None:
    if value is None:
        return None
    return Decider(value["user"], value["role"], datetime.fromisoformat(value["at"]))


def _row(change: Change) -> dict[str, Any]:
    return {
        "change_id": change_id(change.order_id, change.change_no),
        "order_id": change.order_id,
        "change_no": change.change_no,
        "based_on": change.based_on,
        "kinds": list(change.kinds),
        "stage": change.stage,
        "lines": [
            {
                "line_no": line.line_no,
                "product_code": line.product_code,
                "quantity": line.quantity,
                "unit_price": str(line.unit_price),
            }
            for line in change.lines
        ],
        "previous_total": change.previous_total,
        "requested_delivery_date": change.requested_delivery_date,
        "reason": change.reason,
        "via": change.via,
        "requested": signed_row(change.requested),
        "requested_at": change.requested_at,
        "status": change.status.value,
        "answers": {
            department: {
                "accepted": answer.accepted,
                "reason": answer.reason,
                "spent": answer.spent,
                "event_id": answer.event_id,
            }
            for department, answer in change.answers.items()
        },
        "charge": change.charge,
        "charge_reason": change.charge_reason,
        "decided": signed_row(change.decided),
        "outcome_reason": change.outcome_reason,
        "refused_by": change.refused_by,
        "verdict": change.verdict,
        "requirements": change.requirements,
        "confirmed_delivery_date": change.confirmed_delivery_date,
    }


def _change(row: dict[str, Any]) -> Change:
    return Change(
        order_id=row["order_id"],
        change_no=row["change_no"],
        based_on=row["based_on"],
        kinds=tuple(row["kinds"]),
        stage=row["stage"],
        lines=tuple(
            Line(
                item["line_no"], item["product_code"], item["quantity"], Decimal(item["unit_price"])
            )
            for item in row["lines"]
        ),
        previous_total=row["previous_total"],
        requested_delivery_date=row["requested_delivery_date"],
        reason=row["reason"],
        via=row["via"],
        requested=decider_of(row["requested"]),
        requested_at=row["requested_at"],
        status=ChangeStatus(row["status"]),
        answers={
            department: Answer(
                department, item["accepted"], item["reason"], item["spent"], item["event_id"]
            )
            for department, item in row["answers"].items()
        },
        charge=row["charge"],
        charge_reason=row["charge_reason"],
        decided=decider_of(row["decided"]),
        outcome_reason=row["outcome_reason"],
        refused_by=row["refused_by"],
        verdict=row["verdict"],
        requirements=row["requirements"],
        confirmed_delivery_date=row["confirmed_delivery_date"],
    )
