"""Idempotent inbox: a consumed message's id is recorded in the same transaction as its effects."""

from datetime import datetime

from sqlalchemy import Table, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection


async def seen(connection: AsyncConnection, inbox: Table, message_id: str) -> bool:
    """Whether the message was handled (or dead-lettered) before."""
    found = await connection.scalar(
        select(inbox.c.message_id).where(inbox.c.message_id == message_id)
    )
    return found is not None


async def claim(
    connection: AsyncConnection, inbox: Table, message_id: str, topic: str, now: datetime
) -> bool:
    """Record the message as handled; False if it was handled before (a redelivery). One round
    trip: insert unless present."""
    insert = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
    statement = (
        insert(inbox)
        .values(message_id=message_id, topic=topic, received_at=now)
        .on_conflict_do_nothing(index_elements=[inbox.c.message_id])
        .returning(inbox.c.message_id)
    )
    return (await connection.scalar(statement)) is not None
