"""The consume pipeline: a fetched batch becomes one database transaction.

Every record of the batch is decoded, then all of them are applied in order inside one unit of
work (their inbox claims in one statement, their outgoing records in one insert). If anything in
that transaction fails for a reason other than a transient one, it is rolled back and the batch
is redone record by record, each in its own transaction, which isolates the bad record: it is
dead-lettered (with the reason, in the same transaction that claims it in the inbox) and the
others take effect. A transient failure (database or broker unreachable, a deadlock) is retried
with back-off, never dead-lettered.

`consume_batch` returns only when every record of the batch is durably handled: applied,
rejected or dead-lettered. It raises nothing but cancellation; the subscriber commits the
batch's offsets after it returns, and only then.
"""

import asyncio
import logging
import traceback
from collections import Counter
from collections.abc import Awaitable, Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.contracts.envelope import Event
from shared.messaging.outbox import (
    DEFAULT_MAX_RECORD_BYTES,
    Origin,
    Outgoing,
    dead_letter_id,
    dead_letter_record,
)
from shared.messaging.routes import Incoming, MessageRejected, Route, Source
from shared.messaging.transient import is_transient
from shared.messaging.unit_of_work import Prepare, Step, UnitOfWork, Work
from shared.metrics import Metrics

log = logging.getLogger(__name__)

CONFLICT_ATTEMPTS = 5
"""A unique-constraint conflict (another replica inserted the same row first) is retried this
often on its own; a conflict that persists is a bug in the message and is dead-lettered."""


def validation_problems(error: ValidationError) -> list[tuple[str, str]]:
    """(field path, message) for every problem pydantic found; "" is the message as a whole."""
    return [
        (".".join(str(part) for part in item["loc"]), item["msg"])
        for item in error.errors(include_url=False, include_input=False)
    ]


def describe_validation(error: ValidationError) -> str:
    return "; ".join(
        f"{where or '<message>'}: {message}" for where, message in validation_problems(error)
    )


def describe_failure(error: BaseException) -> str:
    return "".join(traceback.format_exception_only(error)).strip()


@dataclass(frozen=True)
class Delivery:
    """One consumed record: where it was read and its raw value."""

    source: Source
    value: bytes
    replay_of: str | None = None
    """The dead letter this record replays (its `orderflow.replay` header), if any."""
    trace_header: bytes | None = None
    """Its `traceparent` header, if any (`shared.tracing` checks it)."""


@dataclass(frozen=True)
class Prepared:
    """A decoded record and the work it stands for (its effect, a rejection or a dead letter)."""

    delivery: Delivery
    message_id: str
    work: Work
    route: Route[Any] | None = None
    body: Any = None
    """The decoded message, for the route's preload; None unless it is to take effect."""
    dead_letter: bool = False


Sleep = Callable[[float], Awaitable[None]]


