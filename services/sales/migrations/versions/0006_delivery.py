"""Delivery (P5.6, P7.6): whether logistics reported the whole order delivered, which an order
now needs, with being settled, to close as fulfilled; and per shipment the days logistics
reported it late and delivered, so the sales rep sees a late delivery until it arrives.

Orders stored before have no delivery report: they count as not delivered.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("orders") as batch:
        batch.add_column(
            sa.Column("delivered", sa.Boolean, nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("deliveries", sa.JSON, nullable=False, server_default="{}"))


def downgrade() -> None:
    with op.batch_alter_table("orders") as batch:
        batch.drop_column("deliveries")
        batch.drop_column("delivered")
