"""A change of the product requirements (P7.3): the requirements in words an order holds and
each change asks for ("" for none stated).

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("orders", "order_changes"):
        op.add_column(
            table,
            sa.Column("requirements", sa.String(1000), nullable=False, server_default=""),
        )


def downgrade() -> None:
    for table in ("order_changes", "orders"):
        op.drop_column(table, "requirements")
