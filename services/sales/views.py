"""Reads of sales' record of the bus: an order's history across departments (P7.6) and the
work queue (P8.2). Plain SELECTs; nothing here changes state."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.sales.adapters import tables

MAX_HISTORY = 2000
"""Entries of one order's history answered at most."""


@dataclass(frozen=True)
class HistoryEntry:
    """One step of an order's history: what happened, who did it, when, what caused it."""

    at: datetime
    what: str
    summary: str
    producer: str
    actors: list[dict[str, Any]]
    event_id: str | None
    causation_id: str | None
    payload: dict[str, Any]


def causal_order(entries: list[HistoryEntry]) -> list[HistoryEntry]:
    """By time, but an event never before the event that caused it (departments' clocks may
    disagree by a little); ties by event id, so every replay gives the same order."""
    by_time = sorted(entries, key=lambda entry: (entry.at, entry.event_id or "", entry.what))
    placed: set[str] = set()
    ordered: list[HistoryEntry] = []
    waiting: dict[str, list[HistoryEntry]] = {}
    known = {entry.event_id for entry in by_time if entry.event_id}

    def place(entry: HistoryEntry) -> None:
        ordered.append(entry)
        if entry.event_id:
            placed.add(entry.event_id)
            for follower in waiting.pop(entry.event_id, []):
                place(follower)

    for entry in by_time:
        cause = entry.causation_id
        if cause and cause in known and cause not in placed:
            waiting.setdefault(cause, []).append(entry)
        else:
            place(entry)
    for followers in waiting.values():  # a cycle cannot happen; keep anything left, in time
        ordered.extend(followers)
    return ordered


async def order_history(connection: AsyncConnection, order_id: str) -> list[HistoryEntry]:
    """Every event about the order on the bus, from every department, with sales' own
    record of the people's decisions at its desk."""
    events = await connection.execute(
        select(tables.order_history)
        .where(tables.order_history.c.order_id == order_id)
        .order_by(tables.order_history.c.occurred_at, tables.order_history.c.event_id)
        .limit(MAX_HISTORY)
    )
    entries = [
        HistoryEntry(
            at=row.occurred_at,
            what=row.event_type,
            summary=row.summary,
            producer=row.producer,
            actors=list(row.actors),
            event_id=row.event_id,
            causation_id=row.causation_id,
            payload=dict(row.payload),
        )
        for row in events
    ]
    decisions = await connection.execute(
        select(tables.order_decisions)
        .where(tables.order_decisions.c.order_id == order_id)
        .order_by(tables.order_decisions.c.id)
        .limit(MAX_HISTORY)
    )
    entries.extend(
        HistoryEntry(
            at=row.decided_at,
            what=f"decision.{row.kind}",
            summary=row.detail or row.kind.replace("_", " "),
            producer="sales",
            actors=[{"user": row.user_name, "role": row.role, "at": row.decided_at.isoformat()}],
            event_id=None,
            causation_id=None,
            payload={},
        )
        for row in decisions
    )
    return causal_order(entries)[:MAX_HISTORY]


@dataclass(frozen=True)
class WorkItem:
    """An escalation waiting for a person of `owner_role`."""

    item_id: str
    order_id: str
    kind: str
    owner_role: str
    summary: str
    opened_at: datetime
    closed_at: datetime | None
    closed_by: str | None
    detail: str | None = None
    """What in the order it is about: the flagged step, the change (CR-…) or return (RT-…)."""


async def work_queue(
    connection: AsyncConnection, role: str | None, include_closed: bool, limit: int
) -> list[WorkItem]:
    """Open items (or all), oldest first, of one role or of every role."""
    statement = select(tables.work_items).order_by(
        tables.work_items.c.opened_at, tables.work_items.c.item_id
    )
    if role is not None:
        statement = statement.where(tables.work_items.c.owner_role == role)
    if not include_closed:
        statement = statement.where(tables.work_items.c.closed_at.is_(None))
    rows = await connection.execute(statement.limit(limit))
    return [_item(row) for row in rows]


async def work_item(connection: AsyncConnection, item_id: str) -> WorkItem | None:
    row = (
        await connection.execute(
            select(tables.work_items).where(tables.work_items.c.item_id == item_id)
        )
    ).first()
    return None if row is None else _item(row)


def _item(row: Any) -> WorkItem:
    return WorkItem(
        item_id=row.item_id,
        order_id=row.order_id,
        kind=row.kind,
        owner_role=row.owner_role,
        summary=row.summary,
        opened_at=row.opened_at,
        closed_at=row.closed_at,
        closed_by=row.closed_by,
        detail=row.detail,
    )
