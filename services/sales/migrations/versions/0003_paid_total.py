"""The money received for an order, as finance reports it, so the deposit gate opens when the
money covers the deposit (P3.3) rather than on a payment's label. Whether the deposit is in is
derived from it, so the stored flag goes; an order whose flag was set counts its deposit paid.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

from shared.db.types import MoneyType

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("orders") as batch:
        batch.add_column(
            sa.Column("paid_total", MoneyType(), nullable=False, server_default=sa.text("0"))
        )
    op.execute(
        "UPDATE orders SET paid_total = deposit_amount "
        "WHERE deposit_received AND deposit_amount IS NOT NULL"
    )
    with op.batch_alter_table("orders") as batch:
        batch.drop_column("deposit_received")


def downgrade() -> None:
    with op.batch_alter_table("orders") as batch:
        batch.add_column(
            sa.Column("deposit_received", sa.Boolean, nullable=False, server_default=sa.false())
        )
    op.execute(
        "UPDATE orders SET deposit_received = TRUE WHERE settled OR ("
        "CAST(deposit_amount AS NUMERIC) > 0 "
        "AND CAST(paid_total AS NUMERIC) >= CAST(deposit_amount AS NUMERIC))"
    )
    with op.batch_alter_table("orders") as batch:
        batch.drop_column("paid_total")
