"""Number sequences (order numbers, payment numbers per year; document numbers per kind) kept
in a service's own counter table: its key column(s) and `last_number`."""

from typing import Any

from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.db import rows
from shared.db.upsert import dialect_insert


async def next_in_year(connection: AsyncConnection, counters: Table, year: int) -> int:
    """The next number of `year` in a counter table with columns (year, last_number)."""
    return await next_number(connection, counters, year=year)


async def next_number(connection: AsyncConnection, counters: Table, **key: Any) -> int:
    """The next number of the counter row `key` (its primary key columns and values),
    allocated inside the caller's transaction. The first number a transaction draws comes from
    one atomic statement (`INSERT … ON CONFLICT DO UPDATE SET last_number = last_number + 1
    RETURNING`), which also locks the counter's row until the transaction ends: replicas
    sharing the database never hand out a number twice, and a rolled-back transaction leaves no
    gap. In a unit of work the numbers after the first are counted on in memory and the last
    one is written with the batch's other rows."""
    memo = ("sequence", counters.name, *sorted(key.items()))
    drawn: int | None = rows.recall(memo)
    if drawn is None:
        insert = dialect_insert(connection, counters).values(**key, last_number=1)
        number = await connection.scalar(
            insert.on_conflict_do_update(
                index_elements=[counters.c[column] for column in key],
                set_={"last_number": counters.c.last_number + 1},
            ).returning(counters.c.last_number)
        )
        assert number is not None  # RETURNING of an upsert always yields the row
        rows.remember(memo, int(number))
        return int(number)
    number = drawn + 1
    rows.remember(memo, number)
    await rows.save(connection, counters, {**key, "last_number": number})
    return number
