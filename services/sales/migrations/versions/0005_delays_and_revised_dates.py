"""Delays and revised delivery dates (P4.10): production's delay reports per order, and whether
the order waits for a new date to be agreed with the customer.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

from shared.db.messaging_tables import BigIntId

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("orders") as batch:
        batch.add_column(
            sa.Column(
                "awaiting_new_delivery_date",
                sa.Boolean,
                nullable=False,
                server_default=sa.false(),
            )
        )
    op.create_table(
        "order_delays",
        sa.Column("id", BigIntId, primary_key=True, autoincrement=True),
        sa.Column("order_id", sa.String(40), nullable=False),
        sa.Column("event_id", sa.String(36), nullable=False),
        sa.Column("production_order_id", sa.String(50), nullable=False),
        sa.Column("cause", sa.String(40), nullable=False),
        sa.Column("confirmed_delivery_date", sa.Date, nullable=False),
        sa.Column("expected_delivery_date", sa.Date, nullable=False),
        sa.Column("reason", sa.String(1000), nullable=False),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("event_id", name="uq_order_delays_event"),
    )
    op.create_index("ix_order_delays_order", "order_delays", ["order_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_order_delays_order", "order_delays")
    op.drop_table("order_delays")
    with op.batch_alter_table("orders") as batch:
        batch.drop_column("awaiting_new_delivery_date")
