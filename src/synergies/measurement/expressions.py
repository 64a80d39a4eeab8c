"""The measure as Ibis expressions, built once and run by any engine.

Plan, chosen so that the big table is joined once and never fanned out:

1. A small *claim calendar* is built from the small tables: for every part an initiative
   claims, time is cut into segments (never crossing a month) inside which the winning
   initiative, the number of claimants, the baseline, quote and contract prices and their
   currencies' FX rates are constant. Lines then need one equality join on
   (partner, part_number, month) plus a range check, and each line meets exactly one segment.
2. The lines are joined to the calendar and to the FX rate of their own currency, and summed
   per (segment, paid currency) as exact decimal sums of quantity x price. Nothing is divided
   in the engine: gains, losses and leaks are told apart by exact cross-multiplied comparisons.
3. The sums are rolled up to (initiative, partner, month, currencies) and converted to the
   reporting currency afterwards, in Python `Decimal`, a few thousand rows at most.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir

from synergies.measurement.contract import ENGINE_TYPES, Kind
from synergies.measurement.typed import Tables

PRICE = ENGINE_TYPES[Kind.price]
RATE = ENGINE_TYPES[Kind.rate]
PART = ["partner", "part_number"]
# Widening one factor past 18 digits makes DuckDB multiply in 128 bits, and keeps Spark exact
# (p1 + p2 + 1 <= 38); the product is then declared with its true scale for Ibis.
WIDE_PRICE = dt.Decimal(19, PRICE.scale)
WIDE_RATE = dt.Decimal(19, RATE.scale)
AMOUNT = dt.Decimal(38, PRICE.scale + ENGINE_TYPES[Kind.quantity].scale)

# Stage-2 grain: everything the Python conversion needs to pick FX rates.
GRAIN = [
    "initiative_id",
    "partner",
    "month",
    "currency",
    "baseline_currency",
    "quote_currency",
    "contract_currency",
    "double_claimed",
]
CELL = [name for name in GRAIN if name != "currency"]
SUMS = [
    "lines",
    "lines_with_baseline",
    "paid_with_baseline",
    "baseline",
    "paid_gain",
    "baseline_gain",
    "lines_quoted",
    "paid_quoted",
    "quoted",
    "leakage_lines",
    "paid_leak",
    "contract_leak",
]


def months_table(first: date, last: date) -> ir.Table:
    """The first day of every month from `first`'s to `last`'s."""
    days: list[date] = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        days.append(date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return ibis.memtable({"month": days}, schema={"month": "date"})


def month_after(day: date) -> date:
    return date(day.year + 1, 1, 1) if day.month == 12 else date(day.year, day.month + 1, 1)


def rates_by_month(fx: ir.Table, months: ir.Table) -> ir.Table:
    """Units of each currency per EUR by month, with EUR at 1 in every month."""
    others = fx.filter(fx.currency != "EUR").select("month", "currency", "per_eur")
    eur = months.select(
        "month",
        currency=ibis.literal("EUR"),
        per_eur=ibis.literal(Decimal(1), type=RATE),
    )
    return others.union(eur)


def _cut(table: ir.Table, day: ir.DateValue) -> ir.Table:
    return table.select("partner", "part_number", day=day)


def cut_points(tables: Tables, months: ir.Table, first: date, end: date) -> ir.Table:
    """Days where something a claimed line depends on may change, per claimed part."""
    scope = tables.initiative_scope
    parts = scope.select(*PART).distinct()
    month_starts = parts.cross_join(months)
    cuts = [
        _cut(month_starts, month_starts.month),
        _cut(scope, scope.valid_from),
        _cut(scope.filter(scope.valid_to.notnull()), scope.valid_to + ibis.interval(days=1)),
    ]
    for prices in (tables.baselines, tables.quotes, tables.contracts):
        if prices is not None:
            cuts.append(_cut(prices, prices.valid_from).semi_join(parts, PART))
    days = ibis.union(*cuts, distinct=True)
    return days.filter((days.day >= first) & (days.day < end))


def segments(cuts: ir.Table, end: date) -> ir.Table:
    """[seg_start, seg_end) pieces of each part's timeline, numbered by seg_id."""
    window = ibis.window(group_by=PART, order_by="day")
    pieces = cuts.select(
        *PART,
        seg_start=cuts.day,
        seg_end=cuts.day.lead().over(window).fill_null(ibis.literal(end)),
        month=cuts.day.truncate("M"),
    )
    return pieces.mutate(seg_id=ibis.row_number().over(order_by=[*PART, "seg_start"]))


