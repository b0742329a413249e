"""OpenTelemetry traces through Kafka headers: one order, one trace across the five services.

Off unless `OTEL_TRACES_EXPORTER` names an exporter (`otlp` or `console`; the usual OTel
variables configure it: `OTEL_EXPORTER_OTLP_ENDPOINT`, `OTEL_SERVICE_NAME`,
`OTEL_RESOURCE_ATTRIBUTES`, `OTEL_BSP_*`, `OTEL_SDK_DISABLED`). Off, no span is made and no
header written: `Tracing.off()` answers every call with None at once.

On, a service makes one CONSUMER span per record it handles (`<topic> process`), whose parent
is the record's W3C `traceparent` header, and writes a `traceparent` into every record it
stages: the span of the record that caused it, or else (a person's decision at the API, a
deadline, an event a service follows itself) the order's own root. That root is not a span
anyone exports but a fixed parent derived from the order id (its trace id and span id are
SHA-256 of it), so whatever path an order takes, every span about it is in one trace, and a
record that arrives without a header or with a foreign one is still placed in its order's
trace.
"""

import hashlib
import os
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.trace import (
    NonRecordingSpan,
    SpanContext,
    SpanKind,
    TraceFlags,
    Tracer,
    format_span_id,
    format_trace_id,
)

TRACEPARENT = "traceparent"
_TRACEPARENT = re.compile(r"^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$")
_ORDER_ID = re.compile(r"^SO-[A-Z0-9-]{1,37}$")
SAMPLED = TraceFlags(TraceFlags.SAMPLED)


def traceparent_of(context: SpanContext) -> str:
    return f"00-{format_trace_id(context.trace_id)}-{format_span_id(context.span_id)}-01"


def parse_traceparent(value: str | bytes | None) -> SpanContext | None:
    """A remote span context from a `traceparent` header; None for anything else (anyone can
    publish anything: a header that is not exactly W3C's format is ignored)."""
    if value is None or len(value) != 55:
        return None
    text = value.decode("ascii", errors="replace") if isinstance(value, bytes) else value
    match = _TRACEPARENT.match(text)
    if match is None:
        return None
    trace_id, span_id = int(match.group(1), 16), int(match.group(2), 16)
    if trace_id == 0 or span_id == 0:
        return None
    return SpanContext(trace_id, span_id, is_remote=True, trace_flags=SAMPLED)


def order_root(order_id: str) -> SpanContext | None:
    """The fixed parent of every span about `order_id`; None if it is no order id."""
    if not _ORDER_ID.match(order_id):
        return None
    digest = hashlib.sha256(order_id.encode()).digest()
    trace_id = int.from_bytes(digest[:16], "big") or 1
    span_id = int.from_bytes(digest[16:24], "big") or 1
    return SpanContext(trace_id, span_id, is_remote=True, trace_flags=SAMPLED)


@dataclass(frozen=True)
class Tracing:
    """A service's tracer, or nothing (`off`)."""

    tracer: Tracer | None
    service: str
    provider: Any = None
    """The SDK's tracer provider, flushed by `shutdown`."""

    @classmethod
    def off(cls) -> "Tracing":
        return cls(None, "")

    def shutdown(self) -> None:
        """Export what is still pending (when the service stops)."""
        if self.provider is not None:
            self.provider.shutdown()

    @property
    def enabled(self) -> bool:
        return self.tracer is not None

    @contextmanager
    def consuming(
        self, topic: str, key: bytes | None, header: bytes | None
    ) -> Iterator[str | None]:
        """A span for handling one record; yields its `traceparent` (None when off)."""
        if self.tracer is None:
            yield None
            return
        order_id = (key or b"").decode("ascii", errors="replace")
        root = order_root(order_id)
        parent = parse_traceparent(header)
        if parent is None or (root is not None and parent.trace_id != root.trace_id):
            parent = root
        context = trace.set_span_in_context(NonRecordingSpan(parent)) if parent else Context()
        with self.tracer.start_as_current_span(
            f"{topic} process",
            context=context,
            kind=SpanKind.CONSUMER,
            attributes={
                "messaging.system": "kafka",
                "messaging.destination.name": topic,
                "messaging.operation.type": "process",
                "orderflow.service": self.service,
                **({"orderflow.order_id": order_id} if root is not None else {}),
            },
        ) as span:
            yield traceparent_of(span.get_span_context())

    def header_for(self, order_id: str, cause: str | None) -> str | None:
        """The `traceparent` to stage with a record about `order_id`: its cause's span if that
        is in the order's trace, else the order's root; None when off or not about an order."""
        if self.tracer is None:
            return None
        root = order_root(order_id)
        if root is None:
            return cause
        caused_by = parse_traceparent(cause)
        if caused_by is not None and caused_by.trace_id == root.trace_id:
            return cause
        return traceparent_of(root)


def tracing_from_environment(service: str, environ: Mapping[str, str] = os.environ) -> Tracing:
    """The tracer the OTel environment variables ask for; `Tracing.off()` when they ask none."""
    exporter_name = environ.get("OTEL_TRACES_EXPORTER", "none").strip().lower()
    if exporter_name in ("", "none") or environ.get("OTEL_SDK_DISABLED", "").lower() == "true":
        return Tracing.off()
    from opentelemetry.sdk.resources import SERVICE_NAME, Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import (
        BatchSpanProcessor,
        ConsoleSpanExporter,
        SpanExporter,
    )

    exporter: SpanExporter
    if exporter_name == "otlp":
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        exporter = OTLPSpanExporter()
    elif exporter_name == "console":
        exporter = ConsoleSpanExporter()
    else:
        raise ValueError(f"OTEL_TRACES_EXPORTER={exporter_name!r}: use otlp, console or none")
    resource = Resource.create(
        {SERVICE_NAME: environ.get("OTEL_SERVICE_NAME", f"orderflow-{service}")}
    )
    provider = TracerProvider(resource=resource)
    provider.add_span_processor(BatchSpanProcessor(exporter))
    return Tracing(provider.get_tracer("orderflow"), service, provider)
