"""The steps of a return (P7.5, P8.2): several returns of one order are open at once, so a
step row is keyed by its return as well (`return_no`, n of RT-<order id>-<n>; 0 for the
order's own steps and its change's, which keep their rows as they were).

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

PRIMARY_KEY = "order_steps_pkey"
"""PostgreSQL's name for the key 0008 created (SQLite's was unnamed): the new key takes it."""


def _old_key() -> str | None:
    """The name of order_steps' key as the database has it; None on SQLite before this
    revision (a batch there rebuilds the table, dropping the unnamed key with it)."""
    name: str | None = sa.inspect(op.get_bind()).get_pk_constraint("order_steps").get("name")
    return name


def upgrade() -> None:
    old = _old_key()
    with op.batch_alter_table("order_steps") as batch:
        batch.add_column(
            sa.Column(
                "return_no",
                sa.Integer(),
                primary_key=not old,  # SQLite: joins the key columns the rebuilt table keeps
                autoincrement=False,
                nullable=False,
                server_default="0",
            )
        )
        if old:
            batch.drop_constraint(old, type_="primary")
        batch.create_primary_key(PRIMARY_KEY, ["order_id", "step", "return_no"])


def downgrade() -> None:
    op.execute("DELETE FROM order_steps WHERE return_no <> 0")
    old = _old_key()
    with op.batch_alter_table("order_steps") as batch:
        if old:
            batch.drop_constraint(old, type_="primary")
        batch.create_primary_key(PRIMARY_KEY, ["order_id", "step"])
        batch.drop_column("return_no")
