"""Users, tokens and sessions. No secret or password hash is ever sent back."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from synergies.domain.accounts import ApiToken, Role, User
from synergies.schemas.common import Body, Code, Key
from synergies.services.security import UNSCOPED

# Letters and digits of any script; the domain also refuses invisible characters (NFC).
NAME_PATTERN = r"^[^\W_][\w.@ -]*$"
UserName = Annotated[str, Field(min_length=1, max_length=100, pattern=NAME_PATTERN)]
# The policy itself (common passwords, the user's name) is the domain's: check_password.
NewPassword = Annotated[
    SecretStr,
    Field(min_length=12, max_length=1000,
          description="At least 12 characters, 5 of them different (ignoring case), not a "
                      "common password nor holding the user's name."),
]  # fmt: skip
# Up to the 90-day cap (domain MAX_TOKEN_LIFE): 1-90 days, 1-12 weeks, 1-999 hours or minutes.
Duration = Annotated[
    str,
    Field(pattern=r"^(?:(?:[1-9]|[1-8][0-9]|90)d|(?:[1-9]|1[0-2])w|[1-9][0-9]{0,2}[mh])$",
          examples=["30d", "12h"]),
]  # fmt: skip


# services.accounts: a role scoped to a partner names one, and a function lead leads some.
_MEMBERSHIP: dict[str, Any] = {
    "allOf": [
        {"if": {"properties": {"role": {"enum": sorted(r.value for r in UNSCOPED)}}},
         "else": {"required": ["partner"], "properties": {"partner": {"type": "string"}}}},
        {"if": {"properties": {"role": {"const": Role.function_lead.value}}},
         "then": {"required": ["functions"], "properties": {"functions": {"minItems": 1}}}},
    ]
}  # fmt: skip


class LoginIn(Body):
    name: UserName
    password: SecretStr = Field(max_length=1000)


class UserIn(Body):
    model_config = ConfigDict(extra="forbid", json_schema_extra=_MEMBERSHIP)

    name: UserName
    role: Role
    password: NewPassword
    partner: Code | None = None
    functions: list[Key] = Field(default_factory=list, max_length=20)


class RoleIn(Body):
    model_config = ConfigDict(extra="forbid", json_schema_extra=_MEMBERSHIP)

    role: Role
    partner: Code | None = None
    functions: list[Key] = Field(default_factory=list, max_length=20)


class PasswordChangeIn(Body):
    current_password: SecretStr = Field(max_length=1000)
    new_password: NewPassword


class PasswordResetIn(Body):
    password: NewPassword


class UserOut(BaseModel):
    name: str
    role: Role
    partner: str | None
    functions: list[str]
    active: bool
    created_at: datetime

    @classmethod
    def of(cls, u: User) -> UserOut:
        return cls(
            name=u.name, role=u.role, partner=u.partner, functions=list(u.functions),
            active=u.active, created_at=u.created_at,
        )  # fmt: skip


class TokenIn(Body):
    user: UserName | None = Field(None, description="Whose token; default: yourself.")
    expires_in: Duration = "30d"
    label: Annotated[str, Field(max_length=200, pattern=r"^[^\x00-\x1f\x7f]*$")] = ""


class TokenOut(BaseModel):
    id: str
    user: str
    kind: str
    label: str
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None

    @classmethod
    def of(cls, t: ApiToken) -> TokenOut:
        return cls(
            id=t.id, user=t.user, kind=t.kind, label=t.label, created_at=t.created_at,
            expires_at=t.expires_at, revoked_at=t.revoked_at,
        )  # fmt: skip


class IssuedTokenOut(BaseModel):
    token: TokenOut
    secret: str = Field(description="Shown this once; send it as 'Authorization: Bearer ...'.")


class SessionOut(BaseModel):
    user: UserOut
    expires_at: datetime
