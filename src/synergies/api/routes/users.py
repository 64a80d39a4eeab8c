"""User accounts and their lifecycle (alliance admin)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from synergies.api.deps import ContextDep
from synergies.api.problems import WRITE_ERRORS
from synergies.schemas.accounts import NAME_PATTERN, PasswordResetIn, RoleIn, UserIn, UserOut
from synergies.services import accounts

router = APIRouter(prefix="/users", tags=["users"], responses=WRITE_ERRORS)
NamePath = Annotated[str, Path(min_length=1, max_length=100, pattern=NAME_PATTERN)]


@router.get("")
def list_users(ctx: ContextDep) -> list[UserOut]:
    """Every account (alliance admin)."""
    return [UserOut.of(u) for u in accounts.users(ctx)]


@router.get("/{name}")
def get_user(ctx: ContextDep, name: NamePath) -> UserOut:
    """One account: yours, or anyone's for an alliance admin. Names ignore case."""
    return UserOut.of(accounts.user(ctx, name))


@router.post("", status_code=201)
def add_user(ctx: ContextDep, body: UserIn) -> UserOut:
    """Create an account (alliance admin); the password is stored as an argon2 hash."""
    created = accounts.add_user(
        ctx, body.name, body.role, body.password.get_secret_value(), partner=body.partner,
        functions=body.functions,
    )  # fmt: skip
    return UserOut.of(created)


@router.post("/{name}/password")
def reset_password(ctx: ContextDep, name: NamePath, body: PasswordResetIn) -> UserOut:
    """Set a new password for a user who lost theirs (alliance admin); their sessions end."""
    return UserOut.of(accounts.reset_password(ctx, name, body.password.get_secret_value()))


@router.post("/{name}/deactivate")
def deactivate(ctx: ContextDep, name: NamePath) -> UserOut:
    """The user can no longer sign in; every token and session of theirs is revoked.
    The last active alliance admin cannot be deactivated."""
    return UserOut.of(accounts.deactivate(ctx, name))


@router.post("/{name}/activate")
def activate(ctx: ContextDep, name: NamePath) -> UserOut:
    """Let a deactivated user sign in again (alliance admin)."""
    return UserOut.of(accounts.activate(ctx, name))


@router.put("/{name}/role")
def set_role(ctx: ContextDep, name: NamePath, body: RoleIn) -> UserOut:
    """Change a user's role, partner and functions (alliance admin). The last active
    alliance admin cannot be demoted."""
    changed = accounts.set_role(
        ctx, name, body.role, partner=body.partner, functions=body.functions
    )
    return UserOut.of(changed)
