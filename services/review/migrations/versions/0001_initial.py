"""Review's first schema: reviews, inbox and outbox.

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
        "reviews",
        sa.Column("order_id", sa.String(40), primary_key=True),
        sa.Column("customer_id", sa.String(100), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("total_amount", MoneyType(), nullable=False),
        sa.Column("requested_delivery_date", sa.Date, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("confirmed_delivery_date", sa.Date, nullable=True),
        sa.Column("decline_reason", sa.String(1000), nullable=False),
        sa.Column("outcome", sa.String(20), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("reviews")
    drop_messaging_tables()
