"""Sales' record of every order's life on the bus: the history (P7.6), the steps and their
deadlines (P8.2) and the work queue (P8.2). Each consumed event about an order passes through
`track` inside the unit of work of its batch; a replayed event changes nothing."""

from collections.abc import Sequence
from datetime import datetime
from functools import cache
from typing import Any

from pydantic import BaseModel
from sqlalchemy import and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from services.sales import SERVICE_NAME
from services.sales.adapters.tables import order_history, order_steps, orders, work_items
from services.sales.adapters.tracking_state import OrderTracks, tracks
from services.sales.domain.deadlines import STEP_OWNERS, Deadlines
from services.sales.domain.steps import (
    CHANGE_STEPS,
    RETURN_STEPS,
    WITH_THE_ORDER,
    Facts,
    StepChange,
    changes_for,
    flag_due,
    reason_for,
    return_no_of,
    waits_for,
    warning_at,
)
from services.sales.domain.work import (
    Escalation,
    acknowledgement_owner,
    outlives_the_order,
    owner_of,
    return_step_owner,
    settled_kinds,
)
from shared.contracts import (
    ChangeAcknowledged,
    ChangeDecided,
    ChangeRequested,
    CollectionStepped,
    ConfirmationIssued,
    ConfirmationSigned,
    DeliveryLate,
    Event,
    GoodsDelivered,
    GoodsShipped,
    InvoiceIssued,
    OrderReleased,
    PaymentReceived,
    ReturnStepped,
    ShipmentCancelled,
    StepFlagged,
)
from shared.contracts.bounds import MAX_VERSIONS, moment_within_window
from shared.contracts.changes import change_number
from shared.contracts.common import Signed
from shared.contracts.process import DeliveryRevised
from shared.contracts.returns import return_number
from shared.contracts.steps import StepFlaggedPayload, StepName
from shared.db import rows
from shared.db.upsert import dialect_insert
from shared.messaging.events import new_event
from shared.messaging.routes import MessageRejected

SUMMARY_MAX = 500
"""A history step's summary, in characters (the column's width)."""
WORK_SUMMARY_MAX = 1000
CLOSED_BY_MAX = 300
ROUND_LIMIT = 500
"""Steps flagged per round at most; the next round takes the rest."""


# -- history ---------------------------------------------------------------------------------


@cache
def _field_names(model: type[BaseModel]) -> tuple[str, ...]:
    """A model's field names, read once per class (pydantic's `model_fields` is a slow property)."""
    return tuple(model.model_fields)


def actors_of(value: object) -> list[Signed]:
    """Every person's signature anywhere in an event's payload (who, role, when)."""
    found: list[Signed] = []
    if isinstance(value, Signed):
        found.append(value)
    elif isinstance(value, BaseModel):
        for name in _field_names(type(value)):
            found.extend(actors_of(getattr(value, name)))
    elif isinstance(value, list | tuple):
        for item in value:
            found.extend(actors_of(item))
    return found


def summary_of(event: Event) -> str:
    """What happened, in words: the first line of the event type's description."""
    doc = (type(event).__doc__ or event.event_type).strip().splitlines()[0]
    return doc[:SUMMARY_MAX]


HISTORY_PENDING = ("sales", "history rows")
"""Where a transaction gathers its history rows, written in one statement at its flush."""


def history_row(event: Event) -> dict[str, Any]:
    payload: Any = getattr(event, "payload", None)
    return {
        "event_id": str(event.event_id),
        "order_id": event.order_id,
        "occurred_at": event.occurred_at,
        "event_type": event.event_type,
        "producer": event.producer,
        "causation_id": None if event.causation_id is None else str(event.causation_id),
        # the models themselves: the JSON columns' encoder (pydantic-core) writes them in JSON
        # mode in one pass, about three times faster than model_dump(mode="json") and encoding
        "actors": actors_of(payload),
        "summary": summary_of(event),
        "payload": {} if payload is None else payload,
    }


async def record_history(connection: AsyncConnection, event: Event) -> None:
    """The event as a step of its order's history, written with the batch's others when the
    unit of work flushes; one already recorded (the same event id) stays as it was."""
    pending: list[dict[str, Any]] | None = rows.recall(HISTORY_PENDING)
    if pending is None:
        pending = []
        rows.remember(HISTORY_PENDING, pending)

        async def write(connection: AsyncConnection) -> None:
            statement = dialect_insert(connection, order_history).on_conflict_do_nothing(
                index_elements=[order_history.c.event_id]
            )
            await connection.execute(statement, pending)

        pending.append(history_row(event))
        await rows.write_at_flush(connection, HISTORY_PENDING, write)
        return
    pending.append(history_row(event))


