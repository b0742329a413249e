"""A service's metrics count what its pipeline and its API did, in a registry of its own."""

from datetime import UTC, datetime

import httpx
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from services.finance.app import DEFINITION
from services.finance.settings import FinanceSettings
from shared.clock import FrozenClock
from shared.contracts import OrderClosed
from shared.messaging.pipeline import Delivery, Pipeline
from shared.messaging.routes import Route, Source
from shared.messaging.unit_of_work import UnitOfWork
from shared.metrics import Metrics, measure_outbox
from tests.support.api import bearer, wire
from tests.unit.finance.test_service import engine
from tests.unit.shared.test_pipeline import CLOCK, Harness, encoded, harness, inbox, outbox

__all__ = ["engine", "harness"]

REFUND = "/unmatched-payments/NOPE/refund"


def values(metrics: Metrics, name: str) -> dict[tuple[tuple[str, str], ...], float]:
    return {
        tuple(sorted(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(metrics.render().decode())
        for sample in family.samples
        if sample.name == name
    }


async def test_the_pipeline_counts_handled_and_dead_lettered_records_per_topic(
    harness: Harness,
) -> None:
    metrics = Metrics("test")
    pipeline = Pipeline(
        UnitOfWork(harness.engine, inbox, outbox, CLOCK),
        [Route("order.closed", OrderClosed, harness.handler)],
        service="test",
        metrics=metrics,
    )

    await pipeline.consume_batch(
        [
            Delivery(Source("order.closed", 0, 1, b"SO-1"), encoded("SO-1")),
            Delivery(Source("order.closed", 0, 2, b"SO-2"), b"\xff not json"),
            Delivery(Source("order.closed", 0, 3, b"SO-3"), encoded("UNKNOWN")),  # rejected
            Delivery(Source("order.closed", 0, 4, b"SO-4"), encoded("SO-4")),
        ]
    )

    assert values(metrics, "orderflow_records_total") == {
        (("outcome", "handled"), ("topic", "order.closed")): 2,
        (("outcome", "dead_lettered"), ("topic", "order.closed")): 2,
    }
    assert values(Metrics("another"), "orderflow_records_total") == {}  # registries apart


async def test_the_outbox_backlog_is_what_is_unpublished_and_its_oldest_age(
    harness: Harness,
) -> None:
    metrics = Metrics("test")
    stamped = datetime(2026, 11, 21, 8, 59, tzinfo=UTC)
    async with harness.engine.begin() as connection:
        for number, published in ((1, None), (2, stamped), (3, None)):
            await connection.execute(
                insert(outbox).values(
                    event_id=f"e{number}",
                    topic="order.closed",
                    message_key=b"k",
                    payload=b"{}",
                    headers="{}",
                    created_at=stamped,
                    published_at=published,
                )
            )
        await measure_outbox(connection, outbox, metrics, CLOCK.now())

    assert values(metrics, "orderflow_outbox_backlog") == {(): 2}
    assert values(metrics, "orderflow_outbox_oldest_seconds") == {(): 60.0}


async def test_the_api_serves_its_metrics_readiness_and_counts_requests_by_route(
    engine: AsyncEngine,
) -> None:
    wired = wire(DEFINITION, FinanceSettings(), engine, FrozenClock(CLOCK.now()))
    transport = httpx.ASGITransport(app=wired.http)
    async with httpx.AsyncClient(transport=transport, base_url="http://finance") as api:
        ready = await api.get("/health/ready")
        live = await api.get("/health/live")
        await api.post(
            "/unmatched-payments/NOPE/refund", json={"reason": "x"}, headers=bearer("finance_clerk")
        )
        scraped = await api.get("/metrics")

    assert (ready.status_code, live.status_code, scraped.status_code) == (200, 200, 200)
    counted = values(wired.metrics, "orderflow_http_requests_total")
    assert (
        counted[
            (
                ("method", "POST"),
                ("route", "/unmatched-payments/{tx}/refund"),
                ("status", "404"),
            )
        ]
        == 1
    )
    assert counted[(("method", "GET"), ("route", "/health/ready"), ("status", "200"))] == 1
    assert "orderflow_http_requests_total" in scraped.text
