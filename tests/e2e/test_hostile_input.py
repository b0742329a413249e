"""Issue #6's fuzz test: hostile records on every consumed topic, among valid orders.

The five services run as processes on the real broker and PostgreSQL (automatic review
policy, a bank paying every invoice). A plain aiokafka producer sends, for every topic any
service consumes, PER_TOPIC hostile records (tests/support/hostile.py: random bytes, truncated
and deeply nested JSON, lone surrogates, NUL, huge strings and arrays, wrong types, extreme
numbers and dates, unknown fields, future schema versions, records close to the broker's
limit; from scratch and by mutating a valid message of the topic), keyed like the valid flow
so they share its partitions, interleaved with VALID_ORDERS valid submissions while the
system's own events flow. Seeded (ORDERFLOW_FUZZ_SEED) and repeatable.

Afterwards: every valid order closed; every hostile record answered by each service that
consumes its topic, exactly once, matched by its origin (topic, partition, offset): a dead
letter whose headers carry the reason and the origin, or, for a submission, an `order.rejected`
(or `order.held`) caused by it; no valid record dead-lettered; nothing hostile placed; all
consumer lag 0; every service process alive.
"""

import asyncio
import os
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from aiokafka.structs import RecordMetadata

from shared.clock import SystemClock
from shared.contracts import topics
from shared.messaging.access import KafkaAccess
from shared.messaging.routes import Source
from shared.seed import load_seed
from tests.support.bank import Bank
from tests.support.bus import Record, Watcher, producer
from tests.support.flow import consumers_by_topic, lag_by_group, wait_until_caught_up
from tests.support.hostile import Hostile, hostile_records
from tests.support.orders import bulk_submission, encode
from tests.support.system import AUTOMATIC_POLICIES, System, launch

pytestmark = pytest.mark.e2e

SEED = int(os.environ.get("ORDERFLOW_FUZZ_SEED", "20261122"))
PER_TOPIC = 200
VALID_ORDERS = 40
SEND_CHUNK = 150
"""Records sent between two short pauses, so the burst is spread over the system's own flow."""

ORDERS_TIMEOUT = 150.0
ANSWERS_TIMEOUT = 45.0
QUIET_TIMEOUT = 45.0

DLQ_HEADERS = (
    "dlq.reason",
    "dlq.source.topic",
    "dlq.source.partition",
    "dlq.source.offset",
    "dlq.service",
)

Origin = tuple[str, int, int]
"""(namespaced topic, partition, offset) of a record."""
Answer = tuple[str, int, int, str]
"""An origin and the service that answered it."""


def flow_keys(year: int) -> dict[str, list[bytes]]:
    """The keys the valid flow uses on each topic: order numbers, the submitters' references,
    the bank's transaction ids, customer ids and product codes."""
    seed = load_seed()
    order_ids = [f"SO-{year}-{number:06d}" for number in range(1, VALID_ORDERS + 1)]
    by_order = [order_id.encode() for order_id in order_ids]
    return defaultdict(
        lambda: by_order,
        {
            topics.ORDER_SUBMITTED: [ref.encode() for ref in valid_references()],
            topics.PAYMENT_NOTIFIED: [f"BANK-INV-{order_id}-1".encode() for order_id in order_ids],
            topics.CUSTOMER_UPDATED: [customer.customer_id.encode() for customer in seed.customers],
            topics.PRODUCT_UPDATED: [product.product_code.encode() for product in seed.products],
        },
    )


def valid_references() -> list[str]:
    return [f"FUZZ-VALID-{index:04d}" for index in range(VALID_ORDERS)]


