"""Production's own database tables."""

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
from shared.db.types import QuantityType

metadata = MetaData()
inbox, outbox = add_messaging_tables(metadata)
attempts = add_attempts_table(metadata)

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
    Column("safety_stock", Boolean, nullable=False, default=False),
    Column("booked_start", Date, nullable=True),
    Column("booked_ready", Date, nullable=True),
    Column("urgency", JSON, nullable=True),
    Column("materials", JSON, nullable=True),
    Column("started", JSON, nullable=True),
    Column("operations", JSON, nullable=True),
    Column("inspections", JSON, nullable=True),
    Column("receipts", JSON, nullable=True),
    Column("reported_delivery", Date, nullable=True),
    Column("version", Integer, nullable=False, server_default="1"),
    Column("settled", Integer, nullable=False, server_default="1"),
    Column("answered", Integer, nullable=False, server_default="1"),
    Column("assessed_version", Integer, nullable=False, server_default="0"),
    Column("held_for", Integer, nullable=True),
    Column("release_version", Integer, nullable=False, server_default="0"),
    Column("release_lines", JSON, nullable=True),
    Column("applied_lines", JSON, nullable=True),
    Column("made_before", Integer, nullable=False, server_default="0"),
    UniqueConstraint("production_order_id", name="uq_production_orders_number"),
    Index("ix_production_orders_booked_week", "booked_week"),
)
"""One row per customer order (or safety-stock order); `booked_week`/`booked_units` is its
capacity booking (P4.5), `release` the gate that released it (P3.2, P3.3); `version` the highest
change applied, `held_for` the open change that holds its start (P7.2); `release_version` and
`release_lines` the highest `order.released` taken, `applied_lines` the highest version's lines
(rule 3), `made_before` the units received before a restart for an increase (P7.3); its
material list, operations, inspection requests and receipts are JSON, read and written with
the order."""

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
    Column("urgent", Boolean, nullable=False, default=False),
    Column("needed_by", Date, nullable=True),
    Column("started", Boolean, nullable=False, default=False),
    Index("ix_material_reservations_material", "material_code"),
)
"""What the warehouse set aside for an order (P4.2) and what purchasing buys for it (P4.3)."""


def _document(name: str, *columns: Column[object]) -> Table:
    """A document people look up by number: a few columns to find it by, the rest as JSON."""
    return Table(
        name,
        metadata,
        Column("number", String(20), primary_key=True),
        Column("status", String(30), nullable=False, index=True),
        *columns,
        Column("document", JSON, nullable=False),
    )


requisitions = _document(
    "requisitions",
    Column("order_id", String(40), nullable=False, index=True),
    Column("material_code", String(50), nullable=False),
)
"""Purchase requisitions (P4.3)."""
purchase_orders = _document(
    "purchase_orders",
    Column("order_id", String(40), nullable=False, index=True),
    Column("material_code", String(50), nullable=False),
)
"""Purchase orders to suppliers (P4.3), the raw-material statistics."""
deliveries = _document("deliveries", Column("purchase_order", String(20), nullable=True))
"""Supplier deliveries and their incoming inspection (P4.4)."""
supplier_returns = _document("supplier_returns")
"""Rejected material going back to suppliers (P4.4)."""
safety_stock_requests = _document("safety_stock_requests")
"""Requests to build safety stock (P4.7)."""

finished_stock = Table(
    "finished_stock",
    metadata,
    Column("product_code", String(50), primary_key=True),
    Column("units", Integer, nullable=False),
)
"""Free finished goods, from safety-stock orders (P4.7)."""

document_counters = Table(
    "document_counters",
    metadata,
    Column("kind", String(10), primary_key=True),
    Column("last_number", Integer, nullable=False),
)
"""The last number given to each kind of document (PR, PO, GR, SR, SS)."""

routings = Table(
    "routings",
    metadata,
    Column("product_code", String(50), primary_key=True),
    Column("operations", JSON, nullable=False),
)
"""Each product's operations, in order (P4.8), from the seed."""
