"""Payback on the plan: when cumulative savings cover the one-off costs to achieve them.

Deterministic: every initiative delivers its planned run-rate on its planned ramp, no
slippage, no probability weighting. Sums are exact (fractions) and rounded to the cent only
at the end, so a hand-checked case comes out to the cent.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction

from synergies.domain.calendar import Month
from synergies.domain.errors import InvalidInput
from synergies.domain.money import CENT
from synergies.forecasting.inputs import ForecastInitiative
from synergies.forecasting.ramp import exact_profile


@dataclass(frozen=True, slots=True)
class Payback:
    """Costs, savings to the end of the horizon and the payback month (None: not by then).

    The payback month is the first month, not before the first one-off cost, from which the
    cumulative net (savings minus one-off costs) stays at or above zero to the horizon's end.
    """

    name: str
    one_off_cost: Decimal
    cumulative_savings: Decimal
    net: Decimal
    payback_month: Month | None
    months_to_payback: int | None  # from the first one-off cost


def payback(item: ForecastInitiative, until: Month) -> Payback:
    """Payback of one initiative over the months up to `until` inclusive."""
    return _payback(item.id, (item,), until)


def alliance_payback(items: tuple[ForecastInitiative, ...], until: Month) -> Payback:
    """Payback of the whole portfolio, costs and savings pooled."""
    return _payback("alliance", items, until)


def _payback(name: str, items: tuple[ForecastInitiative, ...], until: Month) -> Payback:
    if not items:
        raise InvalidInput("no initiatives to pay back", field="initiatives", fix="add some")
    first = min(min(i.start, i.cost_month) for i in items)
    if until < first:
        raise InvalidInput(
            f"horizon end {until} is before the first month {first}",
            field="until",
            fix=f"give a month from {first}",
        )
    months = [first.plus(k) for k in range(first.months_until(until) + 1)]
    net, savings, last_negative = Fraction(0), Fraction(0), None
    for month in months:
        saved = sum((_monthly_saving(i, month) for i in items), Fraction(0))
        savings += saved
        net += saved - sum((Fraction(i.one_off_cost) for i in items if i.cost_month == month), 0)
        if net < 0:
            last_negative = month
    cost = sum((i.one_off_cost for i in items), Decimal(0))
    first_cost = min(i.cost_month for i in items)
    pay = _payback_month(first_cost, last_negative, until)
    return Payback(
        name=name,
        one_off_cost=cost,
        cumulative_savings=_cents(savings),
        net=_cents(net),
        payback_month=pay,
        months_to_payback=first_cost.months_until(pay) if pay is not None else None,
    )


def _payback_month(first_cost: Month, last_negative: Month | None, until: Month) -> Month | None:
    if last_negative is None:
        return first_cost
    if last_negative == until:
        return None
    return max(first_cost, last_negative.plus(1))


def _monthly_saving(item: ForecastInitiative, month: Month) -> Fraction:
    since_start = item.start.months_until(month)
    if since_start < 0:
        return Fraction(0)
    profile = exact_profile(item)
    share = profile[since_start] if since_start < len(profile) else Fraction(1)
    return Fraction(item.run_rate) * share / 12


def _cents(value: Fraction) -> Decimal:
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return exact.quantize(CENT, ROUND_HALF_EVEN)
