"""Domain refusals as clear HTTP errors, each logged as an attempt."""

import logging

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from shared.decisions import Refused

log = logging.getLogger("orderflow.audit")


def install_error_handlers(app: FastAPI) -> None:
    async def refused(request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, Refused)
        actor = getattr(request.state, "actor", None)
        log.warning(
            "refused %s %s by %s: %s: %s",
            request.method,
            request.url.path,
            f"{actor.user} ({actor.role})" if actor else "?",
            error.error,
            error.message,
        )
        return JSONResponse(
            status_code=error.status_code,
            content={"detail": {"error": error.error, "message": error.message}},
        )

    app.add_exception_handler(Refused, refused)
