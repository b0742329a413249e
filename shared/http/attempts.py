"""Every attempt to change something through a service's API, stored and readable.

`AttemptLog` wraps a service's HTTP app (ASGI middleware). It bounds every request body (413
past `max_body_bytes`, whether declared or streamed) and, for each request that would change
something (any method but GET, HEAD and OPTIONS), stores one row of `decision_attempts` once
the answer is sent: when, method and path, who (when the token was valid), the HTTP status,
the outcome and the error code and message of a refusal. A failure to store it is logged and
changes nothing of the answer. `attempts_router` serves them at `GET /decision-attempts` to
managers.

A flood must not become a flood of rows: of the attempts refused for their rate (429), only the
first of each client (user, else address) in each minute is stored; every one is still counted
in `orderflow_http_requests_total`. `prune` deletes rows past the retention period.
"""

import json
import logging
from collections.abc import Awaitable, Callable, MutableMapping
from datetime import datetime, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query
from pydantic import BaseModel
from sqlalchemy import Table, delete, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.contracts.bounds import safe_text
from shared.db.attempts_table import MESSAGE_CHARS, PATH_CHARS
from shared.decisions import NotAllowedNow
from shared.http.auth import Actor
from shared.messaging.unit_of_work import UnitOfWork

log = logging.getLogger("orderflow.audit")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
DEFAULT_MAX_BODY_BYTES = 256 * 1024
"""The largest request body: a desk order of 200 lines is about 40 KiB."""
KEPT_ANSWER_BYTES = 8192
"""Of a refusal's answer, this much is read for its error code and message."""
AUDITORS = frozenset(
    {
        "general_manager",
        "deputy_general_manager",
        "sales_manager",
        "finance_manager",
        "production_manager",
        "customer_service_lead",
    }
)
"""Who may read the attempts."""
LIMITED_KEPT_PER = timedelta(minutes=1)
"""Of a client's rate-limited attempts, one is stored per this much time."""
LIMITED_CLIENTS_KEPT = 10_000
"""Clients remembered for that at most (the oldest are forgotten first)."""

Outcome = Literal[
    "accepted", "refused", "invalid", "unauthenticated", "limited", "too_large", "failed"
]


def outcome_of(status: int) -> Outcome:
    if status < 400:
        return "accepted"
    named: dict[int, Outcome] = {
        401: "unauthenticated",
        413: "too_large",
        422: "invalid",
        429: "limited",
    }
    if status in named:
        return named[status]
    return "failed" if status >= 500 else "refused"


def reason_of(answer: bytes) -> tuple[str | None, str | None]:
    """(error code, message) of a refusal's JSON answer, as far as it says."""
    try:
        detail = json.loads(answer).get("detail")
    except (ValueError, AttributeError, RecursionError):  # cut short, or echoing deep input
        return None, None
    if isinstance(detail, dict):
        return _text(detail.get("error"), 100), _text(detail.get("message"), MESSAGE_CHARS)
    if isinstance(detail, list):  # validation problems
        problems = "; ".join(
            f"{'.'.join(str(part) for part in item.get('loc', []))}: {item.get('msg', '')}"
            for item in detail
            if isinstance(item, dict)
        )
        return "invalid", _text(problems, MESSAGE_CHARS)
    return None, _text(detail, MESSAGE_CHARS)


def _text(value: object, limit: int) -> str | None:
    """Printable and bounded (a refusal may echo what was sent: NUL, bidi overrides …)."""
    return None if value is None else safe_text(str(value), limit)


