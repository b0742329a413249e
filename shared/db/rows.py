"""Rows loaded once and written once per unit of work.

A consumed batch is one transaction; many of its messages touch the same few rows (an order's
account, a customer's balance, the master data of the one customer that orders all day). Within
a unit of work, repositories read and write rows by primary key through these functions: a row
is read from the database once (or for many keys in one statement, `preload`), kept for the
rest of the transaction, changed in memory, and every changed row is written back in one
statement per table just before the transaction commits (`flush`), or earlier where a
repository is about to query the table by anything but its key (`flush_table`).

The state lives in a context variable set by the unit of work (`in_scope`), so it is private
to one transaction and needs no lock. Outside a scope (a read-only view, a test calling a
repository directly) every call goes straight to the database.
"""

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping
from contextvars import ContextVar
from typing import Any, TypeVar, cast

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

Row = dict[str, Any]
T = TypeVar("T")
Key = tuple[str, Any]


class Scope:
    """The rows one transaction has read or changed, by (table, primary key)."""

    def __init__(self) -> None:
        self.rows: dict[Key, Row | None] = {}
        """Rows read FOR UPDATE (locked until the transaction ends) or written here."""
        self.read: dict[Key, Row | None] = {}
        """Rows read without a lock (reference data such as customers and products)."""
        self.dirty: dict[Key, tuple[Table, Row]] = {}
        """Changed rows to update at the next flush."""
        self.new: dict[Key, tuple[Table, Row]] = {}
        """Added rows to insert at the next flush (before any update)."""
        self.writers: dict[Any, Callable[[AsyncConnection], Awaitable[None]]] = {}
        """Writes a repository collected for the end of the transaction (`write_at_flush`)."""
        self.memo: dict[Any, Any] = {}
        """Values computed once per transaction (`once`), e.g. a locked capacity calendar."""

    def cached(self, key: Key, *, for_update: bool) -> tuple[bool, Row | None]:
        """(known here, row) for a table and primary key. A row locked or written here wins
        over an unlocked read of it; a read without a lock does not serve a locking load. Two
        lookups, never a merged view (that would copy the whole scope at every load)."""
        if key in self.rows:
            return True, self.rows[key]
        if not for_update and key in self.read:
            return True, self.read[key]
        return False, None


_scope: ContextVar[Scope | None] = ContextVar("orderflow_row_scope", default=None)


@contextlib.asynccontextmanager
async def in_scope(connection: AsyncConnection) -> AsyncIterator[Scope]:
    """Run a unit of work with its own row scope; changed rows are written before leaving."""
    scope = Scope()
    token = _scope.set(scope)
    try:
        yield scope
        await flush(connection)
    finally:
        _scope.reset(token)


def _key_column(table: Table) -> str:
    (column,) = table.primary_key.columns  # these helpers serve single-column keys
    return column.name


async def load(
    connection: AsyncConnection, table: Table, key: Any, *, for_update: bool = True
) -> Row | None:
    """The row with primary key `key` as it is in this transaction, or None."""
    scope = _scope.get()
    if scope is not None:
        known, row = scope.cached((table.name, key), for_update=for_update)
        if known:
            return None if row is None else dict(row)
    column = table.c[_key_column(table)]
    statement = select(table).where(column == key)
    if for_update:
        statement = statement.with_for_update()
    found = (await connection.execute(statement)).mappings().one_or_none()
    row = None if found is None else dict(found)
    if scope is not None:
        (scope.rows if for_update else scope.read)[(table.name, key)] = row
    return None if row is None else dict(row)


async def load_many(
    connection: AsyncConnection, table: Table, keys: Iterable[Any], *, for_update: bool = False
) -> list[Row]:
    """The rows of these keys in key order, as they are in this transaction; what it read
    before is not read again. Without `for_update` (reference data) they are not locked."""
    scope = _scope.get()
    wanted = sorted(set(keys))
    found: dict[Any, Row | None] = {}
    missing: list[Any] = []
    seen = Scope() if scope is None else scope  # outside a unit of work nothing is known
    for key in wanted:
        known, row = seen.cached((table.name, key), for_update=for_update)
        if known:
            found[key] = row
        else:
            missing.append(key)
    if missing:
        column = table.c[_key_column(table)]
        statement = select(table).where(column.in_(missing)).order_by(column)
        if for_update:
            statement = statement.with_for_update()
        fetched = {
            row[column.name]: dict(row) for row in (await connection.execute(statement)).mappings()
        }
        for key in missing:
            found[key] = fetched.get(key)
            if scope is not None:
                (scope.rows if for_update else scope.read)[(table.name, key)] = fetched.get(key)
    return [dict(row) for key in wanted if (row := found[key]) is not None]


