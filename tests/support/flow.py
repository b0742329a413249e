"""Following orders through a running system: who consumes what, when orders are closed, when
the system is quiet. Shared by the end-to-end tests and the benchmark."""

import asyncio
import importlib
from collections import defaultdict
from collections.abc import Callable

from services.review.domain.master import ApprovalAuthority, ReviewPolicy
from services.sales.domain.deadlines import Deadlines
from shared.contracts import topics
from shared.messaging.own_events import unread_topics
from tests.support.bus import Watcher, group_lag
from tests.support.databases import fetch
from tests.support.orders import submit
from tests.support.system import SERVICES, System

CLOSE_TIMEOUT = 240.0

ROUTE_ARGUMENTS: dict[str, tuple[object, ...]] = {
    "review": (ReviewPolicy(ApprovalAuthority({}), qa_capability_level=0),),
    "sales": (Deadlines(),),
}
"""Arguments of each service's routes() that take any; they do not change the topics."""


def followed_topics(service: str) -> list[str]:
    """The topics (without namespace) a service follows: one route each."""
    subscribers = importlib.import_module(f"services.{service}.subscribers")
    return [route.topic for route in subscribers.routes(*ROUTE_ARGUMENTS.get(service, ()))]


def consumed_topics(service: str) -> list[str]:
    """The topics (without namespace) a service consumes from the bus: those it follows, less
    those only it publishes (it follows them as it stages them, `shared.messaging.own_events`)."""
    subscribers = importlib.import_module(f"services.{service}.subscribers")
    routes = subscribers.routes(*ROUTE_ARGUMENTS.get(service, ()))
    unread = unread_topics(service, routes)
    return [route.topic for route in routes if route.topic not in unread]


def _by_topic(topics_of: Callable[[str], list[str]]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = defaultdict(list)
    for service in SERVICES:
        for topic in topics_of(service):
            found[topic].append(service)
    return dict(found)


def consumers_by_topic() -> dict[str, list[str]]:
    """topic (without namespace) -> the services consuming it from the bus."""
    return _by_topic(consumed_topics)


def followers_by_topic() -> dict[str, list[str]]:
    """topic (without namespace) -> the services following it (with a route for it)."""
    return _by_topic(followed_topics)


def placed_references(watcher: Watcher, namespace: str) -> dict[str, str]:
    """order id -> customer reference, from order.placed."""
    return {
        event["order_id"]: event["payload"]["customer_reference"]
        for event in watcher.events(namespace + topics.ORDER_PLACED)
    }


def closed_order_ids(
    watcher: Watcher, namespace: str, references: set[str], placed: dict[str, str]
) -> set[str]:
    wanted = {order_id for order_id, reference in placed.items() if reference in references}
    return {
        event["order_id"]
        for event in watcher.events(namespace + topics.ORDER_CLOSED)
        if event["order_id"] in wanted
    }


async def wait_until_closed(
    watcher: Watcher, namespace: str, references: set[str], timeout: float = CLOSE_TIMEOUT
) -> dict[str, str]:
    """Until an order of every reference is closed; returns order id -> reference."""

    def all_closed(w: Watcher) -> bool:
        return len(
            closed_order_ids(w, namespace, references, placed_references(w, namespace))
        ) == len(references)

    try:
        await watcher.wait_for(all_closed, timeout, f"{len(references)} orders closed")
    except AssertionError as error:
        placed = placed_references(watcher, namespace)
        closed = closed_order_ids(watcher, namespace, references, placed)
        placed_refs = {ref for ref in placed.values() if ref in references}
        raise AssertionError(
            f"{error}: {len(placed_refs)} of {len(references)} placed, {len(closed)} closed; "
            f"never placed: {sorted(references - placed_refs)[:10]}"
        ) from None
    placed = placed_references(watcher, namespace)
    return {order_id: ref for order_id, ref in placed.items() if ref in references}


async def submit_and_close(system: System, references: list[str]) -> dict[str, str]:
    """Submit one order per reference and wait until all are closed; order id -> reference."""
    ns = system.namespace
    closing = [ns + topics.ORDER_PLACED, ns + topics.ORDER_CLOSED]
    async with Watcher(system.kafka, closing) as watcher:
        await submit(system.kafka, ns, references)
        return await wait_until_closed(watcher, ns, set(references))


async def unpublished(system: System) -> int:
    """Events staged in any service's outbox that the relay has not yet published."""
    total = 0
    for url in system.database_urls.values():
        rows = await fetch(url, "SELECT count(*) AS n FROM outbox WHERE published_at IS NULL")
        total += rows[0]["n"]
    return total


async def lag_by_group(system: System) -> dict[str, int]:
    """Each service's consumer group: records on its topics not yet committed."""
    return {
        service: await group_lag(
            system.kafka,
            system.consumer_group(service),
            [system.topic(topic) for topic in consumed_topics(service)],
        )
        for service in SERVICES
    }


async def wait_until_caught_up(system: System, timeout: float = 120.0) -> None:
    """Until the system is quiet: every outbox published and every service's consumer group
    committed everything on its topics, seen twice in a row (a consumed message may stage new
    events, and a published event gives some group new lag)."""
    deadline = asyncio.get_running_loop().time() + timeout
    quiet_passes = 0
    while quiet_passes < 2:
        outbox = await unpublished(system)
        lags = await lag_by_group(system)
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(
                f"the system is not quiet after {timeout}s: {outbox} unpublished events, "
                f"consumer lag {lags}"
            )
        busy = outbox + sum(lags.values())
        quiet_passes = quiet_passes + 1 if busy == 0 else 0
        await asyncio.sleep(0.5)


async def kill_and_restart(
    system: System, service: str, replica: int = 0, down_for: float = 0.5
) -> None:
    """SIGKILL one process of a service mid-flow, then start it again and wait until ready."""
    system.replicas[service][replica].kill()
    await asyncio.sleep(down_for)
    await system.restart(service, replica)
