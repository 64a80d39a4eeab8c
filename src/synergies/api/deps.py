"""Dependencies a route declares: the store, who is calling, and the context they act in."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, Path, Query, Request
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer
from pydantic import AfterValidator

from synergies.domain.errors import InvalidInput, NotAuthenticated
from synergies.domain.partners import CODE_PATTERN
from synergies.services import accounts
from synergies.services.accounts import Authenticated
from synergies.services.context import Context
from synergies.services.security import Actor
from synergies.storage.store import Store

SESSION_COOKIE = "synergies_session"

# A partner or agreement code in a path: the domain's rule, upper-cased once, here.
CodePath = Annotated[
    str, Path(min_length=2, max_length=20, pattern=CODE_PATTERN), AfterValidator(str.upper)
]

bearer = HTTPBearer(auto_error=False, description="An API token: `synergies token create USER`.")
session_cookie = APIKeyCookie(
    name=SESSION_COOKIE, auto_error=False, description="A web session from POST /auth/login."
)


def get_store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


StoreDep = Annotated[Store, Depends(get_store)]


def authenticated(
    store: StoreDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    session: Annotated[str | None, Depends(session_cookie)],
) -> Authenticated:
    secret = credentials.credentials if credentials else session
    if not secret:
        raise NotAuthenticated(
            "no credentials were given",
            fix="send 'Authorization: Bearer TOKEN' or log in with POST /auth/login",
        )
    return accounts.authenticate(store, secret)


Session = Annotated[Authenticated, Depends(authenticated)]


def current_actor(session: Session) -> Actor:
    return session.actor


CurrentActor = Annotated[Actor, Depends(current_actor)]


def context(store: StoreDep, actor: CurrentActor) -> Context:
    return Context(store, actor)


ContextDep = Annotated[Context, Depends(context)]


def expected_version(
    if_match: Annotated[
        str | None,
        Header(description="The ETag (version) you read; a stale one is refused with 409."),
    ] = None,
) -> int | None:
    if if_match is None:
        return None
    text = if_match.strip().removeprefix("W/").strip('"')
    if not text.isdigit():
        raise InvalidInput(
            f"If-Match {if_match!r} is not a version",
            field="If-Match",
            fix='send the ETag, e.g. "3"',
        )
    return int(text)


IfMatch = Annotated[int | None, Depends(expected_version)]


@dataclass(frozen=True, slots=True)
class Paging:
    limit: int
    offset: int


def paging(
    limit: Annotated[int, Query(ge=1, le=1000, description="At most this many items.")] = 100,
    offset: Annotated[int, Query(ge=0, le=10_000_000, description="Skip this many.")] = 0,
) -> Paging:
    return Paging(limit, offset)


PagingDep = Annotated[Paging, Depends(paging)]
