"""Errors as RFC 9457 problem details; the one place that maps error classes to statuses.

Statuses: invalid input and request validation 422; unknown things 404; a refused stage gate
409 (the request is well formed, the initiative's state does not allow it); conflicts 409,
including a stale `If-Match` version (nothing is changed); permission denied 403; missing or
bad credentials 401; a login locked after repeated failures 429; a body too large 413 or not
JSON 415; anything unexpected (a store that fails, a bug) 500 with no internals: the details go
to the server's log under an id the answer names.
"""

from __future__ import annotations

import logging
import secrets
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.exc import DataError, IntegrityError
from starlette.exceptions import HTTPException

from synergies.domain.accounts import LockedOut
from synergies.domain.errors import (
    Conflict,
    GateRefused,
    InvalidInput,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    SynergiesError,
)

MEDIA_TYPE = "application/problem+json"
log = logging.getLogger("synergies.api")

STATUSES: dict[type[SynergiesError], int] = {
    InvalidInput: 422,
    NotFound: 404,
    GateRefused: 409,
    Conflict: 409,
    PermissionDenied: 403,
    LockedOut: 429,
    NotAuthenticated: 401,
}

TITLES = {
    400: "Bad request",
    401: "Not authenticated",
    403: "Permission denied",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    422: "Invalid input",
    413: "Request body too large",
    415: "Unsupported media type",
    429: "Too many failed logins",
    500: "Internal error",
}


class Problem(BaseModel):
    """An error, as RFC 9457 problem details."""

    type: str = Field(description="A URI naming the kind of problem.")
    title: str
    status: int
    detail: str
    instance: str = Field(description="The path of the request that failed.")
    field: str | None = Field(None, description="The input that caused it, if one did.")
    fix: str | None = Field(None, description="What to do about it.")
    errors: list[dict[str, str]] | None = Field(
        None, description="Request validation errors: each with its field path and message."
    )
    unmet: list[str] | None = Field(
        None, description="A refused stage gate: every requirement it found unmet."
    )


def status_of(error: SynergiesError) -> int:
    for kind in type(error).__mro__:
        if kind in STATUSES:
            return STATUSES[kind]
    return 400


def problem_response(
    request: Request, status: int, detail: str, headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:  # fmt: skip
    title = TITLES.get(status, "Error")
    body = Problem(
        type=f"/problems/{title.lower().replace(' ', '-')}", title=title, status=status,
        detail=detail, instance=request.url.path, **extra,
    )  # fmt: skip
    if status == 401:
        headers = {**(headers or {}), "WWW-Authenticate": "Bearer"}
    return JSONResponse(
        body.model_dump(exclude_none=True), status, headers=headers, media_type=MEDIA_TYPE
    )


async def _synergies_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, SynergiesError)
    unmet = list(error.reasons) if isinstance(error, GateRefused) and error.reasons else None
    return problem_response(
        request, status_of(error), error.message, field=error.field, fix=error.fix, unmet=unmet
    )


def _path(location: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in location)


async def _validation_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    errors = [{"field": _path(e["loc"]), "message": str(e["msg"])} for e in error.errors()]
    fields = ", ".join(e["field"] for e in errors)
    return problem_response(
        request, 422, f"the request is not valid: {fields}",
        field=errors[0]["field"] if errors else None, errors=errors,
        fix="see the schema at /openapi.json",
    )  # fmt: skip


async def _http_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, HTTPException)
    # Keep the headers the framework set (the `Allow` of a 405, for one).
    headers = dict(error.headers) if error.headers else None
    return problem_response(request, error.status_code, str(error.detail), headers)


async def _store_refused(request: Request, error: Exception) -> JSONResponse:
    """A last line of defence: a value the store cannot hold, or a clashing key."""
    status = 409 if isinstance(error, IntegrityError) else 422
    return problem_response(
        request, status, "the store refused the change: a value does not fit or already exists",
        fix="check the values against the schema at /openapi.json",
    )  # fmt: skip


async def _unexpected(request: Request, error: Exception) -> JSONResponse:
    """Never a traceback or a store's message to the client: an id to find it in the log."""
    incident = secrets.token_hex(6)
    log.error("incident %s on %s %s", incident, request.method, request.url.path, exc_info=error)
    return problem_response(
        request, 500, f"the server could not answer this request (incident {incident})",
        fix=f"try again later; if it persists, give the administrator the incident id {incident}",
    )  # fmt: skip


def install(app: FastAPI) -> None:
    app.add_exception_handler(Exception, _unexpected)
    app.add_exception_handler(SynergiesError, _synergies_error)
    app.add_exception_handler(DataError, _store_refused)
    app.add_exception_handler(IntegrityError, _store_refused)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)


def documented(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` for these error statuses, all problem+json."""
    return {
        status: {
            "model": Problem,
            "description": TITLES[status],
            "content": {MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
        for status in statuses
    }


READ_ERRORS = documented(401, 403, 404, 422, 500)
WRITE_ERRORS = documented(400, 401, 403, 404, 409, 413, 415, 422, 500)
