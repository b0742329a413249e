"""Changes and credit notes (P7.1, P7.2, P7.5, P6.2, P6.3): each account keeps the version of
the order it applied, the last change it acknowledged, the charges of applied changes and the
credit notes for returned goods; a pro-forma of a cancelled shipment is void; credit notes get
their own table, one per return. Accounts stored before read as version 1 with nothing charged
or credited.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

from shared.db.types import MoneyType

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("accounts") as batch:
        batch.add_column(sa.Column("version", sa.Integer, nullable=False, server_default="1"))
        batch.add_column(
            sa.Column("acknowledged_change", sa.Integer, nullable=False, server_default="1")
        )
        batch.add_column(sa.Column("charged", MoneyType(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("credited", MoneyType(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("credit_notes", sa.JSON, nullable=True))
    with op.batch_alter_table("invoices") as batch:
        batch.add_column(sa.Column("voided", sa.Boolean, nullable=False, server_default=sa.false()))
    op.create_table(
        "credit_notes",
        sa.Column("credit_note_number", sa.String(50), primary_key=True),
        sa.Column("order_id", sa.String(40), nullable=False),
        sa.Column("return_number", sa.String(50), nullable=False),
        sa.Column("customer_id", sa.String(100), nullable=True),
        sa.Column("amount", MoneyType(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("issued_on", sa.Date, nullable=False),
        sa.Column("lines", sa.JSON, nullable=False),
    )
    op.create_index("ix_credit_notes_order_id", "credit_notes", ["order_id"])


def downgrade() -> None:
    op.drop_index("ix_credit_notes_order_id", table_name="credit_notes")
    op.drop_table("credit_notes")
    with op.batch_alter_table("invoices") as batch:
        batch.drop_column("voided")
    with op.batch_alter_table("accounts") as batch:
        for name in ("credit_notes", "credited", "charged", "acknowledged_change", "version"):
            batch.drop_column(name)
