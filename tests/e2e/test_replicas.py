"""Issue #6: every service as two replicas sharing its PostgreSQL database and consumer group.

300 orders are submitted by a plain producer while one replica of each service in turn is
SIGKILLed and started again. Every order closes, nothing is numbered, shipped, invoiced or paid
twice, and the events of one order are in order on every topic:

- per topic keyed by order and per key, the first occurrence of each event id comes in the
  order the events were created (occurred_at never goes back; a redelivered event after a
  newer one is a duplicate every inbox absorbs);
- on the compacted topics the last record of each key is the latest state (balance.updated is
  keyed by customer and written by both finance replicas: each customer's last record says
  what finance holds, zero once every order is paid), as a reader starting afresh would see;
- an event is on its topic more than once only if a replica of its producer was killed
  between its copies (exactly one relay publishes a database's outbox at a time);
- per order, each event's cause (causation_id, when it is one of our events) is an event of the
  same order that occurred no later, and the steps of the process occurred in process order.
"""

import asyncio
import time
from collections import defaultdict
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from shared.contracts import topics
from shared.messaging.access import KafkaAccess
from tests.support.bank import Bank
from tests.support.bus import Record, Watcher
from tests.support.databases import fetch
from tests.support.flow import (
    kill_and_restart,
    lag_by_group,
    wait_until_caught_up,
    wait_until_closed,
)
from tests.support.orders import submit
from tests.support.system import AUTOMATIC_POLICIES, SERVICES, System, launch

pytestmark = pytest.mark.e2e

ORDERS = 300
REPLICAS = 2
SUBMIT_PAUSE = 0.03
"""Seconds between two submissions: the orders trickle in over the kills."""

PROCESS_ORDER = (
    topics.ORDER_PLACED,
    topics.FEASIBILITY_REQUESTED,
    topics.FEASIBILITY_ASSESSED,
    topics.REVIEW_COMPLETED,
    topics.CONFIRMATION_ISSUED,
    topics.ORDER_RELEASED,
    topics.GOODS_PRODUCED,
    topics.GOODS_SHIPPED,
    topics.INVOICE_ISSUED,
    topics.PAYMENT_RECEIVED,
    topics.ORDER_CLOSED,
)
"""The steps every order of the automatic flow takes, in the order they must happen."""

EVENT_TOPICS = [
    topic
    for topic in topics.ALL_TOPICS
    if topic not in (topics.ORDER_SUBMITTED, topics.PAYMENT_NOTIFIED, topics.DEAD_LETTER)
]
"""Topics that carry our events (with event ids); the others are other systems' messages."""


