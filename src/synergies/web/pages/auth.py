"""Logging in and out of the dashboard: the API's login service, a form instead of JSON."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from synergies.api.deps import SESSION_COOKIE, StoreDep
from synergies.domain.accounts import LockedOut
from synergies.domain.errors import NotAuthenticated
from synergies.services import accounts
from synergies.web.session import LOGIN_PATH, FormViewer
from synergies.web.templating import render

router = APIRouter(include_in_schema=False)

WHY = {
    "none": "Log in to see the alliance's synergies.",
    "expired": "Your session has expired: log in again.",
    "ended": "Your session was ended: log in again.",
    "unknown": "Your session is no longer valid: log in again.",
    "out": "You are logged out.",
}


def _safe_next(target: str) -> str:
    """Only a path on this server (never `//host` or a URL): no open redirect."""
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


@router.get(LOGIN_PATH)
def login_page(
    request: Request,
    next_path: Annotated[str, Query(alias="next", max_length=2000)] = "/",
    why: Annotated[str, Query(max_length=20)] = "none",
) -> Response:
    return render(
        request, "login.html", None, title="Log in", message=WHY.get(why, WHY["none"]),
        next_path=_safe_next(next_path), name="", error=None, locked=False,
    )  # fmt: skip


@router.post(LOGIN_PATH)
def login(
    request: Request,
    store: StoreDep,
    name: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=1000)] = "",
    next_path: Annotated[str, Form(alias="next", max_length=2000)] = "/",
) -> Response:
    try:
        _, issued = accounts.login(store, name, password)
    except LockedOut as error:
        return _refused(request, name, next_path, error, 429, locked=True)
    except NotAuthenticated as error:
        return _refused(request, name, next_path, error, 401, locked=False)
    answer = RedirectResponse(_safe_next(next_path), status_code=303)
    life = int((issued.token.expires_at - issued.token.created_at).total_seconds())
    answer.set_cookie(
        SESSION_COOKIE, issued.secret, max_age=life, httponly=True, samesite="strict",
        secure=False,  # served on loopback or behind a TLS proxy that sets Secure
    )  # fmt: skip
    return answer


def _refused(
    request: Request, name: str, next_path: str, error: NotAuthenticated, status: int,
    *, locked: bool,
) -> Response:  # fmt: skip
    return render(
        request, "login.html", None, status=status, title="Account locked" if locked else "Log in",
        message=WHY["none"], next_path=_safe_next(next_path), name=name,
        error=f"{error.message}; {error.fix}" if error.fix else error.message, locked=locked,
    )  # fmt: skip


@router.post("/web/logout")
def logout(viewer: FormViewer) -> Response:
    accounts.revoke_token(viewer.ctx, viewer.session.token.id)
    answer = RedirectResponse(f"{LOGIN_PATH}?why=out", status_code=303)
    answer.delete_cookie(SESSION_COOKIE)
    return answer
