"""Logistics' first schema: shipments (one per order), inbox and outbox.

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
        "shipments",
        sa.Column("shipment_id", sa.String(50), primary_key=True),
        sa.Column("order_id", sa.String(40), nullable=False),
        sa.Column("production_order_id", sa.String(50), nullable=False),
        sa.Column("lines", sa.JSON, nullable=False),
        sa.Column("ready_on", sa.Date, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("released_by", sa.String(100), nullable=True),
        sa.Column("carrier", sa.String(100), nullable=True),
        sa.Column("tracking_number", sa.String(100), nullable=True),
        sa.Column("dispatched_on", sa.Date, nullable=True),
        sa.Column("outcome", sa.String(20), nullable=True),
        sa.UniqueConstraint("order_id", name="uq_shipments_order"),
    )


def downgrade() -> None:
    op.drop_table("shipments")
    drop_messaging_tables()
