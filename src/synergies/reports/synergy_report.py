"""Realized synergies by year against the targets, with a breakdown and the gap to close."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from enum import StrEnum
from typing import Any

from synergies.domain.calendar import CALENDAR_YEAR, FiscalCalendar, Month
from synergies.domain.counting import ValueClass, measured_cells, superseded, value_class
from synergies.domain.errors import InvalidInput
from synergies.domain.fx import FxTable
from synergies.domain.ledger import EntrySource, LedgerEntry
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
class Reconciled:
    """Declared against measured, under the counting rule (domain/counting.py): `measured`
    counts; `declared_confirmed` is what was declared for the cells measured (kept, not
    counted); `declared_only` is declared where nothing is measured (counted)."""

    measured: Money
    declared_confirmed: Money
    declared_only: Money

    @property
    def difference(self) -> Money:
        """Measured less declared in the measured cells: what measuring changed."""
        return self.measured - self.declared_confirmed


@dataclass(frozen=True, slots=True)
class ByValue:
    """A year's realized synergies by value class: hard and soft reported apart."""

    hard: Money  # cost reductions net of dis-synergies
    avoidance: Money  # cost avoidance
    other: Money  # incremental revenue, capex avoidance


@dataclass(frozen=True, slots=True)
class YearLine:
    year: int
    label: str
    realized: Money
    one_off_costs: Money
    target: Money | None
    illustrative_share: Decimal  # fraction of the realized amount marked illustrative
    reconciled: Reconciled
    by_value: ByValue


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
    reconciled: Reconciled


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
        return fx.convert_realized(entry.amount, currency, entry.period).result.amount

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


def _bump(into: dict[Any, Decimal], key: Any, amount: Decimal) -> None:
    into[key] = into.get(key, Decimal(0)) + amount


@dataclass(frozen=True, slots=True)
class Tally:
    """The ledger's amounts converted and summed into the report's buckets.

    Conversion is per entry month at that month's rate, so a tally is additive: the tally of
    more entries is the old tally plus the new entries' (which lets a cache follow appends).
    `less_superseded` then takes out the declared entries a measurement stands for."""

    realized: dict[int, Decimal] = field(default_factory=dict)
    illustrative: dict[int, Decimal] = field(default_factory=dict)
    one_off: dict[int, Decimal] = field(default_factory=dict)
    by_key: dict[tuple[int, str], Decimal] = field(default_factory=dict)
    currencies: frozenset[str] = frozenset()
    measured: dict[tuple[int, str], Decimal] = field(default_factory=dict)  # (year, key)
    confirmed: dict[tuple[int, str], Decimal] = field(default_factory=dict)  # (year, key)
    by_value: dict[tuple[int, ValueClass], Decimal] = field(default_factory=dict)

    def plus(
        self,
        entries: Sequence[LedgerEntry],
        fx: FxTable,
        currency: str,
        calendar: FiscalCalendar,
        breakdown: Breakdown,
    ) -> Tally:
        """A new tally with `entries` added; this one is left as it was."""
        return self._with(entries, fx, currency, calendar, breakdown, superseded=False)

    def less_superseded(
        self,
        entries: Sequence[LedgerEntry],
        fx: FxTable,
        currency: str,
        calendar: FiscalCalendar,
        breakdown: Breakdown,
    ) -> Tally:
        """A new tally without the declared `entries` of measured cells (counted, then taken
        out: the measured figure stands for them), which it shows as confirmed."""
        return self._with(entries, fx, currency, calendar, breakdown, superseded=True)

    def _with(
        self,
        entries: Sequence[LedgerEntry],
        fx: FxTable,
        currency: str,
        calendar: FiscalCalendar,
        breakdown: Breakdown,
        *,
        superseded: bool,
    ) -> Tally:
        convert, key = _converter(fx, currency), KEYS[breakdown]
        sign = Decimal(-1) if superseded else Decimal(1)
        t = Tally(
            dict(self.realized),
            dict(self.illustrative),
            dict(self.one_off),
            dict(self.by_key),
            self.currencies,
            dict(self.measured),
            dict(self.confirmed),
            dict(self.by_value),
        )
        for entry in entries:
            bucket, amount = calendar.year_of(entry.period), convert(entry)
            kind = value_class(entry.category)
            if kind is None:
                _bump(t.one_off, bucket, amount)
                continue
            cell = (bucket, key(entry))
            _bump(t.realized, bucket, sign * amount)
            if entry.illustrative:
                _bump(t.illustrative, bucket, sign * amount)
            _bump(t.by_key, cell, sign * amount)
            _bump(t.by_value, (bucket, kind), sign * amount)
            if superseded:
                _bump(t.confirmed, cell, amount)
            elif entry.source is EntrySource.measured:
                _bump(t.measured, cell, amount)
        seen = self.currencies | {e.amount.currency for e in entries}
        return replace(t, currencies=seen)

    def reconciled(self, year: int, currency: str, key: str | None = None) -> Reconciled:
        """Declared against measured in `year` (for one breakdown key, or all)."""

        def total(of: dict[tuple[int, str], Decimal]) -> Decimal:
            return sum(
                (v for (y, k), v in of.items() if y == year and key in (None, k)), Decimal(0)
            )

        realized = self.realized.get(year, Decimal(0)) if key is None else total(self.by_key)
        measured = total(self.measured)
        return Reconciled(
            Money(measured, currency).rounded(),
            Money(total(self.confirmed), currency).rounded(),
            Money(realized - measured, currency).rounded(),
        )

    def values_of(self, year: int, currency: str) -> ByValue:
        def of(kind: ValueClass) -> Money:
            return Money(self.by_value.get((year, kind), Decimal(0)), currency).rounded()

        return ByValue(of(ValueClass.hard), of(ValueClass.avoidance), of(ValueClass.other))


