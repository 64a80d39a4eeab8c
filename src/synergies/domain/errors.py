"""Errors as values that say where they came from and how to fix them.

The shells (CLI, API) map each class to an exit code or an HTTP status in one place.
"""

from __future__ import annotations


class SynergiesError(Exception):
    """Base of every error a user can cause. `field` names the place, `fix` the remedy."""

    def __init__(self, message: str, *, field: str | None = None, fix: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.fix = fix

    def __str__(self) -> str:
        where = f"{self.field}: " if self.field else ""
        remedy = f" ({self.fix})" if self.fix else ""
        return f"{where}{self.message}{remedy}"


class InvalidInput(SynergiesError):
    """A value is malformed or out of range."""


class NotFound(SynergiesError):
    """A referenced thing (partner, initiative, entry, ...) does not exist."""


class GateRefused(SynergiesError):
    """A stage gate's requirements are not met; `reasons` lists every one unmet."""

    def __init__(
        self, message: str, *, field: str | None = None, fix: str | None = None,
        reasons: tuple[str, ...] = (),
    ) -> None:  # fmt: skip
        super().__init__(message, field=field, fix=fix)
        self.reasons = reasons


class Conflict(SynergiesError):
    """The change contradicts the current state (already exists, already reversed, stale)."""


class PermissionDenied(SynergiesError):
    """The actor may not do this."""


class NotAuthenticated(SynergiesError):
    """No valid credentials were given."""
