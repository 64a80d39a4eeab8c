"""The published yearly synergies 2009-2017 as ledger entries.

Each year's published total is split by function (2009's known parts as published, the rest
illustrative), then over the initiatives running that year, then between partners, then evenly
over the twelve months. Every split is exact to the cent, so each year sums to the published
figure. Savings from the Daimler cooperation are excluded, as the Alliance did.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from synergies.domain.allocation import AllocationMethod, AllocationRule
from synergies.domain.calendar import Month
from synergies.domain.initiatives import Category, Initiative
from synergies.domain.ledger import EntrySource, LedgerEntry
from synergies.domain.money import Money
from synergies.domain.money import total as total_of

RECORDED = datetime(2018, 3, 31, tzinfo=UTC)
AUTHOR = "published figures (example loader)"


@dataclass(frozen=True, slots=True)
class YearFigure:
    year: int
    total_m: str  # EUR millions, as published
    note: str = ""


PUBLISHED = [
    YearFigure(2009, "1500", "split equally between partners"),
    YearFigure(2010, "1500", "sources differ: about 1.5 bn; one says under 1.8 bn"),
    YearFigure(2011, "1700"),
    YearFigure(2012, "2690", "one source: 2.3 bn"),
    YearFigure(2013, "2900", "one source: 2.8 bn"),
    YearFigure(2014, "3800"),
    YearFigure(2015, "4300", "a year ahead of the 4.3 bn 2016 target"),
    YearFigure(2016, "5000"),
    YearFigure(2017, "5700", "first full year with Mitsubishi"),
]

# 2009 as published: manufacturing & logistics 363 m, powertrain 289 m, engineering 279 m.
KNOWN_2009 = {"manufacturing-scm": Decimal(363), "engineering": Decimal(289 + 279)}

# Illustrative function weights for the rest of each year's total.
FUNCTION_WEIGHTS = {
    "purchasing": 38, "engineering": 32, "manufacturing-scm": 22, "human-resources": 3,
    "quality": 2, "costing": 1, None: 2,
}  # fmt: skip


def _partner_rule(year: int) -> tuple[AllocationRule, bool]:
    """Partners' shares of a year's synergies, and whether the split is illustrative."""
    if year == 2009:
        return _fixed(("RENAULT", 50), ("NISSAN", 50)), False
    if year >= 2017:
        return _fixed(("RENAULT", 43), ("NISSAN", 52), ("MITSUBISHI", 5)), True
    return _fixed(("RENAULT", 45), ("NISSAN", 55)), True  # broker estimate: Renault ~45%


def _among(rule: AllocationRule, partners: list[str] | None) -> AllocationRule:
    """The rule restricted to the partners that share an initiative."""
    if partners is None:
        return rule
    return _weights([(p, w) for p, w in rule.weights if p in partners])


def _fixed(*pairs: tuple[str, int]) -> AllocationRule:
    return AllocationRule(AllocationMethod.fixed, tuple((p, Decimal(w)) for p, w in pairs))


def _weights(pairs: list[tuple[str, Decimal]]) -> AllocationRule:
    return AllocationRule(AllocationMethod.volume, tuple(pairs))


def _function_split(figure: YearFigure) -> dict[str | None, Money]:
    total = Money(Decimal(figure.total_m) * 1_000_000, "EUR")
    active = {f: w for f, w in FUNCTION_WEIGHTS.items() if figure.year >= 2016 or f not in
              ("quality", "costing")}  # fmt: skip
    keys = list(active)
    rule = _weights([(str(i), Decimal(active[k])) for i, k in enumerate(keys)])
    if figure.year == 2009:
        known: dict[str | None, Money] = {
            k: Money(v * 1_000_000, "EUR") for k, v in KNOWN_2009.items()
        }
        rest = total - total_of(list(known.values()), "EUR")
        others = [k for k in keys if k not in known]
        rule = _weights([(str(i), Decimal(active[k])) for i, k in enumerate(others)])
        split = rule.split(rest)
        return {**known, **{k: split[str(i)] for i, k in enumerate(others)}}
    split = rule.split(total)
    return {k: split[str(i)] for i, k in enumerate(keys)}


def _initiative_split(
    function: str | None, amount: Money, year: int, initiatives: list[Initiative]
) -> dict[str | None, Money]:
    """Share a function's amount among its executed initiatives (by run-rate), 20% unattributed."""
    running = [
        i for i in initiatives
        if i.function == function and i.agreement is None and i.forecast is not None
        and i.stage.rank >= 4 and i.forecast.start.year <= year
    ]  # fmt: skip
    if not running:
        return {None: amount}
    pairs = [(i.id, i.forecast.run_rate.amount) for i in running if i.forecast]
    pairs.append(("-", sum((w for _, w in pairs), Decimal(0)) / 4))
    split = _weights(pairs).split(amount)
    return {(k if k != "-" else None): v for k, v in split.items()}


def entries(initiatives: list[Initiative]) -> Iterator[tuple[LedgerEntry, str]]:
    """Every published ledger entry with its import key (so loading twice adds nothing)."""
    by_id = {i.id: i for i in initiatives}
    for figure in PUBLISHED:
        partner_rule, partner_illustrative = _partner_rule(figure.year)
        for function, amount in _function_split(figure).items():
            known = figure.year == 2009 and function in KNOWN_2009
            for initiative, part in _initiative_split(
                function, amount, figure.year, initiatives
            ).items():
                sharing = by_id[initiative].partners() if initiative else None
                for partner, share in _among(partner_rule, sharing).split(part).items():
                    months = _weights([(str(m), Decimal(1)) for m in range(1, 13)]).split(share)
                    for month, money in months.items():
                        entry = LedgerEntry(
                            partner=partner, period=Month(figure.year, int(month)), amount=money,
                            category=by_id[initiative].category if initiative else Category.cost_reduction,
                            source=EntrySource.published,
                            author=AUTHOR, recorded_at=RECORDED, initiative_id=initiative,
                            function=function, reason=figure.note,
                            illustrative=partner_illustrative or not known or initiative is not None,
                        )  # fmt: skip
                        key = f"published:{figure.year}:{function}:{initiative}:{partner}:{month}"
                        yield entry, key


def one_off_costs(initiatives: list[Initiative]) -> Iterator[tuple[LedgerEntry, str]]:
    """Illustrative costs to achieve of executed initiatives, booked in their first year."""
    for i in initiatives:
        if i.forecast is None or i.stage.rank < 4:
            continue
        for partner, share in i.allocation.split(i.forecast.one_off_costs).items():
            entry = LedgerEntry(
                partner=partner, period=i.forecast.start, amount=share,
                category=Category.one_off_cost, source=EntrySource.entered, author=AUTHOR,
                recorded_at=RECORDED, initiative_id=i.id, function=i.function,
                reason="cost to achieve", illustrative=True,
            )  # fmt: skip
            yield entry, f"one-off:{i.id}:{partner}"
