"""Wires one service: engine, broker, unit of work, consume pipeline, outbox relay, HTTP API,
migrations. The only place where those are created, and only when `build_service` is called."""

import asyncio
import contextlib
import gc
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import uvicorn
from fastapi import APIRouter, FastAPI
from fastapi.responses import JSONResponse, Response
from faststream import FastStream
from sqlalchemy import Table, text
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.clock import Clock, clock_from_settings
from shared.contracts.acls import consumer_group, service_topics
from shared.contracts.topics import COMPACTED_TOPICS
from shared.db.engine import create_engine, ensure_database, hold_sqlite_file
from shared.db.locks import one_at_a_time
from shared.db.migrate import upgrade_to_head
from shared.http.attempts import AttemptLog, attempts_router, prune
from shared.http.auth import Actor, Directory, authenticate
from shared.http.errors import install_error_handlers
from shared.http.limits import Limits
from shared.messaging.kafka import KafkaPublisher, create_broker, ensure_topics, subscribe
from shared.messaging.own_events import OwnEvents
from shared.messaging.pipeline import Pipeline
from shared.messaging.relay import OutboxRelay
from shared.messaging.routes import Route
from shared.messaging.unit_of_work import UnitOfWork
from shared.metrics import HttpCounter, Metrics, measure_outbox
from shared.seed import Seed, load_seed
from shared.settings import ServiceSettings
from shared.tracing import Tracing, tracing_from_environment

log = logging.getLogger(__name__)
lifecycle = logging.getLogger("orderflow.lifecycle")
"""Start and readiness lines: logged at any LOG_LEVEL, since scripts and tests wait for them."""

OUTBOX_WATCH_SECONDS = 5.0
"""How often the outbox backlog metrics are measured."""
ATTEMPTS_PRUNED_EVERY_SECONDS = 6 * 3600.0
"""How often the decision attempts past their retention are deleted."""

READY_MESSAGE = "orderflow service ready"
"""Logged once the service consumes, relays and serves HTTP; scripts and tests wait for it."""


@dataclass(frozen=True)
class ServiceContext:
    """What a service's parts are built from."""

    name: str
    settings: ServiceSettings
    clock: Clock
    unit_of_work: UnitOfWork
    seed: Seed
    current_actor: Callable[..., Awaitable[Actor]]


@dataclass(frozen=True)
class ServiceParts:
    """What a service contributes: its consumed routes, its HTTP API, work at start (after
    migrations, e.g. loading master data) and background loops (e.g. deadline checks)."""

    routes: Sequence[Route[Any]]
    router: APIRouter | None = None
    on_start: Sequence[Callable[[], Awaitable[None]]] = ()
    background: Sequence[Callable[[], Awaitable[None]]] = ()


@dataclass(frozen=True)
class ServiceDefinition:
    name: str
    inbox: Table
    outbox: Table
    attempts: Table
    migrations: Path
    parts: Callable[[ServiceContext], ServiceParts]


@dataclass
class Service:
    """A wired service: the FastStream app and the HTTP app that runs it."""

    app: FastStream
    http: FastAPI
    settings: ServiceSettings
    tasks: list[asyncio.Task[None]] = field(default_factory=list)


