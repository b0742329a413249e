"""Feasibility and release (issue #3): production's master data (materials, bill of
materials, weekly capacity), capacity bookings and material reservations per order, the
feasibility answer and the release gate (P2.4, P3.2, P3.3, P4.1, P4.2, P4.3, P4.5).

Production orders of the old flow are carried over: one whose lines waited for review's verdict
now waits for its release; one review declined is closed as declined.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

from shared.db.types import QuantityType

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("production_orders") as batch:
        batch.add_column(sa.Column("customer_id", sa.String(100), nullable=True))
        batch.add_column(sa.Column("rush", sa.Boolean, nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("assessment", sa.JSON, nullable=True))
        batch.add_column(sa.Column("booked_week", sa.String(10), nullable=True))
        batch.add_column(sa.Column("booked_units", sa.Integer, nullable=True))
        batch.alter_column(
            "release", existing_type=sa.String(20), type_=sa.String(40), existing_nullable=True
        )
        batch.create_index("ix_production_orders_booked_week", ["booked_week"])
    op.execute(
        "UPDATE production_orders SET status = 'awaiting_release', release = NULL "
        "WHERE status = 'awaiting_order'"
    )
    op.execute(
        "UPDATE production_orders SET status = 'closed', outcome = COALESCE(outcome, 'declined'), "
        "release = NULL "
        "WHERE status = 'cancelled'"
    )
    op.create_table(
        "materials",
        sa.Column("material_code", sa.String(50), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("unit", sa.String(20), nullable=False),
        sa.Column("on_hand", QuantityType(), nullable=False),
        sa.Column("reserved", QuantityType(), nullable=False),
        sa.Column("lead_time_days", sa.Integer, nullable=True),
        sa.Column("supplier", sa.String(200), nullable=False),
    )
    op.create_table(
        "bill_of_materials",
        sa.Column("product_code", sa.String(50), primary_key=True),
        sa.Column("material_code", sa.String(50), primary_key=True),
        sa.Column("quantity_per_unit", QuantityType(), nullable=False),
    )
    op.create_table(
        "weekly_capacity",
        sa.Column("week", sa.String(10), primary_key=True),
        sa.Column("units", sa.Integer, nullable=False),
    )
    op.create_table(
        "material_reservations",
        sa.Column("order_id", sa.String(40), primary_key=True),
        sa.Column("material_code", sa.String(50), primary_key=True),
        sa.Column("reserved", QuantityType(), nullable=False),
        sa.Column("to_purchase", QuantityType(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("material_reservations")
    op.drop_table("weekly_capacity")
    op.drop_table("bill_of_materials")
    op.drop_table("materials")
    op.execute("UPDATE production_orders SET release = 'approved' WHERE release IS NOT NULL")
    with op.batch_alter_table("production_orders") as batch:
        batch.drop_index("ix_production_orders_booked_week")
        batch.alter_column(
            "release", existing_type=sa.String(40), type_=sa.String(20), existing_nullable=True
        )
        batch.drop_column("booked_units")
        batch.drop_column("booked_week")
        batch.drop_column("assessment")
        batch.drop_column("rush")
        batch.drop_column("customer_id")
