"""Who is looking at a page: the session cookie, checked by the same service as the API's.

A page needs a live web session; without one the browser is sent to the login page, told
why (never signed in, signed out, expired). Forms that change state carry a CSRF token
derived from the session secret: another site cannot read the cookie, so it cannot forge
the token (and the request guard refuses cross-site writes on top of that).
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, Form, Request

from synergies.api.deps import SESSION_COOKIE, StoreDep
from synergies.domain.errors import NotAuthenticated, PermissionDenied
from synergies.services import accounts
from synergies.services.accounts import Authenticated
from synergies.services.context import Context
from synergies.services.security import Action, Actor, authorize

CSRF_FIELD = "csrf"
LOGIN_PATH = "/web/login"


class LoginRequired(Exception):
    """The page needs a session: redirect to the login page, saying why, then come back."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(reason)
        self.path = path
        self.reason = reason

    def location(self) -> str:
        return f"{LOGIN_PATH}?next={quote(self.path, safe='/')}&why={quote(self.reason)}"


def csrf_token(secret: str) -> str:
    return hmac.new(secret.encode(), b"synergies web form", hashlib.sha256).hexdigest()[:40]


@dataclass(frozen=True, slots=True)
class Viewer:
    """The signed-in person, the context their page is computed in, and their form token."""

    ctx: Context
    session: Authenticated
    csrf: str

    @property
    def actor(self) -> Actor:
        return self.session.actor

    def may(self, action: Action, **scope: str | None) -> bool:
        """Would the one policy allow this? (To show an action, never to grant it.)"""
        try:
            authorize(self.actor, action, **scope)
        except PermissionDenied:
            return False
        return True


def _why(error: NotAuthenticated) -> str:
    if "expired" in error.message:
        return "expired"
    if "revoked" in error.message:
        return "ended"
    return "unknown"


def viewer(request: Request, store: StoreDep) -> Viewer:
    """The page's viewer, or a redirect to the login page."""
    path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    secret = request.cookies.get(SESSION_COOKIE)
    if not secret:
        raise LoginRequired(path, "none")
    try:
        session = accounts.authenticate(store, secret)
    except NotAuthenticated as error:
        raise LoginRequired(path, _why(error)) from None
    return Viewer(Context(store, session.actor), session, csrf_token(secret))


ViewerDep = Annotated[Viewer, Depends(viewer)]


def checked_form(viewer: ViewerDep, csrf: Annotated[str, Form(max_length=100)] = "") -> Viewer:
    """The viewer of a form that changes state, once its CSRF token is right."""
    if not hmac.compare_digest(csrf, viewer.csrf):
        raise PermissionDenied(
            "this form did not come from your current session",
            field=CSRF_FIELD,
            fix="reload the page and send the form again",
        )
    return viewer


FormViewer = Annotated[Viewer, Depends(checked_form)]
