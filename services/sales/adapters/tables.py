"""Sales' own database tables."""

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
from shared.db.messaging_tables import BigIntId, add_messaging_tables
from shared.db.types import MoneyType, UtcDateTime

metadata = MetaData()
inbox, outbox = add_messaging_tables(metadata)
attempts = add_attempts_table(metadata)

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
    Column("stated_total", MoneyType(), nullable=True),
    Column("requested_delivery_date", Date, nullable=False),
    Column("delivery_address", JSON, nullable=True),
    Column("contact", JSON, nullable=False),
    Column("payment_terms", String(40), nullable=True),
    Column("status", String(40), nullable=False),
    Column("reasons", JSON, nullable=False),
    Column("tier", String(1), nullable=True),
    Column("confirmed_delivery_date", Date, nullable=True),
    Column("confirmation_sent_on", Date, nullable=True),
    Column("deposit_amount", MoneyType(), nullable=True),
    Column("paid_total", MoneyType(), nullable=False),
    Column("signed_received_on", Date, nullable=True),
    Column("days_late", Integer, nullable=True),
    Column("expected_delivery_date", Date, nullable=True),
    Column("released", Boolean, nullable=False),
    Column("release_gate", String(40), nullable=True),
    Column("manual_hold", String(1000), nullable=True),
    Column("shipped", Boolean, nullable=False),
    Column("delivered", Boolean, nullable=False),
    Column("deliveries", JSON, nullable=False),
    Column("settled", Boolean, nullable=False),
    Column("outcome", String(20), nullable=True),
    Column("decline_reason", String(1000), nullable=False),
    Column("awaiting_new_delivery_date", Boolean, nullable=False),
    Column("version", Integer, nullable=False, server_default="1"),
    Column("open_change", Integer, nullable=True),
    Column("confirmation_version", Integer, nullable=False, server_default="1"),
    Column("release_version", Integer, nullable=False, server_default="0"),
    Column("replacement_for", JSON, nullable=True),
    Column("requirements", String(1000), nullable=False, server_default=""),
    UniqueConstraint(
        "submitter", "customer_id", "customer_reference", name="uq_orders_submission_customer"
    ),
    Index("ix_orders_status", "status", "order_id"),
)

order_changes = Table(
    "order_changes",
    metadata,
    Column("change_id", String(50), primary_key=True),
    Column("order_id", String(40), nullable=False),
    Column("change_no", Integer, nullable=False),
    Column("based_on", Integer, nullable=False),
    Column("kinds", JSON, nullable=False),
    Column("stage", String(30), nullable=False),
    Column("lines", JSON, nullable=False),
    Column("previous_total", MoneyType(), nullable=False),
    Column("requested_delivery_date", Date, nullable=False),
    Column("reason", String(1000), nullable=False),
    Column("via", String(20), nullable=False),
    Column("requested", JSON, nullable=True),
    Column("requested_at", UtcDateTime(), nullable=False),
    Column("status", String(20), nullable=False),
    Column("answers", JSON, nullable=False),
    Column("charge", MoneyType(), nullable=True),
    Column("charge_reason", String(1000), nullable=False),
    Column("decided", JSON, nullable=True),
    Column("outcome_reason", String(1000), nullable=False),
    Column("refused_by", String(20), nullable=True),
    Column("verdict", String(10), nullable=False, server_default=""),
    Column("confirmed_delivery_date", Date, nullable=True),
    Column("requirements", String(1000), nullable=False, server_default=""),
    UniqueConstraint("order_id", "change_no", name="uq_order_changes_number"),
)
"""Every change of an order, numbered from 2 (P7.1)."""

order_number_counters = Table(
    "order_number_counters",
    metadata,
    Column("year", Integer, primary_key=True),
    Column("last_number", Integer, nullable=False),
)

