"""Calling the services' HTTP APIs as the demo company's staff."""

import contextlib
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.clock import Clock
from shared.http.auth import Directory, authenticate
from shared.http.errors import install_error_handlers
from shared.messaging.unit_of_work import UnitOfWork
from shared.runtime import ServiceContext, ServiceParts, assemble
from shared.seed import load_seed
from shared.settings import ServiceSettings


def token_of(role: str) -> str:
    """The bearer token of the seed file's first user in that role."""
    return next(user.token for user in load_seed().users if user.role == role)


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


@contextlib.asynccontextmanager
async def in_process(
    name: str,
    settings: ServiceSettings,
    parts: Callable[[ServiceContext], ServiceParts],
    engine: AsyncEngine,
    tables: tuple[Table, Table],
    clock: Clock,
) -> AsyncIterator[httpx.AsyncClient]:
    """A service's HTTP API in this process, on `engine` (unit tests: no broker, no server),
    authenticated with the demo seed's users as the service itself is."""
    seed = load_seed(settings.seed_file)
    context = ServiceContext(
        name=name,
        settings=settings,
        clock=clock,
        unit_of_work=UnitOfWork(engine, *tables, clock, service=name),
        seed=seed,
        current_actor=authenticate(Directory(seed.users)),
    )
    app = FastAPI()
    install_error_handlers(app)
    router = assemble(parts, context)[0].router
    assert router is not None, f"{name} has no HTTP API"
    app.include_router(router)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=f"http://{name}") as client:
        yield client


def bearer(role: str) -> dict[str, str]:
    """The headers of a request made as the seed's user in `role`."""
    return {"Authorization": f"Bearer {token_of(role)}"}
