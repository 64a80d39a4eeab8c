"""Alerts: rules over the store that say when the programme slips, each with its threshold.

A rule is evaluated over the store (services/alerts.py); what fires is an `Alert`. An alert's
`key` names the condition, not the moment: the same slip found again tomorrow has the same key,
so that `alerts send` delivers it once. An alert whose figure comes from a partner's
confidential data (prices, baselines, supplier terms) names that partner in `confidential_to`:
only readers allowed to read that partner's confidential data see it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from synergies.domain.errors import InvalidInput


class Rule(StrEnum):
    behind_ramp = "behind ramp"  # an initiative's realized savings behind its ramp, by > X %
    leakage = "leakage"  # leakage above Y EUR in a month (measured)
    gate_overdue = "gate overdue"  # an initiative past its next gate's date by > N days
    unproven = "unproven saving"  # a ledger saving with no evidence or no sign-off after N days
    baseline_unexplained = "baseline changed"  # a baseline changed with no recorded decision
    double_claim = "double claim"  # purchase lines claimed by two initiatives, more than N
    target_odds = "target odds"  # the alliance's P(target) below Z %
    divergence = "measured vs declared"  # a partner's measured and declared savings apart by > W %


class Unit(StrEnum):
    percent = "%"
    eur = "EUR"
    days = "days"
    lines = "lines"


@dataclass(frozen=True, slots=True)
class RuleSetting:
    """A rule as the alliance admin set it: its threshold, and whether it is evaluated."""

    rule: Rule
    threshold: Decimal
    enabled: bool = True

    @property
    def unit(self) -> Unit:
        return UNITS[self.rule]


UNITS: dict[Rule, Unit] = {
    Rule.behind_ramp: Unit.percent,
    Rule.leakage: Unit.eur,
    Rule.gate_overdue: Unit.days,
    Rule.unproven: Unit.days,
    Rule.baseline_unexplained: Unit.days,  # days after the change with no decision recorded
    # Lines, not euros: a double-claimed line's saving is counted once (for one initiative),
    # so the ledger overstates nothing; the alert is that two initiatives claim the same lines.
    Rule.double_claim: Unit.lines,
    Rule.target_odds: Unit.percent,
    Rule.divergence: Unit.percent,
}

DEFAULTS: dict[Rule, Decimal] = {
    Rule.behind_ramp: Decimal(20),
    Rule.leakage: Decimal(100_000),
    Rule.gate_overdue: Decimal(30),
    Rule.unproven: Decimal(90),
    Rule.baseline_unexplained: Decimal(0),
    Rule.double_claim: Decimal(0),
    Rule.target_odds: Decimal(50),
    Rule.divergence: Decimal(25),
}


def default_settings() -> dict[Rule, RuleSetting]:
    return {rule: RuleSetting(rule, DEFAULTS[rule]) for rule in Rule}


@dataclass(frozen=True, slots=True)
class Alert:
    """One rule firing on one subject, with the figure that made it fire."""

    rule: Rule
    key: str  # stable identity of the condition, e.g. "behind ramp:NAM-001"
    subject: str  # what it is about: an initiative id, a partner code, or "alliance"
    message: str  # one line a board member understands
    figure: str  # the figure found, formatted (e.g. "34.2 %", "1,250,000.00 EUR")
    threshold: str  # the threshold it crossed, formatted
    initiative_id: str | None = None
    partner: str | None = None
    function: str | None = None
    confidential_to: str | None = None  # partner whose confidential data the figure reveals


# What each rule watches, as the settings list and the dashboard explain it.
DESCRIPTIONS: dict[Rule, str] = {
    Rule.behind_ramp: "an approved initiative's realized savings behind its plan's ramp by "
    "more than the threshold",
    Rule.leakage: "leakage (prices drifting back above the negotiated price) above the "
    "threshold in a month, for one initiative at one partner",
    Rule.gate_overdue: "an initiative past the date its plan sets for its next gate by more "
    "than the threshold",
    Rule.unproven: "savings in the ledger with no evidence (not measured from transactions) "
    "or no sign-off of the partner's controller, older than the threshold",
    Rule.baseline_unexplained: "a source's baselines changed with no rebasing decision "
    "recorded within the threshold",
    Rule.double_claim: "more purchase lines than the threshold claimed by two initiatives",
    Rule.target_odds: "the forecast's odds of meeting an alliance target below the threshold",
    Rule.divergence: "a partner's measured savings apart from its declared ones by more than "
    "the threshold",
}

# The highest threshold each unit takes: a percentage is of 100; days and amounts are bounded
# only to keep a typo (an extra zero or ten) from switching a rule off in practice unnoticed.
MAXIMA: dict[Unit, Decimal] = {
    Unit.percent: Decimal(100),
    Unit.eur: Decimal(10) ** 12,
    Unit.days: Decimal(3650),
    Unit.lines: Decimal(10) ** 9,
}


def checked_threshold(rule: Rule, value: Decimal) -> Decimal:
    """The threshold as kept, or a refusal naming the range the rule's unit allows."""
    unit = UNITS[rule]
    whole = unit in (Unit.days, Unit.lines)
    if (
        not value.is_finite()
        or value < 0
        or value > MAXIMA[unit]
        or (whole and value != value.to_integral_value())
    ):
        kind = "a whole number" if whole else "a number"
        raise InvalidInput(
            f"threshold {value} is out of range for {rule.value} ({unit.value})",
            field="threshold",
            fix=f"give {kind} from 0 to {MAXIMA[unit]:,} {unit.value}",
        )
    return value.quantize(Decimal(1)) if whole else value


def shown(value: Decimal, unit: Unit) -> str:
    """A figure or threshold as one line reads it: 34.2 %, 1,250,000.00 EUR, 45 days."""
    if unit is Unit.eur:
        return f"{value:,.2f} EUR"
    if unit is Unit.percent:
        return f"{value:,.1f} %"
    return f"{value:,.0f} {unit.value}"
