"""SQLite is the single-process default: a second process on the same file is refused."""

from pathlib import Path

import pytest

from shared.db.engine import DatabaseInUse, hold_sqlite_file


def test_a_second_holder_of_the_same_sqlite_file_is_refused_with_a_clear_message(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'sales.db'}"
    first = hold_sqlite_file(url)
    try:
        with pytest.raises(DatabaseInUse, match="replicas on PostgreSQL"):
            hold_sqlite_file(url)
    finally:
        assert first is not None
        first.close()
    second = hold_sqlite_file(url)  # free again once the first let go
    assert second is not None
    second.close()


def test_postgresql_needs_no_file_lock() -> None:
    assert hold_sqlite_file("postgresql://u:p@127.0.0.1/orderflow_sales") is None
