"""Bearer-token authentication. Every request names a user, and through it a role (P8.1).

Whether that role may make a decision is the domain's call, never the caller's. Tokens are
known only by their SHA-256 and compared in constant time (`shared.http.tokens`); the seed's
demo users, given with their tokens in clear, work only in demo mode. Attempts are limited per
token, and failed ones per client address (`shared.http.limits`).
"""

import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass

from fastapi import HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from shared.http.limits import Limits
from shared.http.tokens import digest, matches
from shared.seed.model import User

log = logging.getLogger("orderflow.audit")

MAX_TOKEN_CHARS = 200


@dataclass(frozen=True)
class Actor:
    """Who makes a decision, in which role."""

    user: str
    role: str


class Directory:
    """The known users, by the digest of their token."""

    def __init__(self, users: Iterable[User], demo_mode: bool = False) -> None:
        self._users: list[tuple[str, Actor]] = []
        self.ignored_demo_users = 0
        """Demo users left out because demo mode is off."""
        for user in users:
            if user.token_sha256 is not None:
                self._users.append((user.token_sha256, Actor(user.name, user.role)))
            elif demo_mode and user.token is not None:
                self._users.append((digest(user.token), Actor(user.name, user.role)))
            else:
                self.ignored_demo_users += 1

    def __len__(self) -> int:
        return len(self._users)

    def find(self, token: str) -> Actor | None:
        """The user of `token`; every stored digest is compared, in constant time each."""
        if len(token) > MAX_TOKEN_CHARS:
            return None
        found: Actor | None = None
        for stored, actor in self._users:
            if matches(token, stored) and found is None:
                found = actor
        return found


bearer = HTTPBearer(auto_error=False, description="The user's API token")


def _refuse(code: int, error: str, message: str, headers: dict[str, str]) -> HTTPException:
    return HTTPException(
        status_code=code, detail={"error": error, "message": message}, headers=headers
    )


def authenticate(
    directory: Directory, limits: Limits | None = None
) -> Callable[..., Awaitable[Actor]]:
    """A FastAPI dependency: the calling actor, or 401 (recorded as an attempt, logged) with
    nothing changed; 429 once a token or a failing client address is over its rate."""
    limits = limits or Limits()

    async def current_actor(request: Request) -> Actor:
        client = request.client.host if request.client else "?"
        credentials: HTTPAuthorizationCredentials | None = await bearer(request)
        presented = credentials.credentials if credentials else ""
        if limits.failures_over(client):
            raise _refuse(429, "rate_limited", "too many failed attempts", limits.retry_after())
        actor = directory.find(presented) if presented else None
        if actor is None:
            limits.failed(client)
            log.warning(
                "refused unauthenticated request %s %s from %s",
                request.method,
                request.url.path,
                client,
            )
            raise _refuse(
                status.HTTP_401_UNAUTHORIZED,
                "unauthenticated",
                "a valid bearer token is required",
                {"WWW-Authenticate": "Bearer"},
            )
        request.state.actor = actor
        if not limits.allow(digest(presented)):
            raise _refuse(429, "rate_limited", "too many requests", limits.retry_after())
        return actor

    return current_actor
