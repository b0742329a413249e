"""One order's spans form one trace across the five services, carried by the `traceparent`
header of every record (issue #10, point 5). Five service processes on real Kafka and
PostgreSQL export over OTLP/HTTP, configured by the usual OTel variables only, to a collector
the test runs."""

import asyncio
from pathlib import Path

import pytest

from shared.messaging.access import KafkaAccess
from shared.tracing import order_root
from tests.support.bank import Bank
from tests.support.flow import submit_and_close
from tests.support.otlp import Collector, ExportedSpan, collector
from tests.support.system import AUTOMATIC_POLICIES, SERVICES, launch

ORDERS = 3


async def all_exported(kept: Collector, order_id: str, timeout: float = 30.0) -> list[ExportedSpan]:
    """The order's spans once every service has exported some (they batch every 200 ms)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        spans = kept.of_order(order_id)
        if {span.service for span in spans} >= {f"orderflow-{s}" for s in SERVICES}:
            return spans
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(
                f"spans of {order_id} only from {sorted({s.service for s in spans})}"
            )
        await asyncio.sleep(0.2)


async def test_an_orders_spans_form_one_trace_across_the_five_services(
    kafka: KafkaAccess, postgres_server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    references = [f"TRACE-{index}" for index in range(ORDERS)]
    with collector() as (kept, endpoint):
        monkeypatch.setenv("OTEL_TRACES_EXPORTER", "otlp")
        monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint)
        monkeypatch.setenv("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf")
        monkeypatch.setenv("OTEL_BSP_SCHEDULE_DELAY", "200")
        async with (
            launch(kafka, postgres_server, tmp_path, AUTOMATIC_POLICIES, "trace") as system,
            Bank(system.kafka, system.namespace),
        ):
            order_ids = sorted(await submit_and_close(system, references))
            traced = {order_id: await all_exported(kept, order_id) for order_id in order_ids}

    for order_id, spans in traced.items():
        root = order_root(order_id)
        assert root is not None
        assert {span.trace_id for span in spans} == {f"{root.trace_id:032x}"}, order_id
        # the header carried the causing span: beyond the order's root, the parents of the
        # spans are spans that services exported, and in every service some span's parent
        # is another service's span
        exported = {span.span_id: span for span in spans}
        continued_from_another = {
            span.service
            for span in spans
            if span.parent_span_id in exported
            and exported[span.parent_span_id].service != span.service
        }
        assert continued_from_another == {f"orderflow-{s}" for s in SERVICES}, order_id
        assert len({span.trace_id for other in traced.values() for span in other}) == ORDERS