order_decisions = Table(
    "order_decisions",
    metadata,
    Column("id", BigIntId, primary_key=True, autoincrement=True),
    Column("order_id", String(40), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("user_name", String(100), nullable=False),
    Column("role", String(40), nullable=False),
    Column("decided_at", UtcDateTime(), nullable=False),
    Column("detail", String(1000), nullable=False),
    Index("ix_order_decisions_order", "order_id", "id"),
)
"""Who decided what on an order, and when (P7.6, P8.1)."""

order_delays = Table(
    "order_delays",
    metadata,
    Column("id", BigIntId, primary_key=True, autoincrement=True),
    Column("order_id", String(40), nullable=False),
    Column("event_id", String(36), nullable=False),
    Column("production_order_id", String(50), nullable=False),
    Column("cause", String(40), nullable=False),
    Column("confirmed_delivery_date", Date, nullable=False),
    Column("expected_delivery_date", Date, nullable=False),
    Column("reason", String(1000), nullable=False),
    Column("reported_at", UtcDateTime(), nullable=False),
    UniqueConstraint("event_id", name="uq_order_delays_event"),
    Index("ix_order_delays_order", "order_id", "id"),
)
"""Production's delay reports on an order, one row per order.delayed event (P4.10)."""

order_history = Table(
    "order_history",
    metadata,
    Column("event_id", String(36), primary_key=True),
    Column("order_id", String(40), nullable=False),
    Column("occurred_at", UtcDateTime(), nullable=False),
    Column("event_type", String(60), nullable=False),
    Column("producer", String(40), nullable=False),
    Column("causation_id", String(36), nullable=True),
    Column("actors", JSON, nullable=False),
    Column("summary", String(500), nullable=False),
    Column("payload", JSON, nullable=False),
    Index("ix_order_history_order", "order_id", "occurred_at"),
)
"""Every event about an order seen on the bus, from every department (P7.6, P8.3, P8.4)."""

order_steps = Table(
    "order_steps",
    metadata,
    Column("order_id", String(40), primary_key=True),
    Column("step", String(40), primary_key=True),
    Column("owner_role", String(100), nullable=False),
    Column("opened_at", UtcDateTime(), nullable=True),
    Column("warn_at", UtcDateTime(), nullable=True),
    Column("due_at", UtcDateTime(), nullable=True),
    Column("closed_at", UtcDateTime(), nullable=True),
    Column("flagged", String(10), nullable=True),
    Column("subject", Integer, nullable=False, server_default="0"),
    Column("return_no", Integer, primary_key=True, autoincrement=False, server_default="0"),
    Index("ix_order_steps_watch", "closed_at", "warn_at"),
)
"""Each order's steps with their owner and deadline, and the flag each has had (P8.2); a
return's steps once per return (`return_no`, n of RT-<order id>-<n>; 0 for the other steps)."""

work_items = Table(
    "work_items",
    metadata,
    Column("item_id", String(36), primary_key=True),
    Column("order_id", String(40), nullable=False),
    Column("kind", String(60), nullable=False),
    Column("owner_role", String(100), nullable=False),
    Column("summary", String(1000), nullable=False),
    Column("opened_at", UtcDateTime(), nullable=False),
    Column("closed_at", UtcDateTime(), nullable=True),
    Column("closed_by", String(300), nullable=True),
    Column("detail", String(100), nullable=True),
    Index("ix_work_items_queue", "owner_role", "closed_at", "opened_at"),
    Index("ix_work_items_order", "order_id", "kind"),
)
"""Escalations waiting for a person (P8.2): the work queue."""

customers = Table(
    "customers",
    metadata,
    Column("customer_id", String(100), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("tier", String(1), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("credit_limit", MoneyType(), nullable=False),
    Column("payment_terms", JSON, nullable=False),
    Column("deposit_percent", MoneyType(), nullable=False),
)
"""Sales owns customers (P1.4); others receive them as customer.updated."""

products = Table(
    "products",
    metadata,
    Column("product_code", String(100), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("list_price", MoneyType(), nullable=False),
    Column("max_discount_percent", MoneyType(), nullable=False),
    Column("is_new", Boolean, nullable=False),
    Column("samples_confirmed", Boolean, nullable=False),
    Column("bom_ready", Boolean, nullable=False),
    Column("drawings_ready", Boolean, nullable=False),
    Column("specification_ready", Boolean, nullable=False),
    Column("qa_level", Integer, nullable=False),
)
"""Sales owns the product list and price list (P1.3); others receive it as product.updated."""
