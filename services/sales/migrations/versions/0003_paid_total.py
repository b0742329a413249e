"""The money received for an order, as finance reports it, so the deposit gate opens when the
money covers the deposit (P3.3) rather than on a payment's label.

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


def downgrade() -> None:
    with op.batch_alter_table("orders") as batch:
        batch.drop_column("paid_total")
