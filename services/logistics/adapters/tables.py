"""Logistics' own database tables."""

from sqlalchemy import JSON, Column, Date, MetaData, String, Table, UniqueConstraint

from shared.db.messaging_tables import add_messaging_tables

metadata = MetaData()
inbox, outbox = add_messaging_tables(metadata)

shipments = Table(
    "shipments",
    metadata,
    Column("shipment_id", String(50), primary_key=True),
    Column("order_id", String(40), nullable=False),
    Column("production_order_id", String(50), nullable=False),
    Column("lines", JSON, nullable=False),
    Column("ready_on", Date, nullable=False),
    Column("status", String(20), nullable=False),
    Column("released_by", String(100), nullable=True),
    Column("carrier", String(100), nullable=True),
    Column("tracking_number", String(100), nullable=True),
    Column("dispatched_on", Date, nullable=True),
    Column("outcome", String(20), nullable=True),
    UniqueConstraint("order_id", name="uq_shipments_order"),
)
