"""The administration page (alliance admins): accounts, their roles, tokens and sessions.

Every change goes through services.accounts, which checks the right (an admin's) and audits
it, exactly as for the API's /users and /auth/tokens routes. A refused change (the last
admin, a weak password, an unknown partner) comes back on the page beside the form that
asked for it, with the fix, and nothing is changed; a change that succeeds redirects (303)
to the page with a message.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from synergies.api.problems import STATUSES
from synergies.domain.accounts import MAX_TOKEN_LIFE, MIN_PASSWORD, User, parse_duration
from synergies.domain.errors import Conflict, InvalidInput, NotFound, SynergiesError
from synergies.schemas.accounts import NAME_PATTERN, TokenOut, UserOut
from synergies.services import accounts, structure
from synergies.services.accounts import IssuedToken
from synergies.services.security import UNSCOPED, Action, Role
from synergies.web.session import FormViewer, Viewer, ViewerDep
from synergies.web.templating import render

router = APIRouter(include_in_schema=False)

PAGE = "/web/admin"
JSON_LINKS = (("Users", "/users"), ("Tokens and sessions", "/auth/tokens?all=true"))
LIFETIMES = ("1d", "7d", "30d", f"{MAX_TOKEN_LIFE.days}d")
# The refusals a form shows beside itself; any other error (a 403 above all) is a page.
SHOWN_INLINE = (InvalidInput, Conflict, NotFound)
DONE = {
    "added": "{subject} can now log in.",
    "role": "{subject} has a new role.",
    "deactivated": "{subject} is deactivated: every token and session of theirs is revoked.",
    "activated": "{subject} can log in again.",
    "password": "{subject} has a new password; their web sessions ended.",
    "revoked": "Token {subject} is revoked.",
}

NamePath = Annotated[str, Path(min_length=1, max_length=100, pattern=NAME_PATTERN)]
TokenPath = Annotated[str, Path(min_length=1, max_length=16, pattern=r"^[a-f0-9]+$")]
Text = Annotated[str, Form(max_length=200)]
Password = Annotated[str, Form(max_length=1000)]
Functions = Annotated[list[str] | None, Form(max_length=20)]


@dataclass(frozen=True, slots=True)
class Refusal:
    """A refused change as the page shows it: beside the form `where` names."""

    where: str
    message: str
    fix: str

    @classmethod
    def of(cls, where: str, error: SynergiesError) -> Refusal:
        return cls(where, error.message, error.fix or "")


@dataclass(frozen=True, slots=True)
class TokenRow:
    token: TokenOut
    live: bool
    yours: bool  # the session this page is shown in: ended by logging out, not here


def _tokens(viewer: Viewer, every: bool) -> list[TokenRow]:
    now = viewer.ctx.clock()
    found = accounts.tokens(viewer.ctx, None)
    rows = [
        TokenRow(TokenOut.of(t), t.usable(now), t.id == viewer.session.token.id)
        for t in sorted(found, key=lambda t: t.created_at, reverse=True)
    ]
    return rows if every else [r for r in rows if r.live]


def _page(
    request: Request, viewer: Viewer, *, status: int = 200, every: bool = False,
    refusal: Refusal | None = None, form: dict[str, Any] | None = None,
    issued: IssuedToken | None = None, done: str = "",
) -> HTMLResponse:  # fmt: skip
    """The page: users first (which also checks the right to manage them)."""
    ctx = viewer.ctx
    users = [UserOut.of(u) for u in accounts.users(ctx)]
    return render(
        request, "admin.html", viewer, status=status, title="Administration",
        json_links=JSON_LINKS, users=users, tokens=_tokens(viewer, every), every=every,
        partners=structure.partners(ctx), functions=structure.functions(ctx), roles=list(Role),
        unscoped=[r.value for r in UNSCOPED], lifetimes=LIFETIMES, min_password=MIN_PASSWORD,
        refusal=refusal, form=form or {}, issued=issued, done=done,
    )  # fmt: skip


def _refused(
    request: Request, viewer: Viewer, where: str, error: SynergiesError, **form: Any
) -> HTMLResponse:
    status = next((s for kind, s in STATUSES.items() if isinstance(error, kind)), 422)
    return _page(request, viewer, status=status, refusal=Refusal.of(where, error), form=form)


def _done(what: str, subject: str) -> RedirectResponse:
    return RedirectResponse(f"{PAGE}?{urlencode({'done': what, 'subject': subject})}", 303)


def _user_change(
    request: Request, viewer: Viewer, name: str, done: str, change: Callable[[], User]
) -> Response:
    """Make a change to one user; back to the page saying so, or the refusal beside the user."""
    try:
        changed = change()
    except SHOWN_INLINE as error:
        return _refused(request, viewer, f"user:{name}", error)
    return _done(done, changed.name)


@router.get(PAGE)
def admin(
    request: Request,
    viewer: ViewerDep,
    tokens: Annotated[str, Query(max_length=10, pattern="^(live|all)$")] = "live",
    done: Annotated[str, Query(max_length=20)] = "",
    subject: Annotated[str, Query(max_length=100)] = "",
) -> HTMLResponse:
    """Users, roles, tokens and sessions; `tokens=all` also lists ended ones."""
    message = DONE[done].format(subject=subject) if done in DONE else ""
    return _page(request, viewer, every=tokens == "all", done=message)


def _partner(text: str) -> str | None:
    return text.strip() or None


@router.post(f"{PAGE}/users")
def add_user(
    request: Request, viewer: FormViewer, name: Text = "", role: Text = "",
    password: Password = "", partner: Text = "", functions: Functions = None,
) -> Response:  # fmt: skip
    """A new account; a weak password or a missing partner is refused on the form."""
    try:
        created = accounts.add_user(
            viewer.ctx, name, accounts.role_named(role), password, partner=_partner(partner),
            functions=functions or (),
        )  # fmt: skip
    except SHOWN_INLINE as error:
        kept = {"name": name, "role": role, "partner": partner, "functions": functions or []}
        return _refused(request, viewer, "add", error, **kept)
    return _done("added", created.name)


@router.post(f"{PAGE}/users/{{name}}/role")
def set_role(
    request: Request, viewer: FormViewer, name: NamePath, role: Text = "", partner: Text = "",
    functions: Functions = None,
) -> Response:  # fmt: skip
    """Another role, partner and functions; the last active admin keeps theirs."""
    return _user_change(request, viewer, name, "role", lambda: accounts.set_role(
        viewer.ctx, name, accounts.role_named(role), partner=_partner(partner),
        functions=functions or (),
    ))  # fmt: skip


@router.post(f"{PAGE}/users/{{name}}/deactivate")
def deactivate(request: Request, viewer: FormViewer, name: NamePath) -> Response:
    return _user_change(
        request, viewer, name, "deactivated", lambda: accounts.deactivate(viewer.ctx, name)
    )


@router.post(f"{PAGE}/users/{{name}}/activate")
def activate(request: Request, viewer: FormViewer, name: NamePath) -> Response:
    return _user_change(
        request, viewer, name, "activated", lambda: accounts.activate(viewer.ctx, name)
    )


@router.post(f"{PAGE}/users/{{name}}/password")
def reset_password(
    request: Request, viewer: FormViewer, name: NamePath, password: Password = ""
) -> Response:
    """A new password for a user who forgot theirs; their sessions end."""
    return _user_change(
        request, viewer, name, "password",
        lambda: accounts.reset_password(viewer.ctx, name, password),
    )  # fmt: skip


@router.post(f"{PAGE}/tokens")
def create_token(
    request: Request, viewer: FormViewer, user: Text = "", expires_in: Text = "30d",
    label: Text = "",
) -> Response:  # fmt: skip
    """A bearer token for a script. Its secret is on this answer only: it is never put in a
    URL (a redirect would carry it into the history and logs) nor stored but as a hash."""
    ctx = viewer.ctx
    ctx.allow(Action.manage_users)  # one's own tokens are made elsewhere; here, an admin's act
    try:
        life = parse_duration(expires_in, field="expires_in")
        issued = accounts.create_token(ctx, user or ctx.actor.name, life, label)
    except SHOWN_INLINE as error:
        kept = {"token_user": user, "expires_in": expires_in, "label": label}
        return _refused(request, viewer, "token", error, **kept)
    return _page(request, viewer, status=201, issued=issued)


@router.post(f"{PAGE}/tokens/{{token_id}}/revoke")
def revoke_token(request: Request, viewer: FormViewer, token_id: TokenPath) -> Response:
    viewer.ctx.allow(Action.manage_users)  # as for creating: this page is an admin's
    try:
        revoked = accounts.revoke_token(viewer.ctx, token_id)
    except SHOWN_INLINE as error:
        return _refused(request, viewer, f"token:{token_id}", error)
    return _done("revoked", revoked.id)
