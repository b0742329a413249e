"""Review's own master data (approval authority, QA capability) is no longer stored: it is read
from the seed file once at start and kept in memory (P2.3, P2.4, P8.1).

Downgrade recreates both tables empty; the previous revision's code fills them at its start.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

from shared.db.types import MoneyType

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_table("qa_capability")
    op.drop_table("approval_authority")


def downgrade() -> None:
    op.create_table(
        "approval_authority",
        sa.Column("role", sa.String(50), primary_key=True),
        sa.Column("max_amount", MoneyType(), nullable=True),
    )
    op.create_table(
        "qa_capability",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("level", sa.Integer, nullable=False),
    )
