"""The inbox and outbox tables every service's database carries."""

from sqlalchemy import (
    BigInteger,
    Column,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
)

from shared.db.types import UtcDateTime

BigIntId = BigInteger().with_variant(Integer(), "sqlite")


def add_messaging_tables(metadata: MetaData) -> tuple[Table, Table]:
    """Declare `inbox` and `outbox` in a service's metadata; returns (inbox, outbox). An outbox
    row is a record as it goes on the wire: key and value are bytes (a dead letter's value is
    whatever was consumed), the headers JSON text."""
    inbox = Table(
        "inbox",
        metadata,
        Column("message_id", String(200), primary_key=True),
        Column("topic", String(200), nullable=False),
        Column("received_at", UtcDateTime(), nullable=False),
    )
    outbox = Table(
        "outbox",
        metadata,
        Column("id", BigIntId, primary_key=True, autoincrement=True),
        Column("event_id", String(36), nullable=False, unique=True),
        Column("topic", String(200), nullable=False),
        Column("message_key", LargeBinary, nullable=True),
        Column("payload", LargeBinary, nullable=False),
        Column("headers", Text, nullable=False),
        Column("created_at", UtcDateTime(), nullable=False),
        Column("published_at", UtcDateTime(), nullable=True),
        Index("ix_outbox_unpublished", "published_at", "id"),
    )
    return inbox, outbox
