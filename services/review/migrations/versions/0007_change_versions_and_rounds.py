"""Changes of an order (P7.1, P7.4): the version a review reviews (the highest change applied),
the highest change acknowledged, and the rounds a change before confirmation ended.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("reviews") as batch:
        batch.add_column(sa.Column("version", sa.Integer, nullable=False, server_default="1"))
        batch.add_column(
            sa.Column("acknowledged_change", sa.Integer, nullable=False, server_default="0")
        )
        batch.add_column(sa.Column("rounds", sa.JSON, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("reviews") as batch:
        batch.drop_column("rounds")
        batch.drop_column("acknowledged_change")
        batch.drop_column("version")
