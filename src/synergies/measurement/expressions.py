"""The measure as Ibis expressions, built once and run by any engine.

Plan, chosen so that the big table is read once, joined on equality keys only, never fanned out:

1. A small *claim calendar* is built from the small tables: every part an initiative claims has
   its timeline cut into segments, numbered consecutively per part, inside which the winning
   initiative, the number of claimants and the baseline, quote and contract prices are constant.
2. A *part index* holds one row per claimed part: the number of its first segment and the days
   its later segments start. Each line finds its segment with one equality join on
   (partner, part_number) and a few day comparisons, then fetches the segment with an equality
   join on that number. Range predicates inside a hash join cost several times more per line
   (the engine tests every candidate segment), and a calendar cut by month is too big to stay
   in cache. A small *day table* gives each posting date its month number and FX rates, also
   by an equality join. Quantities and prices are cast to exact decimals only after the joins.
3. The lines are summed per (cell class, month, paid currency, gain, leak) as exact decimal
   sums of quantity x price: five plain sums per line, split into the twelve figures on the
   small result. Nothing is divided in the engine: gains, losses and leaks are told apart by
   exact comparisons, cross-multiplied by the month's FX rates when currencies differ.
4. The sums are converted to the reporting currency afterwards, in Python `Decimal`.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir

from synergies.domain.calendar import Month
from synergies.domain.fx import PIVOT
from synergies.measurement.contract import ENGINE_TYPES, Kind
from synergies.measurement.typed import Tables, late_casts

PRICE = ENGINE_TYPES[Kind.price]
RATE = ENGINE_TYPES[Kind.rate]
PART = ["partner", "part_number"]
# Widening one factor past 18 digits makes DuckDB multiply in 128 bits, and keeps Spark exact
# (p1 + p2 + 1 <= 38); the product is then declared with its true scale for Ibis.
WIDE_PRICE = dt.Decimal(19, PRICE.scale)
WIDE_RATE = dt.Decimal(19, RATE.scale)
AMOUNT = dt.Decimal(38, PRICE.scale + ENGINE_TYPES[Kind.quantity].scale)
WHOLE = dt.Decimal(ENGINE_TYPES[Kind.quantity].precision, 0)


class Width(StrEnum):
    """How quantity x price is multiplied: see `_amount`."""

    whole = "whole"
    narrow = "narrow"
    wide = "wide"


# The engine's output grain: everything the Python conversion needs to pick FX rates.
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
# A cell class: what a segment contributes to a cell, apart from the line's month.
CLASS = [
    "initiative_id",
    "partner",
    "baseline_currency",
    "quote_currency",
    "contract_currency",
    "double_claimed",
]
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
SEGMENT = [
    "seg_id",
    "class_id",
    "initiative_id",
    "claimants",
    "baseline_price",
    "baseline_currency",
    "quote_price",
    "quote_currency",
    "contract_price",
    "contract_currency",
]


def month_number(day: ir.DateValue) -> ir.IntegerValue:
    """year x 12 + month - 1: a month as one small integer, cheaper per line than truncating."""
    return day.year() * 12 + day.month() - 1


def month_after(day: date) -> date:
    return date(day.year + 1, 1, 1) if day.month == 12 else date(day.year, day.month + 1, 1)


def _cut(table: ir.Table, day: ir.DateValue) -> ir.Table:
    return table.select("partner", "part_number", day=day)


def cut_points(tables: Tables, first: date, end: date) -> ir.Table:
    """Days where something a claimed line depends on may change, per claimed part."""
    scope = tables.initiative_scope
    parts = scope.select(*PART).distinct()
    cuts = [
        _cut(parts, ibis.literal(first, type="date")),
        _cut(scope, scope.valid_from),
        _cut(scope.filter(scope.valid_to.notnull()), scope.valid_to + ibis.interval(days=1)),
    ]
    for prices in (tables.baselines, tables.quotes, tables.contracts):
        if prices is not None:
            cuts.append(_cut(prices, prices.valid_from).semi_join(parts, PART))
    days = ibis.union(*cuts, distinct=True)
    return days.filter((days.day >= first) & (days.day < end))


def segments(cuts: ir.Table, end: date) -> ir.Table:
    """[seg_start, seg_end) pieces of each part's timeline: seg_id runs on consecutively
    within a part, and k counts the part's segments from 0."""
    window = ibis.window(group_by=PART, order_by="day")
    return cuts.select(
        *PART,
        seg_start=cuts.day,
        seg_end=cuts.day.lead().over(window).fill_null(ibis.literal(end)),
        k=ibis.row_number().over(window),
        seg_id=ibis.row_number().over(order_by=[*PART, "day"]),
    )


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
    return ranked.filter(ranked["rank"] == 0).select(
        win_seg="seg_id", initiative_id="initiative_id", claimants="claimants"
    )


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


