"""Targets: the synergies the alliance (or one function) means to realize in a year."""

from __future__ import annotations

from dataclasses import dataclass

from synergies.domain.money import Money


@dataclass(frozen=True, slots=True)
class Target:
    year: int
    amount: Money
    function: str | None = None  # None: alliance-wide
    note: str = ""
    illustrative: bool = False
