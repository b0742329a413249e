"""Prometheus metrics of one service, served at `GET /metrics` on its HTTP API.

- `orderflow_records_total{topic, outcome}`: consumed records, by what came of them: `handled`
  (applied, rejected with an answer, or a repeat the inbox let pass) or `dead_lettered`.
- `orderflow_batch_seconds`: time to handle one fetched batch, commit included.
- `orderflow_consumer_lag{topic, partition}`: records behind the partition's end, after the
  service's last batch of it (0 once it caught up).
- `orderflow_outbox_backlog` and `orderflow_outbox_oldest_seconds`: unpublished rows and the age
  of the oldest, measured every few seconds.
- `orderflow_http_requests_total{method, route, status}`: HTTP requests by route template.

Each service has a registry of its own (no module-level state), so several services or tests
in one process do not mix their numbers. Topic names are without the namespace prefix.
"""

from collections.abc import Awaitable, Callable, MutableMapping
from datetime import datetime
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.exposition import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import Table, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class Metrics:
    """The metrics of one service."""

    content_type = CONTENT_TYPE_LATEST

    def __init__(self, service: str) -> None:
        self.registry = CollectorRegistry()
        self.service = service
        self.records = Counter(
            "orderflow_records",
            "Consumed records, by topic and what came of them",
            ["topic", "outcome"],
            registry=self.registry,
        )
        self.batch_seconds = Histogram(
            "orderflow_batch_seconds",
            "Time to handle one fetched batch, its commit included",
            registry=self.registry,
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
        )
        self.consumer_lag = Gauge(
            "orderflow_consumer_lag",
            "Records behind the partition's end after the service's last batch of it",
            ["topic", "partition"],
            registry=self.registry,
        )
        self.outbox_backlog = Gauge(
            "orderflow_outbox_backlog",
            "Outbox rows not yet published",
            registry=self.registry,
        )
        self.outbox_oldest_seconds = Gauge(
            "orderflow_outbox_oldest_seconds",
            "Age of the oldest unpublished outbox row (0: none)",
            registry=self.registry,
        )
        self.http_requests = Counter(
            "orderflow_http_requests",
            "HTTP requests, by method, route template and status",
            ["method", "route", "status"],
            registry=self.registry,
        )

    def count(self, topic: str, dead_lettered: bool, records: int = 1) -> None:
        outcome = "dead_lettered" if dead_lettered else "handled"
        self.records.labels(topic=topic, outcome=outcome).inc(records)

    def render(self) -> bytes:
        return generate_latest(self.registry)


class HttpCounter:
    """ASGI middleware counting every request by method, route template and status."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = [500]

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            route = scope.get("route")
            template = getattr(route, "path", None) or "unmatched"
            self.metrics.http_requests.labels(
                method=scope["method"], route=template, status=str(status[0])
            ).inc()


async def measure_outbox(
    connection: AsyncConnection, outbox: Table, metrics: Metrics, now: datetime
) -> None:
    """Set the backlog gauges from the outbox as it is now (one indexed statement)."""
    count, oldest = (
        await connection.execute(
            select(func.count(), func.min(outbox.c.created_at)).where(
                outbox.c.published_at.is_(None)
            )
        )
    ).one()
    metrics.outbox_backlog.set(int(count))
    metrics.outbox_oldest_seconds.set(
        0.0 if oldest is None else max((now - oldest).total_seconds(), 0.0)
    )
