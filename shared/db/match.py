"""`column IN (values)` that costs the same whatever the number of values."""

from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, any_, bindparam
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncConnection


def any_of(connection: AsyncConnection, column: ColumnElement[Any], values: Iterable[Any]) -> Any:
    """A filter for rows whose `column` is one of `values`. On PostgreSQL it is
    `column = ANY(:values)`, one array parameter: the statement's text is the same for any
    number of values, so it is compiled and prepared once (an expanding `IN` is rendered anew
    for each count, and the driver prepares each count as a new statement, which profiling
    showed in every service's batch loads). On SQLite it is the plain `IN`."""
    listed = list(values)
    if connection.dialect.name != "postgresql":
        return column.in_(listed)
    return column == any_(bindparam(None, listed, type_=ARRAY(column.type)))
