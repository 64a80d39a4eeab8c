"""`synergies export`: the example alliance's data read back by a second reader (calamine),
with the values, types, formats and sums the store holds."""

from __future__ import annotations

import json
import re
import zipfile
from collections import defaultdict
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
import python_calamine

from synergies.domain.accounts import Role
from synergies.domain.calendar import Month
from synergies.domain.initiatives import Category
from synergies.domain.ledger import EntrySource, LedgerEntry
from synergies.domain.money import Money
from synergies.services import exports, initiatives, ledger, reports
from synergies.services.context import Context
from synergies.services.security import Actor
from synergies.workbooks import layout
from tests.api.conftest import COST_BASE_INITIATIVE, RENAULT_COST_BASE, cost_base_initiative

CENT = Decimal("0.01")
BIG_EUR = Decimal("123456789012.34")  # 14 significant digits
BIG_JPY = Decimal("98765432109876")
TRAPS = ('=HYPERLINK("http://evil.example","x")', "+1", "-2", "@SUM(A1:A2)", "\tx", "\r=1")


def sheet(path: Path, name: str) -> list[list[object]]:
    return python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name(name).to_python()


def records(path: Path, name: str) -> list[dict[str, object]]:
    header, *rows = sheet(path, name)
    return [dict(zip(header, row, strict=True)) for row in rows]


def entry(
    ctx: Context, amount: Decimal, currency: str, partner: str, reason: str = ""
) -> LedgerEntry:
    return ledger.add(ctx, LedgerEntry(
        partner=partner, period=Month(2016, 2), amount=Money(amount, currency),
        category=Category.cost_reduction, source=EntrySource.entered, author=ctx.actor.name,
        recorded_at=datetime(2016, 3, 1, tzinfo=UTC), initiative_id="PUR-001", reason=reason,
    ))  # fmt: skip


def store_sums(ctx: Context) -> dict[str, Decimal]:
    page = ledger.entry_page(ctx, limit=1)
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for money in [*page.totals, *page.one_off_costs]:
        sums[money.currency] += money.amount
    return dict(sums)


def test_the_export_holds_the_store_values_and_types(example_ctx: Context, tmp_path: Path) -> None:
    reversed_one = ledger.entries(example_ctx)[0]
    ledger.reverse(example_ctx, reversed_one.id or 0, "typed twice")
    entry(example_ctx, BIG_EUR, "EUR", "RENAULT")
    entry(example_ctx, BIG_JPY, "JPY", "NISSAN")
    written = exports.export(example_ctx, tmp_path / "out.xlsx")
    path = written.path
    names = python_calamine.CalamineWorkbook.from_path(str(path)).sheet_names
    assert names == [layout.INSTRUCTIONS, layout.SUMMARY, *(s.name for s in layout.SHEETS),
                     layout.LISTS]  # fmt: skip
    rows = records(path, "Ledger")
    assert len(rows) == written.rows["Ledger"]
    refs = {r["Ref"] for r in rows}
    assert f"L{reversed_one.id}" not in refs  # a reversed entry and its reversal are left out
    assert len(refs) == len(rows)
    assert all(isinstance(r["Month"], date) and r["Month"].day == 1 for r in rows)
    assert all(isinstance(r["Amount"], float) for r in rows)
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for r in rows:
        sums[str(r["Currency"])] += Decimal(repr(r["Amount"])).quantize(CENT)
    assert {c: s.quantize(CENT) for c, s in store_sums(example_ctx).items()} == sums
    amounts = {Decimal(repr(r["Amount"])) for r in rows}
    assert BIG_EUR in amounts and BIG_JPY in amounts  # 14 digits round-trip to the cent
    partners = {r["Code"]: r for r in records(path, "Partners")}
    assert partners["NISSAN"]["Currency"] == "JPY" and partners["NISSAN"]["Fiscal year starts"] == 4
    fx = records(path, "FX rates")
    assert all(isinstance(r["Month"], date) and isinstance(r["Per EUR"], float) for r in fx)
    assert {r["Year"] for r in records(path, "Targets")} >= {2016, 2018}
    plans = {r["Id"]: r for r in records(path, "Initiatives")}
    figured = next(i for i in initiatives.list_initiatives(example_ctx) if i.locked_plan)
    row = plans[figured.id]
    assert figured.locked_plan is not None
    assert Decimal(repr(row["Run-rate"])) == figured.locked_plan.run_rate.amount
    assert row["Start"] == figured.locked_plan.start.first_day()
    assert row["Stage"] == figured.stage.value


def test_number_formats_and_frozen_headers(example_ctx: Context, tmp_path: Path) -> None:
    entry(example_ctx, Decimal("1000"), "JPY", "NISSAN")
    path = exports.export(example_ctx, tmp_path / "out.xlsx").path
    book = openpyxl.load_workbook(path)
    ws = book["Ledger"]
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == f"A1:L{ws.max_row}"  # Reason, then the provenance columns
    formats = {(ws.cell(n, 5).value, ws.cell(n, 4).number_format) for n in range(2, ws.max_row + 1)}
    assert formats == {("EUR", '#,##0.00 "EUR"'), ("JPY", '#,##0 "JPY"')}
    assert {ws.cell(n, 3).number_format for n in range(2, ws.max_row + 1)} == {"yyyy-mm"}
    assert book["Convergence"]["C2"].number_format == "yyyy-mm-dd"
    for name in ("Partners", "Initiatives", "Ledger"):
        assert book[name].freeze_panes == "A2"


