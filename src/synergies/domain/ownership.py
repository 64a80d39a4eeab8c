"""Shareholdings between partners and look-through (effective economic) ownership.

With cross-holdings (Renault holds Nissan, Nissan holds Renault) a holder's effective interest
includes every indirect path, looping around the circle: E = A + A^2 + ... = A (I - A)^-1,
where A[i][j] is the fraction of j held directly by i. We solve it exactly with fractions.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

from synergies.domain.errors import InvalidInput

HUNDRED = Decimal(100)


@dataclass(frozen=True, slots=True)
class Shareholding:
    holder: str
    held: str
    percent: Decimal
    voting: bool = True
    since: date | None = None

    def __post_init__(self) -> None:
        if not Decimal(0) < self.percent <= HUNDRED:
            raise InvalidInput(
                f"stake of {self.holder} in {self.held} is {self.percent}%",
                field="percent",
                fix="give a percentage above 0 and at most 100",
            )
        if self.holder == self.held:
            raise InvalidInput(
                f"{self.holder} cannot hold itself", field="held", fix="name another company"
            )


def check_totals(holdings: Iterable[Shareholding]) -> None:
    """Refuse a company whose recorded holders own more than 100% of it."""
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for holding in holdings:
        totals[holding.held] += holding.percent
    for held, percent in sorted(totals.items()):
        if percent > HUNDRED:
            raise InvalidInput(
                f"holdings in {held} add up to {percent}%",
                field="percent",
                fix=f"reduce the stakes in {held} so they total at most 100%",
            )


@dataclass(frozen=True, slots=True)
class Interest:
    """One holder's interest in one company: direct and look-through, as fractions of 1."""

    holder: str
    held: str
    direct: Fraction
    direct_voting: Fraction
    effective: Fraction  # economic look-through, every stake, every path
    effective_voting: Fraction  # the same through voting stakes only


def _matrix(
    companies: Sequence[str], holdings: Iterable[Shareholding], voting_only: bool
) -> list[list[Fraction]]:
    index = {c: i for i, c in enumerate(companies)}
    size = len(companies)
    a = [[Fraction(0)] * size for _ in range(size)]
    for h in holdings:
        if voting_only and not h.voting:
            continue
        a[index[h.holder]][index[h.held]] += Fraction(h.percent) / 100
    return a


def _solve_look_through(a: list[list[Fraction]]) -> list[list[Fraction]]:
    """Return A (I - A)^-1 by Gauss-Jordan elimination over exact fractions."""
    size = len(a)
    # Augment (I - A) with I and reduce to (I | (I - A)^-1).
    aug = [
        [(Fraction(1) if i == j else Fraction(0)) - a[i][j] for j in range(size)]
        + [Fraction(1) if i == j else Fraction(0) for j in range(size)]
        for i in range(size)
    ]
    for col in range(size):
        pivot = next(r for r in range(col, size) if aug[r][col] != 0)
        aug[col], aug[pivot] = aug[pivot], aug[col]
        lead = aug[col][col]
        aug[col] = [v / lead for v in aug[col]]
        for r in range(size):
            if r != col and aug[r][col] != 0:
                factor = aug[r][col]
                aug[r] = [v - factor * p for v, p in zip(aug[r], aug[col], strict=True)]
    inverse = [row[size:] for row in aug]
    return [
        [sum((a[i][k] * inverse[k][j] for k in range(size)), Fraction(0)) for j in range(size)]
        for i in range(size)
    ]


def look_through(holdings: Sequence[Shareholding]) -> list[Interest]:
    """Every holder's direct and effective interest in every company it reaches."""
    check_totals(holdings)
    companies = sorted({h.holder for h in holdings} | {h.held for h in holdings})
    direct = _matrix(companies, holdings, voting_only=False)
    direct_voting = _matrix(companies, holdings, voting_only=True)
    economic = _solve_look_through(direct)
    voting = _solve_look_through(direct_voting)
    interests = []
    for i, holder in enumerate(companies):
        for j, held in enumerate(companies):
            if i != j and economic[i][j] != 0:
                interests.append(
                    Interest(holder, held, direct[i][j], direct_voting[i][j], economic[i][j],
                             voting[i][j])
                )  # fmt: skip
    return interests
