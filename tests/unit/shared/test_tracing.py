"""Traces through Kafka headers (issue #10, point 5): a record's span continues the trace in
its `traceparent`; what it causes carries that span on; every span about an order is in the
order's trace, whatever arrives; off, nothing is traced or written."""

import json
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from sqlalchemy import MetaData, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from shared.clock import FrozenClock
from shared.contracts import Event, OrderClosed, topics
from shared.contracts.events import OrderClosedPayload
from shared.db.messaging_tables import add_messaging_tables
from shared.messaging.events import new_event
from shared.messaging.unit_of_work import Step, UnitOfWork
from shared.tracing import (
    Tracing,
    order_root,
    parse_traceparent,
    traceparent_of,
    tracing_from_environment,
)
from tests.support.databases import sqlite_database

metadata = MetaData()
inbox, outbox = add_messaging_tables(metadata)
CLOCK = FrozenClock(datetime(2026, 12, 4, 9, 0, tzinfo=UTC))
ORDER = "SO-2026-000042"
FOREIGN = "00-0123456789abcdef0123456789abcdef-0123456789abcdef-01"


@pytest.fixture
def spans() -> Iterator[tuple[Tracing, InMemorySpanExporter]]:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    yield Tracing(provider.get_tracer("test"), "sales", provider), exporter
    provider.shutdown()


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    async with sqlite_database(tmp_path / "traces.db", metadata) as engine:
        yield engine


def closed(order_id: str = ORDER) -> OrderClosed:
    return new_event(
        OrderClosed,
        order_id=order_id,
        producer="sales",
        causation_id=None,
        occurred_at=CLOCK.now(),
        payload=OrderClosedPayload(outcome="fulfilled"),
    )


async def staged_traceparents(engine: AsyncEngine) -> list[str | None]:
    async with engine.connect() as connection:
        rows = await connection.execute(select(outbox.c.headers).order_by(outbox.c.id))
        return [json.loads(headers).get("traceparent") for headers in rows.scalars()]


@pytest.mark.parametrize(
    "header",
    [
        None,
        b"",
        b"00-0123456789abcdef0123456789abcdef-0123456789abcdef",  # short
        b"01-0123456789abcdef0123456789abcdef-0123456789abcdef-01",  # unknown version
        b"00-0123456789ABCDEF0123456789ABCDEF-0123456789abcdef-01",  # upper case
        b"00-00000000000000000000000000000000-0123456789abcdef-01",  # zero trace id
        b"00-0123456789abcdef0123456789abcdef-0000000000000000-01",  # zero span id
        b"\xff" * 55,
        b"00-" + b"a" * 100_000,
    ],
)
def test_a_header_that_is_not_exactly_w3c_trace_context_is_ignored(header: bytes | None) -> None:
    assert parse_traceparent(header) is None


def test_a_w3c_header_is_read_as_its_remote_parent() -> None:
    parent = parse_traceparent(FOREIGN.encode())
    assert parent is not None
    assert parent.is_remote
    assert traceparent_of(parent) == FOREIGN


def test_an_orders_root_is_the_same_everywhere_and_its_own() -> None:
    root = order_root(ORDER)
    assert root is not None
    assert root == order_root(ORDER)
    other = order_root("SO-2026-000043")
    assert other is not None
    assert other.trace_id != root.trace_id
    assert order_root("PO-2026-0042") is None  # a customer reference is no order


def test_off_nothing_is_traced_and_no_header_is_written() -> None:
    tracing = Tracing.off()
    with tracing.consuming(topics.ORDER_PLACED, ORDER.encode(), FOREIGN.encode()) as parent:
        assert parent is None
    assert tracing.header_for(ORDER, None) is None
    assert not tracing_from_environment("sales", {}).enabled
    assert not tracing_from_environment("sales", {"OTEL_TRACES_EXPORTER": "none"}).enabled
    assert not tracing_from_environment(
        "sales", {"OTEL_TRACES_EXPORTER": "otlp", "OTEL_SDK_DISABLED": "true"}
    ).enabled


def test_an_unknown_exporter_is_refused_at_start() -> None:
    with pytest.raises(ValueError, match="OTEL_TRACES_EXPORTER"):
        tracing_from_environment("sales", {"OTEL_TRACES_EXPORTER": "jaeger-thrift"})


def test_a_record_with_the_orders_trace_continues_the_span_in_its_header(
    spans: tuple[Tracing, InMemorySpanExporter],
) -> None:
    tracing, exporter = spans
    root = order_root(ORDER)
    assert root is not None
    upstream = traceparent_of(root).replace(f"{root.span_id:016x}", "00000000000000aa")

    with tracing.consuming(topics.ORDER_PLACED, ORDER.encode(), upstream.encode()) as mine:
        assert mine is not None

    [span] = exporter.get_finished_spans()
    assert span.parent is not None
    assert (span.context.trace_id, span.parent.span_id) == (root.trace_id, 0xAA)
    assert span.name == "order.placed process"
    assert span.attributes is not None
    assert span.attributes["orderflow.order_id"] == ORDER
    assert mine == traceparent_of(span.context)


@pytest.mark.parametrize("header", [None, FOREIGN.encode(), b"garbage"])
def test_a_record_without_its_orders_trace_is_put_under_the_orders_root(
    spans: tuple[Tracing, InMemorySpanExporter], header: bytes | None
) -> None:
    tracing, exporter = spans
    root = order_root(ORDER)
    assert root is not None

    with tracing.consuming(topics.ORDER_PLACED, ORDER.encode(), header):
        pass

    [span] = exporter.get_finished_spans()
    assert span.parent is not None
    assert (span.context.trace_id, span.parent.span_id) == (root.trace_id, root.span_id)


async def test_what_a_record_causes_carries_the_span_that_handled_it(
    engine: AsyncEngine, spans: tuple[Tracing, InMemorySpanExporter]
) -> None:
    tracing, exporter = spans
    unit_of_work = UnitOfWork(engine, inbox, outbox, CLOCK, service="sales", tracing=tracing)

    async def work(_connection: AsyncConnection) -> list[Event]:
        return [closed()]

    await unit_of_work.run_steps(
        [Step("m-1", topics.GOODS_DELIVERED, work, key=ORDER.encode(), trace_header=None)]
    )

    [span] = exporter.get_finished_spans()
    assert await staged_traceparents(engine) == [traceparent_of(span.context)]


async def test_a_decision_without_a_record_stages_under_the_orders_root(
    engine: AsyncEngine, spans: tuple[Tracing, InMemorySpanExporter]
) -> None:
    tracing, exporter = spans
    unit_of_work = UnitOfWork(engine, inbox, outbox, CLOCK, service="sales", tracing=tracing)
    root = order_root(ORDER)
    assert root is not None

    async def work(_connection: AsyncConnection) -> list[Event]:
        return [closed()]

    await unit_of_work.run(work)  # as the HTTP API does

    assert exporter.get_finished_spans() == ()
    assert await staged_traceparents(engine) == [traceparent_of(root)]


async def test_off_the_outbox_rows_carry_no_trace_header(engine: AsyncEngine) -> None:
    unit_of_work = UnitOfWork(engine, inbox, outbox, CLOCK, service="sales")

    async def work(_connection: AsyncConnection) -> list[Event]:
        return [closed()]

    await unit_of_work.run_steps([Step("m-1", topics.GOODS_DELIVERED, work, key=ORDER.encode())])

    assert await staged_traceparents(engine) == [None]