# -- steps -----------------------------------------------------------------------------------


def facts_of(event: Event) -> Facts:
    match event:
        case OrderReleased():
            released = event.payload
            return Facts(
                event.event_type,
                event.occurred_at,
                released.delivery_date,
                version=released.version,
            )
        case DeliveryRevised():
            return Facts(event.event_type, event.occurred_at, event.payload.delivery_date)
        case ConfirmationIssued() | ConfirmationSigned():
            return Facts(event.event_type, event.occurred_at, version=event.payload.version)
        case GoodsShipped():
            return Facts(
                event.event_type, event.occurred_at, expected_on=event.payload.expected_delivery_on
            )
        case GoodsDelivered():
            return Facts(
                event.event_type, event.occurred_at, whole_order=event.payload.order_delivered
            )
        case InvoiceIssued():
            return Facts(
                event.event_type,
                event.occurred_at,
                due_date=event.payload.due_date,
                invoice=event.payload.kind == "invoice",
            )
        case PaymentReceived():
            return Facts(event.event_type, event.occurred_at, settled=event.payload.settled)
        case ChangeRequested():
            return Facts(
                event.event_type,
                event.occurred_at,
                change_no=event.payload.change_no,
                after_confirmation=event.payload.stage == "after_confirmation",
                answer_by=event.payload.answer_by,
            )
        case ChangeAcknowledged():
            answer = event.payload
            return Facts(
                event.event_type,
                event.occurred_at,
                change_no=answer.change_no,
                department=answer.department,
                spent=answer.outcome == "accepted" and answer.spent(),
            )
        case ChangeDecided():
            return Facts(event.event_type, event.occurred_at, change_no=event.payload.change_no)
        case ReturnStepped():
            stepped = event.payload
            return Facts(
                event.event_type,
                event.occurred_at,
                return_no=return_no_of(stepped.return_number, event.order_id),
                return_step=stepped.step,
                rejected=_rejected(event),
            )
    return Facts(event.event_type, event.occurred_at)


def _rejected(event: ReturnStepped) -> int:
    return sum(verdict.rejected for verdict in event.payload.inspected)


def _apply_step(
    state: OrderTracks, order_id: str, change: StepChange, deadlines: Deadlines, by: str
) -> None:
    if change.return_no:
        _apply_return_step(state, order_id, change, deadlines, by)
        return
    row = state.step(order_id, change.step)
    if row is not None and row["subject"] > change.subject:
        return  # about an older change than the step's
    if change.subject == WITH_THE_ORDER and row is not None:  # order.closed: whatever it is of
        closed_at = row["closed_at"] or change.at
        state.change_step(order_id, change.step, closed_at=closed_at, subject=WITH_THE_ORDER)
        state.settle(order_id, ("step.flagged",), change.at, by, change.step)
        return
    newer = row is not None and row["subject"] < change.subject  # a newer change's step
    if change.kind == "close":
        if row is None:
            state.add_step(_step_row(order_id, change, closed_at=change.at))
        elif newer:
            state.change_step(order_id, change.step, **_fresh(change, closed_at=change.at))
        elif row["closed_at"] is None:
            state.change_step(order_id, change.step, closed_at=change.at)
        state.settle(order_id, ("step.flagged",), change.at, by, change.step)
        return
    assert change.due_at is not None
    if change.kind == "open" and (row is None or newer):
        opened = _fresh(
            change,
            opened_at=change.at,
            due_at=change.due_at,
            warn_at=warning_at(change.at, change.due_at, deadlines),
        )
        if row is None:
            state.add_step(_step_row(order_id, change, **opened))
        else:
            state.change_step(order_id, change.step, **opened)
    elif change.kind == "move" and row and row["closed_at"] is None and row["opened_at"]:
        state.change_step(
            order_id,
            change.step,
            due_at=change.due_at,
            warn_at=warning_at(row["opened_at"], change.due_at, deadlines),
            flagged=None,
        )


def _apply_return_step(
    state: OrderTracks, order_id: str, change: StepChange, deadlines: Deadlines, by: str
) -> None:
    """A return's step opens once and closes once (P7.5): a step its later step closed first
    stays closed, and only the closing of an open step settles its flag (the return's other
    steps are closed, or not yet opened, whenever one of them is open)."""
    n = change.return_no
    row = state.step(order_id, change.step, n)
    if change.kind == "close":
        if row is None:
            state.add_step(_step_row(order_id, change, closed_at=change.at))
        elif row["closed_at"] is None:
            state.change_step(order_id, change.step, n, closed_at=change.at)
            state.settle(order_id, ("step.flagged",), change.at, by, return_number(order_id, n))
        return
    if change.kind == "open" and row is None:
        assert change.due_at is not None
        warn_at = warning_at(change.at, change.due_at, deadlines)
        opened = _fresh(change, opened_at=change.at, due_at=change.due_at, warn_at=warn_at)
        state.add_step(_step_row(order_id, change, **opened))


