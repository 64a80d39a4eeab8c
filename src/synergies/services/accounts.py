"""Accounts: users, their API tokens and web sessions, and login with a lock-out."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from synergies.domain.accounts import (
    MAX_FAILURES,
    SESSION_TIME,
    ApiToken,
    LockedOut,
    Role,
    User,
    check_password,
    locked_until,
    user_name,
)
from synergies.domain.errors import Conflict, InvalidInput, NotAuthenticated
from synergies.domain.partners import find_partner
from synergies.services.context import Context, utc_now
from synergies.services.security import Action, Actor
from synergies.storage import account_rows as rows
from synergies.storage import alliance_rows
from synergies.storage.store import Store

MAX_TOKEN_LIFE = timedelta(days=366)
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


def _check_membership(ctx: Context, user: User) -> None:
    """Every role but admin and clean team belongs to a partner; a function lead leads some."""
    role = user.role
    if user.partner is None and role not in (Role.admin, Role.clean_team):
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
            raise InvalidInput(
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
    check_password(password)
    user = User(
        user_name(name), role, partner.strip().upper() if partner else None,
        tuple(sorted({f.strip() for f in functions if f.strip()})), True, ctx.clock(),
    )  # fmt: skip
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
    own = owner == ctx.actor.name
    ctx.allow(Action.manage_own_credentials if own else Action.manage_users)


def user(ctx: Context, name: str) -> User:
    _credentials_of(ctx, name)
    with ctx.reading() as conn:
        return rows.load_user(conn, name)


def _secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _issue(ctx: Context, owner: str, kind: str, life: timedelta, label: str) -> IssuedToken:
    now = ctx.clock()
    token_id = secrets.token_hex(6)
    secret = f"{PREFIX}{token_id}_{secrets.token_urlsafe(32)}"
    token = ApiToken(token_id, owner, kind, label.strip(), now, now + life)
    with ctx.transaction() as conn:
        rows.insert_token(conn, token, _secret_hash(secret))
        ctx.audit(conn, f"{kind}.create", f"token/{token_id}", after=token)
    return IssuedToken(token, secret)


def create_token(ctx: Context, owner: str, expires_in: timedelta, label: str = "") -> IssuedToken:
    """A bearer token for scripts, expiring after `expires_in` (at most a year)."""
    _credentials_of(ctx, owner)
    if not timedelta(0) < expires_in <= MAX_TOKEN_LIFE:
        raise InvalidInput(
            "a token lives between a minute and a year", field="expires_in", fix="e.g. 30d"
        )
    with ctx.transaction() as conn:
        rows.load_user(conn, owner)
        return _issue(ctx, owner, "api", expires_in, label)


def tokens(ctx: Context, owner: str | None = None) -> list[ApiToken]:
    """The tokens of `owner`, or of everyone (an admin's view)."""
    if owner is None:
        ctx.allow(Action.manage_users)
    else:
        _credentials_of(ctx, owner)
    with ctx.reading() as conn:
        return rows.load_tokens(conn, owner)


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


def _password_matches(hashed: str | None, password: str) -> bool:
    try:
        return _hasher.verify(hashed or _dummy_hash(), password) and hashed is not None
    except (VerificationError, InvalidHashError):
        return False


def login(
    store: Store, name: str, password: str, clock: Callable[[], datetime] = utc_now
) -> tuple[User, IssuedToken]:
    """Open a web session; after repeated failures the account is locked for a while."""
    now = clock()
    with store.reading() as conn:
        until = locked_until(rows.recent_attempts(conn, name, MAX_FAILURES))
        hashed = rows.password_hash(conn, name)
    if until is not None and now < until:
        raise LockedOut(
            f"{MAX_FAILURES} failed logins in a row: {name} is locked",
            field="name",
            fix=f"try again after {until.isoformat(timespec='seconds')}",
        )
    matched = _password_matches(hashed, password)
    with store.transaction() as conn:
        rows.record_attempt(conn, name, now, matched)
    if not matched:
        raise NotAuthenticated("wrong user name or password", fix="check both and try again")
    with store.reading() as conn:
        account = rows.load_user(conn, name)
    ctx = Context(store, actor_of(account), clock)
    return account, _issue(ctx, name, "session", SESSION_TIME, "web session")


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
