"""Alert subscriptions: the signed-in user's own (services/alert_delivery.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field

from synergies.domain.alerts import Rule
from synergies.schemas.common import Body, Key
from synergies.services.alert_delivery import EMAIL_PATTERN, Subscription

Email = Annotated[
    str, Field(min_length=3, max_length=320, pattern=f"^{EMAIL_PATTERN.pattern}$",
               examples=["ada@example.com"])
]  # fmt: skip


class SubscriptionIn(Body):
    email: Email
    rules: list[Rule] = Field(
        default_factory=list, max_length=len(Rule), description="Only these rules; none: all."
    )
    functions: list[Key] = Field(
        default_factory=list, max_length=40,
        description="Only alerts of these functions (alliance-wide alerts always pass); none: all.",
    )  # fmt: skip


class SubscriptionOut(BaseModel):
    id: int
    user: str
    email: str
    rules: list[Rule] = Field(description="Empty: every rule.")
    functions: list[str] = Field(description="Empty: every function.")
    created_at: datetime

    @classmethod
    def of(cls, s: Subscription) -> SubscriptionOut:
        return cls(
            id=s.id, user=s.user, email=s.email, rules=[Rule(r) for r in s.rules],
            functions=list(s.functions), created_at=s.created_at,
        )  # fmt: skip
