"""Changes and cancellations of placed orders (P7.1, P7.2, P7.4): the order's applied version,
the change that holds its release, and every change with its departments' answers.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

from shared.db.types import MoneyType, UtcDateTime

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("orders", sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
    op.add_column("orders", sa.Column("open_change", sa.Integer(), nullable=True))
    op.create_table(
        "order_changes",
        sa.Column("change_id", sa.String(50), primary_key=True),
        sa.Column("order_id", sa.String(40), nullable=False),
        sa.Column("change_no", sa.Integer(), nullable=False),
        sa.Column("based_on", sa.Integer(), nullable=False),
        sa.Column("kinds", sa.JSON, nullable=False),
        sa.Column("stage", sa.String(30), nullable=False),
        sa.Column("lines", sa.JSON, nullable=False),
        sa.Column("previous_total", MoneyType(), nullable=False),
        sa.Column("requested_delivery_date", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(1000), nullable=False),
        sa.Column("via", sa.String(20), nullable=False),
        sa.Column("requested", sa.JSON, nullable=True),
        sa.Column("requested_at", UtcDateTime(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("answers", sa.JSON, nullable=False),
        sa.Column("charge", MoneyType(), nullable=True),
        sa.Column("charge_reason", sa.String(1000), nullable=False),
        sa.Column("decided", sa.JSON, nullable=True),
        sa.Column("outcome_reason", sa.String(1000), nullable=False),
        sa.Column("refused_by", sa.String(20), nullable=True),
        sa.UniqueConstraint("order_id", "change_no", name="uq_order_changes_number"),
    )


def downgrade() -> None:
    op.drop_table("order_changes")
    op.drop_column("orders", "open_change")
    op.drop_column("orders", "version")
