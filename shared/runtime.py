"""Wires one service: engine, broker, inbox/outbox pipeline, relay, migrations. The only place
where those are created, and only when a service's `create_app` is called."""

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from faststream import FastStream
from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.clock import Clock, SystemClock
from shared.contracts.topics import ALL_TOPICS
from shared.db.engine import create_engine, ensure_database, is_sqlite
from shared.db.migrate import upgrade_to_head
from shared.messaging.kafka import KafkaPublisher, create_broker, ensure_topics, subscribe
from shared.messaging.outbox import OutboxRelay
from shared.messaging.pipeline import Pipeline
from shared.messaging.routes import Route
from shared.settings import ServiceSettings


@dataclass(frozen=True)
class ServiceDefinition:
    """What a service contributes to the wiring."""

    name: str
    inbox: Table
    outbox: Table
    migrations: Path
    routes: Callable[[Clock], Sequence[Route[Any]]]


@dataclass(frozen=True)
class Service:
    """A wired service: the FastStream app to run, and its parts for tests."""

    app: FastStream
    engine: AsyncEngine
    pipeline: Pipeline
    relay: OutboxRelay


def configure_logging(level: str) -> None:
    logging.basicConfig(
        level=level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("aiokafka").setLevel(logging.WARNING)


def build_service(
    definition: ServiceDefinition, settings: ServiceSettings, clock: Clock | None = None
) -> Service:
    clock = clock or SystemClock()
    database_url = settings.database_url_for(definition.name)
    engine = create_engine(database_url)
    broker = create_broker(
        settings.kafka_bootstrap_servers, client_id=f"orderflow-{definition.name}"
    )
    namespace = settings.topic_namespace
    publisher = KafkaPublisher(broker, definition.name, clock, namespace)
    relay = OutboxRelay(
        engine, definition.outbox, publisher.publish, clock, batch_size=settings.outbox_batch_size
    )
    pipeline = Pipeline(
        engine,
        definition.inbox,
        definition.outbox,
        definition.routes(clock),
        clock,
        dead_letter=publisher.dead_letter,
        on_commit=relay.wake,
        write_lock=asyncio.Lock() if is_sqlite(engine) else None,
    )
    subscribe(
        broker,
        pipeline,
        group_id=f"orderflow.{definition.name}",
        session_timeout_ms=settings.kafka_session_timeout_ms,
        namespace=namespace,
    )
    relay_task: list[asyncio.Task[None]] = []

    async def prepare() -> None:
        await ensure_database(database_url)
        await upgrade_to_head(engine, definition.migrations)
        await ensure_topics(
            settings.kafka_bootstrap_servers,
            ALL_TOPICS,
            settings.topic_partitions,
            settings.topic_replication_factor,
            namespace,
        )

    async def start_relay() -> None:
        relay_task.append(asyncio.create_task(relay.run(), name=f"{definition.name}-outbox-relay"))

    async def stop_relay() -> None:
        for task in relay_task:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def dispose() -> None:
        await engine.dispose()

    app = FastStream(
        broker,
        on_startup=[prepare],
        after_startup=[start_relay],
        on_shutdown=[stop_relay],
        after_shutdown=[dispose],
    )
    return Service(app=app, engine=engine, pipeline=pipeline, relay=relay)


def run(service: Service, settings: ServiceSettings) -> None:
    """Run a service until SIGINT/SIGTERM."""
    configure_logging(settings.log_level)
    asyncio.run(service.app.run())
