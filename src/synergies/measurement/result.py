"""The typed result of a measurement and its JSON form.

Figures are kept exact (`Decimal`) per cell (initiative, partner, month) and rounded to the
reporting currency's minor unit only when shown, so every roll-up is the rounded exact sum.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from synergies.domain.calendar import FiscalCalendar, Month
from synergies.domain.money import minor_unit

ZERO = Decimal(0)

# Nissan closes its books on 31 March; Renault on 31 December. Others default to calendar years.
DEFAULT_FISCAL_YEAR_STARTS: Mapping[str, int] = {"RENAULT": 1, "NISSAN": 4}


@dataclass(frozen=True, slots=True)
class Figures:
    """Exact measured figures of a set of claimed lines, in the reporting currency."""

    lines_claimed: int = 0
    lines_measured: int = 0
    gross_gain: Decimal = ZERO
    gross_loss: Decimal = ZERO  # price increases, as a positive amount
    cost_avoidance: Decimal = ZERO
    lines_quoted: int = 0
    leakage_lines: int = 0
    leakage: Decimal = ZERO
    double_claimed_lines: int = 0
    double_claimed_amount: Decimal = ZERO
    unmeasurable: Mapping[str, int] = field(default_factory=dict)

    @property
    def net(self) -> Decimal:
        return self.gross_gain - self.gross_loss

    def __add__(self, other: Figures) -> Figures:
        reasons = Counter(self.unmeasurable)
        reasons.update(other.unmeasurable)
        return Figures(
            lines_claimed=self.lines_claimed + other.lines_claimed,
            lines_measured=self.lines_measured + other.lines_measured,
            gross_gain=self.gross_gain + other.gross_gain,
            gross_loss=self.gross_loss + other.gross_loss,
            cost_avoidance=self.cost_avoidance + other.cost_avoidance,
            lines_quoted=self.lines_quoted + other.lines_quoted,
            leakage_lines=self.leakage_lines + other.leakage_lines,
            leakage=self.leakage + other.leakage,
            double_claimed_lines=self.double_claimed_lines + other.double_claimed_lines,
            double_claimed_amount=self.double_claimed_amount + other.double_claimed_amount,
            unmeasurable=dict(sorted(reasons.items())),
        )


@dataclass(frozen=True, slots=True, order=True)
class Cell:
    """The finest grain of a measurement: what one initiative saved at one partner in a month."""

    initiative_id: str
    partner: str
    month: Month


@dataclass(frozen=True, slots=True)
class DoubleClaim:
    """A purchase line claimed by more than one initiative, and who it was counted for."""

    line_id: str
    partner: str
    part_number: str
    posting_date: date
    claimed_by: tuple[str, ...]
    counted_for: str


@dataclass(frozen=True, slots=True)
class LineRange:
    """The claimed lines of one partner in one month, as a posting identifies them: how many,
    and the first and last line id. Two sources holding the same lines give the same range;
    ranges that intersect may share lines (see services/measurement.py)."""

    lines: int
    first: str
    last: str

    def __add__(self, other: LineRange) -> LineRange:
        return LineRange(
            self.lines + other.lines, min(self.first, other.first), max(self.last, other.last)
        )

    def meets(self, other: LineRange) -> bool:
        """Whether the two ranges of line ids intersect (they may then share lines)."""
        return self.first <= other.last and other.first <= self.last


LineRanges = Mapping[tuple[str, Month], LineRange]  # (partner, month) -> its claimed lines


@dataclass(frozen=True, slots=True)
class MeasurementResult:
    """Savings proven from purchase lines, exact per cell, with where they came from."""

    reporting_currency: str
    lines_read: int
    cells: Mapping[Cell, Figures]
    double_claim_sample: tuple[DoubleClaim, ...] = ()
    fiscal_year_starts: Mapping[str, int] = field(
        default_factory=lambda: dict(DEFAULT_FISCAL_YEAR_STARTS)
    )
    lineage: Mapping[str, Any] = field(default_factory=dict)
    # Measured for posting only (reading every claimed line's id costs time): see LineRange.
    line_ranges: LineRanges | None = None

    @property
    def total(self) -> Figures:
        return sum(self.cells.values(), Figures())

    def round(self, amount: Decimal) -> Decimal:
        """Round half-even to the reporting currency's minor unit (the cent for EUR)."""
        return amount.quantize(minor_unit(self.reporting_currency), ROUND_HALF_EVEN)

    def by(self, key: Callable[[Cell], tuple[str, ...]]) -> dict[tuple[str, ...], Figures]:
        """Roll the cells up by `key`, sorted by key."""
        groups: dict[tuple[str, ...], Figures] = {}
        for cell, figures in self.cells.items():
            k = key(cell)
            groups[k] = groups.get(k, Figures()) + figures
        return dict(sorted(groups.items()))

    def fiscal_year(self, cell: Cell) -> str:
        calendar = FiscalCalendar(self.fiscal_year_starts.get(cell.partner, 1))
        return calendar.label(calendar.year_of(cell.month))


def group_keys(
    result: MeasurementResult,
) -> dict[str, tuple[tuple[str, ...], Callable[[Cell], tuple[str, ...]]]]:
    """The published roll-ups: name -> (key field names, key of a cell)."""
    return {
        "by_initiative": (("initiative_id",), lambda c: (c.initiative_id,)),
        "by_partner": (("partner",), lambda c: (c.partner,)),
        "by_month": (("month",), lambda c: (str(c.month),)),
        "by_year": (("year",), lambda c: (str(c.month.year),)),
        "by_fiscal_year": (
            ("partner", "fiscal_year"),
            lambda c: (c.partner, result.fiscal_year(c)),
        ),
    }


