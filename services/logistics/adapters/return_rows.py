"""Loads and stores customers' returns (P7.5); each row read once and written once per unit
of work (shared.db.rows). A return is always written under its order's shipping row lock."""

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from pydantic import TypeAdapter
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.logistics.adapters.tables import customer_returns
from services.logistics.domain.returns import CustomerReturn
from shared.db import rows
from shared.decisions import Signature

_RETURN = TypeAdapter(CustomerReturn)
LIST_LIMIT = 500
"""Returns one listing shows."""


def _return(row: Mapping[str, Any]) -> CustomerReturn:
    return _RETURN.validate_python(row["document"])


async def load(connection: AsyncConnection, number: str) -> CustomerReturn | None:
    """The return to decide on, locked for the rest of the transaction."""
    found = await rows.load(connection, customer_returns, number)
    return None if found is None else _return(found)


async def of_order(connection: AsyncConnection, order_id: str) -> list[CustomerReturn]:
    """Every return of the order, in number order (the caller holds the order's lock)."""
    await rows.flush_table(connection, customer_returns)
    found = await connection.execute(
        select(customer_returns.c.return_number)
        .where(customer_returns.c.order_id == order_id)
        .order_by(customer_returns.c.return_no)
    )
    numbers = [row.return_number for row in found]
    loaded = await rows.load_many(connection, customer_returns, numbers, for_update=True)
    return sorted((_return(row) for row in loaded), key=lambda r: r.return_no)


async def store(
    connection: AsyncConnection, found: CustomerReturn, new: bool, now: datetime
) -> None:
    def by(signature: Signature | None) -> str | None:
        return None if signature is None else signature.user

    row = {
        "return_number": found.return_number,
        "order_id": found.order_id,
        "return_no": found.return_no,
        "shipment_id": found.shipment_id,
        "status": found.status.value,
        "remedy": found.remedy,
        "requested_by": found.requested.user,
        "decided_by": by(found.decided),
        "received_by": by(found.receipt.signed if found.receipt else None),
        "inspected_by": by(found.inspection.signed if found.inspection else None),
        "sent_back_by": by(found.sent_back.signed if found.sent_back else None),
        "carrier": found.sent_back.carrier if found.sent_back else None,
        "tracking_number": found.sent_back.tracking_number if found.sent_back else None,
        "updated_at": now,
        "document": _RETURN.dump_python(found, mode="json", exclude={"events"}),
    }
    await (rows.add if new else rows.save)(connection, customer_returns, row)


# -- reading, for people (no lock) --------------------------------------------------------------


async def read_one(connection: AsyncConnection, number: str) -> CustomerReturn | None:
    found = await connection.execute(
        select(customer_returns).where(customer_returns.c.return_number == number)
    )
    row = found.mappings().one_or_none()
    return None if row is None else _return(dict(row))


async def read_many(
    connection: AsyncConnection, order_id: str | None = None, status: str | None = None
) -> list[CustomerReturn]:
    """Returns by order and status, oldest order and number first."""
    query = (
        select(customer_returns)
        .order_by(customer_returns.c.order_id, customer_returns.c.return_no)
        .limit(LIST_LIMIT)
    )
    if order_id:
        query = query.where(customer_returns.c.order_id == order_id)
    if status:
        query = query.where(customer_returns.c.status == status)
    return [_return(dict(row)) for row in (await connection.execute(query)).mappings()]
