"""One history per order across all departments (P7.6), each order's steps with owner and
deadline (P8.2), and the work queue of escalations waiting for a person (P8.2).

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

from shared.db.types import UtcDateTime

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "order_history",
        sa.Column("event_id", sa.String(36), primary_key=True),
        sa.Column("order_id", sa.String(40), nullable=False),
        sa.Column("occurred_at", UtcDateTime(), nullable=False),
        sa.Column("event_type", sa.String(60), nullable=False),
        sa.Column("producer", sa.String(40), nullable=False),
        sa.Column("causation_id", sa.String(36), nullable=True),
        sa.Column("actors", sa.JSON, nullable=False),
        sa.Column("summary", sa.String(500), nullable=False),
        sa.Column("payload", sa.JSON, nullable=False),
    )
    op.create_index("ix_order_history_order", "order_history", ["order_id", "occurred_at"])
    op.create_table(
        "order_steps",
        sa.Column("order_id", sa.String(40), primary_key=True),
        sa.Column("step", sa.String(40), primary_key=True),
        sa.Column("owner_role", sa.String(100), nullable=False),
        sa.Column("opened_at", UtcDateTime(), nullable=True),
        sa.Column("warn_at", UtcDateTime(), nullable=True),
        sa.Column("due_at", UtcDateTime(), nullable=True),
        sa.Column("closed_at", UtcDateTime(), nullable=True),
        sa.Column("flagged", sa.String(10), nullable=True),
    )
    op.create_index("ix_order_steps_watch", "order_steps", ["closed_at", "warn_at"])
    op.create_table(
        "work_items",
        sa.Column("item_id", sa.String(36), primary_key=True),
        sa.Column("order_id", sa.String(40), nullable=False),
        sa.Column("kind", sa.String(60), nullable=False),
        sa.Column("owner_role", sa.String(100), nullable=False),
        sa.Column("summary", sa.String(1000), nullable=False),
        sa.Column("opened_at", UtcDateTime(), nullable=False),
        sa.Column("closed_at", UtcDateTime(), nullable=True),
        sa.Column("closed_by", sa.String(300), nullable=True),
        sa.Column("detail", sa.String(100), nullable=True),
    )
    op.create_index("ix_work_items_queue", "work_items", ["owner_role", "closed_at", "opened_at"])
    op.create_index("ix_work_items_order", "work_items", ["order_id", "kind"])


def downgrade() -> None:
    op.drop_table("work_items")
    op.drop_table("order_steps")
    op.drop_table("order_history")
