"""The one place where errors become HTTP responses. Domains raise their own errors; `hub` maps the kinds."""

from __future__ import annotations

import logging

import psycopg
from fastapi import FastAPI, Request, status
from fastapi.responses import JSONResponse

from access.errors import NotAuthenticated
from core.errors import Conflict, DomainError, Forbidden, Invalid, NotFound

log = logging.getLogger(__name__)

_STATUS: list[tuple[type[DomainError], int]] = [
    (NotAuthenticated, status.HTTP_401_UNAUTHORIZED),
    (Forbidden, status.HTTP_403_FORBIDDEN),
    (NotFound, status.HTTP_404_NOT_FOUND),
    (Conflict, status.HTTP_409_CONFLICT),
    (Invalid, status.HTTP_422_UNPROCESSABLE_CONTENT),
]


def _domain_error(request: Request, exc: Exception) -> JSONResponse:
    code = next((c for kind, c in _STATUS if isinstance(exc, kind)), status.HTTP_400_BAD_REQUEST)
    headers = {"WWW-Authenticate": "Bearer"} if code == status.HTTP_401_UNAUTHORIZED else None
    return JSONResponse({"detail": str(exc)}, status_code=code, headers=headers)


def _data_error(request: Request, exc: Exception) -> JSONResponse:
    # A value PostgreSQL cannot hold (an id past bigint, say): the caller's input, not our failure.
    return JSONResponse(
        {"detail": f"a value in the request is out of range: {type(exc).__name__}"},
        status_code=status.HTTP_422_UNPROCESSABLE_CONTENT,
    )


def _unavailable(request: Request, exc: Exception) -> JSONResponse:
    log.warning("database unavailable while serving %s %s", request.method, request.url.path)
    return JSONResponse({"detail": "database unavailable, try again"}, status_code=503, headers={"Retry-After": "5"})


def install(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, _domain_error)
    app.add_exception_handler(psycopg.errors.DataError, _data_error)
    app.add_exception_handler(psycopg.OperationalError, _unavailable)
