"""LibreOffice (Debian's libreoffice-calc, headless) opens the exported workbook, recalculates
the Summary's formulas to the report's figures and shows formula-like text as text."""

from __future__ import annotations

import csv
import shutil
import subprocess
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from synergies.services import exports, initiatives, reports
from synergies.services.context import Context
from synergies.workbooks import layout
from tests.api.conftest import cost_base_initiative
from tests.workbooks.test_export import TRAPS

SOFFICE = shutil.which("soffice")
pytestmark = pytest.mark.skipif(
    SOFFICE is None, reason="LibreOffice missing: apt-get install -y -qq libreoffice-calc"
)
# Comma, double quote, UTF-8, from line 1, standard cells, raw values (not as shown), sheet N.
CSV_FILTER = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,{sheet}"


def converted(workbook: Path, sheet: str, folder: Path) -> list[list[str]]:
    """One sheet of the workbook as LibreOffice computes and writes it, as CSV rows."""
    order = [layout.INSTRUCTIONS, layout.SUMMARY, *(s.name for s in layout.SHEETS), layout.LISTS]
    number = order.index(sheet) + 1
    done = subprocess.run(
        [str(SOFFICE), "--headless", "--norestore", f"-env:UserInstallation=file://{folder}/lo",
         "--convert-to", CSV_FILTER.format(sheet=number), "--outdir", str(folder), str(workbook)],
        capture_output=True, text=True, timeout=180, check=False,
    )  # fmt: skip
    out = folder / f"{workbook.stem}-{sheet}.csv"
    assert done.returncode == 0 and out.exists(), done.stdout + done.stderr
    with out.open(encoding="utf-8", newline="") as lines:
        return list(csv.reader(lines))


def test_libreoffice_recalculates_the_summary_to_the_report(
    example_ctx: Context, tmp_path: Path
) -> None:
    path = exports.export(example_ctx, tmp_path / "out.xlsx", year=2015).path
    report = reports.synergy_report(example_ctx, year=2015)
    rows = converted(path, layout.SUMMARY, tmp_path)
    total = next(r for r in rows if r[0] == "Total")
    realized = sum(y.realized.amount for y in report.years)
    assert Decimal(total[1]) == realized  # the formula LibreOffice computed
    assert Decimal(total[5]) == realized  # the report's own figure beside it
    by_function = [r for r in rows if r[0] == "Total"][1]
    assert Decimal(by_function[1]) == sum(b.realized.amount for b in report.breakdown)


def test_libreoffice_shows_formula_like_text_as_text(example_ctx: Context, tmp_path: Path) -> None:
    for n, trap in enumerate(TRAPS):
        initiatives.create(example_ctx, replace(
            cost_base_initiative(), id=f"TRAP-{n}", name=trap, owner=trap))  # fmt: skip
    path = exports.export(example_ctx, tmp_path / "out.xlsx").path
    rows = {r[0]: r for r in converted(path, "Initiatives", tmp_path)}
    for n, trap in enumerate(TRAPS):
        assert rows[f"TRAP-{n}"][1] == trap
