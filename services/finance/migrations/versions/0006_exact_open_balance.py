"""A customer's open balance is kept exact however large it grows (P6.4): the running total
moves from the money column NUMERIC(16,2) to NUMERIC(32,2), since the sum of a customer's
orders need not fit the money column; balance.updated publishes it saturated at MAX_MONEY.

Revision ID: 0006
Revises: 0005
"""

from alembic import op

from shared.db.types import ExactDecimal, MoneyType

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

BALANCE = ExactDecimal(32, 2, text_length=40)
MAX_MONEY = "99999999999999.99"


def upgrade() -> None:
    with op.batch_alter_table("customer_balances") as batch:
        batch.alter_column(
            "open_balance", type_=BALANCE, existing_type=MoneyType(), existing_nullable=False
        )


def downgrade() -> None:
    """Back to the money column: a total beyond it is saturated (the exact excess is lost)."""
    if op.get_context().dialect.name == "postgresql":
        op.execute(
            f"UPDATE customer_balances SET open_balance = {MAX_MONEY} "
            f"WHERE open_balance > {MAX_MONEY}"
        )
    with op.batch_alter_table("customer_balances") as batch:
        batch.alter_column(
            "open_balance", type_=MoneyType(), existing_type=BALANCE, existing_nullable=False
        )
