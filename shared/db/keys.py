"""`column IN (values)` that costs one prepared statement, whatever the number of values.

SQLAlchemy renders `column.in_(values)` as one placeholder per value, so on PostgreSQL every
batch size is a statement of its own: asyncpg prepares it (a round trip, a parse and a plan on
the server) the first time each connection meets that length, and its cache of 100 statements
per connection churns when batches vary. `= ANY($1)` with the values as one array is the same
condition as a single statement that each connection prepares once.
"""

from collections.abc import Iterable
from typing import Any

from sqlalchemy import any_, bindparam
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.elements import ColumnElement


def one_of(
    connection: AsyncConnection, column: ColumnElement[Any], values: Iterable[Any]
) -> ColumnElement[bool]:
    """`column` is one of `values`: `= ANY(array)` on PostgreSQL, an IN list elsewhere
    (SQLite has no arrays)."""
    listed = list(values)
    if connection.dialect.name == "postgresql":
        return column == any_(bindparam(None, listed, type_=ARRAY(column.type)))
    return column.in_(listed)
