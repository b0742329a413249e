"""Production's first schema: production orders, inbox and outbox.

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
        "production_orders",
        sa.Column("order_id", sa.String(40), primary_key=True),
        sa.Column("production_order_id", sa.String(50), nullable=False),
        sa.Column("lines", sa.JSON, nullable=True),
        sa.Column("requested_delivery_date", sa.Date, nullable=True),
        sa.Column("release", sa.String(20), nullable=True),
        sa.Column("confirmed_delivery_date", sa.Date, nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("ready_on", sa.Date, nullable=True),
        sa.Column("outcome", sa.String(20), nullable=True),
        sa.UniqueConstraint("production_order_id", name="uq_production_orders_number"),
    )


def downgrade() -> None:
    op.drop_table("production_orders")
    drop_messaging_tables()
