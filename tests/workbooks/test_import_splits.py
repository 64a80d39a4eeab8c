"""A Ledger row for the whole alliance (Partner ALLIANCE) is split by its initiative's rule
into one entry per partner, each under the ref REF/PARTNER; importing it again changes nothing,
a changed row reverses its parts and records the new ones."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from synergies.domain.ledger import LedgerEntry
from synergies.services import exports, imports, ledger
from synergies.services.context import Context
from synergies.workbooks import refs
from tests.workbooks.test_import import problems_of, row, state
from tests.workbooks.workbook_files import ENTRY, INITIATIVE, tracker

# HR-001 splits RENAULT=45, NISSAN=55 (fixed shares).
ALLIANCE_ROW = row(ENTRY, ref="HR-2016-03", partner="ALLIANCE", amount=100,
                   initiative="HR-001", reason="shared HR services, March (illustrative)")  # fmt: skip


def _mine(ctx: Context) -> list[LedgerEntry]:
    """The entries of the alliance rows, and their reversals."""
    mine: list[LedgerEntry] = []
    for e in ledger.entries(ctx):
        if e.reason.startswith("shared HR services") or e.reverses in {m.id for m in mine}:
            mine.append(e)
    return mine


def test_an_alliance_row_is_split_and_importing_it_again_changes_nothing(
    example_ctx: Context, tmp_path: Path
) -> None:
    path = tracker(tmp_path / "t.xlsx", initiatives=[], ledger=[ALLIANCE_ROW])
    first = imports.import_workbook(example_ctx, path)
    assert [(s.sheet, s.added) for s in first.sheets][-1] == ("Ledger", 2)
    parts = _mine(example_ctx)  # nothing reversed yet
    assert [(e.partner, e.amount.amount) for e in parts] == [
        ("RENAULT", Decimal("45.00")), ("NISSAN", Decimal("55.00"))]  # fmt: skip
    label = f"workbook t.xlsx sha256:{first.sha256}"
    assert {e.lineage for e in parts} == {
        f"{label}; split of 100 EUR by fixed shares RENAULT=45, NISSAN=55"}  # fmt: skip
    before = state(example_ctx)
    again = imports.import_workbook(example_ctx, path)
    assert state(example_ctx) == before
    assert [(s.sheet, s.added, s.unchanged) for s in again.sheets][-1] == ("Ledger", 0, 2)


def test_a_changed_alliance_row_reverses_its_parts_and_records_new_ones(
    example_ctx: Context, tmp_path: Path
) -> None:
    imports.import_workbook(
        example_ctx, tracker(tmp_path / "t.xlsx", initiatives=[], ledger=[ALLIANCE_ROW])
    )
    changed = tracker(tmp_path / "t2.xlsx", initiatives=[],
                      ledger=[row(ALLIANCE_ROW, amount=Decimal("0.01"))])  # fmt: skip
    outcome = imports.import_workbook(example_ctx, changed)
    counts = outcome.sheets[-1]
    assert (counts.added, counts.reversed, counts.unchanged) == (1, 2, 0)
    net: dict[str, Decimal] = {}
    for e in _mine(example_ctx):
        net[e.partner] = net.get(e.partner, Decimal(0)) + e.amount.amount
    assert net == {"RENAULT": 0, "NISSAN": Decimal("0.01")}  # 0.0045 / 0.0055: NISSAN's cent
    assert outcome.not_in_workbook == []


def test_the_export_of_a_split_row_imports_back_unchanged(
    example_ctx: Context, tmp_path: Path
) -> None:
    """The store holds one entry per partner, so the export has one row each (REF/PARTNER)."""
    imports.import_workbook(
        example_ctx, tracker(tmp_path / "t.xlsx", initiatives=[], ledger=[ALLIANCE_ROW])
    )
    out = tmp_path / "out.xlsx"
    exports.export(example_ctx, out)
    before = state(example_ctx)
    outcome = imports.import_workbook(example_ctx, out)
    assert state(example_ctx) == before, outcome
    assert refs.part_ref("HR-2016-03", "NISSAN") == "HR-2016-03/NISSAN"


def test_an_alliance_row_without_its_initiative_or_by_cost_base_is_a_problem(
    example_ctx: Context, tmp_path: Path
) -> None:
    path = tracker(tmp_path / "t.xlsx", initiatives=[],
                   ledger=[row(ALLIANCE_ROW, initiative=None, function="purchasing")])  # fmt: skip
    (problem,) = problems_of(example_ctx, path)
    assert (problem.row, problem.column) == (2, "G (Initiative)")
    assert "split by its initiative's allocation rule" in problem.message
    by_cost_base = tracker(tmp_path / "c.xlsx",
                           initiatives=[row(INITIATIVE, method="cost base",
                                            partners="RENAULT=3100000000, NISSAN=7300000000")],
                           ledger=[row(ALLIANCE_ROW, initiative="NEW-001")])  # fmt: skip
    (problem,) = problems_of(example_ctx, by_cost_base)
    assert (problem.row, problem.value) == (2, "ALLIANCE")
    assert "confidential cost bases" in problem.message
