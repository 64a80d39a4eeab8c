"""Turn a measurement into ledger postings: one 'measured' entry per initiative, partner, month."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from synergies.domain.calendar import Month
from synergies.measurement.result import MeasurementResult


@dataclass(frozen=True, slots=True)
class Posting:
    """A net hard saving to append to the savings ledger, with where it came from."""

    initiative_id: str
    partner: str
    month: Month
    amount: Decimal  # in `currency`, rounded to its minor unit
    currency: str
    kind: str = "measured"
    lineage: Mapping[str, Any] = field(default_factory=dict)


def ledger_postings(result: MeasurementResult) -> list[Posting]:
    """Net hard savings per (initiative, partner, month) that had at least one measured line."""
    lineage = {k: v for k, v in result.lineage.items() if k != "queries"}
    return [
        Posting(
            initiative_id=cell.initiative_id,
            partner=cell.partner,
            month=cell.month,
            amount=result.round(figures.net),
            currency=result.reporting_currency,
            lineage=lineage,
        )
        for cell, figures in result.cells.items()
        if figures.lines_measured
    ]
