"""Logistics' own database tables."""

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    UniqueConstraint,
)

from shared.db.attempts_table import add_attempts_table
from shared.db.messaging_tables import add_messaging_tables
from shared.db.types import UtcDateTime

metadata = MetaData()
inbox, outbox = add_messaging_tables(metadata)
attempts = add_attempts_table(metadata)

shipping_orders = Table(
    "shipping_orders",
    metadata,
    Column("order_id", String(40), primary_key=True),
    Column("document", JSON, nullable=False),
)
"""Per order: what was ordered, the tier and date, what was produced and taken (P5.1)."""

shipments = Table(
    "shipments",
    metadata,
    Column("shipment_id", String(50), primary_key=True),
    Column("order_id", String(40), nullable=False, index=True),
    Column("status", String(20), nullable=False),
    Column("production_order_id", String(50), nullable=True),
    Column("released_by", String(100), nullable=True),
    Column("carrier", String(100), nullable=True),
    Column("tracking_number", String(100), nullable=True),
    Column("expected_delivery_on", Date, nullable=True),
    Column("escalate_at", UtcDateTime(), nullable=True),
    Column("late_reported", Boolean, nullable=False),
    Column("held_for", Integer, nullable=True),
    Column("document", JSON, nullable=False),
    Index("ix_shipments_status_expected", "status", "expected_delivery_on"),
    Index("ix_shipments_escalate_at", "escalate_at"),
)
"""One shipment's life (P5.1 to P5.6); the deadline rounds find theirs by the indexed
columns."""

waybills = Table(
    "waybills",
    metadata,
    Column("waybill", String(100), primary_key=True),
    Column("shipment_id", String(50), nullable=False),
    Column("order_id", String(40), nullable=False),
)
"""A waybill number belongs to exactly one shipment (P5.4): the key keeps two replicas from
both taking it."""

customer_returns = Table(
    "customer_returns",
    metadata,
    Column("return_number", String(50), primary_key=True),
    Column("order_id", String(40), nullable=False, index=True),
    Column("return_no", Integer, nullable=False),
    Column("shipment_id", String(50), nullable=False),
    Column("status", String(20), nullable=False),
    Column("remedy", String(20), nullable=False),
    Column("requested_by", String(100), nullable=False),
    Column("decided_by", String(100), nullable=True),
    Column("received_by", String(100), nullable=True),
    Column("inspected_by", String(100), nullable=True),
    Column("sent_back_by", String(100), nullable=True),
    Column("carrier", String(100), nullable=True),
    Column("tracking_number", String(100), nullable=True),
    Column("updated_at", UtcDateTime(), nullable=False),
    Column("document", JSON, nullable=False),
    UniqueConstraint("order_id", "return_no", name="uq_customer_returns_order_no"),
)
"""A customer's return of delivered goods, RT-<order id>-<n> (P7.5): its steps, each signed
(user, role and time in the document, the user in the step's column), the lines asked for,
received and inspected in the document. n is counted on the order's shipping row, locked;
the unique key keeps two replicas from both taking it."""
