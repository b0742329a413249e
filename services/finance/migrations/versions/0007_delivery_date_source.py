"""The account remembers which step set its delivery date (P3.4, P3.5, P4.10): the
confirmation, a late signature, the release or a person's revision, so a date from an earlier
step arriving late never moves it back. Dates stored before are taken as the confirmed ones.

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
    with op.batch_alter_table("accounts") as batch:
        batch.add_column(sa.Column("delivery_date_source", sa.String(10), nullable=True))
    op.execute(
        "UPDATE accounts SET delivery_date_source = 'confirmed' "
        "WHERE confirmed_delivery_date IS NOT NULL"
    )


def downgrade() -> None:
    with op.batch_alter_table("accounts") as batch:
        batch.drop_column("delivery_date_source")
