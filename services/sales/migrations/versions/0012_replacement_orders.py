"""Replacement orders for returned goods (P7.5): what an order replaces (the original order,
the return and who authorised it), null for a customer's order.

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("orders", sa.Column("replacement_for", sa.JSON(), nullable=True))


def downgrade() -> None:
    op.drop_column("orders", "replacement_for")
