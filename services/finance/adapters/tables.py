"""Finance's own database tables."""

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

from services.finance.domain.balance import BALANCE_PRECISION
from shared.contracts.bounds import MONEY_SCALE
from shared.db.attempts_table import add_attempts_table
from shared.db.messaging_tables import add_messaging_tables
from shared.db.types import ExactDecimal, MoneyType, UtcDateTime

BALANCE_TEXT_LENGTH = BALANCE_PRECISION + 8
"""The exact running balance as text on SQLite: its digits, sign and point, with room."""

metadata = MetaData()
inbox, outbox = add_messaging_tables(metadata)
attempts = add_attempts_table(metadata)

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
    Column("delivery_date_source", String(10), nullable=True),
    Column("delivery_date_version", Integer, nullable=False, default=1),
    Column("deposit_amount", MoneyType(), nullable=False),
    Column("deposit_requested", Boolean, nullable=False, default=False),
    Column("lines", JSON, nullable=True),
    Column("payment_terms", String(40), nullable=True),
    Column("tier", String(1), nullable=True),
    Column("credit_used", MoneyType(), nullable=False, default=0),
    Column("credit_available", MoneyType(), nullable=False, default=0),
    Column("valued", JSON, nullable=True),
    Column("checks", JSON, nullable=True),
    Column("shipped", JSON, nullable=True),
    Column("invoices", JSON, nullable=True),
    Column("next_collection_on", Date, nullable=True),
    Column("version", Integer, nullable=False, default=1),
    Column("confirmed_version", Integer, nullable=False, default=1),
    Column("acknowledged_change", Integer, nullable=False, default=1),
    Column("charged", MoneyType(), nullable=False, default=0),
    Column("credited", MoneyType(), nullable=False, default=0),
    Column("credit_notes", JSON, nullable=True),
    Index("ix_accounts_next_collection_on", "next_collection_on"),
)
"""One row per order: the account whole (P5.2, P6.1 to P6.4); its checks, shipments and
invoices as JSON. `invoices` and `payment_checks` below index them for people's lists."""

invoices = Table(
    "invoices",
    metadata,
    Column("invoice_number", String(50), primary_key=True),
    Column("order_id", String(40), nullable=False),
    Column("amount", MoneyType(), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("issued_on", Date, nullable=False),
    Column("due_date", Date, nullable=False),
    Column("kind", String(20), nullable=False, default="invoice"),
    Column("shipment_id", String(50), nullable=True),
    Column("customer_id", String(100), nullable=True),
    Column("payment_terms", String(40), nullable=True),
    Column("note", String(1000), nullable=False, default=""),
    Column("unpaid", MoneyType(), nullable=False),
    Column("step", String(20), nullable=True),
    Column("escalated", Boolean, nullable=False, default=False),
    Column("promised_on", Date, nullable=True),
    Column("voided", Boolean, nullable=False, default=False),
    Index("ix_invoices_order_id", "order_id"),
    Index("ix_invoices_customer_step", "customer_id", "step"),
)
"""Every invoice and pro-forma with what is unpaid of it and its collection step (P6.3)."""

credit_notes = Table(
    "credit_notes",
    metadata,
    Column("credit_note_number", String(50), primary_key=True),
    Column("order_id", String(40), nullable=False),
    Column("return_number", String(50), nullable=False),
    Column("customer_id", String(100), nullable=True),
    Column("amount", MoneyType(), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("issued_on", Date, nullable=False),
    Column("lines", JSON, nullable=False),
    Index("ix_credit_notes_order_id", "order_id"),
)
"""Every credit note for returned goods (P7.5), once per return."""

payment_checks = Table(
    "payment_checks",
    metadata,
    Column("shipment_id", String(50), primary_key=True),
    Column("order_id", String(40), nullable=False),
    Column("customer_id", String(100), nullable=True),
    Column("status", String(20), nullable=False),
    Column("tier", String(1), nullable=True),
    Column("amount", MoneyType(), nullable=True),
    Column("currency", String(3), nullable=True),
    Column("credit_exception", Boolean, nullable=False, default=False),
    Column("reason", String(1000), nullable=False, default=""),
    Column("requested_at", UtcDateTime(), nullable=False),
    Index("ix_payment_checks_status", "status"),
)
"""Each shipment's payment check (P5.2), by shipment."""

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
    Column("status", String(20), nullable=False, default="open"),
    Column("reference_key", String(200), nullable=False, default=""),
    Column("order_id", String(40), nullable=True),
    Column("resolved", JSON, nullable=True),
    Column("note", String(1000), nullable=False, default=""),
    Index("ix_unmatched_payments_reference", "reference_key", "status"),
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
    Column("credit_limit", MoneyType(), nullable=False, default=0),
    Column("payment_terms", JSON, nullable=True),
)
"""The latest customer record sales published on customer.updated."""

customer_balances = Table(
    "customer_balances",
    metadata,
    Column("customer_id", String(100), primary_key=True),
    Column("currency", String(3), nullable=False),
    Column(
        "open_balance",
        ExactDecimal(BALANCE_PRECISION, MONEY_SCALE, text_length=BALANCE_TEXT_LENGTH),
        nullable=False,
    ),
    Column("overdue_invoices", Integer, nullable=False, default=0),
)
"""Each customer's open balance on confirmed orders (P6.4), kept as an exact running total
(NUMERIC(32,2): the sum of a customer's orders may exceed the money column; what is published is
saturated at MAX_MONEY), and how many of its invoices are overdue (P6.3)."""