def counted_tally(
    entries: Sequence[LedgerEntry],
    fx: FxTable,
    currency: str,
    calendar: FiscalCalendar,
    breakdown: Breakdown,
) -> Tally:
    """The tally of plain entries under the counting rule (domain/counting.py): what every
    figure of realized synergies is made of."""
    cells = measured_cells(entries)
    taken = [e for e in entries if superseded(e, cells)]
    tally = Tally().plus(entries, fx, currency, calendar, breakdown)
    return tally.less_superseded(taken, fx, currency, calendar, breakdown)


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
    """Sum the ledger by (fiscal) year in `currency`, set it against the alliance targets,
    counting declared and measured by the counting rule (domain/counting.py)."""
    tally = counted_tally(entries, fx, currency, calendar, breakdown)
    return finish_report(
        tally, targets, fx, currency=currency, calendar=calendar, calendar_name=calendar_name,
        year=year, breakdown=breakdown,
    )  # fmt: skip


def finish_report(
    tally: Tally,
    targets: Sequence[Target],
    fx: FxTable,
    *,
    currency: str,
    calendar: FiscalCalendar = CALENDAR_YEAR,
    calendar_name: str = "calendar year",
    year: int | None = None,
    breakdown: Breakdown = Breakdown.function,
) -> SynergyReport:
    """The report from a tally: years against targets, positions, breakdown and bridge."""
    zero = Decimal(0)
    target_by_year = {t.year: t for t in targets if t.function is None}
    years = sorted(set(tally.realized) | set(tally.one_off) | set(target_by_year))
    lines = [
        YearLine(
            y,
            calendar.label(y),
            Money(tally.realized.get(y, zero), currency).rounded(),
            Money(tally.one_off.get(y, zero), currency).rounded(),
            _target_in(target_by_year.get(y), fx, currency),
            tally.illustrative.get(y, zero) / tally.realized[y] if tally.realized.get(y) else zero,
            tally.reconciled(y, currency),
            tally.values_of(y, currency),
        )
        for y in years
    ]
    realized_years = [y for y in years if tally.realized.get(y)]
    if year is not None and year not in realized_years:
        raise InvalidInput(
            f"no realized synergies in {year}",
            field="year",
            fix=f"pick a year from {realized_years[0]} to {realized_years[-1]}"
            if realized_years
            else "record ledger entries first",
        )
    focus = year if year is not None else (realized_years[-1] if realized_years else None)
    rows = _breakdown(tally, focus, currency)
    before = _breakdown(tally, focus - 1, currency) if focus else []
    return SynergyReport(
        currency,
        calendar_name,
        lines,
        _positions(lines, targets, focus) if focus is not None else [],
        breakdown,
        focus,
        rows,
        _rates_note(tally, fx, currency, calendar),
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
    # A target lies in the future: the FX table's one rule for planned amounts, at its December.
    return fx.convert_planned(target.amount, currency, Month(target.year, 12)).result.rounded()


def _breakdown(tally: Tally, year: int | None, currency: str) -> list[BreakdownLine]:
    sums = {k: v for (y, k), v in tally.by_key.items() if y == year and v}
    whole = sum(sums.values()) or Decimal(1)
    ordered = sorted(sums.items(), key=lambda kv: (-kv[1], kv[0]))  # ties by key: stable
    return [
        BreakdownLine(
            k, Money(v, currency).rounded(), v / whole, tally.reconciled(year or 0, currency, k)
        )
        for k, v in ordered
    ]


def _rates_note(tally: Tally, fx: FxTable, currency: str, calendar: FiscalCalendar) -> str:
    foreign = sorted(tally.currencies - {currency})
    if not foreign:
        return f"all entries are in {currency}; no conversion"
    note = (
        f"{', '.join(foreign)} converted to {currency} at each entry's monthly rate "
        "from the FX table (constant currency per month); targets at the latest rate known"
    )
    years = {y for y, v in (*tally.realized.items(), *tally.one_off.items()) if v}
    months = [m for y in years for m in calendar.months(y)]
    earlier = fx.earlier_rates(tally.currencies, currency, months)
    return note + "".join(f"; {span}" for span in _spans(earlier))


def _spans(earlier: dict[Month, Month]) -> list[str]:
    """'2019-01 to 2019-12 at the 2018-12 rate': months without a rate, run by run."""
    runs: list[tuple[Month, Month, Month]] = []  # (first, last, rate month)
    for month, used in sorted(earlier.items()):
        if runs and runs[-1][2] == used and runs[-1][1].plus(1) == month:
            runs[-1] = (runs[-1][0], month, used)
        else:
            runs.append((month, month, used))
    return [
        f"{first}{f' to {last}' if last != first else ''} have no rate: at the {used} rate"
        for first, last, used in runs
    ]
