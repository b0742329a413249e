"""One injectable clock, so deadlines and day counts can be tested by moving time."""

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware (UTC)."""
        ...


class SystemClock:
    """Wall-clock time."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class FrozenClock:
    """A clock that only moves when told to; for tests."""

    def __init__(self, start: datetime) -> None:
        self._now = start

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> None:
        self._now += delta


class OffsetFileClock:
    """Wall-clock time plus an offset in seconds read from a file (re-read at most every
    0.2 s). Lets an end-to-end test move every service's time forward at once."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._offset = 0.0
        self._read_at = 0.0

    def now(self) -> datetime:
        moment = time.monotonic()
        if moment - self._read_at > 0.2:
            self._read_at = moment
            try:
                self._offset = float(self._path.read_text().strip() or 0)
            except (OSError, ValueError):
                self._offset = 0.0
        return datetime.now(UTC) + timedelta(seconds=self._offset)


def clock_from_settings(offset_file: Path | None) -> Clock:
    return OffsetFileClock(offset_file) if offset_file else SystemClock()
