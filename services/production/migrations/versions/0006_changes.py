"""Changes of an order (P7.1, P7.2, P7.4): each production order keeps the highest version
applied, the highest change decided and acknowledged, the change that holds its start, and the
version its feasibility answer was made for. Orders filed before this revision are version 1,
assessed for version 1 when they were assessed at all.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

COLUMNS = (
    ("version", "1"),
    ("settled", "1"),
    ("answered", "1"),
    ("assessed_version", "0"),
)


def upgrade() -> None:
    for name, default in COLUMNS:
        op.add_column(
            "production_orders",
            sa.Column(name, sa.Integer, nullable=False, server_default=default),
        )
    op.add_column("production_orders", sa.Column("held_for", sa.Integer, nullable=True))
    op.execute("UPDATE production_orders SET assessed_version = 1 WHERE assessment IS NOT NULL")


def downgrade() -> None:
    with op.batch_alter_table("production_orders") as batch:
        for name in ("held_for", *(name for name, _ in reversed(COLUMNS))):
            batch.drop_column(name)
