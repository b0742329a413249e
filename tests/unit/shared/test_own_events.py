"""A service follows what it publishes itself in the transaction that stages it, not by reading
it back from the bus; and it never stages an event on a topic it does not own.

Runs on a real embedded SQLite database, with sales' name and two of its own topics: an order
placed causes a customer notice, and every followed event leaves a row in `effects`.
"""

from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, func, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from shared.clock import FrozenClock
from shared.contracts import CustomerNotified, Event, OrderClosed, topics
from shared.contracts.catalogue import PRODUCERS, own_topics
from shared.contracts.events import OrderClosedPayload
from shared.db.messaging_tables import add_messaging_tables
from shared.messaging.events import new_event
from shared.messaging.own_events import OWN_ROUNDS, OwnEvents, OwnEventsWithoutEnd
from shared.messaging.pipeline import Delivery, Pipeline
from shared.messaging.routes import Incoming, Route, Source
from shared.messaging.unit_of_work import NotOurTopic, UnitOfWork
from tests.support.databases import sqlite_database

metadata = MetaData()
inbox, outbox = add_messaging_tables(metadata)
effects = Table(
    "effects",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("topic", String(60)),
    Column("event_id", String(60)),
)
CLOCK = FrozenClock(datetime(2026, 11, 21, 9, 0, tzinfo=UTC))


def closed(order_id: str, producer: str = "sales") -> OrderClosed:
    return new_event(
        OrderClosed,
        order_id=order_id,
        producer=producer,
        causation_id=None,
        occurred_at=CLOCK.now(),
        payload=OrderClosedPayload(outcome="fulfilled"),
    )


class Sales:
    """A service named sales that follows order.closed (and, with `notices`, order.placed)."""

    def __init__(self, engine: AsyncEngine, endless: bool = False) -> None:
        self.engine = engine
        self.endless = endless
        self.unit_of_work = UnitOfWork(engine, inbox, outbox, CLOCK, service="sales")
        self.preloaded: list[list[str]] = []
        self.routes: list[Route[Any]] = [
            Route(topics.ORDER_CLOSED, OrderClosed, self.follow, preload=self.preload),
            Route(topics.CUSTOMER_NOTIFIED, CustomerNotified, self.follow),
        ]
        self.own = OwnEvents.of("sales", self.routes, CLOCK)
        self.unit_of_work.follow_own_events(self.own)

    async def preload(self, _connection: AsyncConnection, bodies: Sequence[Any]) -> None:
        self.preloaded.append([body.order_id for body in bodies])

    async def follow(self, connection: AsyncConnection, incoming: Incoming[Any]) -> list[Event]:
        event = incoming.body
        await connection.execute(
            insert(effects).values(topic=event.event_type, event_id=str(event.event_id))
        )
        if self.endless:  # each closure closes the order again: a bug that must not spin
            return [closed(event.order_id)]
        if event.order_id == "SO-CHAIN":  # an own event causing another
            return [closed("SO-CHAINED")]
        return []

    async def stage(self, *events: Event) -> None:
        async def work(_connection: AsyncConnection) -> list[Event]:
            return list(events)

        await self.unit_of_work.run(work)

    async def effects(self) -> list[tuple[str, str]]:
        async with self.engine.connect() as connection:
            rows = await connection.execute(
                select(effects.c.topic, effects.c.event_id).order_by(effects.c.id)
            )
            return [(row.topic, row.event_id) for row in rows]

    async def staged_topics(self) -> list[str]:
        async with self.engine.connect() as connection:
            rows = await connection.execute(select(outbox.c.topic).order_by(outbox.c.id))
            return list(rows.scalars())

    async def inbox_size(self) -> int:
        async with self.engine.connect() as connection:
            return int(await connection.scalar(select(func.count()).select_from(inbox)) or 0)


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    async with sqlite_database(tmp_path / "own.db", metadata) as engine:
        yield engine


async def test_an_own_event_is_followed_in_the_transaction_that_stages_it(
    engine: AsyncEngine,
) -> None:
    sales = Sales(engine)
    first, second = closed("SO-1"), closed("SO-2")

    await sales.stage(first, second)

    assert await sales.effects() == [
        ("order.closed", str(first.event_id)),
        ("order.closed", str(second.event_id)),
    ]
    assert sales.preloaded == [["SO-1", "SO-2"]]  # one preload for the round
    assert await sales.staged_topics() == ["order.closed", "order.closed"]  # still published