def figures_json(result: MeasurementResult, figures: Figures) -> dict[str, Any]:
    """One set of figures as JSON: amounts are strings rounded to the minor unit."""
    money = result.round
    return {
        "lines_claimed": figures.lines_claimed,
        "lines_measured": figures.lines_measured,
        "hard_savings": {
            "net": str(money(figures.net)),
            "gross_gain": str(money(figures.gross_gain)),
            "gross_loss": str(money(figures.gross_loss)),
        },
        "cost_avoidance": str(money(figures.cost_avoidance)),
        "leakage": {"lines": figures.leakage_lines, "amount": str(money(figures.leakage))},
        "double_claimed_lines": figures.double_claimed_lines,
        "unmeasurable": dict(figures.unmeasurable),
    }


def rollup_json(result: MeasurementResult, name: str) -> list[dict[str, Any]]:
    names, key = group_keys(result)[name]
    return [
        {**dict(zip(names, k, strict=True)), **figures_json(result, figures)}
        for k, figures in result.by(key).items()
    ]


def double_claims_json(result: MeasurementResult, figures: Figures) -> dict[str, Any]:
    return {
        "count": figures.double_claimed_lines,
        "amount": str(result.round(figures.double_claimed_amount)),
        "sample": [
            {
                "line_id": d.line_id,
                "partner": d.partner,
                "part_number": d.part_number,
                "posting_date": d.posting_date.isoformat(),
                "claimed_by": list(d.claimed_by),
                "counted_for": d.counted_for,
            }
            for d in result.double_claim_sample
        ],
    }


def leakage_json(result: MeasurementResult, figures: Figures) -> dict[str, Any]:
    per_initiative = result.by(lambda c: (c.initiative_id,))
    return {
        "lines": figures.leakage_lines,
        "amount": str(result.round(figures.leakage)),
        "by_initiative": [
            {
                "initiative_id": k[0],
                "lines": f.leakage_lines,
                "amount": str(result.round(f.leakage)),
            }
            for k, f in per_initiative.items()
        ],
    }


def to_json(result: MeasurementResult) -> dict[str, Any]:
    """The document `synergies measure --format json` prints."""
    total = result.total
    head = figures_json(result, total)
    document: dict[str, Any] = {
        "reporting_currency": result.reporting_currency,
        "lines_read": result.lines_read,
        "lines_claimed": total.lines_claimed,
        "lines_measured": total.lines_measured,
        "hard_savings": head["hard_savings"],
        "cost_avoidance": head["cost_avoidance"],
        "lines_quoted": total.lines_quoted,
    }
    for name in group_keys(result):
        document[name] = rollup_json(result, name)
    document["double_claimed_lines"] = double_claims_json(result, total)
    document["leakage"] = leakage_json(result, total)
    document["unmeasurable"] = dict(total.unmeasurable)
    document["fiscal_year_starts"] = dict(result.fiscal_year_starts)
    document["lineage"] = dict(result.lineage)
    return document


def merge_cells(items: Iterable[tuple[Cell, Figures]]) -> dict[Cell, Figures]:
    """Sum figures that land in the same cell, sorted by cell."""
    cells: dict[Cell, Figures] = {}
    for cell, figures in items:
        cells[cell] = cells.get(cell, Figures()) + figures
    return dict(sorted(cells.items()))


# What the figures of a run say about one partner's prices, beyond the savings the ledger
# shows anyway: leaking lines and amounts, double claims, lines not measurable (and so the
# lines measured, since claimed - measured = unmeasurable). Confidential to that partner.
_CONFIDENTIAL_ROW_KEYS = frozenset(
    {"lines_measured", "leakage", "double_claimed_lines", "unmeasurable"}
)
PUBLIC_TOTALS = (
    "reporting_currency", "lines_read", "lines_claimed", "hard_savings", "cost_avoidance",
    "lines_quoted", "fiscal_year_starts",
)  # fmt: skip


def public_summary(document: Mapping[str, Any]) -> dict[str, Any]:
    """The figures of a measurement anyone signed in may read (a `to_json` document, or a
    summary stored before this rule): savings, cost avoidance and claimed lines at every
    grain, but no figure confidential to a partner at any grain, not even as an alliance
    total, since a total less one partner's own figure is the other partner's figure."""
    summary = {k: document[k] for k in PUBLIC_TOTALS if k in document}
    for name in ("by_initiative", "by_partner", "by_month", "by_year", "by_fiscal_year"):
        if name in document:
            summary[name] = [
                {k: v for k, v in row.items() if k not in _CONFIDENTIAL_ROW_KEYS}
                for row in document[name]
            ]
    return summary


def partner_figures(result: MeasurementResult, partner: str) -> dict[str, Any]:
    """One partner's confidential figures by month and by its fiscal year."""
    mine = {c: f for c, f in result.cells.items() if c.partner == partner}
    part = MeasurementResult(
        result.reporting_currency, 0, mine, fiscal_year_starts=result.fiscal_year_starts
    )

    def row(figures: Figures) -> dict[str, Any]:
        return {
            "lines_claimed": figures.lines_claimed,
            "lines_measured": figures.lines_measured,
            "leakage": {"lines": figures.leakage_lines, "amount": str(part.round(figures.leakage))},
            "double_claimed_lines": figures.double_claimed_lines,
            "unmeasurable": dict(figures.unmeasurable),
        }

    by_month = part.by(lambda c: (str(c.month),))
    by_year = part.by(lambda c: (part.fiscal_year(c),))
    return {
        "by_month": [{"month": k[0], **row(f)} for k, f in by_month.items()],
        "by_fiscal_year": [{"fiscal_year": k[0], **row(f)} for k, f in by_year.items()],
    }
