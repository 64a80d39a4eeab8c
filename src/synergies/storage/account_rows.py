"""Rows <-> accounts, API tokens and login attempts. Users are found by their name key
(casefold of NFC), so 'ADA.ADMIN' finds 'ada.admin' and cannot be created beside it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, insert, or_, select, update

from synergies.domain.accounts import ApiToken, Role, User, name_key
from synergies.domain.errors import Conflict, NotFound
from synergies.storage import tables as t


def _user(r: Any) -> User:
    functions = tuple(f for f in r["functions"].split(",") if f)
    return User(r["name"], Role(r["role"]), r["partner"], functions, r["active"], r["created_at"])


def load_users(conn: Connection) -> list[User]:
    rows = conn.execute(select(t.users).order_by(t.users.c.name)).mappings()
    return [_user(r) for r in rows]


def find_user(conn: Connection, name: str) -> User | None:
    query = select(t.users).where(t.users.c.name_key == name_key(name))
    row = conn.execute(query).mappings().one_or_none()
    return None if row is None else _user(row)


def load_user(conn: Connection, name: str) -> User:
    found = find_user(conn, name)
    if found is None:
        raise NotFound(
            f"unknown user {name!r}", field="user", fix="list the users to find the name"
        )
    return found


def password_hash(conn: Connection, name: str) -> str | None:
    """The hash of an active account's password; None for unknown or deactivated ones."""
    query = select(t.users.c.password_hash).where(
        t.users.c.name_key == name_key(name), t.users.c.active
    )
    return conn.execute(query).scalar_one_or_none()


def insert_user(conn: Connection, user: User, hashed: str) -> None:
    taken = find_user(conn, user.name)
    if taken is not None:
        raise Conflict(
            f"user {user.name} already exists"
            + ("" if taken.name == user.name else f" (as {taken.name}: names ignore case)"),
            field="name",
            fix="choose another name",
        )
    conn.execute(
        insert(t.users).values(
            name=user.name, name_key=name_key(user.name), role=user.role.value,
            partner=user.partner, functions=",".join(user.functions), password_hash=hashed,
            active=user.active, created_at=user.created_at,
        )
    )  # fmt: skip


def update_user(conn: Connection, user: User) -> None:
    """Role, partner, functions and whether the account is active."""
    conn.execute(
        update(t.users).where(t.users.c.name == user.name).values(
            role=user.role.value, partner=user.partner, functions=",".join(user.functions),
            active=user.active,
        )
    )  # fmt: skip


def set_password_hash(conn: Connection, name: str, hashed: str, at: datetime) -> None:
    """A new password; the failed logins before `at` no longer count towards the lock."""
    query = update(t.users).where(t.users.c.name == name)
    conn.execute(query.values(password_hash=hashed, password_set_at=at))


def count_active_admins(conn: Connection) -> int:
    query = select(func.count()).where(t.users.c.role == Role.admin.value, t.users.c.active)
    return int(conn.execute(query).scalar_one())


def _token(r: Any) -> ApiToken:
    return ApiToken(
        r["id"], r["user"], r["kind"], r["label"], r["created_at"], r["expires_at"],
        r["revoked_at"],
    )  # fmt: skip


def insert_token(conn: Connection, token: ApiToken, secret_hash: str) -> None:
    conn.execute(
        insert(t.api_tokens).values(
            id=token.id, user=token.user, kind=token.kind, secret_hash=secret_hash,
            label=token.label, created_at=token.created_at, expires_at=token.expires_at,
        )
    )  # fmt: skip


def load_tokens(
    conn: Connection, user: str | None = None, kind: str | None = None
) -> list[ApiToken]:
    query = select(t.api_tokens).order_by(t.api_tokens.c.created_at, t.api_tokens.c.id)
    if user is not None:
        query = query.where(t.api_tokens.c.user == user)
    if kind is not None:
        query = query.where(t.api_tokens.c.kind == kind)
    return [_token(r) for r in conn.execute(query).mappings()]


def load_token(conn: Connection, token_id: str) -> ApiToken:
    query = select(t.api_tokens).where(t.api_tokens.c.id == token_id)
    row = conn.execute(query).mappings().one_or_none()
    if row is None:
        raise NotFound(
            f"unknown token {token_id!r}", field="token", fix="list the tokens to find its id"
        )
    return _token(row)


def token_by_secret(conn: Connection, secret_hash: str) -> ApiToken | None:
    query = select(t.api_tokens).where(t.api_tokens.c.secret_hash == secret_hash)
    row = conn.execute(query).mappings().one_or_none()
    return None if row is None else _token(row)


def revoke_token(conn: Connection, token_id: str, at: datetime) -> None:
    conn.execute(
        update(t.api_tokens)
        .where(t.api_tokens.c.id == token_id, t.api_tokens.c.revoked_at.is_(None))
        .values(revoked_at=at)
    )


def revoke_tokens_of(
    conn: Connection, user: str, at: datetime, *, kind: str | None = None, keep: str | None = None
) -> list[str]:
    """Revoke every live token (of `kind`, if given) of `user` but `keep`; their ids."""
    live = [
        tok.id for tok in load_tokens(conn, user, kind)
        if tok.revoked_at is None and tok.expires_at > at and tok.id != keep
    ]  # fmt: skip
    for token_id in live:
        revoke_token(conn, token_id, at)
    return live


def record_attempt(conn: Connection, name: str, at: datetime, succeeded: bool) -> int:
    """Count an attempt under the name's key; its id, to mark it a success afterwards."""
    query = insert(t.login_attempts).values(user=name_key(name), at=at, succeeded=succeeded)
    return int(conn.execute(query.returning(t.login_attempts.c.id)).scalar_one())


def mark_succeeded(conn: Connection, attempt: int) -> None:
    query = update(t.login_attempts).where(t.login_attempts.c.id == attempt)
    conn.execute(query.values(succeeded=True))


def recent_attempts(conn: Connection, name: str, count: int) -> list[tuple[datetime, bool]]:
    """The newest `count` attempts for `name` (by key) since its password was set, newest
    first."""
    key = name_key(name)
    since = select(t.users.c.password_set_at).where(t.users.c.name_key == key).scalar_subquery()
    query = (
        select(t.login_attempts.c.at, t.login_attempts.c.succeeded)
        .where(t.login_attempts.c.user == key)
        .where(or_(since.is_(None), t.login_attempts.c.at > since))
        .order_by(t.login_attempts.c.id.desc())
        .limit(count)
    )
    return [(r.at, r.succeeded) for r in conn.execute(query)]
