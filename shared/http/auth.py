"""Bearer-token authentication. Every request names a user, and through it a role (P8.1).

Whether that role may make a decision is the domain's call, never the caller's.
"""

import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass

from fastapi import HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from shared.seed.model import User

log = logging.getLogger("orderflow.audit")


@dataclass(frozen=True)
class Actor:
    """Who makes a decision, in which role."""

    user: str
    role: str


class Directory:
    """The known users, by token."""

    def __init__(self, users: Iterable[User]) -> None:
        self._by_token = {user.token: Actor(user.name, user.role) for user in users}

    def find(self, token: str) -> Actor | None:
        return self._by_token.get(token)


bearer = HTTPBearer(auto_error=False, description="Token of a user from the seed file")


def authenticate(directory: Directory) -> Callable[..., Awaitable[Actor]]:
    """A FastAPI dependency: the calling actor, or 401 (logged) with nothing changed."""

    async def current_actor(request: Request) -> Actor:
        credentials: HTTPAuthorizationCredentials | None = await bearer(request)
        actor = directory.find(credentials.credentials) if credentials else None
        if actor is None:
            log.warning(
                "refused unauthenticated request %s %s from %s",
                request.method,
                request.url.path,
                request.client.host if request.client else "?",
            )
            raise HTTPException(
                status_code=status.HTTP_401_UNAUTHORIZED,
                detail={"error": "unauthenticated", "message": "a valid bearer token is required"},
                headers={"WWW-Authenticate": "Bearer"},
            )
        request.state.actor = actor
        return actor

    return current_actor