def winners(segs: ir.Table, scope: ir.Table) -> ir.Table:
    """Per segment: the initiative it counts for (earliest scope start, then id) and claimants."""
    s = scope.rename(scope_partner="partner", scope_part="part_number")
    claims = segs.join(
        s,
        [
            segs.partner == s.scope_partner,
            segs.part_number == s.scope_part,
            s.valid_from <= segs.seg_start,
            s.valid_to.isnull() | (s.valid_to >= segs.seg_start),
        ],
    )
    # One row per initiative even if its own scope rows overlap: that is no double claim.
    per = claims.group_by(["seg_id", "initiative_id"]).aggregate(scope_from=claims.valid_from.min())
    ranked = per.mutate(
        rank=ibis.row_number().over(
            ibis.window(group_by="seg_id", order_by=["scope_from", "initiative_id"])
        ),
        claimants=per.initiative_id.count().over(ibis.window(group_by="seg_id")),
    )
    return ranked.filter(ranked["rank"] == 0).select("seg_id", "initiative_id", "claimants")


def attach_price(cal: ir.Table, prices: ir.Table | None, column: str, prefix: str) -> ir.Table:
    """Add the latest `prefix` price valid at each segment's start (null when none)."""
    price, currency = f"{prefix}_price", f"{prefix}_currency"
    if prices is None:
        return cal.mutate(**{price: ibis.null(PRICE), currency: ibis.null("string")})
    window = ibis.window(group_by=PART, order_by="valid_from")
    p = prices.select(
        p_partner=prices.partner,
        p_part=prices.part_number,
        p_from=prices.valid_from,
        p_next=prices.valid_from.lead().over(window),
        **{price: prices[column], currency: prices.currency},
    )
    joined = cal.left_join(
        p,
        [
            cal.partner == p.p_partner,
            cal.part_number == p.p_part,
            p.p_from <= cal.seg_start,
            p.p_next.isnull() | (cal.seg_start < p.p_next),
        ],
    )
    return joined.drop("p_partner", "p_part", "p_from", "p_next")


def attach_rate(table: ir.Table, rates: ir.Table, currency: str, name: str) -> ir.Table:
    """Add the month's per-EUR rate of the currency in column `currency` as `name`."""
    r = rates.select(r_month=rates.month, r_currency=rates.currency, **{name: rates.per_eur})
    joined = table.left_join(r, [table.month == r.r_month, table[currency] == r.r_currency])
    return joined.drop("r_month", "r_currency")


def claim_calendar(
    tables: Tables, rates: ir.Table, months: ir.Table, first: date, end: date
) -> ir.Table:
    """The claimed segments with everything a line in them is measured against."""
    segs = segments(cut_points(tables, months, first, end), end)
    cal = segs.join(winners(segs, tables.initiative_scope), "seg_id")
    cal = attach_price(cal, tables.baselines, "baseline_unit_price", "baseline")
    cal = attach_price(cal, tables.quotes, "quoted_unit_price", "quote")
    cal = attach_price(cal, tables.contracts, "contract_unit_price", "contract")
    cal = attach_rate(cal, rates, "baseline_currency", "baseline_per_eur")
    cal = attach_rate(cal, rates, "contract_currency", "contract_per_eur")
    cal = cal.mutate(double_claimed=cal.claimants > 1)
    # A dense number per output cell keeps the big aggregation's hash table tiny.
    cal = cal.mutate(cell_id=ibis.dense_rank().over(order_by=CELL))
    return cal.rename(cal_partner="partner", cal_part="part_number")


def lines_in_period(lines: ir.Table, start: date | None, end: date | None) -> ir.Table:
    if start is not None:
        lines = lines.filter(lines.posting_date >= start)
    if end is not None:
        lines = lines.filter(lines.posting_date <= end)
    return lines


