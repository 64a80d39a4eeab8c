"""The alert rules themselves: facts the store holds in, alerts out (no I/O).

services/alerts.py gathers each rule's facts; each function here keeps those that cross the
admin's threshold and words the alert. Figures are EUR unless the fact says otherwise.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence, Set
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

from synergies.domain.alerts import Alert, RuleSetting, shown
from synergies.domain.calendar import Month
from synergies.domain.initiatives import Initiative, SideStatus, Stage
from synergies.domain.ledger import EntrySource

HUNDRED = Decimal(100)


def _alert(setting: RuleSetting, subject: str, figure: Decimal, message: str,
           **about: str | None) -> Alert:  # fmt: skip
    rule = setting.rule
    return Alert(
        rule=rule, key=f"{rule.value}:{subject}", subject=subject, message=message,
        figure=shown(figure, setting.unit), threshold=shown(setting.threshold, setting.unit),
        **about,
    )  # fmt: skip


# --- behind ramp -----------------------------------------------------------------------


def ramp_to_date(run_rate: Decimal, start: Month, profile: Sequence[Fraction],
                 through: Month) -> Decimal:  # fmt: skip
    """What a ramp lands from `start` to the end of `through`: a twelfth of the run-rate
    times the share reached in each month (the forecast's ramp profile, then 1)."""
    months = start.months_until(through) + 1
    if months <= 0:
        return Decimal(0)
    ramping = min(months, len(profile))
    share = sum(profile[:ramping], Fraction(0)) + (months - ramping)
    return run_rate * Decimal(share.numerator) / Decimal(share.denominator) / 12


@dataclass(frozen=True, slots=True)
class RampStanding:
    """An approved initiative's realized savings against its plan's ramp, to a month."""

    initiative_id: str
    function: str
    expected: Decimal
    realized: Decimal
    through: Month
    not_attributed: Decimal = Decimal(0)  # its function's savings booked to no initiative


def behind_ramp(items: Iterable[RampStanding], setting: RuleSetting) -> list[Alert]:
    alerts = []
    for s in items:
        if s.expected <= 0:
            continue
        behind = (s.expected - s.realized) / s.expected * HUNDRED
        if behind > setting.threshold:
            alerts.append(_alert(
                setting, s.initiative_id, behind,
                f"{s.initiative_id} realized {s.realized:,.0f} EUR to {s.through} against "
                f"{s.expected:,.0f} EUR on its plan's ramp" + _beside(s),
                initiative_id=s.initiative_id, function=s.function,
            ))  # fmt: skip
    return alerts


def _beside(s: RampStanding) -> str:
    """The function's unattributed savings, said beside the initiative, never added to it."""
    if not s.not_attributed:
        return ""
    return (
        f" ({s.function} also booked {s.not_attributed:,.0f} EUR to no initiative: not attributed)"
    )


# --- leakage ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Leakage:
    """Leakage a measurement found for one initiative at one partner in a month (EUR)."""

    initiative_id: str
    partner: str
    month: str
    lines: int
    amount: Decimal
    function: str | None = None


def leakage(items: Iterable[Leakage], setting: RuleSetting) -> list[Alert]:
    return [
        _alert(
            setting,
            f"{x.initiative_id}:{x.partner}:{x.month}",
            x.amount,
            f"{x.initiative_id} leaked {x.amount:,.2f} EUR at {x.partner} in {x.month}: "
            f"{x.lines} lines paid above the negotiated price",
            initiative_id=x.initiative_id,
            partner=x.partner,
            function=x.function,
            confidential_to=x.partner,
        )
        for x in items
        if x.amount > setting.threshold
    ]


# --- gate overdue ----------------------------------------------------------------------


def next_gate_due(i: Initiative) -> tuple[Stage, date] | None:
    """The gate an initiative's locked plan dates: executed (L4) by the plan's start, and
    realized (L5, signed off) once its ramp has reached the full run-rate. Earlier gates
    carry no date in the plan, and an initiative on hold or cancelled waits for none."""
    plan = i.locked_plan
    if plan is None or i.side_status in (SideStatus.on_hold, SideStatus.cancelled):
        return None
    if i.stage is Stage.L3:
        return Stage.L4, plan.start.first_day()
    if i.stage is Stage.L4:
        return Stage.L5, plan.start.plus(max(plan.ramp_months, 1)).first_day()
    return None


def gate_overdue(items: Iterable[Initiative], setting: RuleSetting, today: date) -> list[Alert]:
    alerts = []
    for i in items:
        due = next_gate_due(i)
        if due is None:
            continue
        gate, on = due
        late = Decimal((today - on).days)
        if late > setting.threshold:
            alerts.append(_alert(
                setting, i.id, late,
                f"{i.id} is still at {i.stage} ({i.stage.label}): its plan had it "
                f"{gate.label} ({gate}) by {on.isoformat()}",
                initiative_id=i.id, function=i.function,
            ))  # fmt: skip
    return alerts


# --- unproven savings ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SavingsAge:
    """Standing savings (neither reversed nor reversals, not published) of one initiative,
    partner, function and source, recorded long enough ago to be proven by now."""

    initiative_id: str | None
    partner: str
    function: str | None
    source: EntrySource
    entries: int
    oldest: datetime


@dataclass(frozen=True, slots=True)
class Unproven:
    """Savings of one initiative at one partner still unproven after the rule's days."""

    initiative_id: str | None
    partner: str
    function: str | None
    oldest: date
    entries: int
    no_evidence: int  # entered or imported, not measured from transactions
    no_signoff: int  # the partner's controller has not signed the initiative off


def unproven_savings(groups: Iterable[SavingsAge], signed: Set[tuple[str, str]]) -> list[Unproven]:
    """The savings lacking evidence (a measurement) or the partner's sign-off, per initiative
    and partner. `signed` holds the (initiative, partner) pairs signed off; published
    figures are the alliance's own, verified before they were published."""
    found: dict[tuple[str | None, str], list[tuple[SavingsAge, bool, bool]]] = defaultdict(list)
    for g in groups:
        if g.source is EntrySource.published:
            continue
        evidence = g.source is EntrySource.measured
        signoff = g.initiative_id is not None and (g.initiative_id, g.partner) in signed
        if not (evidence and signoff):
            found[(g.initiative_id, g.partner)].append((g, evidence, signoff))
    return [
        Unproven(
            initiative,
            partner,
            parts[0][0].function,
            min(g.oldest.date() for g, _, _ in parts),
            sum(g.entries for g, _, _ in parts),
            sum(g.entries for g, evidence, _ in parts if not evidence),
            sum(g.entries for g, _, signoff in parts if not signoff),
        )
        for (initiative, partner), parts in sorted(found.items(), key=lambda f: str(f[0]))
    ]


def unproven(items: Iterable[Unproven], setting: RuleSetting, today: date) -> list[Alert]:
    alerts = []
    for u in items:
        what = u.initiative_id or "no initiative"
        missing = [f"{u.no_evidence} with no evidence (not measured)"] if u.no_evidence else []
        if u.no_signoff:
            missing.append(f"{u.no_signoff} without {u.partner}'s sign-off")
        alerts.append(_alert(
            setting, f"{u.initiative_id or '-'}:{u.partner}", Decimal((today - u.oldest).days),
            f"{what} at {u.partner}: {u.entries} savings since {u.oldest.isoformat()}, "
            + ", ".join(missing),
            initiative_id=u.initiative_id, partner=u.partner, function=u.function,
        ))  # fmt: skip
    return alerts


# --- baseline changed ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BaselineChange:
    """A measurement of a source whose baselines differ from its previous measurement's."""

    source: str
    run_id: int
    changed_on: date
    previous_on: date


@dataclass(frozen=True, slots=True)
class BaselineDecision:
    """A governed decision to rebase a source's baselines (index or re-base), as recorded."""

    source: str
    on: date
    reference: str


def baseline_unexplained(
    changes: Iterable[BaselineChange], decisions: Iterable[BaselineDecision],
    setting: RuleSetting, today: date,
) -> list[Alert]:  # fmt: skip
    """A change is explained by a decision on its source dated from the previous
    measurement to `threshold` days after the change; unexplained, it fires once that many
    days have passed (at once for 0)."""
    by_source: dict[str, list[date]] = defaultdict(list)
    for d in decisions:
        by_source[d.source].append(d.on)
    alerts = []
    for c in changes:
        waited = Decimal((today - c.changed_on).days)
        last = c.changed_on + timedelta(days=int(setting.threshold))
        if waited < setting.threshold or any(
            c.previous_on <= on <= last for on in by_source[c.source]
        ):
            continue
        alerts.append(_alert(
            setting, f"{c.source}:{c.run_id}", waited,
            f"the baselines of {c.source} changed in measurement run {c.run_id} "
            f"({c.changed_on.isoformat()}) with no rebasing decision recorded",
        ))  # fmt: skip
    return alerts


# --- double claim ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DoubleClaims:
    """A partner's purchase lines claimed by more than one initiative in a source's latest
    measurement; each line's saving was counted once, for one of them."""

    source: str
    partner: str
    lines: int
    initiatives: tuple[str, ...]  # those the kept sample of lines names


def double_claim(items: Iterable[DoubleClaims], setting: RuleSetting) -> list[Alert]:
    return [
        _alert(
            setting,
            f"{x.source}:{x.partner}",
            Decimal(x.lines),
            f"{x.lines} purchase lines of {x.partner} in {x.source} are claimed by more than "
            f"one initiative ({', '.join(x.initiatives) or 'see the measurement detail'})",
            partner=x.partner,
            confidential_to=x.partner,
        )
        for x in items
        if x.lines > setting.threshold
    ]


# --- target odds -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TargetOdds:
    """The forecast's probability (0 to 1) that the alliance meets its target of `year`."""

    year: int
    target: Decimal  # EUR
    probability: Decimal


def target_odds(items: Iterable[TargetOdds], setting: RuleSetting) -> list[Alert]:
    alerts = []
    for t in items:
        odds = t.probability * HUNDRED
        if odds < setting.threshold:
            alerts.append(_alert(
                setting, str(t.year), odds,
                f"the forecast gives {odds:.1f} % odds of the {t.year} target of "
                f"{t.target / 1_000_000_000:,.1f} bn EUR",
            ))  # fmt: skip
    return alerts


# --- measured vs declared --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PartnerClaims:
    """A partner's savings in the months and initiatives that hold both measured and
    declared (entered or imported) entries, in EUR."""

    partner: str
    measured: Decimal
    declared: Decimal
    cells: int  # how many (initiative, month) pairs


def divergence(items: Iterable[PartnerClaims], setting: RuleSetting) -> list[Alert]:
    alerts = []
    for p in items:
        if p.declared == 0:
            continue
        apart = abs(p.measured - p.declared) / abs(p.declared) * HUNDRED
        if apart > setting.threshold:
            alerts.append(_alert(
                setting, p.partner, apart,
                f"{p.partner} declared {p.declared:,.0f} EUR where transactions prove "
                f"{p.measured:,.0f} EUR ({p.cells} initiative-months)",
                partner=p.partner,
            ))  # fmt: skip
    return alerts
