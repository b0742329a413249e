"""Insert-or-update and insert-or-ignore on both supported databases (PostgreSQL, SQLite), rows
matched on the table's primary key."""

from collections.abc import Collection, Mapping, Sequence
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection


def dialect_insert(connection: AsyncConnection, table: Table) -> postgresql.Insert | sqlite.Insert:
    """An INSERT with the database's ON CONFLICT clauses."""
    if connection.dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def _key(table: Table) -> list[str]:
    return [column.name for column in table.primary_key.columns]


async def upsert(
    connection: AsyncConnection,
    table: Table,
    rows: Sequence[Mapping[str, Any]],
    *,
    insert_only: Collection[str] = (),
) -> None:
    """Insert the rows (all with the same columns); where a row with the same primary key is
    stored, replace its other given columns instead, except those named in `insert_only`,
    which only a new row gets (e.g. a running total that starts at zero)."""
    if not rows:
        return
    key = _key(table)
    statement = dialect_insert(connection, table)
    replaced = [name for name in rows[0] if name not in key and name not in insert_only]
    if replaced:
        statement = statement.on_conflict_do_update(
            index_elements=key, set_={name: statement.excluded[name] for name in replaced}
        )
    else:
        statement = statement.on_conflict_do_nothing(index_elements=key)
    await connection.execute(statement, [dict(row) for row in rows])


async def insert_or_ignore(
    connection: AsyncConnection, table: Table, row: Mapping[str, Any]
) -> bool:
    """Insert the row unless one with its primary key is stored; whether it was inserted. One
    round trip."""
    key = list(table.primary_key.columns)
    statement = (
        dialect_insert(connection, table)
        .values(**row)
        .on_conflict_do_nothing(index_elements=key)
        .returning(*key)
    )
    return (await connection.execute(statement)).first() is not None
