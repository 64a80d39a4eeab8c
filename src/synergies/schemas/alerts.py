"""Alerts and the rules' settings: one document each, for the CLI, the API and the page."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, Field

from synergies.domain.alerts import DESCRIPTIONS, MAXIMA, Alert, Rule, RuleSetting, Unit
from synergies.schemas.common import Body, decimal_schema

THRESHOLD_DIGITS, THRESHOLD_PLACES = 12, 4  # below MAXIMA's largest, 10**12
Threshold = Annotated[
    Decimal,
    Field(ge=0, le=max(MAXIMA.values()), max_digits=16, decimal_places=THRESHOLD_PLACES,
          allow_inf_nan=False),
    decimal_schema(THRESHOLD_DIGITS, THRESHOLD_PLACES, "not negative"),
]  # fmt: skip


class AlertOut(BaseModel):
    """One rule firing on one subject, with the figure found and the threshold it crossed."""

    rule: Rule
    key: str = Field(description="Stable identity of the condition: found again, the same key.")
    subject: str = Field(description="An initiative, a partner, a source or a year.")
    initiative_id: str | None
    partner: str | None
    function: str | None
    figure: str
    threshold: str
    message: str
    confidential_to: str | None = Field(
        description="The partner whose confidential figures the alert reveals: shown only to "
        "readers of that partner's confidential data."
    )

    @classmethod
    def of(cls, a: Alert) -> AlertOut:
        return cls(
            rule=a.rule, key=a.key, subject=a.subject, initiative_id=a.initiative_id,
            partner=a.partner, function=a.function, figure=a.figure, threshold=a.threshold,
            message=a.message, confidential_to=a.confidential_to,
        )  # fmt: skip

    def row(self) -> dict[str, object]:
        return {
            "initiative": self.initiative_id or self.partner or self.subject, "rule": self.rule,
            "figure": self.figure, "threshold": self.threshold, "message": self.message,
        }  # fmt: skip


class AlertsOut(BaseModel):
    """What fires on a day, rule by rule, as the reader may see it."""

    on: date
    alerts: list[AlertOut]

    @classmethod
    def of(cls, on: date, found: list[Alert]) -> AlertsOut:
        return cls(on=on, alerts=[AlertOut.of(a) for a in found])


class RuleSettingOut(BaseModel):
    """A rule, the threshold the alliance admin set for it, and whether it is evaluated."""

    rule: Rule
    threshold: Decimal
    unit: Unit
    enabled: bool
    watches: str = Field(description="What the rule fires on.")

    @classmethod
    def of(cls, s: RuleSetting) -> RuleSettingOut:
        return cls(rule=s.rule, threshold=s.threshold, unit=s.unit, enabled=s.enabled,
                   watches=DESCRIPTIONS[s.rule])  # fmt: skip

    def row(self) -> dict[str, object]:
        return {"rule": self.rule, "threshold": self.threshold, "unit": self.unit,
                "enabled": "yes" if self.enabled else "no", "fires on": self.watches}  # fmt: skip


class RuleSettingIn(Body):
    """A new threshold, or the rule switched on or off; what is left out stays as it is.
    Percentages are at most 100; days and lines are whole numbers."""

    threshold: Threshold | None = Field(default=None, examples=["20"])
    enabled: bool | None = None
