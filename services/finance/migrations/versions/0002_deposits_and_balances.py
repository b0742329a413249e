"""Confirmation, deposits and open balances (issue #3): the account records the confirmation
and its deposit; customers from sales; each customer's open balance (P3.3, P6.1, P6.4).

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

from shared.db.types import MoneyType

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("accounts") as batch:
        batch.add_column(
            sa.Column("confirmed", sa.Boolean, nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("confirmed_delivery_date", sa.Date, nullable=True))
        batch.add_column(
            sa.Column("deposit_amount", MoneyType(), nullable=False, server_default="0")
        )
        batch.add_column(
            sa.Column("deposit_requested", sa.Boolean, nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("deposit_paid", MoneyType(), nullable=False, server_default="0"))
    op.create_table(
        "customers",
        sa.Column("customer_id", sa.String(100), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("tier", sa.String(1), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("deposit_percent", MoneyType(), nullable=False),
    )
    op.create_table(
        "customer_balances",
        sa.Column("customer_id", sa.String(100), primary_key=True),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("open_balance", MoneyType(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("customer_balances")
    op.drop_table("customers")
    with op.batch_alter_table("accounts") as batch:
        batch.drop_column("deposit_paid")
        batch.drop_column("deposit_requested")
        batch.drop_column("deposit_amount")
        batch.drop_column("confirmed_delivery_date")
        batch.drop_column("confirmed")
