"""What an import keeps of a ledger row's provenance, and what it cannot claim."""

from __future__ import annotations

from pathlib import Path

from synergies.domain.ledger import EntrySource, LedgerEntry
from synergies.services import imports, ledger
from synergies.services.context import Context
from tests.workbooks.test_import import row, state
from tests.workbooks.workbook_files import ENTRY, tracker


def _imported(ctx: Context, path: Path) -> LedgerEntry:
    imports.import_workbook(ctx, path)
    (entry,) = [e for e in ledger.entries(ctx) if e.reason.startswith("tyre invoices")]
    return entry


def test_source_lineage_and_the_illustrative_mark_are_kept(
    example_ctx: Context, tmp_path: Path
) -> None:
    published = row(ENTRY, illustrative="yes", source="published",
                    lineage="Alliance press release, 2016-03-29")  # fmt: skip
    entry = _imported(example_ctx, tracker(tmp_path / "t.xlsx", ledger=[published]))
    assert (entry.source, entry.lineage, entry.illustrative) == (
        EntrySource.published, "Alliance press release, 2016-03-29", True)  # fmt: skip
    assert entry.author == example_ctx.actor.name  # the import is the importer's act


def test_a_measured_entry_comes_back_imported_and_links_to_no_run(
    example_ctx: Context, tmp_path: Path
) -> None:
    """The run (files, hashes, line detail) is not in a workbook: the new store cannot prove
    the figure, and its own run 3, if any, is another run."""
    measured = row(ENTRY, source="measured", lineage="measurement run 3")
    entry = _imported(example_ctx, tracker(tmp_path / "t.xlsx", ledger=[measured]))
    assert (entry.source, entry.lineage, entry.run_id) == (
        EntrySource.imported, "measurement run 3", None)  # fmt: skip


def test_a_row_without_provenance_is_this_imports_and_marks_are_not_re_marked(
    example_ctx: Context, tmp_path: Path
) -> None:
    entry = _imported(example_ctx, tracker(tmp_path / "t.xlsx"))
    assert entry.source is EntrySource.imported and not entry.illustrative
    assert (entry.lineage or "").startswith("workbook t.xlsx sha256:")
    before = state(example_ctx)
    marked = tracker(tmp_path / "t2.xlsx", ledger=[row(ENTRY, illustrative="yes")])
    outcome = imports.import_workbook(example_ctx, marked)  # same figures: nothing to change
    assert state(example_ctx) == before
    assert outcome.sheets[-1].unchanged == 1
