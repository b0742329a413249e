"""Calling the services' HTTP APIs as the demo company's staff."""

from typing import Any

import httpx

from shared.seed import load_seed


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
