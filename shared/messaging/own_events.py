"""A service's own events that it also follows, handled in the transaction that stages them.

Sales follows every event about an order, its own among them: an order's `order.placed` goes
into its history, opens its review step and tells the customer when to expect the
confirmation. Read back from the bus, those events were a third of everything sales consumed,
each paying for a fetch, a decode, an inbox claim and a transaction of its own, and arriving a
round trip later. Instead, the unit of work hands every event it is about to stage on a topic
the service owns and follows to that topic's route, in the same transaction: one preload per
route, then the handlers in staging order. The events those handlers cause are handled the
same way, for at most `OWN_ROUNDS` rounds.

Each event is claimed in the inbox where it is handled, so a copy read from the bus later (a
replica of an older version still subscribed, a test echoing what was published) is a repeat
and changes nothing. A failure while following an own event fails the transaction that staged
it, as any failure of the work itself would: the causing message is isolated and
dead-lettered by the consume pipeline, a person's decision is refused.

A topic that only this service publishes is not read back at all (`unread`); one it shares
with other services is still consumed, for the others' events. Routes that keep only the
latest record per key (compacted topics) are never handled here: they stay consumed.
"""

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from shared.clock import Clock
from shared.contracts.catalogue import PRODUCERS, publishes
from shared.contracts.envelope import Event
from shared.messaging.outbox import Outgoing
from shared.messaging.routes import Incoming, Route, Source

OWN_ROUNDS = 8
"""Own events causing own events, handled in one transaction, at most this deep. Sales needs
two (an order placed tells the customer, the notice goes into the history)."""

Claim = Callable[[Sequence[tuple[str, str]]], Awaitable[set[str]]]
"""Claims (message id, topic) pairs in the inbox; returns the ids that were new."""


class OwnEventsWithoutEnd(Exception):
    """Own events kept causing own events for more than `OWN_ROUNDS` rounds: a cycle."""


def followed_own_routes(service: str, routes: Sequence[Route[Any]]) -> dict[str, Route[Any]]:
    """The routes on which `service` follows what it publishes itself (not compacted ones)."""
    return {
        route.topic: route
        for route in routes
        if publishes(service, route.topic) and not route.latest_per_key
    }


def unread_topics(service: str, routes: Sequence[Route[Any]]) -> frozenset[str]:
    """Topics `service` follows that no one else publishes: never read back from the bus."""
    return frozenset(
        topic for topic in followed_own_routes(service, routes) if PRODUCERS[topic] == {service}
    )


@dataclass(frozen=True)
class OwnEvents:
    """The routes on which a service follows what it publishes itself."""

    service: str
    routes: Mapping[str, Route[Any]]
    clock: Clock

    @classmethod
    def of(cls, service: str, routes: Sequence[Route[Any]], clock: Clock) -> "OwnEvents":
        return cls(service, followed_own_routes(service, routes), clock)

    @property
    def unread(self) -> frozenset[str]:
        """Topics followed here that no one else publishes: never read back from the bus."""
        return frozenset(topic for topic in self.routes if PRODUCERS[topic] == {self.service})

    def followed(self, staged: Sequence[Outgoing]) -> list[Event]:
        return [
            item for item in staged if isinstance(item, Event) and item.event_type in self.routes
        ]

    async def handle(
        self,
        connection: AsyncConnection,
        staged: Sequence[Outgoing],
        claim: Claim,
        causes: dict[int, str] | None = None,
    ) -> list[Outgoing]:
        """Follow the own events among `staged`, and those they cause, in this transaction;
        returns everything they caused (to be staged too). In `causes` (staged record by id
        -> the trace span it came from), what an event causes inherits the event's span."""
        caused_in_all: list[Outgoing] = []
        pending = self.followed(staged)
        for _ in range(OWN_ROUNDS):
            if not pending:
                return caused_in_all
            fresh = await claim([(str(event.event_id), event.event_type) for event in pending])
            caused = await self._round(
                connection, [event for event in pending if str(event.event_id) in fresh], causes
            )
            caused_in_all.extend(caused)
            pending = self.followed(caused)
        if pending:
            raise OwnEventsWithoutEnd(
                f"{self.service}'s own events still caused {pending[0].event_type} after "
                f"{OWN_ROUNDS} rounds"
            )
        return caused_in_all

    async def _round(
        self,
        connection: AsyncConnection,
        events: Sequence[Event],
        causes: dict[int, str] | None = None,
    ) -> list[Outgoing]:
        by_route: dict[str, list[Event]] = {}
        for event in events:
            by_route.setdefault(event.event_type, []).append(event)
        for topic, bodies in by_route.items():
            preload = self.routes[topic].preload
            if preload is not None:
                await preload(connection, bodies)
        caused: list[Outgoing] = []
        for event in events:
            route = self.routes[event.event_type]
            body = (
                event
                if isinstance(event, route.contract)
                else route.decode(event.model_dump_json().encode())
            )
            incoming = Incoming(
                body=body,
                source=Source(event.event_type, -1, -1, event.kafka_key().encode()),
                causation_id=event.event_id,
                received_at=self.clock.now(),
            )
            effects = await route.handler(connection, incoming)
            if causes is not None and id(event) in causes:
                causes.update((id(effect), causes[id(event)]) for effect in effects)
            caused.extend(effects)
        return caused
