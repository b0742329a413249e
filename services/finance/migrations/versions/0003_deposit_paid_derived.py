"""The part of the deposit that is paid is derived from the money received (the smaller of
paid_total and the deposit), so its stored copy goes.

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
    with op.batch_alter_table("accounts") as batch:
        batch.drop_column("deposit_paid")


def downgrade() -> None:
    with op.batch_alter_table("accounts") as batch:
        batch.add_column(
            sa.Column("deposit_paid", MoneyType(), nullable=False, server_default=sa.text("0"))
        )
    op.execute(
        "UPDATE accounts SET deposit_paid = CASE "
        "WHEN CAST(paid_total AS NUMERIC) < CAST(deposit_amount AS NUMERIC) THEN paid_total "
        "ELSE deposit_amount END"
    )
