"""Escalated collections (P6.3, P8.1): the latest collection step of each invoice, as finance
publishes it on `collection.stepped`, so a customer with an escalated overdue invoice needs the
general manager to approve its new orders.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "collection_escalations",
        sa.Column("invoice_number", sa.String(50), primary_key=True),
        sa.Column("customer_id", sa.String(100), nullable=False),
        sa.Column("step", sa.String(20), nullable=False),
        sa.Column("escalated", sa.Boolean, nullable=False),
        sa.Column("stepped_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index(
        "ix_collection_escalations_customer",
        "collection_escalations",
        ["customer_id", "escalated"],
    )


def downgrade() -> None:
    op.drop_index("ix_collection_escalations_customer", "collection_escalations")
    op.drop_table("collection_escalations")