def _overtaken(state: OrderTracks, event: ReturnStepped) -> bool:
    """A later step of the return came first (topics are not ordered against each other): the
    step this one would leave waiting is closed already, so it settles none of the return's
    work and opens none."""
    n = return_no_of(event.payload.return_number, event.order_id)
    waiting = waits_for(event.payload.step, _rejected(event))
    if not n or waiting is None:
        return False
    row = state.step(event.order_id, waiting, n)
    return row is not None and row["closed_at"] is not None


def _fresh(change: StepChange, **values: Any) -> dict[str, Any]:
    """A step's values as the first event of its change (or of the order) leaves them."""
    return {
        "opened_at": None,
        "warn_at": None,
        "due_at": None,
        "closed_at": None,
        "flagged": None,
        "subject": change.subject,
    } | values


def _step_row(order_id: str, change: StepChange, **values: Any) -> dict[str, Any]:
    return {
        "order_id": order_id,
        "step": change.step,
        "return_no": change.return_no,
        "owner_role": change.owner_role,
    } | _fresh(change, **values)


# -- work queue ------------------------------------------------------------------------------


def escalation_of(event: Event) -> Escalation:
    hint: str | None = None
    match event:
        case DeliveryLate():
            hint = event.payload.notify[0] if event.payload.notify else None
        case CollectionStepped():
            hint = event.payload.step
        case StepFlagged():
            hint = event.payload.owner_role
        case ChangeAcknowledged():
            answer = event.payload
            hint = acknowledgement_owner(answer.outcome == "refused", answer.spent())
        case ReturnStepped():
            rejected = sum(verdict.rejected for verdict in event.payload.inspected)
            hint = return_step_owner(event.payload.step, rejected)
    return Escalation(event.event_type, hint)


def subject_of(event: Event) -> str | None:
    """What in the order an escalation or its settling is about (a work item's `detail`): the
    flagged step, the return (RT-…), the change (CR-…) or the cancelled shipment; None: the
    order as a whole."""
    match event:
        case StepFlagged():
            flagged = event.payload
            if flagged.step in RETURN_STEPS and flagged.subject is not None:
                return flagged.subject  # settled with the return's next step
            return flagged.step
        case ReturnStepped():
            return event.payload.return_number
        case ChangeAcknowledged() | ChangeDecided():
            return change_number(event.order_id, event.payload.change_no)
        case ShipmentCancelled():
            return event.payload.shipment_id  # to be requested again (P7.2)
    return None


def _open_item(state: OrderTracks, event: Event) -> None:
    owner = owner_of(escalation_of(event))
    if owner is None:
        return
    detail = subject_of(event)
    if isinstance(event, StepFlagged):
        step = state.step(event.order_id, event.payload.step, _return_of(event))
        if step is not None and step["closed_at"] is not None:
            return  # the step finished before its flag came back from the bus
        opened = None if step is None else step["opened_at"]
        if opened is not None and moment_within_window(opened) != event.payload.opened_at:
            return  # a flag of the step's earlier opening (an older change's)
    if isinstance(event, ChangeAcknowledged) and _decided(
        state, event.order_id, event.payload.change_no
    ):
        return  # its change.decided came first: nothing left to act on
    summary = summary_of(event)
    reason = getattr(getattr(event, "payload", None), "reason", "")
    if isinstance(reason, str) and reason:
        summary = f"{summary} {reason}"[:WORK_SUMMARY_MAX]
    state.open_item(
        {
            "item_id": str(event.event_id),
            "order_id": event.order_id,
            "kind": event.event_type,
            "owner_role": owner,
            "summary": summary,
            "opened_at": event.occurred_at,
            "closed_at": None,
            "closed_by": None,
            "detail": detail,
        }
    )


def _return_of(flag: StepFlagged) -> int:
    """The return a flagged return step is of (0 for any other step)."""
    if flag.payload.step not in RETURN_STEPS or flag.payload.subject is None:
        return 0
    return return_no_of(flag.payload.subject, flag.order_id)


def _decided(state: OrderTracks, order_id: str, change_no: int) -> bool:
    """change.decided of this change was followed (it closes the change's charge step whether
    or not that step was ever opened), or a later change has begun (one at a time is open)."""
    charge = state.step(order_id, "change_charge")
    if charge is None:
        return False
    return charge["subject"] > change_no or (
        charge["subject"] == change_no and charge["closed_at"] is not None
    )


