"""The board pack's figures: one plain value holding everything the pack prints.

Figures come from the services the web pages call (the report, the forecast, the payback,
the functions), as the same result models; this module adds only what the pages do not
show: each figure's verification status, worked out from the year's ledger entries.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from synergies.domain.initiatives import Initiative
from synergies.domain.ledger import EntrySource, LedgerEntry
from synergies.reports.burn_up import BurnUpRow
from synergies.schemas.forecast import ForecastOut, PaybackReportOut, TargetOutlookOut
from synergies.schemas.reports import BreakdownOut, BridgeStepOut, PositionOut, ReportOut, YearOut
from synergies.schemas.structure import FunctionOut

MEASURED = frozenset({EntrySource.measured})  # proven from transactions; the rest is declared


@dataclass(frozen=True, slots=True)
class SignedBy:
    """The part of a figure one partner's controllers signed off: that partner's entries of
    initiatives it signed off, with who signed and when."""

    partner: str
    controllers: tuple[str, ...]
    first: date
    last: date
    share: Decimal  # fraction of the figure


@dataclass(frozen=True, slots=True)
class Verification:
    measured: Decimal  # fraction measured from transactions
    declared: Decimal  # fraction declared: published, imported or entered by hand
    signed: tuple[SignedBy, ...]
    unsigned: Decimal  # fraction no partner's controller signed off


UNVERIFIED = Verification(Decimal(0), Decimal(0), (), Decimal(0))


@dataclass(frozen=True, slots=True)
class Line:
    """One figure of a breakdown (by function, partner or category) with its verification."""

    key: str
    figure: BreakdownOut
    verification: Verification


@dataclass(frozen=True, slots=True)
class AtRisk:
    """An initiative the status flags on the pack's day, and why (services/initiative_status)."""

    initiative: str
    name: str
    function: str
    stage: str
    status: str  # the reasons it is at risk
    run_rate: Decimal | None
    currency: str | None
    partners: str  # as the exports write them: a cost base's weights only for those allowed
    on: date
    realized: Decimal  # EUR to the month the ledger is complete to on `on`
    planned: Decimal  # EUR its plan's ramp lands to that month


@dataclass(frozen=True, slots=True)
class ConfidentialWeight:
    """A partner's raw allocation weight (its confidential cost base): only for readers the
    service lets read it."""

    initiative: str
    partner: str
    weight: Decimal


@dataclass(frozen=True, slots=True)
class MeasuredDetail:
    """One partner's line-level findings of a measurement run in the pack's year: confidential
    to that partner (its leakage is its prices), so only for readers the service allows."""

    run: int
    partner: str
    currency: str
    lines_claimed: int
    lines_measured: int
    leakage_lines: int
    leakage: Decimal
    double_claimed_lines: int


def measured_detail(
    run: int, partner: str, currency: str, detail: Mapping[str, Any], year: int
) -> MeasuredDetail | None:
    """The run's detail for `partner` summed over the months of `year` (None: no line)."""
    months = [
        m for m in detail.get("by_month", []) if str(m.get("month", "")).startswith(f"{year}-")
    ]
    if not months:
        return None
    return MeasuredDetail(
        run, partner, currency,
        lines_claimed=sum(int(m.get("lines_claimed", 0)) for m in months),
        lines_measured=sum(int(m.get("lines_measured", 0)) for m in months),
        leakage_lines=sum(int(m.get("leakage", {}).get("lines", 0)) for m in months),
        leakage=sum((Decimal(str(m.get("leakage", {}).get("amount", "0"))) for m in months),
                    Decimal(0)),
        double_claimed_lines=sum(int(m.get("double_claimed_lines", 0)) for m in months),
    )  # fmt: skip


@dataclass(frozen=True, slots=True)
class AuditHead:
    seq: int
    hash: str
    checkpoint: str  # the signed checkpoint's text (it carries the generation time)
    at: datetime


@dataclass(frozen=True, slots=True)
class BoardPack:
    alliance: str
    year: int
    report: ReportOut  # EUR, calendar years, breakdown by function for `year`
    focus: YearOut
    total: Verification
    by_function: tuple[Line, ...]
    by_partner: tuple[Line, ...]
    by_category: tuple[Line, ...]
    position: PositionOut | None
    function_targets: Mapping[str, Decimal]  # each function's own target in its year
    outlook: TargetOutlookOut | None
    forecast: ForecastOut | None
    burn_up: tuple[BurnUpRow, ...]
    bridge: tuple[BridgeStepOut, ...]
    bridge_start: YearOut | None
    payback: PaybackReportOut | None  # the alliance, and the largest one-off costs
    payback_plans: int  # plans pooled in the alliance's payback
    functions: tuple[FunctionOut, ...]
    executives: Mapping[str, str]
    at_risk: tuple[AtRisk, ...]
    # Initiatives of `year` with measured evidence: declared against measured (counting rule)
    reconciled: tuple[BreakdownOut, ...]
    status_on: date  # the day the initiatives' status is stated on
    confidential: tuple[ConfidentialWeight, ...]
    measured: tuple[MeasuredDetail, ...]  # partner-confidential, for readers allowed only
    confidential_partners: tuple[str, ...]  # whose confidential data this reader may read
    audit: AuditHead
    reader: str


Priced = Sequence[tuple[LedgerEntry, Decimal]]  # entries with their amounts in EUR
Signoffs = Mapping[str, Mapping[str, tuple[str, date]]]  # initiative -> partner -> (who, on)


def signoffs_of(initiatives: Iterable[Initiative]) -> dict[str, dict[str, tuple[str, date]]]:
    return {
        i.id: {s.partner: (s.controller, s.on) for s in i.signoffs}
        for i in initiatives
        if i.signoffs
    }


def verification(entries: Priced, signed: Signoffs) -> Verification:
    """How much of the entries' sum was measured, declared, and signed off by whom."""
    total = measured = Decimal(0)
    by_partner: dict[str, Decimal] = {}
    who: dict[str, set[str]] = {}
    when: dict[str, list[date]] = {}
    for entry, amount in entries:
        total += amount
        if entry.source in MEASURED:
            measured += amount
        signature = signed.get(entry.initiative_id or "", {}).get(entry.partner)
        if signature is not None:
            by_partner[entry.partner] = by_partner.get(entry.partner, Decimal(0)) + amount
            who.setdefault(entry.partner, set()).add(signature[0])
            when.setdefault(entry.partner, []).append(signature[1])
    if not total:
        return UNVERIFIED
    parts = tuple(
        SignedBy(p, tuple(sorted(who[p])), min(when[p]), max(when[p]), by_partner[p] / total)
        for p in sorted(by_partner)
    )
    signed_share = sum((s.share for s in parts), Decimal(0))
    return Verification(measured / total, 1 - measured / total, parts, 1 - signed_share)


def lines(
    breakdown: Sequence[BreakdownOut],
    entries: Priced,
    key: Callable[[LedgerEntry], str],
    signed: Signoffs,
) -> tuple[Line, ...]:
    """Each breakdown figure with the verification of the entries it sums."""
    grouped: dict[str, list[tuple[LedgerEntry, Decimal]]] = {}
    for entry, amount in entries:
        grouped.setdefault(key(entry), []).append((entry, amount))
    return tuple(Line(b.key, b, verification(grouped.get(b.key, []), signed)) for b in breakdown)
