"""Production's own database tables."""

from sqlalchemy import JSON, Column, Date, MetaData, String, Table, UniqueConstraint

from shared.db.messaging_tables import add_messaging_tables

metadata = MetaData()
inbox, outbox = add_messaging_tables(metadata)

production_orders = Table(
    "production_orders",
    metadata,
    Column("order_id", String(40), primary_key=True),
    Column("production_order_id", String(50), nullable=False),
    Column("lines", JSON, nullable=True),
    Column("requested_delivery_date", Date, nullable=True),
    Column("release", String(20), nullable=True),
    Column("confirmed_delivery_date", Date, nullable=True),
    Column("status", String(20), nullable=False),
    Column("ready_on", Date, nullable=True),
    Column("outcome", String(20), nullable=True),
    UniqueConstraint("production_order_id", name="uq_production_orders_number"),
)
