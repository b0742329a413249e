"""A dead letter replayed once its cause is gone has its effect once; a replay header on
anything else is refused with a dead letter of its own (anyone can publish headers)."""

import json

from shared.messaging.outbox import dead_letter_id
from shared.messaging.pipeline import Delivery
from shared.messaging.routes import Source
from tests.unit.shared.test_pipeline import Harness, closed_event, harness

__all__ = ["harness"]


def delivery(harness: Harness, value: bytes, replay_of: str | None = None) -> Delivery:
    harness.offset += 1
    return Delivery(Source("order.closed", 0, harness.offset, b"SO-1"), value, replay_of)


async def test_a_replayed_dead_letter_takes_effect_once_however_often_it_is_replayed(
    harness: Harness,
) -> None:
    pipeline = harness.pipeline()
    event = closed_event("SO-7")
    value = event.model_dump_json().encode()
    harness.failures.extend([ValueError("a bug, fixed since")] * 2)  # the batch, then alone
    await pipeline.consume_batch([delivery(harness, value)])
    assert await harness.effects() == []  # rolled back, dead-lettered
    replay = dead_letter_id("test", str(event.event_id))

    await pipeline.consume_batch([delivery(harness, value)])  # a plain redelivery: a repeat
    await pipeline.consume_batch([delivery(harness, value, replay)])
    await pipeline.consume_batch([delivery(harness, value, replay)])

    assert await harness.effects() == ["SO-7"]
    assert len(await harness.dead_letters()) == 1


async def test_a_replay_header_on_an_event_never_dead_lettered_is_itself_dead_lettered(
    harness: Harness,
) -> None:
    pipeline = harness.pipeline()
    event = closed_event("SO-8")
    value = event.model_dump_json().encode()
    await pipeline.consume_batch([delivery(harness, value)])  # handled: SO-8 once

    await pipeline.consume_batch(
        [delivery(harness, value, dead_letter_id("test", str(event.event_id)))]
    )
    await pipeline.consume_batch([delivery(harness, value, dead_letter_id("test", "other"))])

    assert await harness.effects() == ["SO-8"]
    reasons = await harness.reasons()
    assert len(reasons) == 2
    assert "no dead letter" in reasons[0] and "replay of another message" in reasons[1]
    assert json.loads((await harness.dead_letters())[0][0])["order_id"] == "SO-8"
