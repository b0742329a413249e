"""Amended confirmations (P7.3): each account keeps the highest version confirmed to the
customer, whose total and deposit replace the first, and the version its delivery date comes
from, so a date of a lower version arriving late never moves it back. Accounts stored before
read as confirmed at version 1 with a date of version 1.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("accounts") as batch:
        batch.add_column(
            sa.Column("confirmed_version", sa.Integer, nullable=False, server_default="1")
        )
        batch.add_column(
            sa.Column("delivery_date_version", sa.Integer, nullable=False, server_default="1")
        )


def downgrade() -> None:
    with op.batch_alter_table("accounts") as batch:
        for name in ("delivery_date_version", "confirmed_version"):
            batch.drop_column(name)
