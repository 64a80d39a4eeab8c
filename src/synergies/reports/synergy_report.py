"""Realized synergies by year against the targets, with a breakdown and the gap to close."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from synergies.domain.calendar import CALENDAR_YEAR, FiscalCalendar, Month
from synergies.domain.errors import InvalidInput
from synergies.domain.fx import FxTable
from synergies.domain.ledger import LedgerEntry
from synergies.domain.money import Money
from synergies.domain.targets import Target


class Breakdown(StrEnum):
    function = "function"
    partner = "partner"
    category = "category"
    initiative = "initiative"


KEYS: dict[Breakdown, Callable[[LedgerEntry], str]] = {
    Breakdown.function: lambda e: e.function or "(alliance-wide)",
    Breakdown.partner: lambda e: e.partner,
    Breakdown.category: lambda e: e.category.value,
    Breakdown.initiative: lambda e: e.initiative_id or "(not attributed)",
}


@dataclass(frozen=True, slots=True)
class YearLine:
    year: int
    label: str
    realized: Money
    one_off_costs: Money
    target: Money | None
    illustrative_share: Decimal  # fraction of the realized amount marked illustrative


@dataclass(frozen=True, slots=True)
class Position:
    """Where the alliance stands in `year` against the next target."""

    year: int
    realized: Money
    target_year: int
    target: Money
    gap: Money
    growth_needed: Decimal | None  # compound annual growth needed to reach the target


@dataclass(frozen=True, slots=True)
class BreakdownLine:
    key: str
    realized: Money
    share: Decimal


@dataclass(frozen=True, slots=True)
class BridgeStep:
    """One bar of the savings bridge: how much `key` added between two years."""

    key: str
    change: Money


@dataclass(frozen=True, slots=True)
class SynergyReport:
    currency: str
    calendar: str
    years: list[YearLine]
    positions: list[Position]
    breakdown_by: Breakdown
    breakdown_year: int | None
    breakdown: list[BreakdownLine]
    rates_note: str
    bridge: list[BridgeStep]  # from the year before `breakdown_year` to it, by the breakdown


def _converter(fx: FxTable, currency: str) -> Callable[[LedgerEntry], Decimal]:
    def convert(entry: LedgerEntry) -> Decimal:
        return fx.convert(entry.amount, currency, entry.period).result.amount

    return convert


def _positions(years: list[YearLine], targets: Sequence[Target], year: int) -> list[Position]:
    """The gap from `year`'s realized synergies to every later alliance-wide target."""
    realized = next((y.realized for y in years if y.year == year), None)
    if realized is None:
        return []
    positions = []
    for line in years:
        if line.year <= year or line.target is None:
            continue
        growth = None
        if realized.amount > 0:
            ratio = float(line.target.amount / realized.amount)
            growth = Decimal(str(round(ratio ** (1 / (line.year - year)) - 1, 6)))
        positions.append(
            Position(year, realized, line.year, line.target, line.target - realized, growth)
        )
    return positions


def build_report(
    entries: Sequence[LedgerEntry],
    targets: Sequence[Target],
    fx: FxTable,
    *,
    currency: str,
    calendar: FiscalCalendar = CALENDAR_YEAR,
    calendar_name: str = "calendar year",
    year: int | None = None,
    breakdown: Breakdown = Breakdown.function,
) -> SynergyReport:
    """Sum the ledger by (fiscal) year in `currency`, set it against the alliance targets."""
    convert = _converter(fx, currency)
    realized: dict[int, Decimal] = defaultdict(Decimal)
    illustrative: dict[int, Decimal] = defaultdict(Decimal)
    one_off: dict[int, Decimal] = defaultdict(Decimal)
    for entry in entries:
        bucket = calendar.year_of(entry.period)
        amount = convert(entry)
        if entry.is_synergy:
            realized[bucket] += amount
            illustrative[bucket] += amount if entry.illustrative else 0
        else:
            one_off[bucket] += amount
    target_by_year = {t.year: t for t in targets if t.function is None}
    years = sorted(set(realized) | set(one_off) | set(target_by_year))
    lines = [
        YearLine(
            y,
            calendar.label(y),
            Money(realized[y], currency).rounded(),
            Money(one_off[y], currency).rounded(),
            _target_in(target_by_year.get(y), fx, currency),
            (illustrative[y] / realized[y]) if realized[y] else Decimal(0),
        )
        for y in years
    ]
    realized_years = [y for y in years if realized[y]]
    if year is not None and year not in realized_years:
        raise InvalidInput(
            f"no realized synergies in {year}",
            field="--year",
            fix=f"pick a year from {realized_years[0]} to {realized_years[-1]}"
            if realized_years
            else "record ledger entries first",
        )
    focus = year if year is not None else (realized_years[-1] if realized_years else None)
    rows = _breakdown(entries, calendar, focus, breakdown, convert, currency)
    before = _breakdown(entries, calendar, focus - 1, breakdown, convert, currency) if focus else []
    return SynergyReport(
        currency,
        calendar_name,
        lines,
        _positions(lines, targets, focus) if focus is not None else [],
        breakdown,
        focus,
        rows,
        _rates_note(entries, currency),
        _bridge(before, rows, currency),
    )


def _bridge(
    before: list[BreakdownLine], after: list[BreakdownLine], currency: str
) -> list[BridgeStep]:
    """Each key's change from one year to the next, largest rise first."""
    start = {b.key: b.realized.amount for b in before}
    end = {b.key: b.realized.amount for b in after}
    changes = {k: end.get(k, Decimal(0)) - start.get(k, Decimal(0)) for k in start | end}
    ordered = sorted(changes.items(), key=lambda kv: -kv[1])
    return [BridgeStep(k, Money(v, currency)) for k, v in ordered if v]


def _target_in(target: Target | None, fx: FxTable, currency: str) -> Money | None:
    if target is None:
        return None
    if target.amount.currency == currency:
        return target.amount
    # A target lies in the future: convert it at the latest rate known for its year.
    month = Month(target.year, 12)
    month = min(fx.latest_month(target.amount.currency, month), fx.latest_month(currency, month))
    return fx.convert(target.amount, currency, month).result.rounded()


def _breakdown(
    entries: Sequence[LedgerEntry],
    calendar: FiscalCalendar,
    year: int | None,
    by: Breakdown,
    convert: Callable[[LedgerEntry], Decimal],
    currency: str,
) -> list[BreakdownLine]:
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for entry in entries:
        if entry.is_synergy and calendar.year_of(entry.period) == year:
            sums[KEYS[by](entry)] += convert(entry)
    whole = sum(sums.values()) or Decimal(1)
    ordered = sorted(sums.items(), key=lambda kv: -kv[1])
    return [BreakdownLine(k, Money(v, currency).rounded(), v / whole) for k, v in ordered]


def _rates_note(entries: Sequence[LedgerEntry], currency: str) -> str:
    foreign = sorted({e.amount.currency for e in entries} - {currency})
    if not foreign:
        return f"all entries are in {currency}; no conversion"
    return (
        f"{', '.join(foreign)} converted to {currency} at each entry's monthly rate "
        "from the FX table (constant currency per month); targets at the latest rate known"
    )
