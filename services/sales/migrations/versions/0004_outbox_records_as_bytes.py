"""Outbox rows are records as they go on the wire: key and value as bytes, the key optional, so
dead letters (whatever was consumed, under whatever key) go through the outbox too.

Revision ID: 0004
Revises: 0003
"""

from shared.db.migration_ops import outbox_records_as_bytes, outbox_records_as_text

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    outbox_records_as_bytes()


def downgrade() -> None:
    outbox_records_as_text()