async def test_a_failure_after_following_rolls_the_followed_effects_back_too(
    engine: AsyncEngine,
) -> None:
    sales = Sales(engine)
    forged = closed("SO-2").model_copy(update={"event_type": topics.REVIEW_COMPLETED})

    with pytest.raises(NotOurTopic):  # refused when staged, after SO-1's closure was followed
        await sales.stage(closed("SO-1"), forged)

    assert sales.preloaded == [["SO-1"]]
    assert await sales.effects() == []
    assert await sales.inbox_size() == 0  # claimed in the rolled-back transaction only


async def test_a_copy_read_back_from_the_bus_is_a_repeat_with_no_second_effect(
    engine: AsyncEngine,
) -> None:
    sales = Sales(engine)
    event = closed("SO-1")
    await sales.stage(event)
    pipeline = Pipeline(sales.unit_of_work, sales.routes, service="sales")

    await pipeline.consume_batch(
        [Delivery(Source("order.closed", 0, 0, b"SO-1"), event.model_dump_json().encode())]
    )

    assert await sales.effects() == [("order.closed", str(event.event_id))]
    assert await sales.inbox_size() == 1


async def test_events_caused_by_own_events_are_followed_in_the_same_transaction(
    engine: AsyncEngine,
) -> None:
    sales = Sales(engine)
    cause = closed("SO-CHAIN")

    await sales.stage(cause)

    [(_, first), (_, second)] = await sales.effects()
    assert first == str(cause.event_id) and second != first
    assert sales.preloaded == [["SO-CHAIN"], ["SO-CHAINED"]]  # a round each
    assert await sales.staged_topics() == ["order.closed", "order.closed"]
    assert await sales.inbox_size() == 2


async def test_own_events_that_keep_causing_own_events_are_refused_not_followed_for_ever(
    engine: AsyncEngine,
) -> None:
    sales = Sales(engine, endless=True)

    with pytest.raises(OwnEventsWithoutEnd):
        await sales.stage(closed("SO-1"))

    assert await sales.effects() == []  # rolled back
    assert OWN_ROUNDS >= 2


async def test_a_service_never_stages_an_event_on_a_topic_it_does_not_own(
    engine: AsyncEngine,
) -> None:
    sales = Sales(engine)
    forged = closed("SO-1").model_copy(update={"event_type": topics.REVIEW_COMPLETED})

    with pytest.raises(NotOurTopic, match=r"sales does not publish review\.completed"):
        await sales.stage(forged)

    assert PRODUCERS[topics.REVIEW_COMPLETED] == {"review"}
    assert await sales.staged_topics() == []


async def test_only_topics_the_service_alone_publishes_go_unread_and_compacted_stay_read(
    engine: AsyncEngine,
) -> None:
    async def nothing(_connection: AsyncConnection, _incoming: Incoming[Any]) -> list[Event]:
        return []

    routes: list[Route[Any]] = [
        Route(topics.ORDER_CLOSED, OrderClosed, nothing),  # sales' alone
        Route(topics.CHANGE_ACKNOWLEDGED, OrderClosed, nothing),  # four services publish it
        Route(topics.CUSTOMER_UPDATED, OrderClosed, nothing, latest_per_key=True),  # compacted
        Route(topics.GOODS_SHIPPED, OrderClosed, nothing),  # logistics'
    ]

    review = OwnEvents.of("review", routes, CLOCK)
    sales = OwnEvents.of("sales", routes, CLOCK)
    pipeline = Pipeline(
        UnitOfWork(engine, inbox, outbox, CLOCK),
        routes,
        service="sales",
        unread_topics=sales.unread,
    )

    assert set(sales.routes) == {topics.ORDER_CLOSED}
    assert sales.unread == {topics.ORDER_CLOSED}
    assert set(review.routes) == {topics.CHANGE_ACKNOWLEDGED}
    assert review.unread == set()  # still read: the other departments' answers
    assert pipeline.topics == [
        topics.CHANGE_ACKNOWLEDGED,
        topics.CUSTOMER_UPDATED,
        topics.GOODS_SHIPPED,
    ]
    assert own_topics("sales") >= {topics.ORDER_PLACED, topics.CUSTOMER_NOTIFIED}
