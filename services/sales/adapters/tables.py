"""Sales' own database tables."""

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    Integer,
    MetaData,
    String,
    Table,
    UniqueConstraint,
)

from shared.db.messaging_tables import add_messaging_tables

metadata = MetaData()
inbox, outbox = add_messaging_tables(metadata)

orders = Table(
    "orders",
    metadata,
    Column("order_id", String(40), primary_key=True),
    Column("submitter", String(100), nullable=False),
    Column("customer_reference", String(100), nullable=False),
    Column("customer_id", String(100), nullable=False),
    Column("channel", String(20), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("lines", JSON, nullable=False),
    Column("requested_delivery_date", Date, nullable=False),
    Column("delivery_address", JSON, nullable=False),
    Column("contact", JSON, nullable=False),
    Column("status", String(20), nullable=False),
    Column("confirmed_delivery_date", Date, nullable=True),
    Column("shipped", Boolean, nullable=False),
    Column("settled", Boolean, nullable=False),
    Column("outcome", String(20), nullable=True),
    Column("decline_reason", String(1000), nullable=False),
    UniqueConstraint("submitter", "customer_reference", name="uq_orders_submission"),
)

order_number_counters = Table(
    "order_number_counters",
    metadata,
    Column("year", Integer, primary_key=True),
    Column("last_number", Integer, nullable=False),
)
