"""Sales' first schema: orders, order numbers, inbox and outbox.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

from shared.db.migration_ops import create_messaging_tables, drop_messaging_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_messaging_tables()
    op.create_table(
        "orders",
        sa.Column("order_id", sa.String(40), primary_key=True),
        sa.Column("submitter", sa.String(100), nullable=False),
        sa.Column("customer_reference", sa.String(100), nullable=False),
        sa.Column("customer_id", sa.String(100), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("lines", sa.JSON, nullable=False),
        sa.Column("requested_delivery_date", sa.Date, nullable=False),
        sa.Column("delivery_address", sa.JSON, nullable=False),
        sa.Column("contact", sa.JSON, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("confirmed_delivery_date", sa.Date, nullable=True),
        sa.Column("shipped", sa.Boolean, nullable=False),
        sa.Column("settled", sa.Boolean, nullable=False),
        sa.Column("outcome", sa.String(20), nullable=True),
        sa.Column("decline_reason", sa.String(1000), nullable=False),
        sa.UniqueConstraint("submitter", "customer_reference", name="uq_orders_submission"),
    )
    op.create_table(
        "order_number_counters",
        sa.Column("year", sa.Integer, primary_key=True),
        sa.Column("last_number", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("order_number_counters")
    op.drop_table("orders")
    drop_messaging_tables()
