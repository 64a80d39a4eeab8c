"""Importing a tracker workbook: bad files refused with every problem and nothing written;
a good one applied through the services, once."""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook

from synergies.domain.errors import InvalidInput
from synergies.services import imports, initiatives, ledger
from synergies.services.context import Context
from synergies.services.imports import WorkbookInvalid
from synergies.storage import audit_rows
from synergies.workbooks import reader
from synergies.workbooks.cells import Problem
from tests.workbooks.workbook_files import ENTRY, INITIATIVE, tracker, write


@dataclass(frozen=True)
class State:
    entries: object
    initiatives: object
    head: object


def state(ctx: Context) -> State:
    with ctx.reading() as conn:
        head = audit_rows.head(conn)
    return State(ledger.entries(ctx), initiatives.list_initiatives(ctx), head)


def problems_of(ctx: Context, path: Path) -> list[Problem]:
    before = state(ctx)
    with pytest.raises(WorkbookInvalid) as refused:
        imports.import_workbook(ctx, path)
    assert state(ctx) == before
    return refused.value.problems


def refusal_of(ctx: Context, path: Path) -> str:
    before = state(ctx)
    with pytest.raises(reader.WorkbookRefused) as refused:
        imports.import_workbook(ctx, path)
    assert state(ctx) == before
    return str(refused.value)


def row(base: list[object], **changes: object) -> list[object]:
    from synergies.workbooks import layout

    sheet = layout.INITIATIVES if len(base) == len(layout.INITIATIVES.columns) else layout.LEDGER
    changed = list(base)
    for name, new in changes.items():
        changed[[c.field for c in sheet.columns].index(name)] = new
    return changed


# --- bad files -----------------------------------------------------------------------------


def test_a_file_that_is_no_workbook_is_refused(example_ctx: Context, tmp_path: Path) -> None:
    path = tmp_path / "tracker.xlsx"
    path.write_text("id,name\nPUR-1,tyres\n")
    assert "tracker.xlsx is not an Excel workbook (.xlsx)" in refusal_of(example_ctx, path)


def test_a_zip_that_is_no_workbook_is_refused(example_ctx: Context, tmp_path: Path) -> None:
    path = tmp_path / "tracker.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("notes.txt", "hello")
    assert "is a zip file but not an Excel workbook" in refusal_of(example_ctx, path)


def test_a_password_protected_or_old_workbook_is_refused(
    example_ctx: Context, tmp_path: Path
) -> None:
    path = tmp_path / "tracker.xlsx"
    path.write_bytes(reader.OLE2 + bytes(504))
    message = refusal_of(example_ctx, path)
    assert "password-protected" in message
    assert ".xls" in message


def test_a_corrupt_workbook_is_refused(example_ctx: Context, tmp_path: Path) -> None:
    path = tracker(tmp_path / "tracker.xlsx")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    assert "tracker.xlsx is corrupt" in refusal_of(example_ctx, path)


