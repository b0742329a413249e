"""Building outgoing events with a complete envelope."""

from datetime import datetime
from typing import Any, TypeVar
from uuid import UUID, uuid4

from shared.contracts.envelope import Event

E = TypeVar("E", bound=Event)


def new_event(
    event_type: type[E],
    *,
    producer: str,
    causation_id: UUID | None,
    occurred_at: datetime,
    payload: Any,
    order_id: str | None = None,
    event_id: UUID | None = None,
) -> E:
    """A new event with a fresh id, or with `event_id` for an event that must keep its id when
    what caused it is handled again; `order_id` is omitted only for events about no order."""
    envelope: dict[str, Any] = {
        "event_id": event_id or uuid4(),
        "producer": producer,
        "causation_id": causation_id,
        "occurred_at": occurred_at,
        "payload": payload,
    }
    if order_id is not None:
        envelope["order_id"] = order_id
    return event_type.model_validate(envelope)
