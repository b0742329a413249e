"""Idempotent inbox: a consumed message's id is recorded in the same transaction as its effects."""

from datetime import datetime

from sqlalchemy import Table, select
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.db.upsert import insert_or_ignore


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
    return await insert_or_ignore(
        connection, inbox, {"message_id": message_id, "topic": topic, "received_at": now}
    )
