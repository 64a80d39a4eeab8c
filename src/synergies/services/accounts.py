"""Accounts: users and their lifecycle, API tokens and web sessions, and login with a lock-out.

Every change to an account is audited and goes through here, whichever shell asks for it.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection

from synergies.domain.accounts import (
    MAX_FAILURES,
    SESSION_TIME,
    ApiToken,
    LockedOut,
    Role,
    User,
    check_password,
    locked_until,
    name_key,
    token_expiry,
    user_name,
)
from synergies.domain.errors import (
    Conflict,
    InvalidInput,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
)
from synergies.domain.partners import find_partner
from synergies.services.audit import lock_writes
from synergies.services.context import Context, utc_now
from synergies.services.security import UNSCOPED, Action, Actor
from synergies.storage import account_rows as rows
from synergies.storage import alliance_rows
from synergies.storage.store import Store

PREFIX = "syn_"
_hasher = PasswordHasher()


@cache
def _dummy_hash() -> str:
    """Verified when the user is unknown, so a wrong name costs as much time as a wrong
    password; computed on first sign-in, not when the module loads (0.3 s of every start)."""
    return _hasher.hash("not a password of anyone")


@dataclass(frozen=True, slots=True)
class IssuedToken:
    """A new token and its secret: the secret is shown once and stored only as a hash."""

    token: ApiToken
    secret: str


@dataclass(frozen=True, slots=True)
class Authenticated:
    actor: Actor
    token: ApiToken


def role_named(text: str) -> Role:
    """A role by its value ('partner controller') or its short name ('controller')."""
    key = text.strip().lower().replace("-", " ").replace("_", " ")
    for role in Role:
        if key in (role.value, role.name.replace("_", " ")):
            return role
    known = ", ".join(r.value for r in Role)
    raise InvalidInput(f"unknown role {text!r}", field="role", fix=f"use one of: {known}")


def actor_of(user: User) -> Actor:
    return Actor(user.name, user.role, user.partner, user.functions)


def _member(
    name: str, role: Role, partner: str | None, functions: Sequence[str], created: datetime
) -> User:
    return User(
        name, role, partner.strip().upper() if partner else None,
        tuple(sorted({f.strip() for f in functions if f.strip()})), True, created,
    )  # fmt: skip


def _check_membership(ctx: Context, user: User) -> None:
    """A role scoped to a partner (all but admin, clean team and approver) belongs to one; a
    function lead leads some functions."""
    role = user.role
    if user.partner is None and role not in UNSCOPED:
        raise InvalidInput(
            f"a {role.value} belongs to a partner", field="partner", fix="give the partner's code"
        )
    if role is Role.function_lead and not user.functions:
        raise InvalidInput(
            "a function lead leads at least one function",
            field="functions",
            fix="give the functions it leads",
        )
    with ctx.reading() as conn:
        if user.partner is not None:
            find_partner(alliance_rows.load_partners(conn), user.partner)
        known = alliance_rows.load_functions(conn)
    for function in user.functions:
        if function not in known:
            raise NotFound(
                f"unknown function {function!r}",
                field="functions",
                fix=f"use one of: {', '.join(sorted(known)) or 'none yet'}",
            )


def add_user(
    ctx: Context,
    name: str,
    role: Role,
    password: str,
    *,
    partner: str | None = None,
    functions: Sequence[str] = (),
) -> User:
    """Create an account; the password is kept only as an argon2 hash."""
    ctx.allow(Action.manage_users)
    user = _member(user_name(name), role, partner, functions, ctx.clock())
    check_password(password, user=user.name)
    with ctx.transaction() as conn:
        _check_membership(ctx, user)
        rows.insert_user(conn, user, _hasher.hash(password))
        ctx.audit(conn, "user.add", f"user/{user.name}", after=user)
    return user


def users(ctx: Context) -> list[User]:
    ctx.allow(Action.manage_users)
    with ctx.reading() as conn:
        return rows.load_users(conn)


def _credentials_of(ctx: Context, owner: str) -> None:
    """One's own credentials are one's own business; anyone else's are an admin's."""
    own = name_key(owner) == name_key(ctx.actor.name)
    ctx.allow(Action.manage_own_credentials if own else Action.manage_users)


def user(ctx: Context, name: str) -> User:
    _credentials_of(ctx, name)
    with ctx.reading() as conn:
        return rows.load_user(conn, name)


# --- the account lifecycle (alliance admin, but one's own password) ---


def _protect_last_admin(conn: Connection, before: User, after: User) -> None:
    """The alliance keeps at least one active admin, or nobody could manage accounts."""
    stays = after.role is Role.admin and after.active
    was_admin = before.role is Role.admin and before.active
    if was_admin and not stays and rows.count_active_admins(conn) <= 1:
        raise Conflict(
            f"{before.name} is the last active alliance admin",
            field="name",
            fix="make another user an alliance admin first",
        )


def _change_user(ctx: Context, name: str, action: str, change: Callable[[User], User]) -> User:
    """Apply `change` to an account in one audited transaction; `active: False` also ends
    every token and session of the account."""
    ctx.allow(Action.manage_users)
    with ctx.transaction() as conn:
        before = rows.load_user(conn, name)
        after = change(before)
        _protect_last_admin(conn, before, after)
        rows.update_user(conn, after)
        revoked = [] if after.active else rows.revoke_tokens_of(conn, after.name, ctx.clock())
        ctx.audit(conn, action, f"user/{after.name}", before,
                  {"user": after, "tokens_revoked": revoked})  # fmt: skip
    return after


def deactivate(ctx: Context, name: str) -> User:
    """The user can no longer log in or authenticate; every token and session is revoked."""

    def off(u: User) -> User:
        if not u.active:
            raise Conflict(f"{u.name} is already deactivated", field="name")
        return replace(u, active=False)

    return _change_user(ctx, name, "user.deactivate", off)


def activate(ctx: Context, name: str) -> User:
    """Let a deactivated user log in again (their old tokens stay revoked)."""

    def on(u: User) -> User:
        if u.active:
            raise Conflict(f"{u.name} is already active", field="name")
        return replace(u, active=True)

    return _change_user(ctx, name, "user.activate", on)


def set_role(
    ctx: Context,
    name: str,
    role: Role,
    *,
    partner: str | None = None,
    functions: Sequence[str] = (),
) -> User:
    """Give a user another role, partner and functions (checked as when it was added)."""

    def changed(u: User) -> User:
        wanted = replace(_member(u.name, role, partner, functions, u.created_at), active=u.active)
        _check_membership(ctx, wanted)
        return wanted

    return _change_user(ctx, name, "user.set-role", changed)


def _set_password(ctx: Context, conn: Connection, account: User, new: str) -> None:
    check_password(new, user=account.name)
    rows.set_password_hash(conn, account.name, _hasher.hash(new), ctx.clock())


def change_password(
    ctx: Context, name: str, current: str, new: str, *, keep_session: str | None = None
) -> User:
    """Change a password, given the current one; the user's other sessions end.

    A wrong current password counts as a failed login, so it cannot be guessed here either.
    """
    _credentials_of(ctx, name)
    check_password(new, user=name)  # before the attempt counts: a weak choice is no failure
    attempt, hashed = _admit_attempt(ctx.store, name, ctx.clock())
    if not _password_matches(hashed, current):
        raise PermissionDenied(
            "the current password is wrong", field="current_password", fix="type it again"
        )
    with ctx.transaction() as conn:
        rows.mark_succeeded(conn, attempt)
        account = rows.load_user(conn, name)
        _set_password(ctx, conn, account, new)
        ended = rows.revoke_tokens_of(conn, account.name, ctx.clock(), kind="session",
                                      keep=keep_session)  # fmt: skip
        ctx.audit(conn, "user.password", f"user/{account.name}", after={"sessions_revoked": ended})
    return account


def reset_password(ctx: Context, name: str, new: str) -> User:
    """An admin sets a new password (the user forgot theirs); the user's sessions end and
    the failed logins before it no longer lock the account."""
    ctx.allow(Action.manage_users)
    with ctx.transaction() as conn:
        account = rows.load_user(conn, name)
        _set_password(ctx, conn, account, new)
        ended = rows.revoke_tokens_of(conn, account.name, ctx.clock(), kind="session")
        ctx.audit(conn, "user.reset-password", f"user/{account.name}",
                  after={"sessions_revoked": ended})  # fmt: skip
    return account


# --- tokens and sessions ---


def _secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _issue(ctx: Context, owner: str, kind: str, expires_at: datetime, label: str) -> IssuedToken:
    token_id = secrets.token_hex(6)
    secret = f"{PREFIX}{token_id}_{secrets.token_urlsafe(32)}"
    token = ApiToken(token_id, owner, kind, label.strip(), ctx.clock(), expires_at)
    with ctx.transaction() as conn:
        rows.insert_token(conn, token, _secret_hash(secret))
        ctx.audit(conn, f"{kind}.create", f"token/{token_id}", after=token)
    return IssuedToken(token, secret)


def create_token(
    ctx: Context,
    owner: str,
    expires_in: timedelta,
    label: str = "",
    *,
    minted_with: ApiToken | None = None,
) -> IssuedToken:
    """A bearer token for scripts, living `expires_in` (at most MAX_TOKEN_LIFE, and never
    past the API token `minted_with`, if that is what asked for it)."""
    _credentials_of(ctx, owner)
    ends = token_expiry(ctx.clock(), expires_in, minted_with)
    with ctx.transaction() as conn:
        account = rows.load_user(conn, owner)
        return _issue(ctx, account.name, "api", ends, label)


def tokens(ctx: Context, owner: str | None = None) -> list[ApiToken]:
    """The tokens of `owner`, or of everyone (an admin's view)."""
    if owner is None:
        ctx.allow(Action.manage_users)
    else:
        _credentials_of(ctx, owner)
    with ctx.reading() as conn:
        return rows.load_tokens(conn, None if owner is None else rows.load_user(conn, owner).name)


def revoke_token(ctx: Context, token_id: str) -> ApiToken:
    with ctx.transaction() as conn:
        before = rows.load_token(conn, token_id)
        _credentials_of(ctx, before.user)
        if before.revoked_at is not None:
            raise Conflict(f"token {token_id} is already revoked", field="token")
        rows.revoke_token(conn, token_id, ctx.clock())
        after = rows.load_token(conn, token_id)
        ctx.audit(conn, f"{before.kind}.revoke", f"token/{token_id}", before, after)
    return after


# --- logging in ---


def _password_matches(hashed: str | None, password: str) -> bool:
    try:
        return _hasher.verify(hashed or _dummy_hash(), password) and hashed is not None
    except (VerificationError, InvalidHashError):
        return False


def _admit_attempt(store: Store, name: str, now: datetime) -> tuple[int, str | None]:
    """Decide on the lock and count the attempt as failed, in one write transaction, before
    any password is verified: concurrent tries queue on the store's write lock, so at most
    MAX_FAILURES wrong passwords are ever checked before the lock. The attempt's id (to mark
    it a success) and the password hash of the account, if it is active."""
    with store.transaction() as conn:
        lock_writes(conn)
        until = locked_until(rows.recent_attempts(conn, name, MAX_FAILURES))
        if until is not None and now < until:
            raise LockedOut(
                f"{MAX_FAILURES} failed logins in a row: {name} is locked",
                field="name",
                fix=f"try again after {until.isoformat(timespec='seconds')}",
            )
        return rows.record_attempt(conn, name, now, False), rows.password_hash(conn, name)


def login(
    store: Store, name: str, password: str, clock: Callable[[], datetime] = utc_now
) -> tuple[User, IssuedToken]:
    """Open a web session; after repeated failures the account is locked for a while."""
    now = clock()
    attempt, hashed = _admit_attempt(store, name, now)
    if not _password_matches(hashed, password):
        raise NotAuthenticated("wrong user name or password", fix="check both and try again")
    with store.transaction() as conn:
        rows.mark_succeeded(conn, attempt)
        account = rows.load_user(conn, name)
    ctx = Context(store, actor_of(account), clock)
    return account, _issue(ctx, account.name, "session", now + SESSION_TIME, "web session")


def _lookup(store: Store, secret: str) -> tuple[ApiToken | None, User | None]:
    with store.reading() as conn:
        token = rows.token_by_secret(conn, _secret_hash(secret))
        account = rows.load_user(conn, token.user) if token else None
    return token, account


def authenticate(
    store: Store, secret: str, clock: Callable[[], datetime] = utc_now
) -> Authenticated:
    """The actor a bearer token or session secret stands for, if it is valid now."""
    # Tokens and users change only through audited services, so the lookup is cached until
    # the store's data version moves (a revocation takes effect on the next request).
    token, account = store.cache.get(
        ("credentials", _secret_hash(secret)), lambda _version: _lookup(store, secret)
    )
    if token is None or account is None or not account.active:
        raise NotAuthenticated("unknown credentials", fix="log in or create a token")
    if token.revoked_at is not None:
        raise NotAuthenticated(f"token {token.id} was revoked", fix="log in or create a token")
    if not token.usable(clock()):
        raise NotAuthenticated(f"token {token.id} has expired", fix="log in or create a token")
    return Authenticated(actor_of(account), token)
