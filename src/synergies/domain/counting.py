"""The counting rule: declared and measured savings reconcile, never add up.

A saving is declared (published, imported or entered by a person) or measured (proven from
transactions by a measurement run). Where measured evidence exists for an initiative, a
partner, a month and a value class, the measured figure stands for that cell; the declared
entries of the cell are kept in the ledger and shown as reconciled ("declared and confirmed"),
with the difference, and are not counted. Elsewhere the declared figure counts ("declared
only"). Cost reductions and dis-synergies are one value class (the hard saving a measure nets
them into); cost avoidance is another; other categories are never measured.

`counted` is the rule over plain entries: the reference the store's SQL sums
(storage/ledger_rows.py) are tested against.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from enum import StrEnum

from synergies.domain.calendar import Month
from synergies.domain.initiatives import Category
from synergies.domain.ledger import EntrySource, LedgerEntry


class ValueClass(StrEnum):
    """What a saving is, for reporting apart and for matching declared with measured."""

    hard = "hard"  # cost reduction net of dis-synergies
    avoidance = "avoidance"  # cost avoidance (soft)
    other = "other"  # incremental revenue, capex avoidance: never measured


VALUE_CLASSES: dict[Category, ValueClass] = {
    Category.cost_reduction: ValueClass.hard,
    Category.dis_synergy: ValueClass.hard,
    Category.cost_avoidance: ValueClass.avoidance,
    Category.incremental_revenue: ValueClass.other,
    Category.capex_avoidance: ValueClass.other,
}

Cell = tuple[str, str, Month, ValueClass]  # initiative, partner, month, value class


def value_class(category: Category) -> ValueClass | None:
    """None for a one-off cost, which is not a saving."""
    return VALUE_CLASSES.get(category)


def cell_of(entry: LedgerEntry) -> Cell | None:
    """The cell an entry counts in; None for entries no measurement can stand for (no
    initiative, a one-off cost)."""
    kind = value_class(entry.category)
    if entry.initiative_id is None or kind is None:
        return None
    return (entry.initiative_id, entry.partner, entry.period, kind)


def measured_cells(entries: Iterable[LedgerEntry]) -> set[Cell]:
    """Cells with a standing measured entry (neither reversed nor a reversal)."""
    listed = list(entries)
    undone = {e.reverses for e in listed if e.reverses is not None}
    return {
        cell
        for e in listed
        if e.source is EntrySource.measured and e.reverses is None and e.id not in undone
        if (cell := cell_of(e)) is not None
    }


def superseded(entry: LedgerEntry, cells: set[Cell]) -> bool:
    """A declared entry in a cell a measurement stands for (a reversal of one too)."""
    return entry.source is not EntrySource.measured and cell_of(entry) in cells


def counted(entries: Iterable[LedgerEntry]) -> Iterator[LedgerEntry]:
    """The entries that count toward realized synergies under the rule above."""
    listed = list(entries)
    cells = measured_cells(listed)
    return (e for e in listed if not superseded(e, cells))
