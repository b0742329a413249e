"""Intake check, confirmation and release (P1.1, P1.2, P1.3, P1.4, P1.6, P3.1, P3.2, P3.3,
P3.4, P3.5): sales' customers and products, the order's reasons, confirmation, deposit,
signature and release, and who decided.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

from shared.db.messaging_tables import BigIntId
from shared.db.types import MoneyType

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("orders") as batch:
        batch.alter_column(
            "status", existing_type=sa.String(20), type_=sa.String(40), existing_nullable=False
        )
        batch.alter_column("delivery_address", existing_type=sa.JSON, nullable=True)
        batch.add_column(sa.Column("stated_total", MoneyType(), nullable=True))
        batch.add_column(sa.Column("payment_terms", sa.String(40), nullable=True))
        batch.add_column(sa.Column("reasons", sa.JSON, nullable=False, server_default="[]"))
        batch.add_column(sa.Column("tier", sa.String(1), nullable=True))
        batch.add_column(sa.Column("confirmation_sent_on", sa.Date, nullable=True))
        batch.add_column(sa.Column("deposit_amount", MoneyType(), nullable=True))
        batch.add_column(
            sa.Column("deposit_received", sa.Boolean, nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("signed_received_on", sa.Date, nullable=True))
        batch.add_column(sa.Column("days_late", sa.Integer, nullable=True))
        batch.add_column(sa.Column("expected_delivery_date", sa.Date, nullable=True))
        batch.add_column(
            sa.Column("released", sa.Boolean, nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("release_gate", sa.String(40), nullable=True))
        batch.add_column(sa.Column("manual_hold", sa.String(1000), nullable=True))
    op.create_index("ix_orders_status", "orders", ["status", "order_id"])
    # Orders approved under the old flow went to production on approval: they count as released.
    old = sa.table(
        "orders",
        sa.column("status", sa.String),
        sa.column("released", sa.Boolean),
        sa.column("confirmed_delivery_date", sa.Date),
        sa.column("expected_delivery_date", sa.Date),
    )
    op.execute(
        old.update()
        .where(old.c.status == "approved")
        .values(
            status="released",
            released=True,
            expected_delivery_date=old.c.confirmed_delivery_date,
        )
    )
    op.create_table(
        "order_decisions",
        sa.Column("id", BigIntId, primary_key=True, autoincrement=True),
        sa.Column("order_id", sa.String(40), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("user_name", sa.String(100), nullable=False),
        sa.Column("role", sa.String(40), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("detail", sa.String(1000), nullable=False),
    )
    op.create_index("ix_order_decisions_order", "order_decisions", ["order_id", "id"])
    op.create_table(
        "customers",
        sa.Column("customer_id", sa.String(100), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("tier", sa.String(1), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("credit_limit", MoneyType(), nullable=False),
        sa.Column("payment_terms", sa.JSON, nullable=False),
        sa.Column("deposit_percent", MoneyType(), nullable=False),
    )
    op.create_table(
        "products",
        sa.Column("product_code", sa.String(100), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("list_price", MoneyType(), nullable=False),
        sa.Column("max_discount_percent", MoneyType(), nullable=False),
        sa.Column("is_new", sa.Boolean, nullable=False),
        sa.Column("samples_confirmed", sa.Boolean, nullable=False),
        sa.Column("bom_ready", sa.Boolean, nullable=False),
        sa.Column("drawings_ready", sa.Boolean, nullable=False),
        sa.Column("specification_ready", sa.Boolean, nullable=False),
        sa.Column("qa_level", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("products")
    op.drop_table("customers")
    op.drop_index("ix_order_decisions_order", "order_decisions")
    op.drop_table("order_decisions")
    op.drop_index("ix_orders_status", "orders")
    with op.batch_alter_table("orders") as batch:
        for column in (
            "manual_hold",
            "release_gate",
            "released",
            "expected_delivery_date",
            "days_late",
            "signed_received_on",
            "deposit_received",
            "deposit_amount",
            "confirmation_sent_on",
            "tier",
            "reasons",
            "payment_terms",
            "stated_total",
        ):
            batch.drop_column(column)
        batch.alter_column("delivery_address", existing_type=sa.JSON, nullable=False)
        batch.alter_column(
            "status", existing_type=sa.String(40), type_=sa.String(20), existing_nullable=False
        )
