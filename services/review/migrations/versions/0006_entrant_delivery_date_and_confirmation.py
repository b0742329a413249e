"""Who entered each order (P8.1), the order's current delivery date as sales moves it on
`confirmation.signed` and fixes it on `order.released` (P3.4, P3.5), and when sales confirmed
an approved order, so approved orders not yet confirmed count in the credit check (P6.4).

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
    with op.batch_alter_table("reviews") as batch:
        batch.add_column(sa.Column("entered_by", sa.String(100), nullable=True))
        batch.add_column(sa.Column("delivery_date", sa.Date, nullable=True))
        batch.add_column(
            sa.Column("delivery_date_final", sa.Boolean, nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index("ix_reviews_customer_status", "reviews", ["customer_id", "status"])


def downgrade() -> None:
    op.drop_index("ix_reviews_customer_status", "reviews")
    with op.batch_alter_table("reviews") as batch:
        batch.drop_column("confirmed_at")
        batch.drop_column("delivery_date_final")
        batch.drop_column("delivery_date")
        batch.drop_column("entered_by")
