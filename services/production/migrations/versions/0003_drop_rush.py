"""Production orders no longer keep a `rush` flag: nobody set it (review never marks a
feasibility request urgent) and nothing read it. Rush orders (P4.6) will come with their own
design.

Downgrade adds the column back, false for every order.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("production_orders") as batch:
        batch.drop_column("rush")


def downgrade() -> None:
    with op.batch_alter_table("production_orders") as batch:
        batch.add_column(sa.Column("rush", sa.Boolean, nullable=False, server_default=sa.false()))
