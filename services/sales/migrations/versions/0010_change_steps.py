"""The steps of a change (P7.1, P7.2, P8.2): each change_* step row says which change it is of,
so the next change of the order starts the row over instead of finding it closed.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "order_steps", sa.Column("subject", sa.Integer(), nullable=False, server_default="0")
    )


def downgrade() -> None:
    op.drop_column("order_steps", "subject")
