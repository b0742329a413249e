"""Finance's own database tables."""

from sqlalchemy import (
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

from shared.db.messaging_tables import add_messaging_tables
from shared.db.types import MoneyType, UtcDateTime

metadata = MetaData()
inbox, outbox = add_messaging_tables(metadata)

accounts = Table(
    "accounts",
    metadata,
    Column("order_id", String(40), primary_key=True),
    Column("customer_id", String(100), nullable=True),
    Column("currency", String(3), nullable=True),
    Column("total_amount", MoneyType(), nullable=True),
    Column("paid_total", MoneyType(), nullable=False),
    Column("shipped_on", Date, nullable=True),
    Column("status", String(20), nullable=False),
    Column("outcome", String(20), nullable=True),
    Column("confirmed", Boolean, nullable=False, default=False),
    Column("confirmed_delivery_date", Date, nullable=True),
    Column("deposit_amount", MoneyType(), nullable=False),
    Column("deposit_requested", Boolean, nullable=False, default=False),
)

invoices = Table(
    "invoices",
    metadata,
    Column("invoice_number", String(50), primary_key=True),
    Column("order_id", String(40), nullable=False),
    Column("amount", MoneyType(), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("issued_on", Date, nullable=False),
    Column("due_date", Date, nullable=False),
    UniqueConstraint("order_id", name="uq_invoices_order"),
)

payments = Table(
    "payments",
    metadata,
    Column("payment_id", String(40), primary_key=True),
    Column("order_id", String(40), nullable=False),
    Column("bank_transaction_id", String(200), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("amount", MoneyType(), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("booked_at", UtcDateTime(), nullable=False),
    Column("payer", String(200), nullable=False),
    UniqueConstraint("bank_transaction_id", name="uq_payments_bank_transaction"),
    Index("ix_payments_order_id", "order_id"),
)

unmatched_payments = Table(
    "unmatched_payments",
    metadata,
    Column("bank_transaction_id", String(200), primary_key=True),
    Column("order_reference", String(200), nullable=False),
    Column("amount", MoneyType(), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("booked_at", UtcDateTime(), nullable=False),
    Column("payer", String(200), nullable=False),
    Column("reason", String(1000), nullable=False),
)

payment_number_counters = Table(
    "payment_number_counters",
    metadata,
    Column("year", Integer, primary_key=True),
    Column("last_number", Integer, nullable=False),
)

customers = Table(
    "customers",
    metadata,
    Column("customer_id", String(100), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("tier", String(1), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("deposit_percent", MoneyType(), nullable=False),
)
"""The latest customer record sales published on customer.updated."""

customer_balances = Table(
    "customer_balances",
    metadata,
    Column("customer_id", String(100), primary_key=True),
    Column("currency", String(3), nullable=False),
    Column("open_balance", MoneyType(), nullable=False),
)
"""Each customer's open balance on confirmed orders (P6.4), kept as a running total."""
