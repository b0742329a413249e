"""Which failures are transient: trying again later can succeed without anything changing."""

from sqlalchemy.exc import DBAPIError, OperationalError

TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (OperationalError, OSError, TimeoutError)
TRANSIENT_SQLSTATES = frozenset({"40001", "40P01", "55P03", "57P01", "57P03"})
"""Serialization failure, deadlock, lock not available, admin shutdown, cannot connect now."""


def _sqlstate(error: BaseException) -> str | None:
    original = getattr(error, "orig", None)
    for candidate in (original, getattr(original, "__cause__", None)):
        state = getattr(candidate, "sqlstate", None) or getattr(candidate, "pgcode", None)
        if isinstance(state, str):
            return state
    return None


SQLITE_TRANSIENT = ("locked", "busy", "disk i/o", "unable to open")
"""SQLite raises OperationalError for a busy file and for a bad statement alike; only these
messages mean that trying again can help."""


def is_transient(error: BaseException) -> bool:
    """Whether trying again later can succeed without anything changing in the message."""
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return True
    if isinstance(error, OperationalError) and type(error.orig).__module__.startswith("sqlite3"):
        return any(word in str(error.orig).lower() for word in SQLITE_TRANSIENT)
    if isinstance(error, TRANSIENT_ERRORS) or _sqlstate(error) in TRANSIENT_SQLSTATES:
        return True
    cause = error.__cause__ or error.__context__
    return cause is not None and cause is not error and isinstance(cause, TRANSIENT_ERRORS)


CONTENTION_SQLSTATES = frozenset({"40001", "40P01"})
"""Serialization failure and deadlock: two transactions collided, one of them may simply run
again."""


def is_contention(error: BaseException) -> bool:
    """Whether the database aborted the transaction because of another one."""
    return _sqlstate(error) in CONTENTION_SQLSTATES
