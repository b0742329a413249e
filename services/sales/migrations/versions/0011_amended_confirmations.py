"""Changes reviewed again after confirmation (P7.3): the version the last confirmation sent
confirms and the version production was last released with, per order; the new round's
verdict and confirmed date, per change. An order released before this migration was released
with its current version.

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "orders",
        sa.Column("confirmation_version", sa.Integer(), nullable=False, server_default="1"),
    )
    op.add_column(
        "orders", sa.Column("release_version", sa.Integer(), nullable=False, server_default="0")
    )
    op.execute("UPDATE orders SET release_version = version WHERE released")
    op.add_column(
        "order_changes",
        sa.Column("verdict", sa.String(10), nullable=False, server_default=""),
    )
    op.add_column("order_changes", sa.Column("confirmed_delivery_date", sa.Date(), nullable=True))


def downgrade() -> None:
    op.drop_column("order_changes", "confirmed_delivery_date")
    op.drop_column("order_changes", "verdict")
    op.drop_column("orders", "release_version")
    op.drop_column("orders", "confirmation_version")
