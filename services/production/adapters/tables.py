"""Production's own database tables."""

from sqlalchemy import (
    JSON,
    Column,
    Date,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    UniqueConstraint,
)

from shared.db.messaging_tables import add_messaging_tables
from shared.db.types import QuantityType

metadata = MetaData()
inbox, outbox = add_messaging_tables(metadata)

production_orders = Table(
    "production_orders",
    metadata,
    Column("order_id", String(40), primary_key=True),
    Column("production_order_id", String(50), nullable=False),
    Column("customer_id", String(100), nullable=True),
    Column("lines", JSON, nullable=True),
    Column("requested_delivery_date", Date, nullable=True),
    Column("assessment", JSON, nullable=True),
    Column("booked_week", String(10), nullable=True),
    Column("booked_units", Integer, nullable=True),
    Column("release", String(40), nullable=True),
    Column("confirmed_delivery_date", Date, nullable=True),
    Column("status", String(20), nullable=False),
    Column("ready_on", Date, nullable=True),
    Column("outcome", String(20), nullable=True),
    UniqueConstraint("production_order_id", name="uq_production_orders_number"),
    Index("ix_production_orders_booked_week", "booked_week"),
)
"""One row per customer order; `booked_week`/`booked_units` is its capacity booking (P4.5),
`release` the gate that released it (P3.2, P3.3)."""

materials = Table(
    "materials",
    metadata,
    Column("material_code", String(50), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("unit", String(20), nullable=False),
    Column("on_hand", QuantityType(), nullable=False),
    Column("reserved", QuantityType(), nullable=False),
    Column("lead_time_days", Integer, nullable=True),
    Column("supplier", String(200), nullable=False),
)
"""Material master and stock (P4.2, P4.3). `on_hand` comes from the seed; `reserved` is the sum
of every order's reservations, kept by production."""

bill_of_materials = Table(
    "bill_of_materials",
    metadata,
    Column("product_code", String(50), primary_key=True),
    Column("material_code", String(50), primary_key=True),
    Column("quantity_per_unit", QuantityType(), nullable=False),
)

weekly_capacity = Table(
    "weekly_capacity",
    metadata,
    Column("week", String(10), primary_key=True),
    Column("units", Integer, nullable=False),
)
"""Finished units per ISO week ('2031-W32'); the row 'default' holds every other week's."""

material_reservations = Table(
    "material_reservations",
    metadata,
    Column("order_id", String(40), primary_key=True),
    Column("material_code", String(50), primary_key=True),
    Column("reserved", QuantityType(), nullable=False),
    Column("to_purchase", QuantityType(), nullable=False),
)
"""What the warehouse set aside for an order (P4.2) and what purchasing buys for it (P4.3)."""