def claimed_lines(lines: ir.Table, cal: ir.Table, rates: ir.Table) -> ir.Table:
    """Each claimed line with its one segment and the FX rate of its own currency."""
    # DuckDB truncates to a timestamp; a date keeps the join key narrow and comparable.
    dated = lines.mutate(line_month=lines.posting_date.truncate("M").cast("date"))
    joined = dated.join(
        cal,
        [
            dated.partner == cal.cal_partner,
            dated.part_number == cal.cal_part,
            dated.line_month == cal.month,
            cal.seg_start <= dated.posting_date,
            dated.posting_date < cal.seg_end,
        ],
    )
    return attach_rate(joined, rates, "currency", "paid_per_eur")


def _wide(value: ir.Value) -> ir.NumericValue:
    """A price or rate widened so that products cannot overflow (DuckDB checks, not widens)."""
    scale = value.type().scale
    return value.cast(WIDE_RATE if scale == RATE.scale else WIDE_PRICE)


def _amount(quantity: ir.NumericValue, price: ir.Value) -> ir.NumericValue:
    """quantity x price, exact."""
    return (quantity * _wide(price)).cast(AMOUNT)


def _gain(j: ir.Table) -> ir.BooleanValue:
    """Baseline above paid, compared exactly across currencies: b/rb > p/rp <=> b*rp > p*rb."""
    return ibis.ifelse(
        j.currency == j.baseline_currency,
        j.baseline_price > j.unit_price,
        j.baseline_price * _wide(j.paid_per_eur) > j.unit_price * _wide(j.baseline_per_eur),
    )


def _leak(j: ir.Table) -> ir.BooleanValue:
    """Paid above the contract price, compared exactly across currencies."""
    return ibis.ifelse(
        j.currency == j.contract_currency,
        j.unit_price > j.contract_price,
        j.unit_price * _wide(j.contract_per_eur) > j.contract_price * _wide(j.paid_per_eur),
    )


def segment_sums(j: ir.Table) -> ir.Table:
    """Exact sums of quantity x price per (cell, paid currency): the one big aggregation."""
    paid = _amount(j.quantity, j.unit_price)
    has_baseline = j.baseline_price.notnull()
    has_quote = j.quote_price.notnull()
    gain, leak = _gain(j), _leak(j)
    return j.group_by(["cell_id", "currency"]).aggregate(
        lines=j.count(),
        lines_with_baseline=j.baseline_price.count(),
        paid_with_baseline=paid.sum(where=has_baseline),
        baseline=_amount(j.quantity, j.baseline_price).sum(),
        paid_gain=paid.sum(where=gain),
        baseline_gain=_amount(j.quantity, j.baseline_price).sum(where=gain),
        lines_quoted=j.quote_price.count(),
        paid_quoted=paid.sum(where=has_quote),
        quoted=_amount(j.quantity, j.quote_price).sum(),
        leakage_lines=ibis.ifelse(leak, 1, 0).sum(),
        paid_leak=paid.sum(where=leak),
        contract_leak=_amount(j.quantity, j.contract_price).sum(where=leak),
    )


def cell_sums(sums: ir.Table, cal: ir.Table) -> ir.Table:
    """The sums with the cell attributes the reporting-currency conversion needs."""
    attrs = cal.select("cell_id", *[c for c in CELL if c != "partner"], partner=cal.cal_partner)
    joined = sums.join(attrs.distinct(), "cell_id")
    return joined.select(*GRAIN, *SUMS)


def double_claim_sample(j: ir.Table, size: int) -> ir.Table:
    """The first `size` double-claimed lines by line_id."""
    double = j.filter(j.claimants > 1)
    return (
        double.select("line_id", "partner", "part_number", "posting_date", "initiative_id")
        .order_by("line_id")
        .limit(size)
    )


def period_stats(lines: ir.Table) -> ir.Table:
    """Lines read, and the first and last posting date, in one scan."""
    return lines.aggregate(
        lines_read=lines.count(),
        first=lines.posting_date.min(),
        last=lines.posting_date.max(),
    )
