"""Accounts, API tokens and the lock-out rule for repeated failed logins. Pure: no I/O."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from synergies.domain.errors import InvalidInput, NotAuthenticated

MAX_FAILURES = 5  # consecutive failed logins that lock an account ...
LOCK_TIME = timedelta(minutes=15)  # ... for this long after the last failure
SESSION_TIME = timedelta(hours=8)
MIN_PASSWORD = 10
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@ -]{0,99}$")
_DURATION = re.compile(r"^(\d{1,4})([mhdw])$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


class Role(StrEnum):
    """What a user is to the alliance; services/security.py says what each may do."""

    admin = "alliance admin"  # structure and users
    function_lead = "function lead"  # initiatives of their functions
    controller = "partner controller"  # validates and signs off savings of their own partner
    clean_team = "clean team"  # sees every partner's confidential data, changes nothing
    viewer = "viewer"  # reads aggregates


class LockedOut(NotAuthenticated):
    """Too many failed logins: the account waits before it accepts another attempt."""


@dataclass(frozen=True, slots=True)
class User:
    name: str
    role: Role
    partner: str | None
    functions: tuple[str, ...]
    active: bool
    created_at: datetime


@dataclass(frozen=True, slots=True)
class ApiToken:
    """A bearer token (kind "api") or a web session (kind "session"). The secret is not here."""

    id: str
    user: str
    kind: str
    label: str
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None = None

    def usable(self, now: datetime) -> bool:
        return self.revoked_at is None and now < self.expires_at


def user_name(value: str) -> str:
    name = value.strip()
    if not _NAME.match(name):
        raise InvalidInput(
            f"{value!r} is not a user name",
            field="name",
            fix="use 1-100 letters, digits, '.', '_', '@', '-' or spaces, starting with one "
            "letter or digit",
        )
    return name


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(
            f"the password has {len(password)} characters",
            field="password",
            fix=f"use at least {MIN_PASSWORD} characters",
        )


def parse_duration(text: str, *, field: str = "expires_in") -> timedelta:
    """'30d' -> 30 days; also m(inutes), h(ours), w(eeks)."""
    found = _DURATION.match(text.strip().lower())
    if not found or int(found.group(1)) == 0:
        raise InvalidInput(
            f"{text!r} is not a duration", field=field, fix="write e.g. 90m, 12h, 30d"
        )
    return timedelta(**{_UNITS[found.group(2)]: int(found.group(1))})


def locked_until(failures: Sequence[tuple[datetime, bool]]) -> datetime | None:
    """When the lock ends, if the newest `MAX_FAILURES` attempts (newest first) all failed."""
    recent = list(failures[:MAX_FAILURES])
    if len(recent) < MAX_FAILURES or any(ok for _, ok in recent):
        return None
    return recent[0][0] + LOCK_TIME
