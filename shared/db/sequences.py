"""Yearly number sequences (order numbers, payment numbers) kept in a service's own table."""

from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.db.upsert import dialect_insert


async def next_in_year(connection: AsyncConnection, counters: Table, year: int) -> int:
    """The next number of `year` in a counter table with columns (year, last_number), allocated
    in one atomic statement inside the caller's transaction: replicas sharing the database
    never hand out a number twice (the row stays locked until the transaction ends, so the
    numbers of committed transactions have no gaps either)."""
    insert = dialect_insert(connection, counters).values(year=year, last_number=1)
    number = await connection.scalar(
        insert.on_conflict_do_update(
            index_elements=[counters.c.year],
            set_={"last_number": counters.c.last_number + 1},
        ).returning(counters.c.last_number)
    )
    assert number is not None  # RETURNING of an upsert always yields the row
    return int(number)
