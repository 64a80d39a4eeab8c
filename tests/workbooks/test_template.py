# ruff: noqa: F811 - the fixtures imported below are parameters of the tests
"""`synergies template OUT.xlsx`: every sheet, header, help, list and format of the layout."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import python_calamine

from synergies.services import exports
from synergies.services.context import Context
from synergies.workbooks import layout
from synergies.workbooks.layout import Choices, Kind
from tests.cli.conftest import Invoke, cli, db  # noqa: F401 - the CLI tests' fixtures

FORMATS = {Kind.amount: "#,##0.00", Kind.date: "yyyy-mm-dd", Kind.month: "yyyy-mm",
           Kind.integer: "0", Kind.fraction: "0.00##"}  # fmt: skip
ORDER = [layout.INSTRUCTIONS, *(s.name for s in layout.SHEETS), layout.LISTS]


def _validations(ws: object) -> dict[str, str]:
    """Column letter -> the list its validation takes its values from."""
    found = {}
    for rule in ws.data_validations.dataValidation:  # type: ignore[attr-defined]
        assert rule.type == "list"
        for cells in rule.sqref.ranges:
            found[cells.coord.split(":")[0].rstrip("0123456789")] = rule.formula1
    return found


def _list_values(book: openpyxl.Workbook, source: str) -> list[str]:
    sheet, cells = source.split("!")
    ws = book[sheet.strip("'")]
    return [c.value for (c,) in ws[cells.replace("$", "")] if c.value is not None]


def test_the_template_has_every_sheet_header_and_help(tmp_path: Path) -> None:
    path = exports.write_template(None, tmp_path / "t.xlsx").path
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ORDER
    assert book[layout.LISTS].sheet_state == "hidden"
    for sheet in layout.SHEETS:
        ws = book[sheet.name]
        header = [c.value for c in ws[1]]
        assert header == list(sheet.headers)
        assert ws.freeze_panes == "A2"
        assert ws.auto_filter.ref == f"A1:{ws.cell(1, len(sheet.columns)).column_letter}1"
        for cell, column in zip(ws[1], sheet.columns, strict=True):
            assert cell.font.bold
            assert cell.comment is not None and column.help in cell.comment.text
            dimension = ws.column_dimensions[cell.column_letter]
            assert dimension.width == column.width
            assert dimension.number_format == FORMATS.get(column.kind, "General")
    text = " ".join(str(c) for row in python_calamine.CalamineWorkbook.from_path(path)
                    .get_sheet_by_name(layout.INSTRUCTIONS).to_python() for c in row)  # fmt: skip
    for sheet in layout.SHEETS:
        assert sheet.help in text
        assert all(c.help in text for c in sheet.columns)
    for rule in ("gates", "never edited", "reverses", "Ref", "numbers"):
        assert rule in text


def test_every_choice_column_has_its_list(tmp_path: Path) -> None:
    path = exports.write_template(None, tmp_path / "t.xlsx").path
    book = openpyxl.load_workbook(path)
    for sheet in layout.SHEETS:
        rules = _validations(book[sheet.name])
        for n, column in enumerate(sheet.columns, 1):
            letter = book[sheet.name].cell(1, n).column_letter
            if column.choices is None:
                assert letter not in rules
                continue
            source = rules[letter]
            if column.choices in layout.FIXED_CHOICES:
                assert _list_values(book, source) == list(layout.FIXED_CHOICES[column.choices])
            else:  # no store: the workbook's own codes
                own = "Partners" if column.choices is Choices.partners else "Functions"
                assert source == f"'{own}'!$A$2:$A$10000"


def test_with_a_store_the_lists_hold_its_partners_and_functions(
    example_ctx: Context, tmp_path: Path
) -> None:
    path = exports.write_template(example_ctx, tmp_path / "t.xlsx").path
    book = openpyxl.load_workbook(path)
    ledger = _validations(book["Ledger"])
    assert "RENAULT" in _list_values(book, ledger["B"])
    assert "purchasing" in _list_values(book, ledger["H"])
    assert book["Ledger"].max_row == 1  # a template: headers only


def test_the_template_command_works_without_a_store(cli: Invoke, tmp_path: Path) -> None:
    done = cli("template", str(tmp_path / "t.xlsx"))
    assert done.code == 0, done.err
    assert "fixed lists" in done.out
    assert openpyxl.load_workbook(tmp_path / "t.xlsx").sheetnames == ORDER


def test_the_template_command_uses_the_store(cli: Invoke, db: str, tmp_path: Path) -> None:
    done = cli("template", str(tmp_path / "t.xlsx"))
    assert done.code == 0, done.err
    assert "partners and functions" in done.out


def test_a_template_is_an_xlsx(cli: Invoke, tmp_path: Path) -> None:
    done = cli("template", str(tmp_path / "t.ods"))
    assert done.code == 2
    assert "OUT" in done.err and ".xlsx" in done.err
    assert not (tmp_path / "t.ods").exists()
