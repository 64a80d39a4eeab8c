"""Workbooks out over HTTP: the store's data as the tracker workbook, JSON or one sheet's CSV.

Whatever the reader may see: a cost-base split's weights only for a reader who may read
every sharing partner's confidential data (services/exports.py)."""

from __future__ import annotations

import tempfile
from pathlib import Path as FilePath
from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import FileResponse
from starlette.background import BackgroundTask

from synergies.api.deps import ContextDep
from synergies.api.problems import READ_ERRORS
from synergies.services import exports as service
from synergies.services.context import Context
from synergies.workbooks import layout

router = APIRouter(prefix="/exports", tags=["workbooks"], responses=READ_ERRORS)
# Every export answers with what the store holds and a workbook cannot carry ('|' between).
NOT_CARRIED_HEADER = "Synergies-Not-In-Workbook"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
YearQuery = Annotated[
    int | None, Query(ge=1900, le=2199, description="The Summary's breakdown year.")
]


def _file(
    ctx: Context, name: str, media_type: str, *, year: int | None = None, sheet: str = "Ledger"
) -> FileResponse:
    """Write the export to a temporary folder and send it; the folder goes once sent."""
    folder = FilePath(tempfile.mkdtemp(prefix="synergies-export-"))
    path = folder / name
    try:
        service.export(ctx, path, year=year, sheet=sheet)
    except BaseException:
        _remove(folder)
        raise
    return FileResponse(path, media_type=media_type, filename=name,
                        headers={NOT_CARRIED_HEADER: " | ".join(layout.NOT_CARRIED)},
                        background=BackgroundTask(_remove, folder))  # fmt: skip


def _remove(folder: FilePath) -> None:
    for part in folder.iterdir():
        part.unlink()
    folder.rmdir()


@router.get("/workbook.xlsx", response_class=FileResponse,
            responses={200: {"content": {XLSX: {}}, "description": "The tracker workbook."}})  # fmt: skip
def workbook(ctx: ContextDep, year: YearQuery = None) -> FileResponse:
    """The tracker workbook filled with the store's data, with the Summary for `year`."""
    return _file(ctx, "synergies.xlsx", XLSX, year=year)


@router.get("/workbook.json", response_class=FileResponse,
            responses={200: {"content": {"application/json": {}},
                             "description": "{sheet: [{field: value}]}"}})  # fmt: skip
def workbook_json(ctx: ContextDep) -> FileResponse:
    """Every sheet of the workbook as JSON: {sheet: [{field: value}]}, amounts as strings."""
    return _file(ctx, "synergies.json", "application/json")


# Each data sheet by its name in lower case, spaces as hyphens: fx-rates, reporting-lines.
SLUGS = {sheet.name.lower().replace(" ", "-"): sheet.name for sheet in layout.SHEETS}
SheetPath = Annotated[
    str, Path(pattern=f"^({'|'.join(SLUGS)})$", description="The sheet, e.g. ledger.")
]


@router.get("/sheets/{sheet}.csv", response_class=FileResponse,
            responses={200: {"content": {"text/csv": {}}, "description": "One sheet."}})  # fmt: skip
def sheet_csv(ctx: ContextDep, sheet: SheetPath) -> FileResponse:
    """One data sheet of the workbook as CSV (ledger, initiatives, fx-rates, ...); text a
    spreadsheet would run as a formula starts with an apostrophe."""
    return _file(ctx, f"{sheet}.csv", "text/csv; charset=utf-8", sheet=SLUGS[sheet])
