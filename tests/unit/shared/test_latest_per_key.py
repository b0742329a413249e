"""Review findings on latest-per-key routes (compacted topics): a record that repeats an event
(the relay republishes after a crash between the broker's acknowledgement and the mark) must
not make the batch skip the event, and a bad latest record must not swallow the valid one
before it."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from shared.contracts import OrderClosed
from shared.messaging.pipeline import Delivery, Pipeline
from shared.messaging.routes import Route, Source
from shared.messaging.unit_of_work import UnitOfWork
from tests.support.databases import sqlite_database
from tests.unit.shared.test_pipeline import (
    CLOCK,
    Harness,
    closed_event,
    inbox,
    metadata,
    outbox,
)


@pytest.fixture
async def harness(tmp_path: Path) -> AsyncIterator[Harness]:
    async with sqlite_database(tmp_path / "latest.db", metadata) as engine:
        yield Harness(engine)


def compacted_pipeline(harness: Harness) -> Pipeline:
    route = Route("customer.topic", OrderClosed, harness.handler, latest_per_key=True)
    return Pipeline(
        UnitOfWork(harness.engine, inbox, outbox, CLOCK), [route], service="t", sleep=harness.sleep
    )


def batch(*values: bytes) -> list[Delivery]:
    return [
        Delivery(Source("customer.topic", 0, offset, b"CUST-1"), value)
        for offset, value in enumerate(values)
    ]


async def test_the_same_event_twice_in_one_batch_takes_effect_once(harness: Harness) -> None:
    event = closed_event("SO-1").model_dump_json().encode()

    await compacted_pipeline(harness).consume_batch(batch(event, event))

    assert await harness.effects() == ["SO-1"]


async def test_a_republished_older_event_after_the_newer_one_does_not_hide_the_newer_one(
    harness: Harness,
) -> None:
    first = closed_event("SO-1").model_dump_json().encode()
    second = closed_event("SO-2").model_dump_json().encode()

    # the relay sent E1, E2, crashed before marking them, and sends E1 again
    await compacted_pipeline(harness).consume_batch(batch(first, second, first))

    assert await harness.effects() == ["SO-2"]


async def test_a_latest_record_already_handled_does_not_hide_a_new_one_before_it(
    harness: Harness,
) -> None:
    pipeline = compacted_pipeline(harness)
    first = closed_event("SO-1").model_dump_json().encode()
    second = closed_event("SO-2").model_dump_json().encode()
    await pipeline.consume_batch(batch(first))

    # E2 new, then a redelivered copy of E1 (handled before): E2 is the state to keep
    await pipeline.consume_batch(batch(second, first))

    assert await harness.effects() == ["SO-1", "SO-2"]


async def test_a_valid_record_superseded_by_a_bad_one_still_takes_effect(
    harness: Harness,
) -> None:
    good = closed_event("SO-1").model_dump_json().encode()
    bad = closed_event("UNKNOWN").model_dump_json().encode()  # the handler rejects it

    await compacted_pipeline(harness).consume_batch(batch(good, bad))

    assert await harness.effects() == ["SO-1"]
    assert len(await harness.dead_letters()) == 1
