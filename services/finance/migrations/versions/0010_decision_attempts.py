"""Decision attempts: every request that would change something, accepted or refused, with who
made it and what came of it (readable at GET /decision-attempts).

Revision ID: 0010
Revises: 0009
"""

from alembic import op

from shared.db.attempts_table import create_attempts_table, drop_attempts_table

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_attempts_table(op.create_table, op.create_index)


def downgrade() -> None:
    drop_attempts_table(op.drop_table)
