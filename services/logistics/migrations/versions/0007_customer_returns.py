"""Customers' returns of delivered goods (P7.5): `customer_returns`, one row per RT-<order
id>-<n>, with its status, remedy, who took each step, the carrier of a send-back and the whole
return as a document; n per order is unique.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

from shared.db.types import UtcDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "customer_returns",
        sa.Column("return_number", sa.String(50), primary_key=True),
        sa.Column("order_id", sa.String(40), nullable=False),
        sa.Column("return_no", sa.Integer, nullable=False),
        sa.Column("shipment_id", sa.String(50), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("remedy", sa.String(20), nullable=False),
        sa.Column("requested_by", sa.String(100), nullable=False),
        sa.Column("decided_by", sa.String(100), nullable=True),
        sa.Column("received_by", sa.String(100), nullable=True),
        sa.Column("inspected_by", sa.String(100), nullable=True),
        sa.Column("sent_back_by", sa.String(100), nullable=True),
        sa.Column("carrier", sa.String(100), nullable=True),
        sa.Column("tracking_number", sa.String(100), nullable=True),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.Column("document", sa.JSON, nullable=False),
        sa.UniqueConstraint("order_id", "return_no", name="uq_customer_returns_order_no"),
    )
    op.create_index("ix_customer_returns_order_id", "customer_returns", ["order_id"])


def downgrade() -> None:
    op.drop_index("ix_customer_returns_order_id", "customer_returns")
    op.drop_table("customer_returns")
