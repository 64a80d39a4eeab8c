"""User accounts (alliance admin)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from synergies.api.deps import ContextDep
from synergies.api.problems import WRITE_ERRORS
from synergies.schemas.accounts import UserIn, UserOut
from synergies.services import accounts

router = APIRouter(prefix="/users", tags=["users"], responses=WRITE_ERRORS)
NamePath = Annotated[
    str, Path(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9][A-Za-z0-9._@ -]*$")
]


@router.get("")
def list_users(ctx: ContextDep) -> list[UserOut]:
    """Every account (alliance admin)."""
    return [UserOut.of(u) for u in accounts.users(ctx)]


@router.get("/{name}")
def get_user(ctx: ContextDep, name: NamePath) -> UserOut:
    """One account: yours, or anyone's for an alliance admin."""
    return UserOut.of(accounts.user(ctx, name))


@router.post("", status_code=201)
def add_user(ctx: ContextDep, body: UserIn) -> UserOut:
    """Create an account (alliance admin); the password is stored as an argon2 hash."""
    created = accounts.add_user(
        ctx, body.name, body.role, body.password.get_secret_value(), partner=body.partner,
        functions=body.functions,
    )  # fmt: skip
    return UserOut.of(created)
