"""Dependencies a route declares: the store, who is calling, and the context they act in."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, Path, Query, Request
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer
from pydantic import AfterValidator, WithJsonSchema

from synergies.domain.errors import InvalidInput, NotAuthenticated
from synergies.domain.partners import CODE_PATTERN
from synergies.services import accounts
from synergies.services.accounts import Authenticated
from synergies.services.context import Context
from synergies.services.security import Actor
from synergies.storage.store import Store

SESSION_COOKIE = "synergies_session"
# An ETag as sent back: "3", W/"3" or 3 (a version fits 64 bits).
IF_MATCH = r'^(W/)?"?[0-9]{1,18}"?$'

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
        WithJsonSchema({"type": "string", "pattern": IF_MATCH}),  # absent, never null
    ] = None,
) -> int | None:  # fmt: skip
    if if_match is None:
        return None
    if not re.fullmatch(IF_MATCH, if_match.strip()):
        raise InvalidInput(
            f"If-Match {if_match!r} is not a version",
            field="If-Match",
            fix='send the ETag, e.g. "3"',
        )
    return int(if_match.strip().removeprefix("W/").strip('"'))


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
