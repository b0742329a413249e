"""Rate limits on the HTTP APIs: requests per token, failed authentications per client address.

Token buckets: a key may make `burst` attempts at once and then `rate` per second. Each replica
keeps its own buckets (a limit is a protection, not a correctness rule: with N replicas behind a
balancer a token gets up to N times the rate). The buckets tracked are bounded; the longest
untouched one is forgotten first.
"""

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

TRACKED_KEYS = 10_000


@dataclass
class Buckets:
    rate: float
    """Attempts regained per second."""
    burst: float
    clock: Callable[[], float] = time.monotonic
    _levels: OrderedDict[str, tuple[float, float]] = field(default_factory=OrderedDict)

    def _level(self, key: str) -> float:
        now = self.clock()
        level, then = self._levels.pop(key, (self.burst, now))
        level = min(self.burst, level + (now - then) * self.rate)
        self._levels[key] = (level, now)
        while len(self._levels) > TRACKED_KEYS:
            self._levels.popitem(last=False)
        return level

    def take(self, key: str) -> bool:
        """Spend one attempt of `key`; False (nothing spent) if it has none left."""
        level = self._level(key)
        if level < 1:
            return False
        self._levels[key] = (level - 1, self._levels[key][1])
        return True

    def empty(self, key: str) -> bool:
        return self._level(key) < 1


@dataclass
class Limits:
    """The two limits of one service's API."""

    per_second: float = 20.0
    burst: float = 40.0
    failures_per_minute: float = 30.0
    failure_burst: float = 10.0
    clock: Callable[[], float] = time.monotonic

    def __post_init__(self) -> None:
        self._requests = Buckets(self.per_second, self.burst, self.clock)
        self._failures = Buckets(self.failures_per_minute / 60, self.failure_burst, self.clock)

    def allow(self, token_digest: str) -> bool:
        return self._requests.take(token_digest)

    def failed(self, client: str) -> None:
        self._failures.take(client)

    def failures_over(self, client: str) -> bool:
        return self._failures.empty(client)

    def retry_after(self) -> dict[str, str]:
        return {"Retry-After": "1"}
