"""The consume pipeline: decode, run one unit of work, dead-letter what cannot be handled.

One Kafka record becomes one database transaction holding the state change, the inbox record and
the outgoing events. The subscriber acknowledges (commits the offset) only after this returns,
i.e. after the transaction committed. The pipeline never raises for a bad message: it is turned
into a rejection event or a dead-letter record, and the partition moves on. A transient failure
(database or broker briefly unreachable) is retried with back-off, never dead-lettered.
"""

import asyncio
import logging
import traceback
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

from pydantic import ValidationError
from sqlalchemy.exc import DBAPIError, OperationalError

from shared.contracts.envelope import Event
from shared.messaging.routes import Incoming, MessageRejected, Route, Source
from shared.messaging.unit_of_work import UnitOfWork, Work

log = logging.getLogger(__name__)

DeadLetter = Callable[[Source, bytes, str], Awaitable[None]]
"""dead_letter(source, raw value, reason): returns once the dead-letter topic has the record."""

TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (OperationalError, OSError, TimeoutError)
HANDLER_ATTEMPTS = 3


def is_transient(error: BaseException) -> bool:
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return True
    if isinstance(error, TRANSIENT_ERRORS):
        return True
    cause = error.__cause__ or error.__context__
    return cause is not None and cause is not error and isinstance(cause, TRANSIENT_ERRORS)


def validation_problems(error: ValidationError) -> list[tuple[str, str]]:
    """(field path, message) for every problem pydantic found; "" is the message as a whole."""
    return [
        (".".join(str(part) for part in item["loc"]), item["msg"])
        for item in error.errors(include_url=False)
    ]


def describe_validation(error: ValidationError) -> str:
    return "; ".join(
        f"{where or '<message>'}: {message}" for where, message in validation_problems(error)
    )


class Pipeline:
    """Runs every consumed record of one service through its route."""

    def __init__(
        self,
        unit_of_work: UnitOfWork,
        routes: Sequence[Route[Any]],
        dead_letter: DeadLetter,
    ) -> None:
        self._uow = unit_of_work
        self._routes: Mapping[str, Route[Any]] = {route.topic: route for route in routes}
        self._clock = unit_of_work.clock
        self._dead_letter = dead_letter

    @property
    def topics(self) -> list[str]:
        return list(self._routes)

    async def consume(self, source: Source, value: bytes) -> None:
        """Handle one record; returns when its effects (or its dead letter) are durable."""
        route = self._routes.get(source.topic)
        if route is None:
            await self._retrying(
                self._dead_letter_once, source.position, source, value, "no route for this topic"
            )
            return
        try:
            body = route.decode(value)
        except ValidationError as error:
            await self._reject_invalid(route, source, value, error)
            return
        message_id, causation_id = route.identify(body, source)
        incoming = Incoming(
            body=body, source=source, causation_id=causation_id, received_at=self._clock.now()
        )
        await self._handle(route, message_id, incoming, value)

    async def _handle(
        self, route: Route[Any], message_id: str, incoming: Incoming[Any], value: bytes
    ) -> None:
        failures = 0
        backoff = 0.1
        while True:
            try:
                await self._unit_of_work(
                    message_id, incoming.source.topic, lambda conn: route.handler(conn, incoming)
                )
                return
            except asyncio.CancelledError:
                raise
            except MessageRejected as rejected:
                await self._retrying(
                    self._dead_letter_once, message_id, incoming.source, value, str(rejected)
                )
                return
            except Exception as error:
                if is_transient(error):
                    log.warning(
                        "transient failure on %s, retrying: %r", incoming.source.position, error
                    )
                else:
                    failures += 1
                    log.exception(
                        "handler failed on %s (attempt %d)", incoming.source.position, failures
                    )
                    if failures >= HANDLER_ATTEMPTS:
                        reason = (
                            "handler failed: "
                            + "".join(traceback.format_exception_only(error)).strip()
                        )
                        await self._retrying(
                            self._dead_letter_once, message_id, incoming.source, value, reason
                        )
                        return
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 5.0)

    async def _reject_invalid(
        self, route: Route[Any], source: Source, value: bytes, error: ValidationError
    ) -> None:
        rejections: Sequence[Event] = ()
        if route.on_invalid is not None:
            rejections = route.on_invalid(value, error, source, self._clock.now())
        if not rejections:
            await self._retrying(
                self._dead_letter_once,
                source.position,
                source,
                value,
                f"invalid message: {describe_validation(error)}",
            )
            return

        async def stage(_conn: Any) -> Sequence[Event]:
            return rejections

        await self._retrying(self._unit_of_work, source.position, source.topic, stage)

    async def _dead_letter_once(
        self, message_id: str, source: Source, value: bytes, reason: str
    ) -> None:
        """Dead-letter a record and remember it in the inbox, so a replay of the topic does not
        dead-letter it again, nor apply it out of turn."""
        if await self._uow.seen(message_id):
            return
        await self._dead_letter(source, value, reason)
        await self._uow.remember(message_id, source.topic)

    async def _unit_of_work(self, message_id: str, topic: str, work: Work) -> None:
        if not await self._uow.run(work, message_id, topic):
            log.info("skipping %s: already handled", message_id)

    async def _retrying(self, action: Callable[..., Awaitable[None]], *args: Any) -> None:
        """Run an action that must eventually succeed (a dead letter, a rejection)."""
        backoff = 0.1
        while True:
            try:
                await action(*args)
                return
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception(
                    "could not complete %s, retrying", getattr(action, "__name__", action)
                )
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 5.0)