def moment(event: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(str(event["occurred_at"]))


ORDER_KEYED = [topic for topic in EVENT_TOPICS if topic not in topics.COMPACTED_TOPICS]
"""Topics keyed by order id: one order's events on them come from one service, in turn."""


def out_of_order_on_topics(watcher: Watcher, system: System) -> list[str]:
    """Per order-keyed topic and key: first occurrences of event ids whose occurred_at goes
    back (a redelivered event after a newer one is only a duplicate the inbox absorbs)."""
    faults: list[str] = []
    for topic in ORDER_KEYED:
        by_key: dict[bytes | None, list[Record]] = defaultdict(list)
        for record in sorted(
            watcher.on(system.topic(topic)), key=lambda r: (r.partition, r.offset)
        ):
            by_key[record.key].append(record)
        for key, records in by_key.items():
            seen: set[str] = set()
            newest: dict[str, Any] | None = None
            for record in records:
                event = record.json()
                if event["event_id"] in seen:
                    continue
                seen.add(event["event_id"])
                if newest is not None and moment(event) < moment(newest):
                    faults.append(
                        f"{topic} key {key!r}: {event['event_id']} ({event['occurred_at']}) "
                        f"first appears after the newer {newest['event_id']} "
                        f"({newest['occurred_at']}), offset {record.offset}"
                    )
                else:
                    newest = event
    return faults


KILL_SLACK = 0.05
"""Seconds of timestamp granularity allowed around a kill."""


def duplicates_without_a_kill(
    watcher: Watcher, system: System, kills: dict[str, float]
) -> tuple[int, list[str]]:
    """An event is on its topic more than once only when the relay that sent it died before
    marking it: its first copy was sent before a replica of its producer was killed, the later
    copies after. Copies sent otherwise mean two relays publish one outbox (or a relay resends
    what it had marked). Returns the count of extra copies and the unexplained ones."""
    extra = 0
    faults: list[str] = []
    for topic in EVENT_TOPICS:
        copies: dict[str, list[Record]] = defaultdict(list)
        for record in watcher.on(system.topic(topic)):
            copies[record.json()["event_id"]].append(record)
        for event_id, records in copies.items():
            if len(records) < 2:
                continue
            extra += len(records) - 1
            producer = str(records[0].json()["producer"])
            killed_at = kills.get(producer)
            first, *later = sorted(records, key=lambda r: r.created_at)
            if (
                killed_at is None
                or first.created_at > killed_at + KILL_SLACK
                or any(copy.created_at < killed_at - KILL_SLACK for copy in later)
            ):
                faults.append(
                    f"{topic} {event_id} by {producer} sent {len(records)} times at "
                    f"{[round(r.created_at, 3) for r in records]}, {producer} killed at "
                    f"{killed_at and round(killed_at, 3)}"
                )
    return extra, faults


async def stale_latest_state(watcher: Watcher, system: System) -> list[str]:
    """On the compacted topics the last record of a key is what a new reader gets: every
    customer's last balance.updated must say what finance holds (all paid: zero), every
    customer's and product's last record must be the master data every record of it carried."""
    faults: list[str] = []
    last: dict[bytes | None, dict[str, Any]] = {}
    for record in sorted(
        watcher.on(system.topic(topics.BALANCE_UPDATED)), key=lambda r: (r.partition, r.offset)
    ):
        last[record.key] = record.json()
    held = {
        row["customer_id"]: row["open_balance"]
        for row in await fetch(
            system.database_urls["finance"],
            "SELECT customer_id, open_balance FROM customer_balances",
        )
    }
    for key, event in last.items():
        balance = Decimal(event["payload"]["open_balance"])
        customer = event["payload"]["customer_id"]
        if balance != 0 or held.get(customer) != 0:
            faults.append(
                f"balance.updated {key!r}: last record says {balance}, finance holds "
                f"{held.get(customer)}, after every order was paid"
            )
    for topic in (topics.CUSTOMER_UPDATED, topics.PRODUCT_UPDATED):
        payloads: dict[bytes | None, list[Any]] = defaultdict(list)
        for record in sorted(
            watcher.on(system.topic(topic)), key=lambda r: (r.partition, r.offset)
        ):
            payloads[record.key].append(record.json()["payload"])
        changed = [key for key, seen in payloads.items() if any(p != seen[-1] for p in seen)]
        if changed:
            faults.append(f"{topic}: master data changed during the test for {changed[:5]}")
    return faults


def out_of_order_per_order(watcher: Watcher, system: System, order_ids: set[str]) -> list[str]:
    """Per order: causes that are not of the order or occurred later, steps out of process
    order."""
    faults: list[str] = []
    events: dict[str, dict[str, Any]] = {}
    first_by_step: dict[str, dict[str, datetime]] = defaultdict(dict)
    for topic in EVENT_TOPICS:
        for event in watcher.events(system.topic(topic)):
            events.setdefault(event["event_id"], event)
            if event["order_id"] in order_ids:
                steps = first_by_step[event["order_id"]]
                when = moment(event)
                steps[topic] = min(steps.get(topic, when), when)
    for event in events.values():
        if event["order_id"] not in order_ids:
            continue
        cause = events.get(str(event["causation_id"]))
        if cause is None:
            continue  # caused by another system's message (a submission, a payment)
        if cause["order_id"] not in (event["order_id"], ""):
            faults.append(
                f"{event['event_type']} {event['event_id']} of {event['order_id']} names as "
                f"cause an event of {cause['order_id']}"
            )
        elif moment(cause) > moment(event):
            faults.append(
                f"{event['event_type']} of {event['order_id']} occurred before its cause "
                f"{cause['event_type']}"
            )
    for order_id in sorted(order_ids):
        steps = first_by_step[order_id]
        missing = [step for step in PROCESS_ORDER if step not in steps]
        if missing:
            faults.append(f"{order_id}: no {missing}")
            continue
        times = [steps[step] for step in PROCESS_ORDER]
        if times != sorted(times):
            faults.append(
                f"{order_id}: steps out of process order: "
                f"{sorted(PROCESS_ORDER, key=lambda step: steps[step])}"
            )
    return faults


def duplicated_numbers(watcher: Watcher, system: System, orders: dict[str, str]) -> list[str]:
    """Order numbers given twice, and more than one shipment, invoice, payment or closing of
    one order; numbers shared by two orders."""
    faults: list[str] = []
    references_of: dict[str, set[str]] = defaultdict(set)
    numbers_of: dict[str, set[str]] = defaultdict(set)
    for event in watcher.events(system.topic(topics.ORDER_PLACED)):
        references_of[event["order_id"]].add(event["payload"]["customer_reference"])
        numbers_of[event["payload"]["customer_reference"]].add(event["order_id"])
    faults += [
        f"order number {number} given to {sorted(refs)}"
        for number, refs in references_of.items()
        if len(refs) > 1
    ]
    faults += [
        f"reference {ref} placed as {sorted(numbers)}"
        for ref, numbers in numbers_of.items()
        if len(numbers) > 1
    ]
    for topic, number_field in (
        (topics.GOODS_SHIPPED, "shipment_id"),
        (topics.INVOICE_ISSUED, "invoice_number"),
        (topics.PAYMENT_RECEIVED, "payment_id"),
        (topics.ORDER_CLOSED, None),
    ):
        event_ids: dict[str, set[str]] = defaultdict(set)
        owners: dict[str, set[str]] = defaultdict(set)
        for event in watcher.events(system.topic(topic)):
            event_ids[event["order_id"]].add(event["event_id"])
            if number_field:
                owners[event["payload"][number_field]].add(event["order_id"])
        twice = [order_id for order_id in orders if len(event_ids[order_id]) != 1]
        if twice:
            faults.append(f"{topic}: {len(twice)} orders with other than one event: {twice[:5]}")
        shared = {number: ids for number, ids in owners.items() if len(ids) > 1}
        if shared:
            faults.append(f"{topic}: {number_field} shared by orders: {list(shared.items())[:5]}")
    return faults


async def duplicated_rows(system: System, orders: dict[str, str]) -> list[str]:
    faults: list[str] = []
    ids = list(orders)
    for service, table in (
        ("sales", "orders"),
        ("logistics", "shipments"),
        ("finance", "invoices"),
        ("finance", "payments"),
    ):
        rows = await fetch(
            system.database_urls[service],
            f"SELECT order_id, count(*) AS n FROM {table} "
            "WHERE order_id = ANY($1::text[]) GROUP BY order_id",
            ids,
        )
        counts = {row["order_id"]: row["n"] for row in rows}
        wrong = {order_id: counts.get(order_id, 0) for order_id in ids if counts.get(order_id) != 1}
        if wrong:
            faults.append(f"{service}.{table}: orders without exactly one row: {wrong}")
    return faults


async def test_two_replicas_of_every_service_close_300_orders_while_one_of_each_is_killed(
    kafka: KafkaAccess, postgres_server: str, tmp_path: Path
) -> None:
    started = time.monotonic()
    references = [f"REPLICA-{index:04d}" for index in range(ORDERS)]
    killed: list[str] = []
    kills: dict[str, float] = {}
    async with (
        launch(
            kafka,
            postgres_server,
            tmp_path,
            AUTOMATIC_POLICIES,
            label="replicas",
            replicas=REPLICAS,
        ) as system,
        Bank(system.kafka, system.namespace),
        Watcher(system.kafka, [system.topic(topic) for topic in topics.ALL_TOPICS]) as watcher,
    ):
        ns = system.namespace
        launched = time.monotonic()
        sending = asyncio.create_task(submit(system.kafka, ns, references, pause=SUBMIT_PAUSE))
        for index, service in enumerate(SERVICES):
            await asyncio.sleep(1.5)
            replica = index % REPLICAS
            kills[service] = time.time()
            await kill_and_restart(system, service, replica)
            killed.append(system.replicas[service][replica].label)
        await sending
        orders = await wait_until_closed(watcher, ns, set(references))
        closed_at = time.monotonic()
        await wait_until_caught_up(system)
        await asyncio.sleep(1.0)  # let any stray duplicate reach the watcher
        lags = await lag_by_group(system)
        dead = [process.label for process in system.processes() if not process.alive()]
        problems: list[str] = []
        if sorted(orders.values()) != references:
            problems.append(f"{len(orders)} orders for {len(references)} references")
        problems += duplicated_numbers(watcher, system, orders)
        problems += await duplicated_rows(system, orders)
        problems += out_of_order_on_topics(watcher, system)
        problems += await stale_latest_state(watcher, system)
        extra_copies, unexplained = duplicates_without_a_kill(watcher, system, kills)
        if unexplained:
            problems.append(
                f"{len(unexplained)} events sent more than once with no kill between the "
                "copies (one relay per database?):"
            )
            problems += unexplained[:10]
        problems += out_of_order_per_order(watcher, system, set(orders))
        dead_letters = watcher.on(system.topic(topics.DEAD_LETTER))
        if dead_letters:
            problems.append(
                f"{len(dead_letters)} dead letters, e.g. "
                f"{[r.headers.get('dlq.reason', '')[:200] for r in dead_letters[:3]]}"
            )
        if any(lags.values()):
            problems.append(f"consumer lag left: {lags}")
        if dead:
            problems.append(f"processes not alive: {dead}")
    print(
        f"\nreplicas run: {REPLICAS} replicas x {len(SERVICES)} services, killed {killed}; "
        f"start {launched - started:.1f}s, {ORDERS} orders closed after "
        f"{closed_at - launched:.1f}s, total {time.monotonic() - started:.1f}s; "
        f"{extra_copies} extra copies of events after the kills"
    )
    assert problems == [], "\n".join(problems[:40])
