"""Accounts, API tokens, the password policy and the lock-out rule for repeated failed
logins. Pure rules: the only file read is the common-passwords list shipped beside this one."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from functools import cache
from importlib.resources import files

from synergies.domain.errors import InvalidInput, NotAuthenticated
from synergies.domain.text import clean_name

MAX_FAILURES = 5  # consecutive failed logins that lock an account ...
LOCK_TIME = timedelta(minutes=15)  # ... for this long after the last failure
SESSION_TIME = timedelta(hours=8)
# No token lives longer than this, whoever mints it: a leaked secret stops working within
# a quarter at most, and a long-lived script renews its token on a schedule.
MAX_TOKEN_LIFE = timedelta(days=90)
MIN_PASSWORD = 12
MIN_DISTINCT = 5  # 'aaaaaaaaaaaa' or 'abababababab' are long but guessed at once
_NAME = re.compile(r"^[^\W_][\w.@ -]{0,99}$")  # \w: letters and digits of any script
_DURATION = re.compile(r"^(\d{1,4})([mhdw])$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


class Role(StrEnum):
    """What a user is to the alliance; services/security.py says what each may do."""

    admin = "alliance admin"  # structure and users
    function_lead = "function lead"  # initiatives of their functions
    controller = "partner controller"  # validates and signs off savings of their own partner
    approver = "approver"  # records a governing body's approval of initiatives (gate to L3)
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
        # A token made before the cap existed (up to a year) ends at the cap all the same.
        ends = min(self.expires_at, self.created_at + MAX_TOKEN_LIFE)
        return self.revoked_at is None and now < ends


def user_name(value: str) -> str:
    """A user name as stored: NFC, no invisible characters, letters and digits of any script."""
    name = clean_name(value.strip(), field="name")
    if not _NAME.match(name):
        raise InvalidInput(
            f"{value!r} is not a user name",
            field="name",
            fix="use 1-100 letters, digits, '.', '_', '@', '-' or spaces, starting with a "
            "letter or digit",
        )
    return name


def name_key(name: str) -> str:
    """What makes two names the same account: 'ADMIN1' and 'admin1' are one name."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", name.strip()).casefold())


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords, lower case (read once, on first use)."""
    text = files("synergies.domain").joinpath("common_passwords.txt").read_text("utf-8")
    return frozenset(line for line in text.splitlines() if line and not line.startswith("#"))


def _weakness(password: str, user: str) -> str | None:
    """Why `password` is too easy to guess for `user`, or None."""
    folded = password.casefold()
    if len(password) < MIN_PASSWORD:
        return f"the password has {len(password)} characters, fewer than {MIN_PASSWORD}"
    if len(set(folded)) < MIN_DISTINCT:
        return f"the password repeats fewer than {MIN_DISTINCT} different characters"
    key = name_key(user)
    if key and (folded == key or (len(key) >= 4 and key in folded)):
        return "the password holds the user name"
    common = common_passwords()
    # 'Password123456!' is 'password' with the digits everyone adds.
    if folded in common or folded.rstrip("0123456789!?.*#@$ ") in common:
        return "the password is in the list of common passwords"
    return None


def check_password(password: str, *, user: str) -> None:
    """Refuse a password that is short, repetitive, the user's name, or a common one."""
    reason = _weakness(password, user)
    if reason is not None:
        raise InvalidInput(
            reason,
            field="password",
            fix=f"choose at least {MIN_PASSWORD} characters that are not a common password "
            "nor your name, e.g. four unrelated words",
        )


def parse_duration(text: str, *, field: str = "expires_in") -> timedelta:
    """'30d' -> 30 days; also m(inutes), h(ours), w(eeks)."""
    found = _DURATION.match(text.strip().lower())
    if not found or int(found.group(1)) == 0:
        raise InvalidInput(
            f"{text!r} is not a duration", field=field, fix="write e.g. 90m, 12h, 30d"
        )
    return timedelta(**{_UNITS[found.group(2)]: int(found.group(1))})


def token_expiry(now: datetime, life: timedelta, minted_with: ApiToken | None) -> datetime:
    """When a new token ends: at most MAX_TOKEN_LIFE from now, and no later than the API token
    whose secret asked for it (a leaked token cannot renew itself for ever). A web session,
    opened with a password, may mint up to the cap."""
    days = MAX_TOKEN_LIFE.days
    if not timedelta(0) < life <= MAX_TOKEN_LIFE:
        raise InvalidInput(
            f"a token lives at most {days} days",
            field="expires_in",
            fix=f"e.g. 30d, at most {days}d",
        )
    ends = now + life
    if minted_with is not None and minted_with.kind == "api":
        return min(ends, minted_with.expires_at)  # the answer shows the shortened expiry
    return ends


def locked_until(failures: Sequence[tuple[datetime, bool]]) -> datetime | None:
    """When the lock ends, if the newest `MAX_FAILURES` attempts (newest first) all failed."""
    recent = list(failures[:MAX_FAILURES])
    if len(recent) < MAX_FAILURES or any(ok for _, ok in recent):
        return None
    return recent[0][0] + LOCK_TIME
