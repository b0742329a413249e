"""Logistics' shipping (P5.1 to P5.6): per order what was ordered, produced and taken; many
shipments per order (SH-<order id>-<n>) with their signatures, outbound check, handover,
dispatch and receipt; waybills tied to exactly one shipment.

The one-shipment-per-order table of revision 0001 is replaced: it held no signatures, and
there is no production data to keep.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

from shared.db.types import UtcDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_table("shipments")
    op.create_table(
        "shipping_orders",
        sa.Column("order_id", sa.String(40), primary_key=True),
        sa.Column("document", sa.JSON, nullable=False),
    )
    op.create_table(
        "shipments",
        sa.Column("shipment_id", sa.String(50), primary_key=True),
        sa.Column("order_id", sa.String(40), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("production_order_id", sa.String(50), nullable=True),
        sa.Column("released_by", sa.String(100), nullable=True),
        sa.Column("carrier", sa.String(100), nullable=True),
        sa.Column("tracking_number", sa.String(100), nullable=True),
        sa.Column("expected_delivery_on", sa.Date, nullable=True),
        sa.Column("escalate_at", UtcDateTime(), nullable=True),
        sa.Column("late_reported", sa.Boolean, nullable=False),
        sa.Column("document", sa.JSON, nullable=False),
    )
    op.create_index("ix_shipments_order_id", "shipments", ["order_id"])
    op.create_index("ix_shipments_status_expected", "shipments", ["status", "expected_delivery_on"])
    op.create_index("ix_shipments_escalate_at", "shipments", ["escalate_at"])
    op.create_table(
        "waybills",
        sa.Column("waybill", sa.String(100), primary_key=True),
        sa.Column("shipment_id", sa.String(50), nullable=False),
        sa.Column("order_id", sa.String(40), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("waybills")
    op.drop_index("ix_shipments_escalate_at", "shipments")
    op.drop_index("ix_shipments_status_expected", "shipments")
    op.drop_index("ix_shipments_order_id", "shipments")
    op.drop_table("shipments")
    op.drop_table("shipping_orders")
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