# -- the handler -----------------------------------------------------------------------------


async def preload(connection: AsyncConnection, bodies: Sequence[Event]) -> None:
    """Before a batch, after its orders' rows (see the routes): their steps and open work
    items, in two statements."""
    order_ids = [body.order_id for body in bodies]
    await rows.load_many(connection, orders, order_ids)
    state, _ = await tracks(connection)
    await state.load(connection, order_ids)


async def track(connection: AsyncConnection, event: Event, deadlines: Deadlines) -> None:
    """History, steps and work queue for one consumed event about an order. Every order
    starts in sales' register, so an event about an order sales never registered is forged
    or misdirected: it is dead-lettered, not kept in anyone's history."""
    if await rows.load(connection, orders, event.order_id, for_update=False) is None:
        raise MessageRejected(
            f"no order {event.order_id} in sales' register: nothing to follow ({event.event_type})"
        )
    await record_history(connection, event)  # the inbox has let each event through once
    state, at_flush = await tracks(connection)
    await state.load(connection, [event.order_id])
    by = f"{event.event_type} {event.event_id}"[:CLOSED_BY_MAX]
    for change in changes_for(facts_of(event), deadlines):
        _apply_step(state, event.order_id, change, deadlines, by)
    paid = isinstance(event, PaymentReceived) and event.payload.settled
    cleared = isinstance(event, CollectionStepped) and event.payload.step == "cleared"
    closed = event.event_type == "order.closed"
    kinds = settled_kinds(event.event_type, paid=paid or cleared, closed=closed)
    overtaken = isinstance(event, ReturnStepped) and _overtaken(state, event)
    if kinds and not overtaken:  # before the event's own item: a return's next step settles
        spared = outlives_the_order if closed else None  # the one before
        state.settle(event.order_id, kinds, event.occurred_at, by, subject_of(event), spared)
    if not overtaken:  # a late step of a return: its later step's work stays as it is
        _open_item(state, event)
    if not at_flush:
        await state.write(connection)


async def flag_steps(
    connection: AsyncConnection, now: datetime, deadlines: Deadlines
) -> list[Event]:
    """P8.2: every open step past its warning share or its deadline, flagged once per level.
    Rows are claimed with SKIP LOCKED, so replicas running the same round share the work."""
    statement = (
        select(order_steps)
        .where(
            order_steps.c.closed_at.is_(None),
            order_steps.c.opened_at.is_not(None),
            or_(
                and_(order_steps.c.flagged.is_(None), order_steps.c.warn_at <= now),
                and_(order_steps.c.flagged != "overdue", order_steps.c.due_at <= now),
            ),
        )
        .order_by(order_steps.c.warn_at)
        .limit(ROUND_LIMIT)
        .with_for_update(skip_locked=True)
    )
    events: list[Event] = []
    for row in (await connection.execute(statement)).all():
        level = flag_due(row.flagged, row.warn_at, row.due_at, now)
        if level is None:
            continue
        step: StepName = row.step
        await connection.execute(
            update(order_steps)
            .where(
                order_steps.c.order_id == row.order_id,
                order_steps.c.step == row.step,
                order_steps.c.return_no == row.return_no,
            )
            .values(flagged=level)
        )
        subject = _subject_of_step(row.order_id, step, row.subject, row.return_no)
        events.append(
            new_event(
                StepFlagged,
                producer=SERVICE_NAME,
                causation_id=None,
                occurred_at=now,
                order_id=row.order_id,
                payload=StepFlaggedPayload(
                    step=step,
                    level=level,
                    owner_role=STEP_OWNERS[step],
                    opened_at=moment_within_window(row.opened_at),
                    due_at=moment_within_window(row.due_at),
                    reason=reason_for(step, level, row.due_at, subject),
                    subject=subject,
                ),
            )
        )
    return events


def _subject_of_step(order_id: str, step: StepName, subject: int, return_no: int) -> str | None:
    """The return (RT-…) or change (CR-…) a flagged step is of; None for the order's own."""
    if return_no:
        return return_number(order_id, return_no)
    if step in CHANGE_STEPS and 2 <= subject <= MAX_VERSIONS:
        return change_number(order_id, subject)
    return None


async def mark_done(connection: AsyncConnection, item_id: str, at: datetime, by: str) -> bool:
    """A person took care of a work item; False if it is not open (any more)."""
    result = await connection.execute(
        update(work_items)
        .where(work_items.c.item_id == item_id, work_items.c.closed_at.is_(None))
        .values(closed_at=at, closed_by=by[:CLOSED_BY_MAX])
    )
    return bool(result.rowcount)
