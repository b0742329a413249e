"""A quantity increase after confirmation (P7.3): each production order keeps the highest
version of `order.released` taken and its lines, the lines of the highest version applied
(rule 3: the released quantity is per product the lower of the two), and the units received
before a produced order went back to released for its extra. Orders released before this
revision took version 1 and its lines are the ones they have; an order changed before it was
released applied the lines it has. A material line's issued quantity lives in the order's
material list (JSON): a line stored before it reads as all its reservation issued when it was
consumed at the start (`repository`).

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

COUNTS = ("release_version", "made_before")
LINES = ("release_lines", "applied_lines")


def upgrade() -> None:
    for name in COUNTS:
        op.add_column(
            "production_orders",
            sa.Column(name, sa.Integer, nullable=False, server_default="0"),
        )
    for name in LINES:
        op.add_column("production_orders", sa.Column(name, sa.JSON, nullable=True))
    op.execute(
        "UPDATE production_orders SET release_version = 1, release_lines = lines, "
        "applied_lines = lines WHERE release IS NOT NULL"
    )
    op.execute(
        "UPDATE production_orders SET applied_lines = lines WHERE release IS NULL AND version > 1"
    )


def downgrade() -> None:
    with op.batch_alter_table("production_orders") as batch:
        for name in (*reversed(LINES), *reversed(COUNTS)):
            batch.drop_column(name)
