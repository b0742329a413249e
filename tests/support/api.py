"""Calling the services' HTTP APIs as the demo company's staff."""

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.clock import Clock
from shared.metrics import Metrics
from shared.runtime import (
    ServiceContext,
    ServiceDefinition,
    ServiceParts,
    assemble,
    http_api,
    service_context,
)
from shared.seed import Seed, load_seed
from shared.settings import ServiceSettings


def token_of(role: str) -> str:
    """The bearer token of the demo seed's first user in that role."""
    return next(user.token for user in load_seed().users if user.role == role and user.token)


class Api:
    """One service's API, called as a given role (or anonymously)."""

    def __init__(self, port: int, role: str | None = None) -> None:
        headers = {"Authorization": f"Bearer {token_of(role)}"} if role else {}
        self._client = httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{port}", headers=headers, timeout=15.0
        )

    async def __aenter__(self) -> "Api":
        return self

    async def __aexit__(self, *_: object) -> None:
        await self._client.aclose()

    async def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return await self._client.get(path, **kwargs)

    async def post(self, path: str, body: Any = None, **kwargs: Any) -> httpx.Response:
        return await self._client.post(path, json=body, **kwargs)


@dataclass(frozen=True)
class Wired:
    """One service put together in this process as `build_service` does, without a broker."""

    context: ServiceContext
    parts: ServiceParts
    http: FastAPI
    metrics: Metrics


def wire(
    definition: ServiceDefinition,
    settings: ServiceSettings,
    engine: AsyncEngine,
    clock: Clock,
    seed: Seed | None = None,
    demo_mode: bool = True,
) -> Wired:
    """The service's context, parts and HTTP API on `engine`, in demo mode unless told not
    (the demo seed's users are who the tests act as); its unit of work follows its own events."""
    settings = settings.model_copy(update={"demo_mode": demo_mode})
    context = service_context(definition, settings, engine, clock, seed)
    parts, _own_events = assemble(definition.parts, context)
    metrics = Metrics(definition.name)
    http = http_api(context, parts.router, definition.attempts, metrics, lambda: True)
    return Wired(context, parts, http, metrics)


@contextlib.asynccontextmanager
async def in_process(
    definition: ServiceDefinition,
    settings: ServiceSettings,
    engine: AsyncEngine,
    clock: Clock,
    seed: Seed | None = None,
    demo_mode: bool = True,
) -> AsyncIterator[httpx.AsyncClient]:
    """A service's HTTP API in this process, on `engine` (unit tests: no broker, no server),
    authenticated with the seed's users as the service itself is (in demo mode by default)."""
    wired = wire(definition, settings, engine, clock, seed, demo_mode)
    transport = httpx.ASGITransport(app=wired.http)
    async with httpx.AsyncClient(
        transport=transport, base_url=f"http://{definition.name}"
    ) as client:
        yield client


def bearer(role: str) -> dict[str, str]:
    """The headers of a request made as the seed's user in `role`."""
    return {"Authorization": f"Bearer {token_of(role)}"}
