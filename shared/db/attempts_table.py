"""The table of decision attempts every service with an HTTP API keeps: each request that
would change something (any method but GET, HEAD and OPTIONS), accepted or refused, with who
made it (when known), what came of it and why (`shared.http.attempts`)."""

from collections.abc import Callable
from typing import Any

from sqlalchemy import Column, Index, Integer, MetaData, String, Table

from shared.db.messaging_tables import BigIntId
from shared.db.types import UtcDateTime

NAME = "decision_attempts"
PATH_CHARS = 500
MESSAGE_CHARS = 1000


def _columns() -> list[Any]:
    return [
        Column("id", BigIntId, primary_key=True, autoincrement=True),
        Column("at", UtcDateTime(), nullable=False),
        Column("method", String(10), nullable=False),
        Column("path", String(PATH_CHARS), nullable=False),
        Column("user_name", String(200), nullable=True),
        Column("role", String(60), nullable=True),
        Column("status", Integer, nullable=False),
        Column("outcome", String(20), nullable=False),
        Column("error", String(100), nullable=True),
        Column("message", String(MESSAGE_CHARS), nullable=True),
    ]


def add_attempts_table(metadata: MetaData) -> Table:
    """Declare `decision_attempts` in a service's metadata."""
    return Table(
        NAME, metadata, *_columns(), Index("ix_decision_attempts_outcome", "outcome", "id")
    )


def create_attempts_table(
    create_table: Callable[..., Any], create_index: Callable[..., Any]
) -> None:
    """For a service's migration: `create_attempts_table(op.create_table, op.create_index)`."""
    create_table(NAME, *_columns())
    create_index("ix_decision_attempts_outcome", NAME, ["outcome", "id"])


def drop_attempts_table(drop_table: Callable[..., Any]) -> None:
    drop_table(NAME)