def claim_calendar(tables: Tables, first: date, end: date) -> ir.Table:
    """Every segment of every claimed part, with what a line in it is measured against.

    Segments no initiative claims are kept (initiative_id null) so that segment numbers stay
    consecutive within a part; their lines are dropped after the join.
    """
    segs = segments(cut_points(tables, first, end), end)
    won = winners(segs, tables.initiative_scope)
    cal = segs.left_join(won, segs.seg_id == won.win_seg).drop("win_seg")
    cal = attach_price(cal, tables.baselines, "baseline_unit_price", "baseline")
    cal = attach_price(cal, tables.quotes, "quoted_unit_price", "quote")
    cal = attach_price(cal, tables.contracts, "contract_unit_price", "contract")
    cal = cal.mutate(double_claimed=cal.claimants > 1)
    # A dense number per cell class keeps the big aggregation's hash table tiny.
    return cal.mutate(class_id=ibis.dense_rank().over(order_by=CLASS))


def part_index(cal: ir.Table, segments_per_part: int) -> ir.Table:
    """One row per claimed part: its first segment's number and each segment's first day."""
    starts = {
        f"start_{i}": cal.seg_start.max(where=cal.k == i) for i in range(1, segments_per_part)
    }
    index = cal.group_by(PART).aggregate(first_seg=cal.seg_id.min(), **starts)
    return index.rename(ix_partner="partner", ix_part="part_number")


def lines_in_period(lines: ir.Table, start: date | None, end: date | None) -> ir.Table:
    if start is not None:
        lines = lines.filter(lines.posting_date >= start)
    if end is not None:
        lines = lines.filter(lines.posting_date <= end)
    return lines


def lines_in_months(lines: ir.Table, months: frozenset[Month]) -> ir.Table:
    """The lines posted in the given months (none when there are none)."""
    if not months:
        return lines.filter(ibis.literal(False))
    first, last = min(months), max(months)
    span = lines.filter(
        (lines.posting_date >= first.first_day()) & (lines.posting_date < last.plus(1).first_day())
    )
    if first.months_until(last) + 1 == len(months):
        return span
    starts = [m.first_day() for m in sorted(months)]
    return span.filter(span.posting_date.truncate("M").isin(starts))


def rates_by_month(fx: ir.Table, currencies: list[str]) -> ir.Table:
    """One row per month number with one per-EUR rate column per currency, so that each line's
    currencies are looked up without a join per currency."""
    wide = {f"rate_{c}": fx.per_eur.max(where=fx.currency == c) for c in currencies}
    return fx.group_by(fx_month=month_number(fx.month)).aggregate(**wide)


def day_table(first: date, end: date, rates: ir.Table) -> ir.Table:
    """One row per day in [first, end) with its month number and that month's FX rates: a line
    joins it on its posting date, an integer equality that costs less than computing the month
    of every line (and the rates then come with it)."""
    # Generated by the engine: an in-memory table would make Ibis import pandas (0.2 s).
    offsets = ibis.range(0, (end - first).days).unnest().name("offset").as_table()
    days = offsets.select(day=ibis.literal(first, type="date") + offsets.offset.as_interval("D"))
    numbered = days.mutate(line_month=month_number(days.day))
    joined = numbered.left_join(rates, numbered.line_month == rates.fx_month)
    return joined.drop("fx_month")


