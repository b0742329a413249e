"""Transactional outbox: records are written with the state change; the relay publishes them.

A row is what goes on the wire: topic, key, value and headers, as bytes. Events become rows
through `event_record`, dead letters through `dead_letter_record`. Both are bounded by the
broker's record size here, at write time, so a row the broker would refuse never reaches the
table (it would block the relay for ever): an event too large raises `RecordTooLarge` (the
message that caused it is dead-lettered instead), a dead letter too large is truncated and
carries the original's size and SHA-256.
"""

import hashlib
import json
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from uuid import NAMESPACE_URL, uuid5

from sqlalchemy import Table, insert
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.contracts.envelope import Event
from shared.contracts.topics import DEAD_LETTER
from shared.tracing import TRACEPARENT

DEFAULT_MAX_RECORD_BYTES = 1_000_000
"""What one record may take: under the broker's default `message.max.bytes` (1 MiB) and the
producer's `max_request_size`, with room for the record batch's own overhead."""

RECORD_OVERHEAD_BYTES = 512
"""Bytes counted per record on top of its key, value and headers (batch and record framing)."""

REASON_CHARS = 2000
"""A dead letter's reason is cut to this many characters."""

DEAD_LETTER_NAMESPACE = uuid5(NAMESPACE_URL, "orderflow:dead-letter")


class RecordTooLarge(Exception):
    """An outgoing record exceeds what the broker accepts; it is refused before it is stored."""


@dataclass(frozen=True)
class OutgoingRecord:
    """One record for the relay to publish, exactly as it goes on the wire."""

    record_id: str
    """Unique per outbox: the event id, or a dead letter's id derived from what it is about."""
    topic: str
    key: bytes | None
    value: bytes
    headers: dict[str, str]

    @property
    def size(self) -> int:
        header_bytes = sum(len(k.encode()) + len(v.encode()) for k, v in self.headers.items())
        return len(self.key or b"") + len(self.value) + header_bytes + RECORD_OVERHEAD_BYTES


Outgoing = Event | OutgoingRecord
"""What a unit of work may stage: events, or records built here (dead letters)."""


def event_headers(event: Event) -> dict[str, str]:
    """Kafka headers that let ordinary tools filter without parsing the JSON."""
    return {
        "content-type": "application/json",
        "event_type": event.event_type,
        "event_id": str(event.event_id),
        "schema_version": str(event.schema_version),
        "producer": event.producer,
    }


def event_record(
    event: Event,
    max_bytes: int = DEFAULT_MAX_RECORD_BYTES,
    extra_headers: Mapping[str, str] | None = None,
) -> OutgoingRecord:
    """The record of an event; `RecordTooLarge` if the broker would refuse it."""
    record = OutgoingRecord(
        record_id=str(event.event_id),
        topic=event.event_type,
        key=event.kafka_key().encode(),
        value=event.model_dump_json().encode(),
        headers=event_headers(event) | dict(extra_headers or {}),
    )
    if record.size > max_bytes:
        raise RecordTooLarge(
            f"{event.event_type} for {event.kafka_key()[:80]!r} would be {record.size} bytes, "
            f"over the {max_bytes} bytes a record may take"
        )
    return record


def safe_text(text: str, limit: int) -> str:
    """`text` cut to `limit` characters and made encodable (lone surrogates escaped)."""
    cut = text if len(text) <= limit else text[: limit - 1] + "…"
    return cut.encode("utf-8", "backslashreplace").decode("utf-8")


@dataclass(frozen=True)
class Origin:
    """Where a dead-lettered record was read: its topic (as on the broker), partition, offset."""

    topic: str
    partition: int
    offset: int
    key: bytes | None


def dead_letter_id(service: str, message_id: str) -> str:
    """The id of `service`'s dead letter of a message: one per service and message."""
    return str(uuid5(DEAD_LETTER_NAMESPACE, f"{service}\x00{message_id}"))


def dead_letter_record(
    *,
    service: str,
    message_id: str,
    origin: Origin,
    value: bytes,
    reason: str,
    failed_at: datetime,
    max_bytes: int = DEFAULT_MAX_RECORD_BYTES,
) -> OutgoingRecord:
    """A dead letter: the original value under its original key, with headers saying where it
    came from, which service gave up on it and why. One per service and message: its id is
    derived from both, so dead-lettering the same record twice stores one row."""
    record_id = dead_letter_id(service, message_id)
    headers = {
        "dlq.id": record_id,
        "dlq.reason": safe_text(reason, REASON_CHARS),
        "dlq.source.topic": origin.topic,
        "dlq.source.partition": str(origin.partition),
        "dlq.source.offset": str(origin.offset),
        "dlq.service": service,
        "dlq.failed_at": failed_at.isoformat(),
    }
    key = origin.key if origin.key is None or len(origin.key) <= 1024 else origin.key[:1024]
    record = OutgoingRecord(
        record_id=record_id,
        topic=DEAD_LETTER,
        key=key,
        value=value,
        headers=headers,
    )
    if record.size <= max_bytes:
        return record
    headers |= {
        "dlq.truncated": "true",
        "dlq.original.size": str(len(value)),
        "dlq.original.sha256": hashlib.sha256(value).hexdigest(),
    }
    room = max_bytes - OutgoingRecord(record.record_id, DEAD_LETTER, key, b"", headers).size
    return OutgoingRecord(record.record_id, DEAD_LETTER, key, value[: max(room, 0)], headers)


def latest_per_key(records: Sequence[Outgoing], compacted: Collection[str]) -> list[Outgoing]:
    """Of the events on compacted topics (state, not history: the latest record per key is
    what counts), keep only the last per key; everything else stays as it is, in order."""
    last: dict[tuple[str, str], int] = {}
    for index, item in enumerate(records):
        if isinstance(item, Event) and item.event_type in compacted:
            last[(item.event_type, item.kafka_key())] = index
    return [
        item
        for index, item in enumerate(records)
        if not (isinstance(item, Event) and item.event_type in compacted)
        or last[(item.event_type, item.kafka_key())] == index
    ]


async def append(
    connection: AsyncConnection,
    outbox: Table,
    records: Sequence[Outgoing],
    now: datetime,
    max_bytes: int = DEFAULT_MAX_RECORD_BYTES,
    traceparent: Callable[[Outgoing], str | None] | None = None,
) -> int:
    """Stage records for publication inside the caller's transaction, in one statement;
    returns how many. Raises `RecordTooLarge` before writing anything if one is too large.
    With `traceparent`, each record gets the trace header it gives (`shared.tracing`)."""

    def traced(item: Outgoing) -> dict[str, str]:
        header = traceparent(item) if traceparent is not None else None
        return {TRACEPARENT: header} if header else {}

    def record(item: Outgoing) -> OutgoingRecord:
        if not isinstance(item, OutgoingRecord):
            return event_record(item, max_bytes, traced(item))
        with_trace = replace(item, headers=item.headers | traced(item))
        return with_trace if with_trace.size <= max_bytes else item  # a full dead letter

    rows = [record(item) for item in records]
    if not rows:
        return 0
    await connection.execute(
        insert(outbox),
        [
            {
                "event_id": row.record_id,
                "topic": row.topic,
                "message_key": row.key,
                "payload": row.value,
                "headers": json.dumps(row.headers),
                "created_at": now,
                "published_at": None,
            }
            for row in rows
        ],
    )
    return len(rows)
