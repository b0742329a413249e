"""Production's process (P4): each order's material list, booking start and ready day, rush
mark, operations, inspection requests and receipts; the stock ledger ranks claims (urgent,
needed by, started); documents for requisitions, purchase orders, deliveries, supplier returns
and safety stock; free finished stock; document counters.

Orders filed before this revision have no material list: they were produced at release.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

ORDER_COLUMNS = (
    ("booked_start", sa.Date),
    ("booked_ready", sa.Date),
    ("urgency", sa.JSON),
    ("materials", sa.JSON),
    ("started", sa.JSON),
    ("operations", sa.JSON),
    ("inspections", sa.JSON),
    ("receipts", sa.JSON),
    ("reported_delivery", sa.Date),
)
DOCUMENTS = (
    "requisitions",
    "purchase_orders",
    "deliveries",
    "supplier_returns",
    "safety_stock_requests",
)


def upgrade() -> None:
    with op.batch_alter_table("production_orders") as batch:
        batch.add_column(
            sa.Column("safety_stock", sa.Boolean, nullable=False, server_default=sa.false())
        )
        for name, kind in ORDER_COLUMNS:
            batch.add_column(sa.Column(name, kind, nullable=True))
    with op.batch_alter_table("material_reservations") as batch:
        batch.add_column(sa.Column("urgent", sa.Boolean, nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("needed_by", sa.Date, nullable=True))
        batch.add_column(
            sa.Column("started", sa.Boolean, nullable=False, server_default=sa.false())
        )
    op.create_index("ix_material_reservations_material", "material_reservations", ["material_code"])
    for name in DOCUMENTS:
        extra: list[sa.Column[object]] = []
        if name in ("requisitions", "purchase_orders"):
            extra = [
                sa.Column("order_id", sa.String(40), nullable=False, index=True),
                sa.Column("material_code", sa.String(50), nullable=False),
            ]
        if name == "deliveries":
            extra = [sa.Column("purchase_order", sa.String(20), nullable=True)]
        op.create_table(
            name,
            sa.Column("number", sa.String(20), primary_key=True),
            sa.Column("status", sa.String(30), nullable=False, index=True),
            *extra,
            sa.Column("document", sa.JSON, nullable=False),
        )
    op.create_table(
        "finished_stock",
        sa.Column("product_code", sa.String(50), primary_key=True),
        sa.Column("units", sa.Integer, nullable=False),
    )
    op.create_table(
        "routings",
        sa.Column("product_code", sa.String(50), primary_key=True),
        sa.Column("operations", sa.JSON, nullable=False),
    )
    op.create_table(
        "document_counters",
        sa.Column("kind", sa.String(10), primary_key=True),
        sa.Column("last_number", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("document_counters")
    op.drop_table("routings")
    op.drop_table("finished_stock")
    for name in reversed(DOCUMENTS):
        op.drop_table(name)
    op.drop_index("ix_material_reservations_material", "material_reservations")
    with op.batch_alter_table("material_reservations") as batch:
        for name in ("started", "needed_by", "urgent"):
            batch.drop_column(name)
    with op.batch_alter_table("production_orders") as batch:
        for name, _kind in reversed(ORDER_COLUMNS):
            batch.drop_column(name)
        batch.drop_column("safety_stock")
