"""Convert exact per-currency sums to reporting-currency figures with Decimal FX rates.

Each row of the engine's cell sums shares one month and one set of currencies, so one rate per
currency converts the whole row: sum(q x p) x R / C equals the sum of the lines' conversions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from synergies.domain.calendar import Month
from synergies.domain.fx import PIVOT
from synergies.measurement.result import ZERO, Cell, Figures

Rates = Mapping[tuple[Month, str], Decimal]


def rate(rates: Rates, month: Month, currency: str | None) -> Decimal | None:
    """Units of `currency` per EUR in `month`; None when unknown."""
    if currency is None:
        return None
    if currency == PIVOT:
        return Decimal(1)
    return rates.get((month, currency))


def to_reporting(amount: Decimal, reporting: Decimal, own: Decimal) -> Decimal:
    """An amount in a currency with `own` units per EUR, in one with `reporting` units per EUR."""
    return amount * reporting / own


def _amount(row: Mapping[str, Any], name: str) -> Decimal:
    value = row[name]
    return ZERO if value is None else Decimal(value)


def hard_savings(row: Mapping[str, Any], r: Decimal, paid: Decimal, base: Decimal) -> Figures:
    """Gross gains and losses of a row's lines that have a baseline."""
    gain = to_reporting(_amount(row, "baseline_gain"), r, base) - to_reporting(
        _amount(row, "paid_gain"), r, paid
    )
    loss_paid = _amount(row, "paid_with_baseline") - _amount(row, "paid_gain")
    loss_base = _amount(row, "baseline") - _amount(row, "baseline_gain")
    loss = to_reporting(loss_paid, r, paid) - to_reporting(loss_base, r, base)
    return Figures(lines_measured=int(row["lines_with_baseline"]), gross_gain=gain, gross_loss=loss)


def avoidance(row: Mapping[str, Any], r: Decimal, paid: Decimal, quote: Decimal | None) -> Figures:
    if not row["lines_quoted"] or quote is None:
        return Figures()
    amount = to_reporting(_amount(row, "quoted"), r, quote) - to_reporting(
        _amount(row, "paid_quoted"), r, paid
    )
    return Figures(cost_avoidance=amount, lines_quoted=int(row["lines_quoted"]))


def leakage(row: Mapping[str, Any], r: Decimal, paid: Decimal, contract: Decimal | None) -> Figures:
    if not row["leakage_lines"] or contract is None:
        return Figures()
    amount = to_reporting(_amount(row, "paid_leak"), r, paid) - to_reporting(
        _amount(row, "contract_leak"), r, contract
    )
    return Figures(leakage_lines=int(row["leakage_lines"]), leakage=amount)


def row_figures(row: Mapping[str, Any], rates: Rates, reporting: str) -> Figures:
    """The reporting-currency figures of one row of cell sums."""
    month = Month.of(row["month"])
    lines, with_baseline = int(row["lines"]), int(row["lines_with_baseline"])
    claimed = Figures(lines_claimed=lines)
    if lines > with_baseline:
        claimed += Figures(unmeasurable={"no_baseline": lines - with_baseline})
    r, paid = rate(rates, month, reporting), rate(rates, month, row["currency"])
    if r is None or paid is None:
        return _doubled(row, claimed + _no_fx(with_baseline))
    base = rate(rates, month, row["baseline_currency"])
    measured = Figures()
    if with_baseline:
        measured = hard_savings(row, r, paid, base) if base is not None else _no_fx(with_baseline)
    quote, contract = (
        rate(rates, month, row["quote_currency"]),
        rate(rates, month, row["contract_currency"]),
    )
    figures = claimed + measured + avoidance(row, r, paid, quote) + leakage(row, r, paid, contract)
    return _doubled(row, figures)


def _no_fx(lines: int) -> Figures:
    return Figures(unmeasurable={"no_fx_rate": lines}) if lines else Figures()


def _doubled(row: Mapping[str, Any], figures: Figures) -> Figures:
    """Mark every line of a double-claimed row; its saving is counted once, for the winner."""
    if not row["double_claimed"]:
        return figures
    return figures + Figures(
        double_claimed_lines=figures.lines_claimed, double_claimed_amount=figures.net
    )


def cells_from_rows(
    rows: Iterable[Mapping[str, Any]], rates: Rates, reporting: str
) -> list[tuple[Cell, Figures]]:
    return [
        (
            Cell(row["initiative_id"], row["partner"], Month.of(_as_date(row["month"]))),
            row_figures(row, rates, reporting),
        )
        for row in rows
    ]


def _as_date(value: object) -> date:
    if isinstance(value, date):
        return value
    raise TypeError(f"expected a date, got {value!r}")
