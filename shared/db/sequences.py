"""Yearly number sequences (order numbers, payment numbers) kept in a service's own table."""

from sqlalchemy import Table, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection


async def next_in_year(connection: AsyncConnection, counters: Table, year: int) -> int:
    """The next number of `year` in a counter table with columns (year, last_number), allocated
    inside the caller's transaction (the row is locked where the database can)."""
    last = await connection.scalar(
        select(counters.c.last_number).where(counters.c.year == year).with_for_update()
    )
    number = 1 if last is None else last + 1
    if last is None:
        await connection.execute(insert(counters).values(year=year, last_number=number))
    else:
        await connection.execute(
            update(counters).where(counters.c.year == year).values(last_number=number)
        )
    return number
