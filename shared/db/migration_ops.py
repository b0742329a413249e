"""Migration operations every service's first revision uses for its messaging tables."""

import sqlalchemy as sa
from alembic import op

from shared.db.messaging_tables import BigIntId


def create_messaging_tables() -> None:
    op.create_table(
        "inbox",
        sa.Column("message_id", sa.String(200), primary_key=True),
        sa.Column("topic", sa.String(200), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "outbox",
        sa.Column("id", BigIntId, primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.String(36), nullable=False, unique=True),
        sa.Column("topic", sa.String(200), nullable=False),
        sa.Column("message_key", sa.String(200), nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("headers", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_outbox_unpublished", "outbox", ["published_at", "id"])


def drop_messaging_tables() -> None:
    op.drop_index("ix_outbox_unpublished", "outbox")
    op.drop_table("outbox")
    op.drop_table("inbox")


def outbox_records_as_bytes() -> None:
    """Outbox key and value become bytes, the key nullable: rows are records as they go on the
    wire, dead letters included (revision 0004 of every service)."""
    if op.get_context().dialect.name == "postgresql":
        op.execute(
            "ALTER TABLE outbox ALTER COLUMN payload TYPE bytea USING convert_to(payload, 'UTF8'),"
            " ALTER COLUMN message_key TYPE bytea USING convert_to(message_key, 'UTF8'),"
            " ALTER COLUMN message_key DROP NOT NULL"
        )
        return
    with op.batch_alter_table("outbox") as batch:
        batch.alter_column("payload", type_=sa.LargeBinary(), existing_nullable=False)
        batch.alter_column(
            "message_key", type_=sa.LargeBinary(), existing_type=sa.String(200), nullable=True
        )
    op.execute(
        "UPDATE outbox SET payload = CAST(payload AS BLOB), message_key = CAST(message_key AS BLOB)"
    )


def outbox_records_as_text() -> None:
    """Undo `outbox_records_as_bytes`; rows without a key (dead letters) get an empty one."""
    if op.get_context().dialect.name == "postgresql":
        op.execute(
            "ALTER TABLE outbox ALTER COLUMN payload TYPE text"
            " USING convert_from(payload, 'UTF8'),"
            " ALTER COLUMN message_key TYPE varchar(200)"
            " USING coalesce(convert_from(message_key, 'UTF8'), ''),"
            " ALTER COLUMN message_key SET NOT NULL"
        )
        return
    op.execute(
        "UPDATE outbox SET payload = CAST(payload AS TEXT),"
        " message_key = coalesce(CAST(message_key AS TEXT), '')"
    )
    with op.batch_alter_table("outbox") as batch:
        batch.alter_column("payload", type_=sa.Text(), existing_nullable=False)
        batch.alter_column(
            "message_key", type_=sa.String(200), existing_type=sa.LargeBinary(), nullable=False
        )