def rate_of(j: ir.Table, currency: ir.StringValue, currencies: list[str]) -> ir.NumericValue:
    """Units of `currency` per EUR in the line's month (null when unknown)."""
    one = ibis.literal(Decimal(1), type=RATE)
    branches = [(currency == c, j[f"rate_{c}"]) for c in currencies]
    return ibis.cases((currency == PIVOT, one), *branches, else_=ibis.null(RATE))


def claimed_lines(
    lines: ir.Table,
    index: ir.Table,
    cal: ir.Table,
    days: ir.Table,
    segments_per_part: int,
) -> ir.Table:
    """Each claimed line with its one segment, its month and that month's FX rates (`days` is
    a `day_table` covering every posting date). `lines` may hold quantity and unit_price as
    stored: they are cast here, after the joins have dropped the unclaimed lines.

    Every part's first segment starts on the first posting date, so no line precedes it."""
    later = [
        ibis.ifelse(lines.posting_date >= index[f"start_{i}"], 1, 0)
        for i in range(1, segments_per_part)
    ]
    seg = cal.filter(cal.initiative_id.notnull()).select(*SEGMENT)
    joined = (
        lines.join(index, [lines.partner == index.ix_partner, lines.part_number == index.ix_part])
        .join(seg, sum(later, index.first_seg) == seg.seg_id)
        .join(days, lines.posting_date == days.day)
    )
    kept = ["line_id", "partner", "part_number", "posting_date", "currency"]
    return joined.select(*kept, *SEGMENT, *days.drop("day").columns, **late_casts(joined))


def _wide(value: ir.Value) -> ir.NumericValue:
    """A price or rate widened so that products cannot overflow (DuckDB checks, not widens)."""
    scale = value.type().scale
    return value.cast(WIDE_RATE if scale == RATE.scale else WIDE_PRICE)


def _amount(quantity: ir.NumericValue, price: ir.Value, width: Width) -> ir.NumericValue:
    """quantity x price, exact. Narrow, DuckDB multiplies in 64 bits and raises on overflow
    (three times faster than in 128 bits); when every quantity is whole, dropping its scale
    leaves 12 integer digits instead of 8. Spark always widens. Wide never overflows."""
    if width is Width.wide:
        return (quantity * _wide(price)).cast(AMOUNT)
    if width is Width.whole:
        return quantity.cast(WHOLE) * price
    return quantity * price


def _total(amount: ir.NumericValue, where: ir.BooleanValue | None = None) -> ir.NumericValue:
    """The exact sum of amounts. Ibis types a product with the scale of one factor; the engines
    give it the sum of both scales, so the sum is declared with that true scale."""
    return amount.sum(where=where).cast(AMOUNT)


def _above(
    j: ir.Table, high: str, high_currency: str, low: str, low_currency: str, currencies: list[str]
) -> ir.BooleanValue:
    """Price `high` above price `low`, compared exactly across currencies:
    h/rh > l/rl <=> h*rl > l*rh. The rates are only looked up when the currencies differ, and
    not at all when a price is missing (a null currency would otherwise take that branch)."""
    h_cur, l_cur = j[high_currency], j[low_currency]
    h_rate, l_rate = rate_of(j, h_cur, currencies), rate_of(j, l_cur, currencies)
    return ibis.cases(
        (h_cur == l_cur, j[high] > j[low]),
        (h_cur.isnull() | l_cur.isnull(), ibis.null(dt.boolean)),
        else_=j[high] * _wide(l_rate) > j[low] * _wide(h_rate),
    )


def segment_sums(
    j: ir.Table, currencies: list[str], width: Width, *, line_ranges: bool = False
) -> ir.Table:
    """Exact sums of quantity x price per (class, month, paid currency, gain, leak): the one big
    aggregation. Grouping on the two flags leaves five plain sums per line instead of twelve
    filtered ones; `cell_sums` splits them apart again on the small result.

    `line_ranges` adds the first and last line id of each group: what a posting compares with
    other sources' runs to tell the same lines from new ones (it reads the line ids, which
    a measure that posts nothing does not need)."""
    q = j.quantity
    ids = ["line_id"] if line_ranges else []
    flagged = j.select(
        *ids,
        "class_id",
        "line_month",
        "currency",
        gain=_above(j, "baseline_price", "baseline_currency", "unit_price", "currency", currencies),
        leak=_above(j, "unit_price", "currency", "contract_price", "contract_currency", currencies),
        paid=_amount(q, j.unit_price, width),
        baseline=_amount(q, j.baseline_price, width),
        quoted=_amount(q, j.quote_price, width),
        contract=_amount(q, j.contract_price, width),
    )
    return flagged.group_by(["class_id", "line_month", "currency", "gain", "leak"]).aggregate(
        lines=flagged.count(),
        paid=_total(flagged.paid),
        baseline=_total(flagged.baseline),
        quoted=_total(flagged.quoted),
        contract=_total(flagged.contract),
        **_line_range(flagged, "line_id", "line_id") if line_ranges else {},
    )