def test_the_summary_holds_the_report_with_formulas_and_charts(
    example_ctx: Context, tmp_path: Path
) -> None:
    path = exports.export(example_ctx, tmp_path / "out.xlsx", year=2015).path
    report = reports.synergy_report(example_ctx, year=2015)
    rows = sheet(path, layout.SUMMARY)
    years = {r[0]: r for r in rows[4 : 4 + len(report.years)]}
    for line in report.years:
        assert Decimal(repr(years[line.label][1])) == line.realized.amount
    total_row = rows[4 + len(report.years)]
    assert total_row[0] == "Total"
    assert Decimal(repr(total_row[5])) == sum(y.realized.amount for y in report.years)
    by_function = {r[0]: r[1] for r in rows if r[0] in {b.key for b in report.breakdown}}
    assert {k: Decimal(repr(v)) for k, v in by_function.items()} == {
        b.key: b.realized.amount for b in report.breakdown}  # fmt: skip
    with zipfile.ZipFile(path) as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
        summary = z.read("xl/worksheets/sheet2.xml").decode()
    assert len(charts) == 2
    assert re.findall(r"<f>SUM\(B5:B\d+\)</f>", summary)


def _xml_sheets(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/s")}


def test_text_is_never_written_as_a_formula(example_ctx: Context, tmp_path: Path) -> None:
    first = cost_base_initiative()
    for n, trap in enumerate(TRAPS):
        initiatives.create(example_ctx, replace(
            first, id=f"TRAP-{n}", name=trap, owner=trap, illustrative=False))  # fmt: skip
        entry(example_ctx, Decimal(10), "EUR", "RENAULT", reason=trap)
    path = exports.export(example_ctx, tmp_path / "out.xlsx").path
    plans = {r["Id"]: r for r in records(path, "Initiatives")}
    for n, trap in enumerate(TRAPS):
        assert plans[f"TRAP-{n}"]["Name"] == trap and plans[f"TRAP-{n}"]["Owner"] == trap
    reasons = {r["Reason"] for r in records(path, "Ledger")}
    assert set(TRAPS) <= reasons
    for part, xml in _xml_sheets(path).items():
        if part != "xl/worksheets/sheet2.xml":  # the Summary's own totals are formulas
            assert "<f>" not in xml and "<f " not in xml, part
    book = openpyxl.load_workbook(path)
    ws = book["Ledger"]
    quoted = [c for (c,) in ws.iter_rows(min_col=9, max_col=9) if c.value in TRAPS]
    assert len(quoted) == len(TRAPS) and all(c.quotePrefix and c.data_type == "s" for c in quoted)
    csv_text = exports.export(example_ctx, tmp_path / "out.csv").path.read_text()
    assert "'=HYPERLINK(" in csv_text and ",'+1" in csv_text and ",'@SUM(A1:A2)" in csv_text


def _reader(role: Role, partner: str | None = None) -> Actor:
    return Actor(f"a {role.value}", role, partner)


@pytest.mark.parametrize(("role", "partner", "sees"), [
    (Role.viewer, "NISSAN", False), (Role.controller, "RENAULT", False),
    (Role.clean_team, None, True), (Role.admin, None, True),
])  # fmt: skip
def test_cost_bases_only_for_who_may_read_them(
    example_ctx: Context, tmp_path: Path, role: Role, partner: str | None, sees: bool
) -> None:
    initiatives.create(example_ctx, cost_base_initiative())
    reader = Context(example_ctx.store, _reader(role, partner))
    path = exports.export(reader, tmp_path / "out.xlsx").path
    row = {r["Id"]: r for r in records(path, "Initiatives")}[COST_BASE_INITIATIVE]
    base = format(RENAULT_COST_BASE, "f")
    assert row["Partners"] == (f"RENAULT={base}, NISSAN=9120000000" if sees else "RENAULT, NISSAN")
    document = json.loads(exports.export(reader, tmp_path / "out.json").path.read_text())
    shown = next(i for i in document["Initiatives"] if i["id"] == COST_BASE_INITIATIVE)
    assert (base in shown["partners"]) is sees
    with zipfile.ZipFile(path) as z:
        assert (base in "".join(z.read(n).decode() for n in z.namelist()
                                if n.endswith(".xml"))) is sees  # fmt: skip


def test_json_holds_every_sheet_with_exact_amounts(example_ctx: Context, tmp_path: Path) -> None:
    entry(example_ctx, BIG_EUR, "EUR", "RENAULT")
    written = exports.export(example_ctx, tmp_path / "out.json")
    document = json.loads(written.path.read_text())
    assert list(document) == [s.name for s in layout.SHEETS]
    assert len(document["Ledger"]) == written.rows["Ledger"]
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for e in document["Ledger"]:
        sums[e["currency"]] += Decimal(e["amount"])
        assert re.fullmatch(r"\d{4}-\d{2}", e["period"])
    assert sums == store_sums(example_ctx)
    assert set(document["Ledger"][0]) == {c.field for c in layout.LEDGER.columns}


def test_csv_holds_one_sheet(example_ctx: Context, tmp_path: Path) -> None:
    path = exports.export(example_ctx, tmp_path / "i.csv", sheet="initiatives").path
    lines = path.read_text().splitlines()
    assert lines[0] == ",".join(layout.INITIATIVES.headers)
    assert len(lines) == 1 + len(initiatives.list_initiatives(example_ctx))


def test_an_empty_store_exports_headers_and_an_empty_summary(ctx: Context, tmp_path: Path) -> None:
    written = exports.export(ctx, tmp_path / "out.xlsx")
    assert set(written.rows.values()) == {0}
    assert sheet(written.path, "Ledger") == [list(layout.LEDGER.headers)]
    with zipfile.ZipFile(written.path) as z:
        assert not [n for n in z.namelist() if n.startswith("xl/charts/")]
