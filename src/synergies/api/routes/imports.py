"""Workbooks in over HTTP: `POST /imports` with the tracker workbook as the body.

The body is the .xlsx itself (Content-Type
application/vnd.openxmlformats-officedocument.spreadsheetml.sheet, up to 100 MB, streamed to
a temporary file), or, for a client that sends only JSON, `{"name": ..., "content_base64":
...}` within the 1 MiB every JSON body is held to. An alliance admin's: the import adds
partners, functions and people as well as initiatives and ledger entries.
"""

from __future__ import annotations

import base64
import binascii
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, ValidationError

from synergies.api.deps import ContextDep
from synergies.api.hardening import WORKBOOK_TYPE
from synergies.api.problems import WRITE_ERRORS, problem_response
from synergies.domain.errors import InvalidInput
from synergies.schemas.imports import ImportOutcome
from synergies.services import imports as service
from synergies.services.context import Context
from synergies.services.security import Action
from synergies.workbooks.cells import Problem

router = APIRouter(prefix="/imports", tags=["workbooks"], responses=WRITE_ERRORS)
NAME_PATTERN = r"^[^\x00-\x1f\x7f/\\]{1,120}$"


class WorkbookIn(BaseModel):
    """A workbook sent as JSON: its file name and its bytes in base64."""

    name: str = Field("workbook.xlsx", pattern=NAME_PATTERN)
    content_base64: str = Field(description="The .xlsx file's bytes, base64-encoded.")


_BODY = {
    "required": True,
    "content": {
        WORKBOOK_TYPE: {"schema": {"type": "string", "format": "binary"}},
        "application/json": {"schema": WorkbookIn.model_json_schema()},
    },
}


@router.post("", openapi_extra={"requestBody": _BODY}, response_model=ImportOutcome)
async def import_workbook(
    ctx: ContextDep,
    request: Request,
    dry_run: Annotated[bool, Query(description="Check and plan; write nothing.")] = False,
    name: Annotated[
        str, Query(pattern=NAME_PATTERN, description="The workbook's file name, as audited.")
    ] = "workbook.xlsx",
) -> ImportOutcome | JSONResponse:
    """Import a tracker workbook all or nothing; every problem is listed at once (422)."""
    ctx.allow(Action.manage_structure)  # before a byte of the body is read
    with _spooled() as path:
        name = await _receive(request, path, name)
        try:
            return await run_in_threadpool(_run, ctx, path, name, dry_run)
        except service.WorkbookInvalid as invalid:
            return problem_response(
                request, 422, invalid.message, field=invalid.field, fix=invalid.fix,
                errors=[_error(p) for p in invalid.problems],
            )  # fmt: skip


def _run(ctx: Context, path: Path, name: str, dry_run: bool) -> ImportOutcome:
    return service.import_workbook(ctx, path, name=name, dry_run=dry_run)


def _error(p: Problem) -> dict[str, str]:
    where = f"{p.sheet}!{p.column or ''}{p.row or ''}"
    return {
        "field": where, "message": p.message, "sheet": p.sheet, "row": str(p.row or ""),
        "column": p.column or "", "value": p.value, "fix": p.fix,
    }  # fmt: skip


@contextmanager
def _spooled() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="synergies-import-") as folder:
        yield Path(folder) / "workbook.xlsx"


async def _receive(request: Request, path: Path, name: str) -> str:
    """Write the body to `path`; the workbook's name (from the JSON body, if one was sent)."""
    media = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media == WORKBOOK_TYPE:
        with path.open("wb") as file:
            async for chunk in request.stream():
                file.write(chunk)
        return name
    try:
        sent = WorkbookIn.model_validate_json(await request.body())
        path.write_bytes(base64.b64decode(sent.content_base64, validate=True))
    except (ValidationError, binascii.Error, ValueError):
        raise InvalidInput(
            "the body is not an Excel workbook, nor JSON holding one in base64",
            field="workbook",
            fix=f"send the .xlsx file with Content-Type: {WORKBOOK_TYPE}",
        ) from None
    return sent.name