async def once(key: Any, compute: Callable[[], Awaitable[T]]) -> T:
    """`compute()` the first time in this transaction, the same value after that (outside a
    unit of work: every time). For what handlers read whole and never change, such as a
    locked capacity calendar or the bills of materials."""
    scope = _scope.get()
    if scope is None:
        return await compute()
    if key not in scope.memo:
        scope.memo[key] = await compute()
    return cast(T, scope.memo[key])


async def preload(connection: AsyncConnection, table: Table, keys: Iterable[Any]) -> None:
    """Read (and lock, in key order) the rows of many keys in one statement, so the loads that
    follow in this transaction need no round trip; a key without a row is remembered too."""
    scope = _scope.get()
    if scope is None:
        return
    wanted = sorted({key for key in keys if (table.name, key) not in scope.rows})
    if not wanted:
        return
    column = table.c[_key_column(table)]
    found = (
        await connection.execute(
            select(table).where(column.in_(wanted)).order_by(column).with_for_update()
        )
    ).mappings()
    for row in found:
        scope.rows[(table.name, row[column.name])] = dict(row)
    for key in wanted:
        scope.rows.setdefault((table.name, key), None)


async def add(connection: AsyncConnection, table: Table, row: Mapping[str, Any]) -> None:
    """Store a new row: in a scope, inserted at `flush` (with the batch's other new rows of the
    table, in one statement); otherwise at once. A key taken already fails at the flush."""
    scope = _scope.get()
    if scope is None:
        await connection.execute(insert(table).values(**row))
        return
    key = (table.name, row[_key_column(table)])
    scope.rows[key] = dict(row)
    scope.new[key] = (table, dict(row))
    for column, value in row.items():  # a load by another column must find it now
        if isinstance(value, str | int) and ("by", table.name, column, value) in scope.memo:
            scope.memo[("by", table.name, column, value)] = key[1]


async def save(connection: AsyncConnection, table: Table, row: Mapping[str, Any]) -> None:
    """Store a changed row: in a scope, written at `flush`; otherwise at once."""
    name = _key_column(table)
    scope = _scope.get()
    if scope is None:
        values = {column: value for column, value in row.items() if column != name}
        await connection.execute(update(table).where(table.c[name] == row[name]).values(values))
        return
    key = (table.name, row[name])
    scope.rows[key] = dict(row)
    if key in scope.new:  # not inserted yet: insert it as it is now
        scope.new[key] = (table, dict(row))
    else:
        scope.dirty[key] = (table, dict(row))


async def preload_by(
    connection: AsyncConnection,
    table: Table,
    column: str,
    values: Iterable[Any],
    *,
    for_update: bool = True,
) -> None:
    """`preload` for rows found by a unique column other than the key (a shipment by its
    order): one statement for many values; a value without a row is remembered too."""
    scope = _scope.get()
    if scope is None:
        return
    wanted = sorted({v for v in values if ("by", table.name, column, v) not in scope.memo})
    if not wanted:
        return
    statement = select(table).where(table.c[column].in_(wanted)).order_by(table.c[column])
    if for_update:
        statement = statement.with_for_update()
    name = _key_column(table)
    cache = scope.rows if for_update else scope.read
    for found in (await connection.execute(statement)).mappings():
        row = dict(found)
        cache.setdefault((table.name, row[name]), row)
        scope.memo[("by", table.name, column, row[column])] = row[name]
    for value in wanted:
        scope.memo.setdefault(("by", table.name, column, value), None)


