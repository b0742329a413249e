"""Idempotent inbox: a consumed message's id is recorded in the same transaction as its effects."""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.db.upsert import dialect_insert

MESSAGE_ID_CHARS = 200
"""Width of the inbox's message id column; longer ids are refused by `claim_many`."""


async def claim_many(
    connection: AsyncConnection,
    inbox: Table,
    messages: Sequence[tuple[str, str]],
    now: datetime,
) -> set[str]:
    """Record (message id, topic) pairs as handled in one statement; returns the ids that were
    new. An id handled before (a redelivery, a replay) is not returned, nor is a repeat."""
    rows: dict[str, str] = {}
    for message_id, topic in messages:
        if len(message_id) > MESSAGE_ID_CHARS:
            raise ValueError(f"message id longer than {MESSAGE_ID_CHARS} characters")
        rows.setdefault(message_id, topic)
    if not rows:
        return set()
    # executemany form: one cached statement whatever the batch's size (SQLAlchemy sends it as
    # multi-row INSERTs, "insertmanyvalues"); only rows actually inserted are returned
    statement = (
        dialect_insert(connection, inbox)
        .on_conflict_do_nothing(index_elements=[inbox.c.message_id])
        .returning(inbox.c.message_id)
    )
    result = await connection.execute(
        statement,
        [
            {"message_id": message_id, "topic": topic, "received_at": now}
            for message_id, topic in rows.items()
        ],
    )
    return set(result.scalars())