class AttemptLog:
    """ASGI middleware: bounded bodies, and a stored row per attempt to change something."""

    def __init__(
        self, app: ASGIApp, unit_of_work: UnitOfWork, table: Table, max_body_bytes: int
    ) -> None:
        self.app = app
        self.unit_of_work = unit_of_work
        self.table = table
        self.max_body_bytes = max_body_bytes
        self._limited_since: dict[str, datetime] = {}
        """Client -> when its last stored rate-limited attempt was."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        answer: dict[str, Any] = {"status": 500, "body": b""}
        declared = self._declared_length(scope)
        if declared is not None and declared > self.max_body_bytes:
            answer.update(status=413, body=await self._too_large(send))
            await self._record_if_a_change(scope, answer)
            return
        try:
            await self.app(scope, self._bounded(receive), self._watching(send, answer))
        except Exception:  # an attempt that failed with an exception is kept too (as a 500)
            await self._record_if_a_change(scope, answer)
            raise
        await self._record_if_a_change(scope, answer)

    async def _record_if_a_change(self, scope: Scope, answer: dict[str, Any]) -> None:
        status = int(answer["status"])
        if scope["method"] in SAFE_METHODS:
            return
        if status == 429 and not self._first_limited_of_the_minute(scope):
            return
        await self._record(scope, status, bytes(answer["body"]))

    def _first_limited_of_the_minute(self, scope: Scope) -> bool:
        actor = scope.get("state", {}).get("actor")
        client = scope.get("client") or ("?", 0)
        who = f"user:{actor.user}" if isinstance(actor, Actor) else f"address:{client[0]}"
        now = self.unit_of_work.clock.now()
        last = self._limited_since.get(who)
        if last is not None and now - last < LIMITED_KEPT_PER:
            return False
        self._limited_since.pop(who, None)
        self._limited_since[who] = now  # newest last: the dict's order is by time
        while len(self._limited_since) > LIMITED_CLIENTS_KEPT:
            del self._limited_since[next(iter(self._limited_since))]
        return True

    @staticmethod
    def _declared_length(scope: Scope) -> int | None:
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    return int(value)
                except ValueError:
                    return None
        return None

    def _bounded(self, receive: Receive) -> Receive:
        received = 0

        async def bounded() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:
                    raise HTTPException(413, detail=self._too_large_detail())
            return message

        return bounded

    @staticmethod
    def _watching(send: Send, answer: dict[str, Any]) -> Send:
        async def watching(message: Message) -> None:
            if message["type"] == "http.response.start":
                answer["status"] = message["status"]
            elif message["type"] == "http.response.body" and answer["status"] >= 400:
                answer["body"] = (answer["body"] + message.get("body", b""))[:KEPT_ANSWER_BYTES]
            await send(message)

        return watching

    def _too_large_detail(self) -> dict[str, str]:
        return {
            "error": "too_large",
            "message": f"the request body is over {self.max_body_bytes} bytes",
        }

    async def _too_large(self, send: Send) -> bytes:
        """Answer 413 without reading the body; returns the answer's body."""
        body = json.dumps({"detail": self._too_large_detail()}).encode()
        headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": body})
        return body

    async def _record(self, scope: Scope, status: int, answer: bytes) -> None:
        actor = scope.get("state", {}).get("actor")
        error, message = reason_of(answer) if status >= 400 else (None, None)
        row = {
            "at": self.unit_of_work.clock.now(),
            "method": safe_text(str(scope["method"]), 10),
            "path": safe_text(str(scope.get("path", "")), PATH_CHARS),
            "user_name": actor.user if isinstance(actor, Actor) else None,
            "role": actor.role if isinstance(actor, Actor) else None,
            "status": status,
            "outcome": outcome_of(status),
            "error": error,
            "message": message,
        }

        async def store(connection: AsyncConnection) -> list[Any]:
            await connection.execute(insert(self.table).values(**row))
            return []

        try:
            await self.unit_of_work.run(store)
        except Exception:
            log.exception("could not store the attempt %s %s", row["method"], row["path"])


async def prune(unit_of_work: UnitOfWork, table: Table, kept_for: timedelta) -> int:
    """Delete the attempts older than `kept_for`; returns how many."""
    before = unit_of_work.clock.now() - kept_for
    deleted = 0

    async def delete_old(connection: AsyncConnection) -> list[Any]:
        nonlocal deleted
        result = await connection.execute(delete(table).where(table.c.at < before))
        deleted = result.rowcount or 0
        return []

    await unit_of_work.run(delete_old)
    return deleted


class Attempt(BaseModel):
    id: int
    at: datetime
    method: str
    path: str
    user: str | None
    role: str | None
    status: int
    outcome: str
    error: str | None
    message: str | None


def attempts_router(
    unit_of_work: UnitOfWork, table: Table, current_actor: Callable[..., Awaitable[Actor]]
) -> APIRouter:
    api = APIRouter(tags=["decision attempts"])
    who = Depends(current_actor)

    @api.get("/decision-attempts")
    async def list_attempts(
        outcome: Annotated[Outcome | None, Query(description="Only this outcome")] = None,
        after: Annotated[int, Query(ge=0, description="Only attempts after this id")] = 0,
        limit: Annotated[int, Query(ge=1, le=500)] = 100,
        actor: Actor = who,
    ) -> list[Attempt]:
        """Every attempt to change something through this service's API, refused ones
        included, oldest first (managers only)."""
        if actor.role not in AUDITORS:
            raise NotAllowedNow(f"role {actor.role} may not read the decision attempts")
        query = select(table).where(table.c.id > after).order_by(table.c.id).limit(limit)
        if outcome is not None:
            query = query.where(table.c.outcome == outcome)
        async with unit_of_work.read() as connection:
            rows = (await connection.execute(query)).mappings().all()
        return [
            Attempt(user=row["user_name"], **{k: v for k, v in row.items() if k != "user_name"})
            for row in rows
        ]

    return api
