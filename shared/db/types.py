"""Column types that keep decimals exact and moments in UTC on every supported database."""

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import DateTime, Numeric, String
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine


class ExactDecimal(TypeDecorator[Decimal]):
    """An exact decimal: NUMERIC(precision, scale) on PostgreSQL; on SQLite, whose numbers are
    binary floats, its text in a string of `text_length` characters."""

    impl = String
    cache_ok = True

    def __init__(self, precision: int, scale: int, text_length: int) -> None:
        super().__init__(text_length)
        self.precision = precision
        self.scale = scale
        self.text_length = text_length

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(Numeric(self.precision, self.scale, asdecimal=True))
        return dialect.type_descriptor(String(self.text_length))

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        return value if dialect.name == "postgresql" else str(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        return None if value is None else Decimal(str(value))


class MoneyType(ExactDecimal):
    """Money: NUMERIC(16,2) on PostgreSQL, text on SQLite."""

    cache_ok = True

    def __init__(self) -> None:
        super().__init__(precision=16, scale=2, text_length=32)


class QuantityType(ExactDecimal):
    """Material quantities: NUMERIC(20,6) on PostgreSQL, text on SQLite."""

    cache_ok = True

    def __init__(self) -> None:
        super().__init__(precision=20, scale=6, text_length=40)


class UtcDateTime(TypeDecorator[datetime]):
    """A moment in UTC: `timestamptz` on PostgreSQL; on SQLite, which keeps no offset, the UTC
    wall time, read back as timezone-aware UTC. Comparisons in SQL stay correct on both."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("UtcDateTime needs a timezone-aware datetime")
        utc = value.astimezone(UTC)
        return utc if dialect.name == "postgresql" else utc.replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