def configure_logging(level: str) -> None:
    logging.basicConfig(
        level=level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("aiokafka").setLevel(logging.WARNING)
    logging.getLogger("orderflow.lifecycle").setLevel(logging.INFO)


def assemble(
    parts: Callable[[ServiceContext], ServiceParts], context: ServiceContext
) -> tuple[ServiceParts, OwnEvents]:
    """The service's parts, with its unit of work following the service's own events as it
    stages them; how every service (and every test of one) is put together."""
    built = parts(context)
    own_events = OwnEvents.of(context.name, built.routes, context.clock)
    context.unit_of_work.follow_own_events(own_events)
    return built, own_events


def service_context(
    definition: ServiceDefinition,
    settings: ServiceSettings,
    engine: AsyncEngine,
    clock: Clock,
    seed: Seed | None = None,
    on_commit: Callable[[], None] = lambda: None,
    tracing: Tracing | None = None,
) -> ServiceContext:
    """What a service's parts are built from: its unit of work on `engine` (checking that it
    stages only topics the service owns, tracing with `tracing`) and its people (`seed`, by
    default the settings')."""
    seed = seed or load_seed(settings.seed_file)
    unit_of_work = UnitOfWork(
        engine,
        definition.inbox,
        definition.outbox,
        clock,
        on_commit=on_commit,
        max_record_bytes=settings.max_record_bytes,
        service=definition.name,
        tracing=tracing,
    )
    return ServiceContext(
        name=definition.name,
        settings=settings,
        clock=clock,
        unit_of_work=unit_of_work,
        seed=seed,
        current_actor=people(settings, seed),
    )


def build_service(
    definition: ServiceDefinition, settings: ServiceSettings, clock: Clock | None = None
) -> Service:
    clock = clock or clock_from_settings(settings.clock_offset_file)
    database_url = settings.database_url_for(definition.name)
    engine = create_engine(database_url)
    access = settings.kafka_access(definition.name)
    broker = create_broker(
        access,
        client_id=f"orderflow-{definition.name}",
        graceful_seconds=settings.shutdown_grace_seconds,
    )
    namespace = settings.topic_namespace
    publisher = KafkaPublisher(access, f"orderflow-{definition.name}-relay", namespace)
    relay = OutboxRelay(
        engine, definition.outbox, publisher.publish, clock, batch_size=settings.outbox_batch_size
    )
    tracing = tracing_from_environment(definition.name)
    context = service_context(
        definition, settings, engine, clock, on_commit=relay.wake, tracing=tracing
    )
    unit_of_work = context.unit_of_work
    parts, own_events = assemble(definition.parts, context)
    metrics = Metrics(definition.name)
    pipeline = Pipeline(
        unit_of_work,
        parts.routes,
        service=definition.name,
        namespace=namespace,
        max_record_bytes=settings.max_record_bytes,
        unread_topics=own_events.unread,
        metrics=metrics,
    )
    subscribe(
        broker,
        pipeline,
        group_id=consumer_group(definition.name),
        session_timeout_ms=settings.kafka_session_timeout_ms,
        namespace=namespace,
        max_records=settings.consumer_batch_size,
        fetch_wait_ms=settings.consumer_fetch_wait_ms,
        metrics=metrics,
    )
    held_files: list[object] = []

    async def prepare() -> None:
        held_files.append(hold_sqlite_file(database_url))  # SQLite: refuse a second process
        await ensure_database(database_url)
        async with one_at_a_time(engine):  # replicas starting together take turns
            await upgrade_to_head(engine, definition.migrations)
            for start in parts.on_start:
                await start()
        await ensure_topics(  # its own and those it reads: all its ACLs let it create
            access,
            service_topics(definition.name),
            settings.topic_partitions,
            settings.topic_replication_factor,
            namespace,
            compacted=COMPACTED_TOPICS,
        )

    service: Service

    async def watch_outbox() -> None:
        while True:
            async with engine.connect() as connection:
                await measure_outbox(connection, definition.outbox, metrics, clock.now())
            await asyncio.sleep(OUTBOX_WATCH_SECONDS)

    async def prune_attempts() -> None:
        while True:
            kept_for = timedelta(days=settings.attempt_retention_days)
            await prune(context.unit_of_work, definition.attempts, kept_for)
            await asyncio.sleep(ATTEMPTS_PRUNED_EVERY_SECONDS)

    async def start_loops() -> None:
        await publisher.start()
        for loop in (relay.run, watch_outbox, prune_attempts, *parts.background):
            service.tasks.append(asyncio.create_task(_forever(loop), name=loop.__qualname__))

    async def stop_loops() -> None:
        for task in service.tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        service.tasks.clear()

    async def dispose() -> None:
        await publisher.stop()
        await engine.dispose()
        await asyncio.to_thread(tracing.shutdown)  # export the last spans

    app = FastStream(
        broker,
        on_startup=[prepare],
        after_startup=[start_loops],
        on_shutdown=[stop_loops],
        after_shutdown=[dispose],
    )

    consuming = asyncio.Event()

    @contextlib.asynccontextmanager
    async def lifespan(_http: FastAPI) -> AsyncIterator[None]:
        async with app:
            consuming.set()
            lifecycle.info("%s: %s", READY_MESSAGE, definition.name)
            yield
            consuming.clear()

    http = http_api(context, parts.router, definition.attempts, metrics, consuming.is_set, lifespan)
    service = Service(app, http, settings)
    return service


def people(settings: ServiceSettings, seed: Seed) -> Callable[..., Awaitable[Actor]]:
    """Who may call the service's API: the seed's users with a token digest, its demo users too
    in demo mode; within the rate limits of the settings."""
    directory = Directory(seed.users, demo_mode=settings.demo_mode)
    if directory.ignored_demo_users:
        lifecycle.info(
            "%d demo users ignored: demo mode is off (set DEMO_MODE to let them in)",
            directory.ignored_demo_users,
        )
    if not len(directory):
        log.warning("no users: every request to the HTTP API will be refused (401)")
    limits = Limits(
        per_second=settings.http_requests_per_second,
        burst=settings.http_request_burst,
        failures_per_minute=settings.http_failures_per_minute,
    )
    return authenticate(directory, limits)


def http_api(
    context: ServiceContext,
    router: APIRouter | None,
    attempts: Table,
    metrics: Metrics,
    consuming: Callable[[], bool],
    lifespan: Callable[[FastAPI], contextlib.AbstractAsyncContextManager[None]] | None = None,
) -> FastAPI:
    """The service's HTTP API: its own routes, health, liveness and readiness, metrics, the
    decision attempts; bodies bounded, every attempt to change something stored
    (`shared.http.attempts`), every request counted (`shared.metrics`)."""
    http = FastAPI(
        title=f"Orderflow {context.name}",
        version="1",
        description=f"Decisions people make in the {context.name} department.",
        lifespan=lifespan,
    )
    install_error_handlers(http)

    @http.get("/health", tags=["operations"])
    @http.get("/health/live", tags=["operations"])
    async def health() -> dict[str, str]:
        """Liveness: the process answers."""
        return {"service": context.name, "status": "ok"}

    @http.get("/health/ready", tags=["operations"])
    async def ready() -> JSONResponse:
        """Readiness: consuming, and the database answers; 503 otherwise."""
        problems = [] if consuming() else ["not consuming yet"]
        try:
            async with context.unit_of_work.read() as connection:
                await connection.execute(text("SELECT 1"))
        except Exception as error:  # any failure to reach it is "not ready", said in words
            problems.append(f"database: {type(error).__name__}")
        body = {"service": context.name, "status": "not ready" if problems else "ready"}
        return JSONResponse({**body, "problems": problems}, status_code=503 if problems else 200)

    @http.get("/metrics", tags=["operations"], include_in_schema=False)
    async def prometheus() -> Response:
        return Response(metrics.render(), media_type=metrics.content_type)

    if router is not None:
        http.include_router(router)
    http.include_router(attempts_router(context.unit_of_work, attempts, context.current_actor))
    http.add_middleware(
        AttemptLog,
        unit_of_work=context.unit_of_work,
        table=attempts,
        max_body_bytes=context.settings.http_max_body_bytes,
    )
    http.add_middleware(HttpCounter, metrics=metrics)  # outermost: counts 413s too
    return http


async def _forever(loop: Callable[[], Awaitable[None]]) -> None:
    """Keep a background loop alive: log and restart it if it fails."""
    while True:
        try:
            await loop()
            return
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("background loop %s failed; restarting", loop.__qualname__)
            await asyncio.sleep(1.0)


YOUNG_GC_THRESHOLD = 20_000
"""Allocations between two collections of the youngest generation (CPython's default: 700).
A batch allocates hundreds of thousands of short-lived objects (decoded records, rows, models)
that reference counting frees; at the default the cyclic collector ran thousands of times a
second and took about 6 % of the sales service's CPU under `make bench`."""


def tune_garbage_collection() -> None:
    """Once the service is built: what exists now (modules, classes, the app) lives as long as
    the process, so it is frozen out of every later collection, and the youngest generation is
    collected less often. Cyclic garbage is still collected, in fewer and larger rounds."""
    gc.collect()
    gc.freeze()
    _, middle, oldest = gc.get_threshold()
    gc.set_threshold(YOUNG_GC_THRESHOLD, middle, oldest)


def run(service: Service) -> None:
    """Serve the service (HTTP API and consumers) until SIGINT/SIGTERM."""
    configure_logging(service.settings.log_level)
    tune_garbage_collection()
    config = uvicorn.Config(
        service.http,
        host=service.settings.http_host,
        port=service.settings.http_port,
        log_level=service.settings.log_level.lower(),
        access_log=False,
        loop="uvloop",  # a faster event loop: most of a service's time is spent in I/O
    )
    uvicorn.Server(config).run()