def _line_range(t: ir.Table, first: str, last: str) -> dict[str, ir.Value]:
    return {"first_line": t[first].min(), "last_line": t[last].max()}


def _count(lines: ir.IntegerColumn, where: ir.BooleanValue) -> ir.IntegerValue:
    return lines.sum(where=where).fill_null(0)


def _split(s: ir.Table) -> dict[str, ir.Value]:
    """The twelve figures of a cell class from its flagged sums. A class fixes the baseline,
    quote and contract currencies, and a price has a currency exactly when it exists, so within
    a group every line has a baseline (quote) or none does: the group's sum is null when none."""
    has_baseline, has_quote = s.baseline.notnull(), s.quoted.notnull()
    return {
        "lines": s.lines.sum(),
        "lines_with_baseline": _count(s.lines, has_baseline),
        "paid_with_baseline": s.paid.sum(where=has_baseline),
        "baseline": s.baseline.sum(),
        "paid_gain": s.paid.sum(where=s.gain),
        "baseline_gain": s.baseline.sum(where=s.gain),
        "lines_quoted": _count(s.lines, has_quote),
        "paid_quoted": s.paid.sum(where=has_quote),
        "quoted": s.quoted.sum(),
        "leakage_lines": _count(s.lines, s.leak),
        "paid_leak": s.paid.sum(where=s.leak),
        "contract_leak": s.contract.sum(where=s.leak),
    }


def cell_sums(sums: ir.Table, cal: ir.Table) -> ir.Table:
    """The sums per (class, month, paid currency) with the cell attributes the
    reporting-currency conversion needs (and the line range, if the sums have one)."""
    ranged = "first_line" in sums.columns
    ranges = _line_range(sums, "first_line", "last_line") if ranged else {}
    per_cell = sums.group_by(["class_id", "line_month", "currency"]).aggregate(
        **_split(sums), **ranges
    )
    classes = cal.filter(cal.initiative_id.notnull()).select("class_id", *CLASS).distinct()
    joined = per_cell.join(classes, "class_id")
    month = ibis.date(joined.line_month // 12, joined.line_month % 12 + 1, 1)
    extra = list(ranges)
    return joined.select(*[c for c in GRAIN if c != "month"], *SUMS, *extra, month=month)


def double_claimed_parts(index: ir.Table, cal: ir.Table) -> ir.Table:
    """The part index of the parts some segment of which two initiatives claim: the sample of
    double claims joins the lines to these few parts only, not to every claimed part."""
    double = cal.filter(cal.claimants > 1).select(d_partner="partner", d_part="part_number")
    return index.semi_join(
        double, [index.ix_partner == double.d_partner, index.ix_part == double.d_part]
    )


def double_claim_sample(j: ir.Table, size: int) -> ir.Table:
    """The first `size` double-claimed lines by line_id."""
    double = j.filter(j.claimants > 1)
    return (
        double.select("line_id", "partner", "part_number", "posting_date", "initiative_id")
        .order_by("line_id")
        .limit(size)
    )


def period_stats(lines: ir.Table, whole_quantities: bool) -> ir.Table:
    """Lines read, the first and last posting date and, unless the source's type already says
    they are whole, how many quantities have decimals."""
    q = lines.quantity
    fractional = (
        ibis.literal(0) if whole_quantities else ibis.ifelse(q.cast(WHOLE) != q, 1, 0).sum()
    )
    return lines.aggregate(
        lines_read=lines.count(),
        first=lines.posting_date.min(),
        last=lines.posting_date.max(),
        fractional=fractional,
    )
