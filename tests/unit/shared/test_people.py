"""People at the HTTP APIs: tokens known only by their digest, demo users only in demo mode,
bounded bodies, rate limits, and every attempt to change something stored and listed, refused
ones included.

Runs finance's real HTTP API in this process on an embedded SQLite database.
"""

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncEngine

from services.finance.app import DEFINITION
from services.finance.settings import FinanceSettings
from shared.clock import FrozenClock
from shared.http.attempts import AttemptLog, prune
from shared.http.auth import Directory
from shared.http.limits import Limits
from shared.http.tokens import digest, new_token
from shared.seed import load_seed
from shared.seed.model import User
from tests.support.api import bearer, in_process, token_of, wire
from tests.unit.finance.test_service import engine

__all__ = ["engine"]

CLOCK = FrozenClock(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
MISSING = "/unmatched-payments/NOPE/refund"
"""A finance clerk's decision about a payment that does not exist: refused with 404."""


def own_user(role: str = "finance_clerk") -> tuple[str, User]:
    token, hashed = new_token()
    return token, User(name="ines.roth", role=role, token_sha256=hashed)


def company_with(*users: User) -> Any:
    """The demo seed with `users` in place of its demo users."""
    return load_seed().model_copy(update={"users": list(users)})


@pytest.fixture
async def demo(engine: AsyncEngine) -> AsyncIterator[httpx.AsyncClient]:
    async with in_process(DEFINITION, FinanceSettings(), engine, CLOCK) as client:
        yield client


async def attempts(api: httpx.AsyncClient, **query: Any) -> list[dict[str, Any]]:
    answer = await api.get("/decision-attempts", params=query, headers=bearer("finance_manager"))
    assert answer.status_code == 200, answer.text
    listed: list[dict[str, Any]] = answer.json()
    return listed


def test_a_directory_keeps_no_token_and_finds_its_user_by_the_token() -> None:
    token, user = own_user()
    directory = Directory([user])

    found = directory.find(token)

    assert found is not None and (found.user, found.role) == ("ines.roth", "finance_clerk")
    assert directory.find(token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    assert directory.find(user.token_sha256 or "") is None  # the digest is not a token
    assert token not in repr(vars(directory))


def test_demo_users_are_left_out_unless_demo_mode_is_on() -> None:
    seed = load_seed()
    demo_token = token_of("finance_clerk")

    assert Directory(seed.users).find(demo_token) is None
    assert Directory(seed.users).ignored_demo_users == len(seed.users)
    assert Directory(seed.users, demo_mode=True).find(demo_token) is not None


@pytest.mark.parametrize(
    "fields",
    [{}, {"token": "demo-0123456789abcdef", "token_sha256": digest("demo-0123456789abcdef")}],
    ids=["neither", "both"],
)
def test_a_seed_user_has_exactly_one_of_a_digest_or_a_demo_token(fields: dict[str, str]) -> None:
    with pytest.raises(ValidationError, match="exactly one"):
        User.model_validate({"name": "ines.roth", "role": "finance_clerk", **fields})


async def test_without_demo_mode_the_demo_tokens_are_refused_and_the_refusal_is_stored(
    engine: AsyncEngine,
) -> None:
    token, manager = own_user("finance_manager")
    async with in_process(
        DEFINITION, FinanceSettings(), engine, CLOCK, company_with(manager), demo_mode=False
    ) as api:
        refused = await api.post(MISSING, json={"reason": "x"}, headers=bearer("finance_clerk"))
        listed = await api.get("/decision-attempts", headers={"Authorization": f"Bearer {token}"})

    assert refused.status_code == 401
    assert listed.status_code == 200, listed.text
    [attempt] = listed.json()
    assert attempt | {"id": 0, "at": ""} == {
        "id": 0,
        "at": "",
        "method": "POST",
        "path": MISSING,
        "user": None,
        "role": None,
        "status": 401,
        "outcome": "unauthenticated",
        "error": "unauthenticated",
        "message": "a valid bearer token is required",
    }


async def test_every_decision_attempt_is_listed_with_who_and_why_refused_ones_included(
    demo: httpx.AsyncClient,
) -> None:
    await demo.post(MISSING, json={"reason": "x"}, headers=bearer("finance_clerk"))
    await demo.post(MISSING, json={"reason": ["x"]}, headers=bearer("finance_clerk"))
    await demo.post(MISSING, json={"reason": "x"}, headers=bearer("sales_rep"))
    await demo.get("/unmatched-payments", headers=bearer("finance_clerk"))  # a read: not kept

    listed = await attempts(demo)
    refused = await attempts(demo, outcome="refused")

    assert [(a["user"], a["role"], a["status"], a["outcome"]) for a in listed] == [
        ("hana.kim", "finance_clerk", 404, "refused"),
        ("hana.kim", "finance_clerk", 422, "invalid"),
        ("mei.zhang", "sales_rep", 403, "refused"),
    ]
    assert listed[0]["error"] == "not_found" and "NOPE" in listed[0]["message"]
    assert "reason" in listed[1]["message"]
    assert [a["id"] for a in refused] == [listed[0]["id"], listed[2]["id"]]
    assert await attempts(demo, after=listed[1]["id"]) == listed[2:]


async def test_only_managers_read_the_attempts(demo: httpx.AsyncClient) -> None:
    answer = await demo.get("/decision-attempts", headers=bearer("finance_clerk"))

    assert answer.status_code == 409
    assert "may not read the decision attempts" in answer.text


async def test_a_body_over_the_limit_is_refused_declared_or_streamed_and_stored(
    engine: AsyncEngine,
) -> None:
    settings = FinanceSettings(http_max_body_bytes=2048)
    big = b'{"reason": "' + b"x" * 4096 + b'"}'

    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(big), 512):
            yield big[start : start + 512]

    async with in_process(DEFINITION, settings, engine, CLOCK) as api:
        declared = await api.post(MISSING, content=big, headers=bearer("finance_clerk"))
        streamed = await api.post(MISSING, content=chunks(), headers=bearer("finance_clerk"))
        small = await api.post(MISSING, json={"reason": "x"}, headers=bearer("finance_clerk"))
        listed = await attempts(api, outcome="too_large")

    assert (declared.status_code, streamed.status_code, small.status_code) == (413, 413, 404)
    assert "over 2048 bytes" in declared.text and "over 2048 bytes" in streamed.text
    assert [attempt["status"] for attempt in listed] == [413, 413]


def test_a_token_over_its_rate_waits_and_failing_addresses_are_held_back() -> None:
    now = [0.0]
    limits = Limits(
        per_second=1, burst=2, failures_per_minute=60, failure_burst=3, clock=lambda: now[0]
    )

    assert [limits.allow("t") for _ in range(3)] == [True, True, False]
    assert limits.allow("other")  # each token its own bucket
    now[0] += 1.0
    assert limits.allow("t") and not limits.allow("t")

    for _ in range(3):
        assert not limits.failures_over("10.0.0.9")
        limits.failed("10.0.0.9")
    assert limits.failures_over("10.0.0.9")
    assert not limits.failures_over("10.0.0.8")
    now[0] += 1.0
    assert not limits.failures_over("10.0.0.9")


async def test_the_api_answers_429_past_the_rate_and_stores_it(engine: AsyncEngine) -> None:
    settings = FinanceSettings(http_requests_per_second=0.001, http_request_burst=2)
    async with in_process(DEFINITION, settings, engine, CLOCK) as api:
        answers = [
            (await api.post(MISSING, json={"reason": "x"}, headers=bearer("finance_clerk")))
            for _ in range(3)
        ]
        limited = await attempts(api, outcome="limited")

    assert [answer.status_code for answer in answers] == [404, 404, 429]
    assert answers[2].headers["Retry-After"] == "1"
    assert [(a["user"], a["error"]) for a in limited] == [("hana.kim", "rate_limited")]


async def test_an_attempt_echoing_unprintable_input_is_stored_printable(
    demo: httpx.AsyncClient,
) -> None:
    await demo.post(
        "/unmatched-payments/A%00%E2%80%AEB/refund",
        json={"reason": "x"},
        headers=bearer("finance_clerk"),
    )

    [attempt] = await attempts(demo)
    assert attempt["status"] == 404
    assert "\x00" not in attempt["path"] + attempt["message"]
    assert "\u202e" not in attempt["path"] + attempt["message"]
    assert "\\x00" in attempt["path"]


async def test_an_attempt_that_fails_with_an_exception_is_kept_as_failed(
    engine: AsyncEngine,
) -> None:
    wired = wire(DEFINITION, FinanceSettings(), engine, CLOCK)

    async def broken(scope: Any, receive: Any, send: Any) -> None:
        raise RuntimeError("a bug in a handler")

    log = AttemptLog(broken, wired.context.unit_of_work, DEFINITION.attempts, 1024)
    with pytest.raises(RuntimeError, match="a bug"):
        await log({"type": "http", "method": "POST", "path": "/x", "headers": []}, None, None)  # type: ignore[arg-type]

    transport = httpx.ASGITransport(app=wired.http)
    async with httpx.AsyncClient(transport=transport, base_url="http://finance") as api:
        [attempt] = await attempts(api)
    assert (attempt["path"], attempt["status"], attempt["outcome"]) == ("/x", 500, "failed")


async def test_a_flood_past_the_rate_stores_one_row_a_minute_per_client(
    engine: AsyncEngine,
) -> None:
    settings = FinanceSettings(http_requests_per_second=0.001, http_request_burst=3)
    clock = FrozenClock(CLOCK.now())
    async with in_process(DEFINITION, settings, engine, clock) as api:
        answers = [
            (await api.post(MISSING, json={"reason": "x"}, headers=bearer("finance_clerk")))
            for _ in range(20)
        ]
        within_the_minute = await attempts(api, outcome="limited")
        clock.advance(timedelta(minutes=1))
        await api.post(MISSING, json={"reason": "x"}, headers=bearer("finance_clerk"))
        after_it = await attempts(api, outcome="limited")

    assert [answer.status_code for answer in answers] == [404] * 3 + [429] * 17
    assert len(within_the_minute) == 1
    assert len(after_it) == 2


async def test_attempts_past_their_retention_are_deleted_and_the_rest_kept(
    engine: AsyncEngine,
) -> None:
    clock = FrozenClock(CLOCK.now())
    wired = wire(DEFINITION, FinanceSettings(), engine, clock)
    unit_of_work = wired.context.unit_of_work
    transport = httpx.ASGITransport(app=wired.http)
    async with httpx.AsyncClient(transport=transport, base_url="http://finance") as api:
        await api.post(MISSING, json={"reason": "old"}, headers=bearer("finance_clerk"))
        clock.advance(timedelta(days=10))
        await api.post(MISSING, json={"reason": "new"}, headers=bearer("finance_clerk"))

        deleted = await prune(unit_of_work, DEFINITION.attempts, timedelta(days=5))
        kept = await attempts(api)

    assert deleted == 1
    assert [attempt["at"] for attempt in kept] == [clock.now().isoformat().replace("+00:00", "Z")]