async def load_by(
    connection: AsyncConnection, table: Table, column: str, value: Any, *, for_update: bool = True
) -> Row | None:
    """The row whose unique `column` has `value`, as it is in this transaction, or None."""
    scope = _scope.get()
    if scope is not None and ("by", table.name, column, value) in scope.memo:
        key = scope.memo[("by", table.name, column, value)]
        return None if key is None else await load(connection, table, key, for_update=for_update)
    name = _key_column(table)
    added = find_added(table, **{column: value})
    if scope is not None and added is not None:  # not written yet: the database lacks it
        scope.memo[("by", table.name, column, value)] = added[name]
        return added
    statement = select(table).where(table.c[column] == value)
    if for_update:
        statement = statement.with_for_update()
    found = (await connection.execute(statement)).mappings().first()
    row = None if found is None else dict(found)
    if scope is not None:
        scope.memo[("by", table.name, column, value)] = None if row is None else row[name]
        if row is not None:
            cache = scope.rows if for_update else scope.read
            cache.setdefault((table.name, row[name]), row)
            _, row = scope.cached((table.name, row[name]), for_update=False)  # as changed here
    return None if row is None else dict(row)


async def write_at_flush(
    connection: AsyncConnection, key: Any, write: Callable[[AsyncConnection], Awaitable[None]]
) -> None:
    """Run `write` when this transaction's rows are flushed (once per `key`: a repository
    gathers its pending writes in the memo and registers one writer); at once outside a unit of
    work."""
    scope = _scope.get()
    if scope is None:
        await write(connection)
        return
    scope.writers.setdefault(key, write)


def recall(key: Any) -> Any:
    """What this transaction remembered under `key` (see `remember`), or None."""
    scope = _scope.get()
    return None if scope is None else scope.memo.get(key)


def remember(key: Any, value: Any) -> None:
    """Keep a value for the rest of this transaction (nothing outside a unit of work)."""
    scope = _scope.get()
    if scope is not None:
        scope.memo[key] = value


def find_added(table: Table, **values: Any) -> Row | None:
    """A row added in this transaction and not written yet whose columns have these values;
    a query by those columns finds the rest (or flush the table first)."""
    scope = _scope.get()
    if scope is None:
        return None
    for added_to, row in scope.new.values():
        if added_to.name == table.name and all(row[k] == v for k, v in values.items()):
            return dict(row)
    return None


def forget(table: Table, key: Any) -> None:
    """Drop what this transaction remembers of a row written another way (an upsert). A row
    with a write still pending here cannot be forgotten: that write would overwrite the other
    one at the flush (flush the table first)."""
    scope = _scope.get()
    if scope is not None:
        if (table.name, key) in scope.new or (table.name, key) in scope.dirty:
            raise RuntimeError(f"{table.name} {key!r} has a write pending in this transaction")
        scope.read.pop((table.name, key), None)
        scope.rows.pop((table.name, key), None)


async def flush_table(connection: AsyncConnection, table: Table) -> None:
    """Write this transaction's new and changed rows of one table now, before a query that
    selects them by other columns."""
    await _write(connection, lambda candidate: candidate.name == table.name)


async def flush(connection: AsyncConnection) -> None:
    """Write every new and changed row of this transaction: one statement per table and set of
    columns, inserts first; then what repositories gathered (`write_at_flush`)."""
    await _write(connection, lambda _table: True)
    scope = _scope.get()
    while scope is not None and scope.writers:
        _key, write = scope.writers.popitem()
        await write(connection)


def _take(
    pending: dict[Key, tuple[Table, Row]], chosen: Callable[[Table], bool]
) -> list[tuple[Table, list[Row]]]:
    """Remove the chosen tables' rows from `pending`, grouped by table and set of columns."""
    groups: dict[tuple[str, tuple[str, ...]], tuple[Table, list[Row]]] = {}
    for key in [key for key, (table, _row) in pending.items() if chosen(table)]:
        table, row = pending.pop(key)
        groups.setdefault((table.name, tuple(sorted(row))), (table, []))[1].append(row)
    return list(groups.values())


async def _write(connection: AsyncConnection, chosen: Callable[[Table], bool]) -> None:
    scope = _scope.get()
    if scope is None or not (scope.dirty or scope.new):
        return
    for table, added in _take(scope.new, chosen):
        await connection.execute(insert(table), added)
    for table, rows in _take(scope.dirty, chosen):
        name = _key_column(table)
        # the SET clause comes from the parameters' names; `_key` feeds the WHERE clause
        await connection.execute(
            update(table).where(table.c[name] == bindparam("_key")),
            [{"_key": row[name]} | {c: v for c, v in row.items() if c != name} for row in rows],
        )
