"""Review's own database tables."""

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
    false,
)

from shared.db.attempts_table import add_attempts_table
from shared.db.messaging_tables import add_messaging_tables
from shared.db.types import MoneyType, UtcDateTime

metadata = MetaData()
inbox, outbox = add_messaging_tables(metadata)
attempts = add_attempts_table(metadata)

reviews = Table(
    "reviews",
    metadata,
    Column("order_id", String(40), primary_key=True),
    Column("customer_id", String(100), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("total_amount", MoneyType(), nullable=False),
    Column("requested_delivery_date", Date, nullable=False),
    Column("status", String(20), nullable=False),
    Column("confirmed_delivery_date", Date, nullable=True),
    Column("decline_reason", String(1000), nullable=False),
    Column("outcome", String(20), nullable=True),
    Column("payment_terms", String(50), nullable=True),
    Column("lines", JSON, nullable=True),
    Column("received_at", UtcDateTime(), nullable=False),
    Column("deadline", UtcDateTime(), nullable=False),
    Column("escalated_at", UtcDateTime(), nullable=True),
    Column("missing_master_data", JSON, nullable=True),
    Column("findings", JSON, nullable=True),
    Column("general_manager_reasons", JSON, nullable=True),
    Column("approvals", JSON, nullable=True),
    Column("answers", JSON, nullable=True),
    Column("negotiation", JSON, nullable=True),
    Column("feasible_delivery_date", Date, nullable=True),
    Column("entered_by", String(100), nullable=True),
    Column("delivery_date", Date, nullable=True),
    Column("delivery_date_final", Boolean, nullable=False, server_default=false()),
    Column("confirmed_at", UtcDateTime(), nullable=True),
    Column("version", Integer, nullable=False, server_default="1"),
    Column("acknowledged_change", Integer, nullable=False, server_default="0"),
    Column("rounds", JSON, nullable=True),
    Column("amending", Integer, nullable=True),
    Column("replacement", JSON, nullable=True),
    Index("ix_reviews_status_deadline", "status", "deadline"),
    Index("ix_reviews_customer_status", "customer_id", "status"),
)
"""One row per placed order: the review and its decisions so far (who, in which role, when).
Open reviews are found by status; overdue ones by status and deadline (P8.2); a customer's
approved orders not yet confirmed by customer and status (P6.4). `version` is the highest change
applied, `acknowledged_change` the highest answered, `rounds` the rounds a change ended,
`amending` the change after confirmation the open round reviews (P7.1, P7.3, P7.4)."""

parked_assessments = Table(
    "parked_assessments",
    metadata,
    Column("order_id", String(40), primary_key=True),
    Column("production", JSON, nullable=False),
    Column("purchasing", JSON, nullable=False),
    Column("received_at", UtcDateTime(), nullable=False),
)
"""Feasibility answers that arrived before their order: applied when the review opens."""

customers = Table(
    "customers",
    metadata,
    Column("customer_id", String(100), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("tier", String(1), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("credit_limit", MoneyType(), nullable=False),
    Column("payment_terms", JSON, nullable=False),
)
"""The latest `customer.updated` per customer (sales owns customers)."""

products = Table(
    "products",
    metadata,
    Column("product_code", String(100), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("is_new", Boolean, nullable=False),
    Column("samples_confirmed", Boolean, nullable=False),
    Column("bom_ready", Boolean, nullable=False),
    Column("drawings_ready", Boolean, nullable=False),
    Column("specification_ready", Boolean, nullable=False),
    Column("qa_level", Integer, nullable=False),
)
"""The latest `product.updated` per product (sales owns products)."""

balances = Table(
    "balances",
    metadata,
    Column("customer_id", String(100), primary_key=True),
    Column("currency", String(3), nullable=False),
    Column("open_balance", MoneyType(), nullable=False),
)
"""The latest `balance.updated` per customer (finance owns balances)."""

collection_escalations = Table(
    "collection_escalations",
    metadata,
    Column("invoice_number", String(50), primary_key=True),
    Column("customer_id", String(100), nullable=False),
    Column("step", String(20), nullable=False),
    Column("escalated", Boolean, nullable=False),
    Column("stepped_at", UtcDateTime(), nullable=False),
    Index("ix_collection_escalations_customer", "customer_id", "escalated"),
)
"""The latest `collection.stepped` per invoice (finance owns collection): whether chasing it is
escalated, so the customer's new orders need the general manager (P6.3). A cleared invoice, or
one no longer escalated, keeps its row with `escalated` false, so an older step arriving late
cannot bring it back."""
