"""Changes of an order (P7.1, P7.2): a shipment held for an open change (`held_for`, the
change's number) and the status `cancelled`; the order's applied version and pending change
live in its shipping document.

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
    op.add_column("shipments", sa.Column("held_for", sa.Integer, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("shipments") as batch:
        batch.drop_column("held_for")
