"""A workbook import's result, and its problems: one shape for the CLI's JSON and the API."""

from __future__ import annotations

from pydantic import BaseModel, Field

from synergies.workbooks.cells import Problem

LISTED_ABSENT = 100


class ProblemOut(BaseModel):
    """One thing wrong with the workbook: where, what was found, what to do."""

    sheet: str
    row: int | None = Field(None, description="The Excel row number (1: the header row).")
    column: str | None = Field(
        None, description="The column's letter and header, e.g. 'D (Amount)'."
    )
    value: str = Field(description="The value found in the cell, as text.")
    message: str
    fix: str

    @classmethod
    def of(cls, p: Problem) -> ProblemOut:
        return cls(sheet=p.sheet, row=p.row, column=p.column, value=p.value, message=p.message,
                   fix=p.fix)  # fmt: skip


class SheetCounts(BaseModel):
    """What the import did (or, on a dry run, would do) with one sheet's rows."""

    sheet: str
    added: int = 0
    updated: int = 0
    reversed: int = Field(0, description="Ledger entries reversed because their row changed.")
    unchanged: int = 0


class ImportOutcome(BaseModel):
    workbook: str = Field(description="The workbook's file name.")
    sha256: str = Field(description="The SHA-256 of the workbook's bytes, as audited.")
    dry_run: bool = Field(description="True: the plan only; nothing was written.")
    sheets: list[SheetCounts]
    notes: list[str] = Field(
        description="What the import left as it was and why: initiatives held below their "
        "workbook stage by a gate, ignored sheets, entries imported before and absent now."
    )
    not_in_workbook: list[str] = Field(
        default_factory=list,
        description="Refs of entries imported from a workbook before and absent from this one "
        f"(left as they are): the first {LISTED_ABSENT}.",
    )
    not_in_workbook_count: int = Field(0, description="How many such entries there are.")

    def rows(self) -> list[dict[str, object]]:
        return [s.model_dump() for s in self.sheets]