class Pipeline:
    """Runs every consumed batch of one service through its routes."""

    def __init__(
        self,
        unit_of_work: UnitOfWork,
        routes: Sequence[Route[Any]],
        service: str,
        namespace: str = "",
        max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES,
        sleep: Sleep = asyncio.sleep,
        unread_topics: Collection[str] = (),
        metrics: Metrics | None = None,
    ) -> None:
        """`unread_topics`: routes not subscribed to, since the service handles those events
        itself as it stages them (`shared.messaging.own_events`); a record of one that reaches
        `consume` anyway is handled as on any route (a repeat, by the inbox)."""
        self._uow = unit_of_work
        self._routes: Mapping[str, Route[Any]] = {route.topic: route for route in routes}
        self._clock = unit_of_work.clock
        self._service = service
        self._namespace = namespace
        self._max_record_bytes = max_record_bytes
        self._sleep = sleep
        self._unread = frozenset(unread_topics)
        self._metrics = metrics

    @property
    def topics(self) -> list[str]:
        """The topics to subscribe to."""
        return [topic for topic in self._routes if topic not in self._unread]

    async def consume(self, source: Source, value: bytes) -> None:
        """Handle one record; returns when its effects (or its dead letter) are durable."""
        await self.consume_batch([Delivery(source, value)])

    async def consume_batch(self, deliveries: Sequence[Delivery]) -> None:
        """Handle a batch in order; returns when every record's outcome is durable."""
        prepared = [self._prepare(delivery) for delivery in deliveries]
        if not prepared:
            return
        if await self._in_one_transaction(prepared):
            self._count(prepared, [item.dead_letter for item in prepared])
            return
        self._count(prepared, [await self._alone(item) for item in prepared])

    def _count(self, prepared: Sequence[Prepared], dead: Sequence[bool]) -> None:
        """Add the batch's outcomes to the metrics, one increment per topic and outcome."""
        if self._metrics is None:
            return
        counted = Counter(
            (item.delivery.source.topic, dead_lettered)
            for item, dead_lettered in zip(prepared, dead, strict=True)
        )
        for (topic, dead_lettered), count in counted.items():
            self._metrics.count(topic, dead_lettered, count)

    # -- decoding: never raises -------------------------------------------------------------

    def _prepare(self, delivery: Delivery) -> Prepared:
        source = delivery.source
        route = self._routes.get(source.topic)
        if route is None:
            return self._dead_letter(delivery, source.position, "no route for this topic")
        try:
            body = route.decode(delivery.value)
        except ValidationError as error:
            return self._invalid(route, delivery, error)
        except Exception as error:  # e.g. RecursionError from a decoder: the value is at fault
            return self._dead_letter(
                delivery, source.position, f"undecodable message: {describe_failure(error)}"
            )
        message_id, causation_id = route.identify(body, source)
        clock = self._clock
        replay_of = delivery.replay_of
        if replay_of is not None:
            if not isinstance(body, Event) or replay_of != dead_letter_id(
                self._service, message_id
            ):
                return self._dead_letter(
                    delivery, source.position, "a replay of another message than this one"
                )
            message_id = f"replay:{message_id}"  # the original is in the inbox, as dead-lettered
        unit_of_work = self._uow

        async def handle(connection: Any) -> Sequence[Outgoing]:
            if replay_of is not None and not await unit_of_work.has_dead_letter(
                connection, replay_of
            ):
                raise MessageRejected(f"no dead letter {replay_of} here to replay")
            # stamped at each attempt, after the batch's state was loaded: a batch retried
            # seconds later must not date its events before what it read (an order closed
            # "before" the payment that settled it)
            incoming = Incoming(
                body=body, source=source, causation_id=causation_id, received_at=clock.now()
            )
            return await route.handler(connection, incoming)

        return Prepared(delivery, message_id, handle, route, body)

    def _invalid(self, route: Route[Any], delivery: Delivery, error: ValidationError) -> Prepared:
        """A record that breaks its contract: answered with the route's rejection events if it
        has a rejection path that can answer it, dead-lettered with every problem otherwise."""
        source = delivery.source
        reason = f"invalid message: {describe_validation(error)}"
        if route.on_invalid is None:
            return self._dead_letter(delivery, source.position, reason)
        try:
            rejections = list(route.on_invalid(delivery.value, error, source, self._clock.now()))
        except Exception as failure:
            log.exception("rejection path failed on %s", source.position)
            return self._dead_letter(
                delivery, source.position, f"{reason}; no rejection: {describe_failure(failure)}"
            )
        if not rejections:
            return self._dead_letter(delivery, source.position, reason)

        async def reject(_connection: Any) -> Sequence[Outgoing]:
            return rejections

        return Prepared(delivery, source.position, reject)

    def _dead_letter(self, delivery: Delivery, message_id: str, reason: str) -> Prepared:
        source = delivery.source
        origin = Origin(self._namespace + source.topic, source.partition, source.offset, source.key)
        service, value, limit = self._service, delivery.value, self._max_record_bytes
        clock = self._clock

        async def dead_letter(_connection: Any) -> Sequence[Outgoing]:
            log.warning("dead-lettering %s: %.300s", source.position, reason)
            return [
                dead_letter_record(
                    service=service,
                    message_id=message_id,
                    origin=origin,
                    value=value,
                    reason=reason,
                    failed_at=clock.now(),
                    max_bytes=limit,
                )
            ]

        return Prepared(delivery, message_id, dead_letter, dead_letter=True)

    # -- applying ---------------------------------------------------------------------------

    def _step(self, item: Prepared) -> Step:
        """On routes that want only the latest record per key, a record followed in the same
        transaction by a new one with its key has no effect of its own (see `Step`)."""
        route, source = item.route, item.delivery.source
        latest_key = (source.topic, source.key) if route and route.latest_per_key else None
        return Step(
            item.message_id,
            source.topic,
            item.work,
            latest_key,
            key=source.key,
            trace_header=item.delivery.trace_header,
        )

    @staticmethod
    def _preloads(prepared: Sequence[Prepared]) -> Prepare | None:
        """One preload per route for all of the batch's messages of that route."""
        bodies: dict[int, tuple[Route[Any], list[Any]]] = {}
        for item in prepared:
            if item.route is not None and item.route.preload is not None:
                bodies.setdefault(id(item.route), (item.route, []))[1].append(item.body)
        if not bodies:
            return None

        async def preload(connection: AsyncConnection) -> None:
            for route, of_route in bodies.values():
                assert route.preload is not None
                await route.preload(connection, of_route)

        return preload

    async def _run(self, prepared: Sequence[Prepared]) -> None:
        await self._uow.run_steps(
            [self._step(item) for item in prepared], prepare=self._preloads(prepared)
        )

    async def _in_one_transaction(self, prepared: Sequence[Prepared]) -> bool:
        """Apply the whole batch in one transaction; False if it failed for a reason that
        trying again unchanged would not cure (then nothing of it was committed)."""
        backoff = 0.1
        while True:
            try:
                await self._run(prepared)
                return True
            except asyncio.CancelledError:
                raise
            except Exception as error:
                if not is_transient(error):
                    if len(prepared) > 1:
                        log.info("batch failed (%s); redoing it record by record", error)
                    return False
                log.warning("transient failure on a batch, retrying: %r", error)
            await self._sleep(backoff)
            backoff = min(backoff * 2, 5.0)

    async def _alone(self, item: Prepared) -> bool:
        """Apply one record in its own transaction; dead-letter it if it cannot be applied.
        True if it was dead-lettered."""
        backoff, conflicts = 0.1, 0
        position = item.delivery.source.position
        while True:
            try:
                await self._run([item])
                return item.dead_letter
            except asyncio.CancelledError:
                raise
            except MessageRejected as rejected:
                reason = str(rejected)
                break
            except Exception as error:
                if is_transient(error):
                    log.warning("transient failure on %s, retrying: %r", position, error)
                elif isinstance(error, IntegrityError) and conflicts < CONFLICT_ATTEMPTS:
                    conflicts += 1
                    log.info(
                        "conflict on %s (attempt %d), retrying: %s", position, conflicts, error
                    )
                else:
                    log.exception("handler failed on %s", position)
                    reason = f"handler failed: {describe_failure(error)}"
                    break
            await self._sleep(backoff)
            backoff = min(backoff * 2, 5.0)
        await self._must(self._dead_letter(item.delivery, item.message_id, reason))
        return True

    async def _must(self, item: Prepared) -> None:
        """Store a dead letter; only the database being away can delay it."""
        backoff = 0.1
        while True:
            try:
                await self._uow.run_steps([self._step(item)])
                return
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception(
                    "could not store the dead letter of %s", item.delivery.source.position
                )
            await self._sleep(backoff)
            backoff = min(backoff * 2, 5.0)
