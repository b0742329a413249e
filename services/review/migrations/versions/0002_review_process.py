"""Review's process: receipt and deadline, approvals by authority, department answers,
negotiation, escalation, and the master data review decides with (P2.1, P2.2, P2.3, P2.4, P2.5,
P2.6, P6.4, P8.1, P8.2).

Reviews filed before this revision were decided automatically; they get their receipt time set
to the migration's time (they are no longer open, so no deadline applies to them).

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

from shared.db.types import MoneyType

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("reviews") as batch:
        batch.add_column(sa.Column("payment_terms", sa.String(50), nullable=True))
        batch.add_column(sa.Column("lines", sa.JSON, nullable=True))
        batch.add_column(sa.Column("received_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("deadline", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("escalated_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("missing_master_data", sa.JSON, nullable=True))
        batch.add_column(sa.Column("findings", sa.JSON, nullable=True))
        batch.add_column(sa.Column("general_manager_reasons", sa.JSON, nullable=True))
        batch.add_column(sa.Column("approvals", sa.JSON, nullable=True))
        batch.add_column(sa.Column("answers", sa.JSON, nullable=True))
        batch.add_column(sa.Column("negotiation", sa.JSON, nullable=True))
        batch.add_column(sa.Column("feasible_delivery_date", sa.Date, nullable=True))
    op.execute(
        "UPDATE reviews SET received_at = CURRENT_TIMESTAMP, deadline = CURRENT_TIMESTAMP "
        "WHERE received_at IS NULL"
    )
    with op.batch_alter_table("reviews") as batch:
        batch.alter_column("received_at", existing_type=sa.DateTime(timezone=True), nullable=False)
        batch.alter_column("deadline", existing_type=sa.DateTime(timezone=True), nullable=False)
    op.create_index("ix_reviews_status_deadline", "reviews", ["status", "deadline"])
    op.create_table(
        "parked_assessments",
        sa.Column("order_id", sa.String(40), primary_key=True),
        sa.Column("production", sa.JSON, nullable=False),
        sa.Column("purchasing", sa.JSON, nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "customers",
        sa.Column("customer_id", sa.String(100), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("tier", sa.String(1), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("credit_limit", MoneyType(), nullable=False),
        sa.Column("payment_terms", sa.JSON, nullable=False),
    )
    op.create_table(
        "products",
        sa.Column("product_code", sa.String(100), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("is_new", sa.Boolean, nullable=False),
        sa.Column("samples_confirmed", sa.Boolean, nullable=False),
        sa.Column("bom_ready", sa.Boolean, nullable=False),
        sa.Column("drawings_ready", sa.Boolean, nullable=False),
        sa.Column("specification_ready", sa.Boolean, nullable=False),
        sa.Column("qa_level", sa.Integer, nullable=False),
    )
    op.create_table(
        "balances",
        sa.Column("customer_id", sa.String(100), primary_key=True),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("open_balance", MoneyType(), nullable=False),
    )
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


def downgrade() -> None:
    op.drop_table("qa_capability")
    op.drop_table("approval_authority")
    op.drop_table("balances")
    op.drop_table("products")
    op.drop_table("customers")
    op.drop_table("parked_assessments")
    op.drop_index("ix_reviews_status_deadline", "reviews")
    with op.batch_alter_table("reviews") as batch:
        for column in (
            "feasible_delivery_date",
            "negotiation",
            "answers",
            "approvals",
            "general_manager_reasons",
            "findings",
            "missing_master_data",
            "escalated_at",
            "deadline",
            "received_at",
            "lines",
            "payment_terms",
        ):
            batch.drop_column(column)
