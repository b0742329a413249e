"""The steps and open work items of a batch's orders, read once per transaction and written
once at its flush (`shared.db.rows`): following the bus costs a few statements per batch, not
several per event.

The order's own row is locked first (the routes' preload), so two replicas following one
order's events on different topics take turns and never insert the same step twice; the
steps are read FOR UPDATE too, against the deadline round. Open work items are read
unlocked: closing one is an UPDATE guarded by `closed_at IS NULL`, so a person's "done" and a
settling event cannot both close it.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from services.sales.adapters.tables import order_steps, work_items
from shared.db import rows

STATE = ("sales", "order tracks")
StepKey = tuple[str, str, int]
"""(order, step, return): the return's n for a return's step, 0 for every other step."""


STEP_VALUES = ("opened_at", "due_at", "warn_at", "closed_at", "flagged", "subject")
"""What a step's update writes: a newer change's step starts its row over."""


@dataclass
class OrderTracks:
    """This transaction's view of its orders' steps and open work items, and its changes."""

    loaded: set[str] = field(default_factory=set)
    steps: dict[StepKey, dict[str, Any]] = field(default_factory=dict)
    open_items: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    new_steps: set[StepKey] = field(default_factory=set)
    changed_steps: set[StepKey] = field(default_factory=set)
    new_items: dict[str, dict[str, Any]] = field(default_factory=dict)
    closed_items: dict[str, dict[str, Any]] = field(default_factory=dict)

    async def load(self, connection: AsyncConnection, order_ids: Iterable[str]) -> None:
        wanted = sorted(set(order_ids) - self.loaded)
        if not wanted:
            return
        self.loaded.update(wanted)
        found = await connection.execute(
            select(order_steps)
            .where(order_steps.c.order_id.in_(wanted))
            .order_by(order_steps.c.order_id, order_steps.c.step, order_steps.c.return_no)
            .with_for_update()
        )
        for row in found.mappings():
            self.steps[(row["order_id"], row["step"], row["return_no"])] = dict(row)
        items = await connection.execute(
            select(
                work_items.c.item_id, work_items.c.order_id, work_items.c.kind, work_items.c.detail
            ).where(work_items.c.order_id.in_(wanted), work_items.c.closed_at.is_(None))
        )
        for item in items.mappings():
            self.open_items.setdefault(item["order_id"], []).append(dict(item))

    def step(self, order_id: str, step: str, return_no: int = 0) -> dict[str, Any] | None:
        return self.steps.get((order_id, step, return_no))

    def add_step(self, row: dict[str, Any]) -> None:
        key = (row["order_id"], row["step"], row["return_no"])
        self.steps[key] = row
        self.new_steps.add(key)

    def change_step(self, order_id: str, step: str, return_no: int = 0, **values: Any) -> None:
        key = (order_id, step, return_no)
        self.steps[key].update(values)
        if key not in self.new_steps:
            self.changed_steps.add(key)

    def open_item(self, row: dict[str, Any]) -> None:
        self.new_items[row["item_id"]] = row
        self.open_items.setdefault(row["order_id"], []).append(
            {key: row[key] for key in ("item_id", "order_id", "kind", "detail")}
        )

    def settle(
        self,
        order_id: str,
        kinds: Iterable[str],
        at: datetime,
        by: str,
        detail: str | None,
        sparing: Callable[[str | None], bool] | None = None,
    ) -> None:
        """Close the order's open items of these kinds: those about `detail`, or all of them
        (None) but the ones `sparing` keeps."""
        wanted = set(kinds)
        still: list[dict[str, Any]] = []
        for item in self.open_items.get(order_id, []):
            spared = sparing is not None and sparing(item["detail"])
            if (
                item["kind"] in wanted
                and (detail is None or item["detail"] == detail)
                and not spared
            ):
                closing = {"closed_at": at, "closed_by": by}
                if item["item_id"] in self.new_items:
                    self.new_items[item["item_id"]].update(closing)
                else:
                    self.closed_items[item["item_id"]] = closing
            else:
                still.append(item)
        self.open_items[order_id] = still

    async def write(self, connection: AsyncConnection) -> None:
        """Everything this transaction changed, a statement per kind of change."""
        if self.new_steps:
            await connection.execute(
                insert(order_steps), [self.steps[key] for key in sorted(self.new_steps)]
            )
        if self.changed_steps:
            await connection.execute(
                update(order_steps)
                .where(
                    and_(
                        order_steps.c.order_id == bindparam("_order"),
                        order_steps.c.step == bindparam("_step"),
                        order_steps.c.return_no == bindparam("_return"),
                    )
                )
                .values(**{name: bindparam(name) for name in STEP_VALUES}),
                [
                    {"_order": key[0], "_step": key[1], "_return": key[2]}
                    | {name: self.steps[key][name] for name in STEP_VALUES}
                    for key in sorted(self.changed_steps)
                ],
            )
        if self.new_items:
            await connection.execute(insert(work_items), list(self.new_items.values()))
        if self.closed_items:
            await connection.execute(
                update(work_items)
                .where(
                    and_(
                        work_items.c.item_id == bindparam("_item"),
                        work_items.c.closed_at.is_(None),
                    )
                )
                .values(closed_at=bindparam("closed_at"), closed_by=bindparam("closed_by")),
                [{"_item": item} | closing for item, closing in self.closed_items.items()],
            )
        self.new_steps.clear()
        self.changed_steps.clear()
        self.new_items.clear()
        self.closed_items.clear()


async def tracks(connection: AsyncConnection) -> tuple[OrderTracks, bool]:
    """This transaction's tracks, and whether they are written at its flush (False outside a
    unit of work: the caller writes them itself)."""
    state: OrderTracks | None = rows.recall(STATE)
    if state is not None:
        return state, True
    state = OrderTracks()
    rows.remember(STATE, state)
    if rows.recall(STATE) is None:
        return state, False
    await rows.write_at_flush(connection, STATE, state.write)
    return state, True
