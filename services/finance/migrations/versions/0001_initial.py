"""Finance's first schema: accounts, invoices, payments, unmatched payments, payment numbers,
inbox and outbox.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

from shared.db.migration_ops import create_messaging_tables, drop_messaging_tables
from shared.db.types import MoneyType

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_messaging_tables()
    op.create_table(
        "accounts",
        sa.Column("order_id", sa.String(40), primary_key=True),
        sa.Column("customer_id", sa.String(100), nullable=True),
        sa.Column("currency", sa.String(3), nullable=True),
        sa.Column("total_amount", MoneyType(), nullable=True),
        sa.Column("paid_total", MoneyType(), nullable=False),
        sa.Column("shipped_on", sa.Date, nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("outcome", sa.String(20), nullable=True),
    )
    op.create_table(
        "invoices",
        sa.Column("invoice_number", sa.String(50), primary_key=True),
        sa.Column("order_id", sa.String(40), nullable=False),
        sa.Column("amount", MoneyType(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("issued_on", sa.Date, nullable=False),
        sa.Column("due_date", sa.Date, nullable=False),
        sa.UniqueConstraint("order_id", name="uq_invoices_order"),
    )
    op.create_table(
        "payments",
        sa.Column("payment_id", sa.String(40), primary_key=True),
        sa.Column("order_id", sa.String(40), nullable=False),
        sa.Column("bank_transaction_id", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("amount", MoneyType(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("booked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("payer", sa.String(200), nullable=False),
        sa.UniqueConstraint("bank_transaction_id", name="uq_payments_bank_transaction"),
    )
    op.create_index("ix_payments_order_id", "payments", ["order_id"])
    op.create_table(
        "unmatched_payments",
        sa.Column("bank_transaction_id", sa.String(200), primary_key=True),
        sa.Column("order_reference", sa.String(200), nullable=False),
        sa.Column("amount", MoneyType(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("booked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("payer", sa.String(200), nullable=False),
        sa.Column("reason", sa.String(1000), nullable=False),
    )
    op.create_table(
        "payment_number_counters",
        sa.Column("year", sa.Integer, primary_key=True),
        sa.Column("last_number", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("payment_number_counters")
    op.drop_table("unmatched_payments")
    op.drop_index("ix_payments_order_id", "payments")
    op.drop_table("payments")
    op.drop_table("invoices")
    op.drop_table("accounts")
    drop_messaging_tables()
