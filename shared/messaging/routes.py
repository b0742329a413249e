"""How a service declares what it consumes: one route per topic."""

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar
from uuid import UUID, uuid5

from pydantic import BaseModel, ValidationError
from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.contracts.envelope import Event
from shared.db import rows

M = TypeVar("M", bound=BaseModel)

SOURCE_NAMESPACE = UUID("6f1d0a56-5b8e-4c3e-9a57-0f5d8f1c2b7a")


@dataclass(frozen=True)
class Source:
    """Where a consumed record came from."""

    topic: str
    partition: int
    offset: int
    key: bytes | None

    @property
    def position(self) -> str:
        return f"{self.topic}:{self.partition}:{self.offset}"

    @property
    def causation_id(self) -> UUID:
        """The id of what another system's record caused: stable across replays."""
        return uuid5(SOURCE_NAMESPACE, self.position)


@dataclass(frozen=True)
class Incoming(Generic[M]):
    """A decoded message handed to a service handler."""

    body: M
    source: Source
    causation_id: UUID
    received_at: datetime
    """When this attempt took the record up, after its batch's state was loaded (each retry of
    a transaction takes it anew): what the handler's events are stamped with, so an event
    never predates the state it was decided on."""


Handler = Callable[[AsyncConnection, Incoming[Any]], Awaitable[Sequence[Event]]]
"""Does the work of one message inside the unit of work; returns the events it causes."""


def chain(*handlers: Handler) -> Handler:
    """One handler doing each of `handlers` in turn in the same unit of work; the events of
    all of them, in that order."""

    async def chained(connection: AsyncConnection, incoming: Incoming[Any]) -> Sequence[Event]:
        events: list[Event] = []
        for handler in handlers:
            events.extend(await handler(connection, incoming))
        return events

    return chained


Preload = Callable[[AsyncConnection, Sequence[Any]], Awaitable[None]]
"""Reads, in one statement, what the handler will need for all of a batch's messages (their
decoded bodies) of this route; see `shared.db.rows.preload`."""


def preload_orders(table: Table) -> Preload:
    """A preload that reads (and locks) the rows of `table` keyed by the messages' order ids."""

    async def preload(connection: AsyncConnection, bodies: Sequence[Any]) -> None:
        await rows.preload(connection, table, (body.order_id for body in bodies))

    return preload


InvalidHandler = Callable[[bytes, ValidationError, Source, datetime], Sequence[Event]]
"""Turns an invalid message into rejection events; an empty answer dead-letters it instead."""


class MessageRejected(Exception):
    """A well-formed message the service cannot act on (e.g. it names an unknown order).

    Raised by a handler, it rolls the unit of work back and dead-letters the message with the
    given reason, without retries.
    """


@dataclass(frozen=True)
class Route(Generic[M]):
    """One consumed topic: the contract its messages follow and the handler that acts on them."""

    topic: str
    contract: type[M]
    handler: Handler
    on_invalid: InvalidHandler | None = None
    preload: Preload | None = None
    latest_per_key: bool = False
    """For compacted topics, where the latest record of a key is all that counts: of a batch's
    records with the same key, only the last takes effect (the others are marked handled)."""

    def decode(self, value: bytes) -> M:
        return self.contract.model_validate_json(value)

    def identify(self, body: M, source: Source) -> tuple[str, UUID]:
        """(inbox message id, causation id). Our events are identified by their event id; a
        message from another system by its position in the log, which replays keep."""
        if isinstance(body, Event):
            return str(body.event_id), body.event_id
        return source.position, source.causation_id
