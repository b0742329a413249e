"""Payment checks, per-shipment invoices and terms, credit, unmatched payments and collection
(P5.2, P6.1 to P6.4): the account keeps the order's lines and terms, its shipments' values,
checks, shipments and invoices; invoices become many per order with what is unpaid and their
collection step; payment checks by shipment; unmatched payments get a status; customers their
credit limit and terms; balances count overdue invoices.

The one invoice an order had (INV-<order id>) is carried over into its account, due as it was.

Revision ID: 0005
Revises: 0004
"""

import json
from decimal import Decimal

import sqlalchemy as sa
from alembic import op

from shared.db.types import MoneyType, UtcDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

ACCOUNT_JSON = ("lines", "valued", "checks", "shipped", "invoices")


def upgrade() -> None:
    with op.batch_alter_table("accounts") as batch:
        for name in ACCOUNT_JSON:
            batch.add_column(sa.Column(name, sa.JSON, nullable=True))
        batch.add_column(sa.Column("payment_terms", sa.String(40), nullable=True))
        batch.add_column(sa.Column("tier", sa.String(1), nullable=True))
        batch.add_column(sa.Column("credit_used", MoneyType(), nullable=False, server_default="0"))
        batch.add_column(
            sa.Column("credit_available", MoneyType(), nullable=False, server_default="0")
        )
        batch.add_column(sa.Column("next_collection_on", sa.Date, nullable=True))
    op.create_index("ix_accounts_next_collection_on", "accounts", ["next_collection_on"])
    with op.batch_alter_table("invoices") as batch:
        batch.drop_constraint("uq_invoices_order", type_="unique")
        batch.add_column(sa.Column("kind", sa.String(20), nullable=False, server_default="invoice"))
        batch.add_column(sa.Column("shipment_id", sa.String(50), nullable=True))
        batch.add_column(sa.Column("customer_id", sa.String(100), nullable=True))
        batch.add_column(sa.Column("payment_terms", sa.String(40), nullable=True))
        batch.add_column(sa.Column("note", sa.String(1000), nullable=False, server_default=""))
        batch.add_column(sa.Column("unpaid", MoneyType(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("step", sa.String(20), nullable=True))
        batch.add_column(
            sa.Column("escalated", sa.Boolean, nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("promised_on", sa.Date, nullable=True))
    op.create_index("ix_invoices_order_id", "invoices", ["order_id"])
    op.create_index("ix_invoices_customer_step", "invoices", ["customer_id", "step"])
    op.create_table(
        "payment_checks",
        sa.Column("shipment_id", sa.String(50), primary_key=True),
        sa.Column("order_id", sa.String(40), nullable=False),
        sa.Column("customer_id", sa.String(100), nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("tier", sa.String(1), nullable=True),
        sa.Column("amount", MoneyType(), nullable=True),
        sa.Column("currency", sa.String(3), nullable=True),
        sa.Column("credit_exception", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("reason", sa.String(1000), nullable=False, server_default=""),
        sa.Column("requested_at", UtcDateTime(), nullable=False),
    )
    op.create_index("ix_payment_checks_status", "payment_checks", ["status"])
    with op.batch_alter_table("unmatched_payments") as batch:
        batch.add_column(sa.Column("status", sa.String(20), nullable=False, server_default="open"))
        batch.add_column(
            sa.Column("reference_key", sa.String(200), nullable=False, server_default="")
        )
        batch.add_column(sa.Column("order_id", sa.String(40), nullable=True))
        batch.add_column(sa.Column("resolved", sa.JSON, nullable=True))
        batch.add_column(sa.Column("note", sa.String(1000), nullable=False, server_default=""))
    op.create_index(
        "ix_unmatched_payments_reference", "unmatched_payments", ["reference_key", "status"]
    )
    with op.batch_alter_table("customers") as batch:
        batch.add_column(sa.Column("credit_limit", MoneyType(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("payment_terms", sa.JSON, nullable=True))
    with op.batch_alter_table("customer_balances") as batch:
        batch.add_column(
            sa.Column("overdue_invoices", sa.Integer, nullable=False, server_default="0")
        )
    _carry_over()


def _carry_over() -> None:
    """Unmatched references keyed as matching reads them; each order's one invoice into its
    account, with what is unpaid of it."""
    bind = op.get_bind()
    for tx, reference in bind.execute(
        sa.text("SELECT bank_transaction_id, order_reference FROM unmatched_payments")
    ):
        bind.execute(
            sa.text(
                "UPDATE unmatched_payments SET reference_key = :key WHERE bank_transaction_id = :tx"
            ),
            {"key": reference.strip().upper()[:200], "tx": tx},
        )
    found = bind.execute(
        sa.text(
            "SELECT i.invoice_number, i.order_id, i.amount, i.currency, i.issued_on, i.due_date, "
            "a.paid_total FROM invoices i JOIN accounts a ON a.order_id = i.order_id"
        )
    )
    for number, order_id, amount, currency, issued_on, due_date, paid in found:
        unpaid = max(Decimal(str(amount)) - Decimal(str(paid)), Decimal("0.00"))
        invoice = {
            "invoice_number": number,
            "amount": str(amount),
            "currency": currency,
            "issued_on": str(issued_on),
            "due_date": str(due_date),
            "kind": "invoice",
            "shipment_id": None,
            "payment_terms": "net30",
            "note": "",
            "unpaid": str(unpaid),
            "steps": [],
            "promised_on": None,
        }
        bind.execute(
            sa.text("UPDATE accounts SET invoices = :invoices WHERE order_id = :order_id"),
            {"invoices": json.dumps([invoice]), "order_id": order_id},
        )
        bind.execute(
            sa.text("UPDATE invoices SET unpaid = :unpaid WHERE invoice_number = :number"),
            {"unpaid": str(unpaid), "number": number},
        )


def downgrade() -> None:
    with op.batch_alter_table("customer_balances") as batch:
        batch.drop_column("overdue_invoices")
    with op.batch_alter_table("customers") as batch:
        batch.drop_column("payment_terms")
        batch.drop_column("credit_limit")
    op.drop_index("ix_unmatched_payments_reference", "unmatched_payments")
    with op.batch_alter_table("unmatched_payments") as batch:
        for name in ("note", "resolved", "order_id", "reference_key", "status"):
            batch.drop_column(name)
    op.drop_index("ix_payment_checks_status", "payment_checks")
    op.drop_table("payment_checks")
    op.drop_index("ix_invoices_customer_step", "invoices")
    op.drop_index("ix_invoices_order_id", "invoices")
    op.execute(
        "DELETE FROM invoices WHERE invoice_number NOT IN "
        "(SELECT MIN(invoice_number) FROM invoices GROUP BY order_id)"
    )
    with op.batch_alter_table("invoices") as batch:
        for name in (
            "promised_on",
            "escalated",
            "step",
            "unpaid",
            "note",
            "payment_terms",
            "customer_id",
            "shipment_id",
            "kind",
        ):
            batch.drop_column(name)
        batch.create_unique_constraint("uq_invoices_order", ["order_id"])
    op.drop_index("ix_accounts_next_collection_on", "accounts")
    with op.batch_alter_table("accounts") as batch:
        for name in (
            "next_collection_on",
            "credit_available",
            "credit_used",
            "tier",
            "payment_terms",
            *ACCOUNT_JSON,
        ):
            batch.drop_column(name)
