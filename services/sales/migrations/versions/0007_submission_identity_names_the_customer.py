"""A submission is identified by submitter, customer and customer reference (P1.6): two
customers using the same reference at one submitter are two orders, not one.

Revision ID: 0007
Revises: 0006
"""

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("orders") as batch:
        batch.drop_constraint("uq_orders_submission", type_="unique")
        batch.create_unique_constraint(
            "uq_orders_submission_customer", ["submitter", "customer_id", "customer_reference"]
        )


def downgrade() -> None:
    with op.batch_alter_table("orders") as batch:
        batch.drop_constraint("uq_orders_submission_customer", type_="unique")
        batch.create_unique_constraint("uq_orders_submission", ["submitter", "customer_reference"])
