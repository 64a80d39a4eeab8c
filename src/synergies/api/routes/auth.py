"""Logging in (a web session in an HttpOnly cookie) and API tokens for scripts."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from synergies.api.deps import SESSION_COOKIE, ContextDep, Session, StoreDep
from synergies.api.problems import WRITE_ERRORS, documented
from synergies.domain.accounts import parse_duration
from synergies.schemas.accounts import (
    IssuedTokenOut,
    LoginIn,
    PasswordChangeIn,
    SessionOut,
    TokenIn,
    TokenOut,
    UserName,
    UserOut,
)
from synergies.services import accounts

router = APIRouter(prefix="/auth", tags=["auth"], responses=WRITE_ERRORS)
TokenPath = Annotated[str, Path(min_length=1, max_length=16, pattern=r"^[a-f0-9]+$")]


@router.post("/login", responses=documented(429))
def login(store: StoreDep, body: LoginIn, response: Response) -> SessionOut:
    """Open a web session: sets an HttpOnly cookie. Five failures in a row lock the account."""
    account, issued = accounts.login(store, body.name, body.password.get_secret_value())
    life = int((issued.token.expires_at - issued.token.created_at).total_seconds())
    response.set_cookie(
        SESSION_COOKIE, issued.secret, max_age=life, httponly=True, samesite="strict",
        secure=False,  # served on loopback or behind a TLS proxy that sets Secure
    )  # fmt: skip
    return SessionOut(user=UserOut.of(account), expires_at=issued.token.expires_at)


@router.post("/logout", status_code=204)
def logout(ctx: ContextDep, session: Session, response: Response) -> None:
    """End the session (or revoke the token) these credentials belong to."""
    accounts.revoke_token(ctx, session.token.id)
    response.delete_cookie(SESSION_COOKIE)


@router.get("/me")
def me(ctx: ContextDep) -> UserOut:
    """Who you are authenticated as."""
    return UserOut.of(accounts.user(ctx, ctx.actor.name))


@router.post("/password", responses=documented(429))
def change_password(ctx: ContextDep, session: Session, body: PasswordChangeIn) -> UserOut:
    """Change your password, giving the current one; your other web sessions end. A wrong
    current password counts as a failed login."""
    changed = accounts.change_password(
        ctx, ctx.actor.name, body.current_password.get_secret_value(),
        body.new_password.get_secret_value(), keep_session=session.token.id,
    )  # fmt: skip
    return UserOut.of(changed)


@router.get("/tokens")
def list_tokens(
    ctx: ContextDep,
    user: Annotated[UserName | None, Query(description="Another user's (alliance admin).")] = None,
    all_users: Annotated[
        bool, Query(alias="all", description="Every user's tokens (alliance admin).")
    ] = False,
) -> list[TokenOut]:
    """Your tokens and sessions, another user's, or everyone's (alliance admin)."""
    owner = None if all_users else (user or ctx.actor.name)
    return [TokenOut.of(t) for t in accounts.tokens(ctx, owner)]


@router.post("/tokens", status_code=201)
def create_token(ctx: ContextDep, session: Session, body: TokenIn) -> IssuedTokenOut:
    """A bearer token for scripts, living at most 90 days, and never longer than the token
    that asks for it; its secret is in this answer only."""
    life = parse_duration(body.expires_in, field="expires_in")
    issued = accounts.create_token(
        ctx, body.user or ctx.actor.name, life, body.label, minted_with=session.token
    )
    return IssuedTokenOut(token=TokenOut.of(issued.token), secret=issued.secret)


@router.delete("/tokens/{token_id}")
def revoke_token(ctx: ContextDep, token_id: TokenPath) -> TokenOut:
    """Revoke a token or session: yours, or anyone's (alliance admin)."""
    return TokenOut.of(accounts.revoke_token(ctx, token_id))