def test_a_workbook_over_the_limit_is_refused_unread(
    example_ctx: Context, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tracker(tmp_path / "tracker.xlsx")
    monkeypatch.setattr(reader, "MAX_BYTES", path.stat().st_size - 1)
    monkeypatch.setattr(reader, "open_workbook", None)  # never reached
    assert "over the" in refusal_of(example_ctx, path)


def test_merged_cells_are_reported_by_range(example_ctx: Context, tmp_path: Path) -> None:
    path = tracker(tmp_path / "tracker.xlsx")
    from openpyxl import load_workbook

    book = load_workbook(path)
    book["Ledger"].merge_cells("H2:I2")
    book.save(path)
    (merged,) = [p for p in problems_of(example_ctx, path) if "merged" in p.message]
    assert (merged.sheet, merged.row, merged.column, merged.value) == ("Ledger", 2, "H", "H2:I2")


def test_dates_typed_as_ambiguous_text_are_refused(example_ctx: Context, tmp_path: Path) -> None:
    path = tracker(tmp_path / "t.xlsx", ledger=[row(ENTRY, period="05/2016")],
                   initiatives=[row(INITIATIVE, start="03/04/2016")])  # fmt: skip
    found = {(p.sheet, p.row, p.column, p.value) for p in problems_of(example_ctx, path)}
    assert found == {
        ("Initiatives", 2, "M (Start)", "03/04/2016"),
        ("Ledger", 2, "C (Month)", "05/2016"),
    }


@pytest.mark.parametrize("amount", ["1,234,567.89", "1.234.567,89", "1 234", "2 500,50"])
def test_thousands_separators_are_refused(
    example_ctx: Context, tmp_path: Path, amount: str
) -> None:
    path = tracker(tmp_path / "t.xlsx", ledger=[row(ENTRY, amount=amount)])
    (problem,) = problems_of(example_ctx, path)
    assert (problem.row, problem.column, problem.value) == (2, "D (Amount)", amount)
    assert "type it as a number" in problem.fix


def test_float_noise_is_dropped_but_extra_places_are_refused(
    example_ctx: Context, tmp_path: Path
) -> None:
    path = tracker(tmp_path / "t.xlsx", ledger=[row(ENTRY, amount=1234.5600000000002),
                                                 row(ENTRY, ref="T-2", amount=1.23456)])  # fmt: skip
    (problem,) = problems_of(example_ctx, path)
    assert (problem.row, problem.value) == (3, "1.23456")
    assert "more than 4 decimal places" in problem.message


def _with_formula(path: Path, cell_xml: str) -> Path:
    """The ledger's amount D2 as Excel saves a formula cell (`cell_xml`)."""
    tracker(path)
    with zipfile.ZipFile(path) as archive:
        parts = {n: archive.read(n) for n in archive.namelist()}
    name = next(n for n in parts if n.startswith("xl/worksheets/sheet2"))
    xml, count = re.subn(r'<c r="D2"[^>]*>.*?</c>', cell_xml, parts[name].decode())
    assert count == 1
    parts[name] = xml.encode()
    with zipfile.ZipFile(path, "w") as archive:
        for n, data in parts.items():
            archive.writestr(n, data)
    return path


@pytest.mark.parametrize(("cell_xml", "said"), [
    ('<c r="D2" t="e"><f>1/0</f><v>#DIV/0!</v></c>', "the error #DIV/0!"),
    ('<c r="D2"><f>SUM(B9:B12)</f></c>', "a formula with no saved value"),
])  # fmt: skip
def test_a_formula_without_a_usable_value_is_a_problem(
    example_ctx: Context, tmp_path: Path, cell_xml: str, said: str
) -> None:
    (problem,) = problems_of(example_ctx, _with_formula(tmp_path / "t.xlsx", cell_xml))
    assert (problem.sheet, problem.row, problem.column) == ("Ledger", 2, "D (Amount)")
    assert "cell D2 holds" in problem.message
    assert said in problem.message


def test_a_formula_with_a_cached_number_reads_its_value(
    example_ctx: Context, tmp_path: Path
) -> None:
    path = _with_formula(tmp_path / "t.xlsx", '<c r="D2"><f>2000+500.5</f><v>2500.5</v></c>')
    outcome = imports.import_workbook(example_ctx, path)
    assert [(s.sheet, s.added) for s in outcome.sheets] == [("Initiatives", 1), ("Ledger", 1)]


def test_duplicates_unknown_names_and_empty_cells_all_at_once(
    example_ctx: Context, tmp_path: Path
) -> None:
    path = tracker(tmp_path / "t.xlsx", ledger=[
        ENTRY, ENTRY, row(ENTRY, ref="T-3", partner="TOYOTA"), row(ENTRY, ref="T-4", currency="XYZ"),
        row(ENTRY, ref="T-5", category=None), row(ENTRY, ref="T-6", function="astrology",
                                                    initiative=None),
    ], initiatives=[row(INITIATIVE, function="astrology")])  # fmt: skip
    found = {(p.sheet, p.row, p.column): p for p in problems_of(example_ctx, path)}
    assert set(found) == {
        ("Initiatives", 2, "C (Function)"), ("Ledger", 3, "A (Ref)"), ("Ledger", 4, "B (Partner)"),
        ("Ledger", 5, "E (Currency)"), ("Ledger", 6, "F (Category)"), ("Ledger", 7, "H (Function)"),
    }  # fmt: skip
    assert "RENAULT" in found["Ledger", 4, "B (Partner)"].fix
    assert "appears twice" in found["Ledger", 3, "A (Ref)"].message
    assert found["Ledger", 6, "F (Category)"].message == "Category is required"
    assert "purchasing" in found["Initiatives", 2, "C (Function)"].fix


def test_a_partner_of_the_workbook_is_known(example_ctx: Context, tmp_path: Path) -> None:
    path = write(tmp_path / "t.xlsx", {
        "Partners": [["MITSU", "Mitsubishi Motors", "JPY", 4, "yes"]],
        "Ledger": [row(ENTRY, partner="MITSU", initiative=None, function="purchasing")],
    })  # fmt: skip
    outcome = imports.import_workbook(example_ctx, path)
    assert [(s.sheet, s.added) for s in outcome.sheets] == [("Partners", 1), ("Ledger", 1)]


def test_headers_must_match_the_layout(example_ctx: Context, tmp_path: Path) -> None:
    headers = ["REF", "partner", "Month ", "Amount", "Currency", "Colour"]
    path = write(tmp_path / "t.xlsx", {"Ledger": [ENTRY[:6]]}, headers={"Ledger": headers})
    found = {(p.row, p.column, p.message) for p in problems_of(example_ctx, path)}
    assert found == {
        (1, "F (Colour)", "unknown column 'Colour'"),
        (1, None, "the required column 'Category' is missing"),
    }


def test_unknown_sheets_are_ignored_with_a_note(example_ctx: Context, tmp_path: Path) -> None:
    path = write(tmp_path / "t.xlsx", {"Scratch": [["anything"]], "Ledger": [ENTRY]})
    outcome = imports.import_workbook(example_ctx, path)
    assert outcome.notes == ["sheet 'Scratch' is not one the import reads: ignored"]


# --- applying ------------------------------------------------------------------------------


def test_importing_twice_changes_nothing_the_second_time(
    example_ctx: Context, tmp_path: Path
) -> None:
    path = tracker(tmp_path / "t.xlsx")
    first = imports.import_workbook(example_ctx, path)
    assert [(s.sheet, s.added) for s in first.sheets] == [("Initiatives", 1), ("Ledger", 1)]
    before = state(example_ctx)
    again = imports.import_workbook(example_ctx, path)
    assert state(example_ctx) == before
    assert [(s.sheet, s.added, s.unchanged) for s in again.sheets] == [
        ("Initiatives", 0, 1), ("Ledger", 0, 1)]  # fmt: skip


def test_the_import_is_audited_with_the_workbook_name_and_hash(
    example_ctx: Context, tmp_path: Path
) -> None:
    outcome = imports.import_workbook(example_ctx, tracker(tmp_path / "tracker.xlsx"))
    with example_ctx.reading() as conn:
        records = audit_rows.records(conn)
    (imported,) = [r for r in records if r.action == "workbook.import"]
    assert outcome.sha256 in imported.subject
    label = f"workbook tracker.xlsx sha256:{outcome.sha256}"
    assert any(r.action == "ledger.import" and label in (r.after or "") for r in records)
    (entry,) = [e for e in ledger.entries(example_ctx) if e.reason.startswith("tyre invoices")]
    assert entry.lineage == label


def test_a_changed_ledger_row_becomes_a_reversal_and_a_new_entry(
    example_ctx: Context, tmp_path: Path
) -> None:
    imports.import_workbook(example_ctx, tracker(tmp_path / "t.xlsx"))
    changed = tracker(tmp_path / "t2.xlsx", ledger=[row(ENTRY, amount=2600)])
    outcome = imports.import_workbook(example_ctx, changed)
    (counts,) = [s for s in outcome.sheets if s.sheet == "Ledger"]
    assert (counts.added, counts.reversed, counts.unchanged) == (1, 1, 0)
    mine = [e for e in ledger.entries(example_ctx) if (e.lineage or "").startswith("workbook ")]
    assert [e.amount.amount for e in mine[-3:]] == [Decimal("2500.5"), -Decimal("2500.5"), 2600]
    original, reversal, new = mine[-3:]
    assert reversal.reverses == original.id
    assert "corrected by workbook t2.xlsx" in reversal.reason
    assert new.reverses is None


def test_an_entry_exported_by_id_and_imported_unchanged_is_left(
    example_ctx: Context, tmp_path: Path
) -> None:
    stored = ledger.entries(example_ctx)[0]
    same = [f"L{stored.id}", stored.partner, str(stored.period), stored.amount.amount,
            stored.amount.currency, stored.category.value, stored.initiative_id,
            stored.function, stored.reason]  # fmt: skip
    before = state(example_ctx)
    outcome = imports.import_workbook(example_ctx, tracker(tmp_path / "t.xlsx", ledger=[same],
                                                           initiatives=[]))  # fmt: skip
    assert state(example_ctx) == before
    assert [(s.sheet, s.unchanged) for s in outcome.sheets] == [("Initiatives", 0), ("Ledger", 1)]


def test_entries_imported_before_and_absent_now_are_left_and_listed(
    example_ctx: Context, tmp_path: Path
) -> None:
    imports.import_workbook(example_ctx, tracker(tmp_path / "t.xlsx"))
    outcome = imports.import_workbook(
        example_ctx, tracker(tmp_path / "t2.xlsx", ledger=[row(ENTRY, ref="T-9")])
    )
    assert (outcome.not_in_workbook, outcome.not_in_workbook_count) == (["T-1"], 1)


def test_a_stage_beyond_the_gates_is_held_with_the_reasons(
    example_ctx: Context, tmp_path: Path
) -> None:
    path = tracker(tmp_path / "t.xlsx", initiatives=[row(INITIATIVE, stage="L4")], ledger=[])
    outcome = imports.import_workbook(example_ctx, path)
    assert initiatives.get(example_ctx, "NEW-001").stage.value == "L2"
    (note,) = outcome.notes
    assert note.startswith("NEW-001 held at L2 (the workbook says L4): L3 needs an approval")
    assert "locked plan" in note


def test_an_earlier_stage_than_the_stores_is_a_problem(
    example_ctx: Context, tmp_path: Path
) -> None:
    imports.import_workbook(example_ctx, tracker(tmp_path / "t.xlsx", ledger=[]))
    path = tracker(tmp_path / "t2.xlsx", initiatives=[row(INITIATIVE, stage="L0")], ledger=[])
    (problem,) = problems_of(example_ctx, path)
    assert (problem.sheet, problem.row, problem.column) == ("Initiatives", 2, "H (Stage)")
    assert "stages only move forward" in problem.message


def test_changed_figures_update_the_initiative(example_ctx: Context, tmp_path: Path) -> None:
    imports.import_workbook(example_ctx, tracker(tmp_path / "t.xlsx", ledger=[]))
    path = tracker(tmp_path / "t2.xlsx", initiatives=[row(INITIATIVE, run_rate=1500000)],
                   ledger=[])  # fmt: skip
    outcome = imports.import_workbook(example_ctx, path)
    assert [(s.sheet, s.updated) for s in outcome.sheets] == [("Initiatives", 1), ("Ledger", 0)]
    forecast = initiatives.get(example_ctx, "NEW-001").forecast
    assert forecast is not None and forecast.run_rate.amount == 1500000


def test_a_dry_run_writes_nothing(example_ctx: Context, tmp_path: Path) -> None:
    before = state(example_ctx)
    outcome = imports.import_workbook(example_ctx, tracker(tmp_path / "t.xlsx"), dry_run=True)
    assert outcome.dry_run
    assert [(s.sheet, s.added) for s in outcome.sheets] == [("Initiatives", 1), ("Ledger", 1)]
    assert state(example_ctx) == before


def test_a_problem_found_while_applying_rolls_everything_back(
    example_ctx: Context, tmp_path: Path
) -> None:
    path = write(tmp_path / "t.xlsx", {
        "Partners": [["RENAULT", "Renault S.A.S.", "USD", 1, "yes"]],
        "Initiatives": [INITIATIVE], "Ledger": [ENTRY],
    })  # fmt: skip
    (problem,) = problems_of(example_ctx, path)
    assert (problem.sheet, problem.row) == ("Partners", 2)
    assert "other details" in problem.message


def test_the_workbook_invalid_error_is_invalid_input() -> None:
    assert issubclass(WorkbookInvalid, InvalidInput)
    assert issubclass(reader.WorkbookRefused, InvalidInput)


def test_an_empty_workbook_imports_nothing(example_ctx: Context, tmp_path: Path) -> None:
    path = tmp_path / "empty.xlsx"
    Workbook().save(path)
    before = state(example_ctx)
    outcome = imports.import_workbook(example_ctx, path)
    assert outcome.sheets == []
    assert state(example_ctx) == before


def _structure(path: Path) -> Path:
    return write(path, {
        "Partners": [["AVTOVAZ", "AvtoVAZ (illustrative)", "RUB", 1, "no"]],
        "FX rates": [["2016-03", "RUB", 80.5]],
        "Functions": [["battery", "Battery (illustrative)", "ana-petrova"]],
        "Convergence": [["battery", "under study", "2016-04-01", "illustrative"]],
        "People": [["ana-petrova", "Ana Petrova", "Battery lead (illustrative)", "ALLIANCE",
                    "battery"]],
        "Reporting lines": [["ana-petrova", "ceo", "solid"]],
        "Targets": [[2019, 6_000_000_000, "EUR", "battery", "illustrative"]],
    })  # fmt: skip


def test_structure_is_added_once(example_ctx: Context, tmp_path: Path) -> None:
    first = imports.import_workbook(example_ctx, _structure(tmp_path / "s.xlsx"))
    assert {s.sheet: s.added for s in first.sheets} == {
        "Partners": 1, "FX rates": 1, "Functions": 1, "Convergence": 1, "People": 1,
        "Reporting lines": 1, "Targets": 1,
    }  # fmt: skip
    from synergies.services import structure

    assert structure.function(example_ctx, "battery").history[0].stage.value == "under study"
    before = state(example_ctx)
    again = imports.import_workbook(example_ctx, _structure(tmp_path / "s.xlsx"))
    assert state(example_ctx) == before
    assert all(s.added == 0 and s.unchanged == 1 for s in again.sheets), again.sheets


def test_a_ledger_row_of_a_partner_not_sharing_the_initiative_is_a_problem(
    example_ctx: Context, tmp_path: Path
) -> None:
    path = tracker(tmp_path / "t.xlsx", ledger=[row(ENTRY, partner="DAIMLER")])
    (problem,) = problems_of(example_ctx, path)
    assert (problem.sheet, problem.row, problem.value) == ("Ledger", 2, "DAIMLER")
    assert "does not share PUR-001" in problem.message


def test_a_ledger_row_of_an_unknown_initiative_is_a_problem(
    example_ctx: Context, tmp_path: Path
) -> None:
    path = tracker(tmp_path / "t.xlsx", ledger=[row(ENTRY, initiative="PUR-999")])
    (problem,) = problems_of(example_ctx, path)
    assert (problem.sheet, problem.row, problem.column, problem.value) == (
        "Ledger", 2, "G (Initiative)", "PUR-999")  # fmt: skip