async def send_interleaved(
    system: System, hostile: Sequence[Hostile], references: Sequence[str]
) -> dict[Origin, Hostile]:
    """Send the hostile records with the valid submissions spread evenly among them; returns
    where each hostile record landed."""
    every = max(len(hostile) // (len(references) + 1), 1)
    schedule: list[Hostile | str] = []
    pending = list(references)
    for index, record in enumerate(hostile):
        if index % every == 0 and pending:
            schedule.append(pending.pop(0))
        schedule.append(record)
    schedule += pending
    landed: list[tuple[Hostile, asyncio.Future[RecordMetadata]]] = []
    async with producer(system.kafka) as client:
        for index, item in enumerate(schedule):
            if isinstance(item, str):
                await client.send(
                    system.topic(topics.ORDER_SUBMITTED),
                    encode(bulk_submission(item, references.index(item))),
                    key=item.encode(),
                )
            else:
                future = await client.send(system.topic(item.topic), item.value, key=item.key)
                landed.append((item, future))
            if index % SEND_CHUNK == SEND_CHUNK - 1:
                await asyncio.sleep(0.3)
        await client.flush()
    origins: dict[Origin, Hostile] = {}
    for item, future in landed:
        metadata = await future
        origins[(metadata.topic, metadata.partition, metadata.offset)] = item
    return origins


def genuine_events(
    watcher: Watcher, topic: str, hostile: dict[Origin, Hostile]
) -> list[dict[str, Any]]:
    """The events on a (namespaced) topic, without the hostile records sent to it."""
    return watcher.events(topic, excluding=hostile)


def placed_orders(
    watcher: Watcher, namespace: str, hostile: dict[Origin, Hostile]
) -> dict[str, str]:
    """order id -> customer reference, from the services' order.placed."""
    return {
        event["order_id"]: event["payload"]["customer_reference"]
        for event in genuine_events(watcher, namespace + topics.ORDER_PLACED, hostile)
    }


def dead_letter_origin(record: Record) -> Answer | None:
    headers = record.headers
    try:
        return (
            headers["dlq.source.topic"],
            int(headers["dlq.source.partition"]),
            int(headers["dlq.source.offset"]),
            headers["dlq.service"],
        )
    except (KeyError, ValueError):
        return None


def answers(
    watcher: Watcher,
    system: System,
    rejectable: dict[str, Origin],
    hostile: dict[Origin, Hostile],
) -> tuple[Counter[Answer], list[str]]:
    """Every answer seen (dead letters, and rejections or holds of submissions, by the origin
    they name), and what is wrong with any of them. The hostile records sent to a topic that
    also carries answers (sales follows order.held) are not answers."""
    found: Counter[Answer] = Counter()
    faults: list[str] = []
    for record in watcher.on(system.topic(topics.DEAD_LETTER)):
        missing = [name for name in DLQ_HEADERS if not record.headers.get(name)]
        origin = dead_letter_origin(record)
        if missing or origin is None:
            faults.append(f"dead letter at offset {record.offset} without {missing}")
            continue
        found[origin] += 1
    for topic in (topics.ORDER_REJECTED, topics.ORDER_HELD):
        for record in watcher.on(system.topic(topic)):
            if (record.topic, record.partition, record.offset) in hostile:
                continue
            try:
                event = record.json()
            except ValueError:
                faults.append(f"{topic} at offset {record.offset} is not JSON")
                continue
            origin_of = rejectable.get(str(event.get("causation_id")))
            if origin_of is None:
                continue  # the answer to a valid submission (held), or to nothing of ours
            found[(*origin_of, "sales")] += 1
            if topic == topics.ORDER_REJECTED:
                reference = str(event["payload"]["customer_reference"])
                if record.key != reference.encode(errors="replace"):
                    faults.append(f"order.rejected keyed {record.key!r}, not by {reference!r}")
    return found, faults


async def test_hostile_records_on_every_consumed_topic_are_all_answered_and_valid_orders_close(
    kafka: KafkaAccess, postgres_server: str, tmp_path: Path
) -> None:
    started = time.monotonic()
    consumers = consumers_by_topic()
    keys = flow_keys(SystemClock().now().year)
    hostile = hostile_records(SEED, PER_TOPIC, {topic: keys[topic] for topic in consumers})
    references = valid_references()
    kinds = Counter(record.kind for record in hostile)
    print(
        f"\nfuzz seed {SEED}: {len(hostile)} hostile records on {len(consumers)} topics "
        f"({sum(len(r.value) for r in hostile) / 1e6:.1f} MB), {len(references)} valid orders; "
        f"kinds: {dict(sorted(kinds.items()))}"
    )
    problems: list[str] = []
    async with (
        launch(kafka, postgres_server, tmp_path, AUTOMATIC_POLICIES, "fuzz") as system,
        Bank(system.kafka, system.namespace),
        Watcher(system.kafka, [system.topic(topic) for topic in topics.ALL_TOPICS]) as watcher,
    ):
        ns = system.namespace
        launched = time.monotonic()
        origins = await send_interleaved(system, hostile, references)
        sent = time.monotonic()
        expected: set[Answer] = {
            (*origin, service)
            for origin, record in origins.items()
            for service in consumers[record.topic]
        }
        rejectable = {
            str(Source(topics.ORDER_SUBMITTED, partition, offset, None).causation_id): (
                topic,
                partition,
                offset,
            )
            for (topic, partition, offset), record in origins.items()
            if record.topic == topics.ORDER_SUBMITTED
        }

        def closed(w: Watcher) -> set[str]:
            placed = placed_orders(w, ns, origins)
            return {
                placed[event["order_id"]]
                for event in genuine_events(w, ns + topics.ORDER_CLOSED, origins)
                if placed.get(event["order_id"]) in references
            }

        def all_answered(w: Watcher) -> bool:
            return expected <= set(answers(w, system, rejectable, origins)[0])

        try:
            await watcher.wait_for(
                lambda w: len(closed(w)) == len(references), ORDERS_TIMEOUT, "valid orders"
            )
        except AssertionError as error:
            problems.append(str(error))
        closed_at = time.monotonic()
        try:
            await watcher.wait_for(all_answered, ANSWERS_TIMEOUT, "every hostile record answered")
        except AssertionError as error:
            problems.append(str(error))
        try:
            await wait_until_caught_up(system, QUIET_TIMEOUT)
        except AssertionError as error:
            problems.append(str(error))
        await asyncio.sleep(1.0)  # let any late answer or stray event reach the watcher
        lags = await lag_by_group(system)
        dead = [p.label for p in system.processes() if not p.alive()]
        finished = time.monotonic()

        # -- valid orders --------------------------------------------------------------------
        placed = placed_orders(watcher, ns, origins)
        closed_refs = closed(watcher)
        never_placed = sorted(set(references) - set(placed.values()))
        if never_placed or len(closed_refs) != len(references):
            problems.append(
                f"valid orders: {len(references) - len(never_placed)} of {len(references)} "
                f"placed, {len(closed_refs)} closed; never placed: {never_placed[:10]}"
            )
        outcomes = {
            event["order_id"]: event["payload"]["outcome"]
            for event in genuine_events(watcher, ns + topics.ORDER_CLOSED, origins)
        }
        not_fulfilled = [
            ref for order_id, ref in placed.items() if outcomes.get(order_id) == "declined"
        ]
        if not_fulfilled:
            problems.append(f"valid orders declined: {not_fulfilled[:10]}")
        intruders = sorted(ref for ref in placed.values() if ref not in references)
        if intruders:
            problems.append(f"hostile submissions placed as orders: {intruders[:10]}")
        phantom: Counter[str] = Counter(
            topic
            for topic in topics.ALL_TOPICS
            if topic != topics.DEAD_LETTER
            for event in genuine_events(watcher, ns + topic, origins)
            if str(event["order_id"]).startswith("SO-1999-9")
        )
        if phantom:
            problems.append(f"services acted on hostile events (events per topic): {phantom}")

        # -- answers -------------------------------------------------------------------------
        found, faults = answers(watcher, system, rejectable, origins)
        problems += faults[:10]
        missing = expected - set(found)
        if missing:
            by_place = Counter(
                (topic.removeprefix(ns), service) for topic, _, _, service in missing
            )
            by_kind = Counter(origins[(t, p, o)].kind for t, p, o, _ in missing)
            problems.append(
                f"{len(missing)} of {len(expected)} answers missing; by (topic, service): "
                f"{dict(by_place)}; by kind: {dict(by_kind)}"
            )
        twice = {answer: count for answer, count in found.items() if count > 1}
        if twice:
            problems.append(f"{len(twice)} hostile records answered more than once")
        valid_dead = [answer for answer in found if answer[:3] not in origins]
        if valid_dead:
            placed_keys = {order_id.encode() for order_id in placed}
            of_placed = [
                record
                for record in watcher.on(ns + topics.DEAD_LETTER)
                if record.key in placed_keys
                and (dead_letter_origin(record) or ("",))[:3] not in origins
            ]
            problems.append(
                f"{len(valid_dead)} valid records dead-lettered ({len(of_placed)} of placed "
                f"orders), e.g. {sorted(valid_dead)[:5]}: "
                f"{[r.headers.get('dlq.reason', '')[:200] for r in of_placed[:3]]}"
            )
        answered = sum(found[answer] for answer in expected)
        if answered != len(expected):
            problems.append(
                f"answers counted {answered}, hostile records x consumers {len(expected)}"
            )

        # -- the system ----------------------------------------------------------------------
        if any(lags.values()):
            problems.append(f"consumer lag left: {lags}")
        if dead:
            problems.append(f"service processes not alive: {dead}")
        tails = {p.label: p.log_tail(5) for p in system.processes() if p.label in dead}

    print(
        f"fuzz run: start {launched - started:.1f}s, send {sent - launched:.1f}s, valid orders "
        f"{closed_at - sent:.1f}s, until quiet {finished - closed_at:.1f}s, total "
        f"{time.monotonic() - started:.1f}s; {len(expected)} answers expected, "
        f"{sum(found.values())} seen"
    )
    assert problems == [], "\n".join(problems + [f"{name}: {tail}" for name, tail in tails.items()])
