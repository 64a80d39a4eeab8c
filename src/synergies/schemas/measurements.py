"""Measurement runs: their lineage (aggregates) and, per partner, confidential line detail."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field

from synergies.schemas.common import Body, Currency
from synergies.services.measurement import PostOutcome
from synergies.storage.measurement_rows import MeasurementRun


class RunOut(BaseModel):
    id: int
    source: str = Field(
        description="The folder under the sources folder (or its name), or "
        "the database without credentials: never a server path."
    )
    fingerprint_hash: str = Field(description="The identity of the content measured.")
    fingerprint: dict[str, Any] = Field(
        description="Files (relative to the source folder), sizes, hashes and row counts read."
    )
    method_version: str
    query: str
    reporting_currency: str
    posted_at: datetime
    actor: str
    summary: dict[str, Any] = Field(
        description="Savings, cost avoidance and claimed lines; no figure confidential to a "
        "partner (leakage, double claims, unmeasurable or measured lines), not even as a total: "
        "those are in the partner's detail."
    )
    entries_added: int
    entries_reversed: int

    @classmethod
    def of(cls, r: MeasurementRun) -> RunOut:
        return cls(
            id=r.id, source=r.source, fingerprint_hash=r.fingerprint_hash,
            fingerprint=r.fingerprint, method_version=r.method_version, query=r.query,
            reporting_currency=r.reporting_currency, posted_at=r.posted_at, actor=r.actor,
            summary=r.summary, entries_added=r.entries_added, entries_reversed=r.entries_reversed,
        )  # fmt: skip


class PostIn(Body):
    source: str = Field(
        min_length=1, max_length=500, pattern=r"^[^\x00-\x1f\x7f]*$",
        description="A folder of tables, relative to the server's sources folder (serve --sources).",
    )  # fmt: skip
    reporting_currency: Currency = "EUR"
    date_from: date | None = Field(default=None, description="First posting date measured.")
    date_to: date | None = Field(default=None, description="Last posting date measured.")


class HeldOut(BaseModel):
    """A partner's month of lines another source's run posted first: counted there only."""

    partner: str
    month: str
    run_id: int = Field(description="The run holding these lines.")
    source: str = Field(description="That run's source.")
    lines: int = Field(description="This source's claimed lines in that month.")
    same_lines: bool = Field(
        description="True: the very same lines; false: line ids that overlap the holder's."
    )
    amount: str = Field(description="What this source would have added there (not added).")


class PostOut(BaseModel):
    run_id: int | None
    unchanged: bool = Field(
        description="True: the same content was posted before (run_id, from posted_from); "
        "nothing added."
    )
    posted_from: str | None = Field(description="The source the unchanged content came from.")
    entries_added: int
    entries_reversed: int
    lines_read: int
    hard_savings_net: str = Field(description="Net hard savings, rounded to the minor unit.")
    held_elsewhere: list[HeldOut] = Field(
        default_factory=list,
        description="Lines other sources' runs posted first: not added again (counted once).",
    )

    @classmethod
    def of(cls, o: PostOutcome) -> PostOut:
        return cls(
            run_id=o.run_id, unchanged=o.unchanged, posted_from=o.posted_from,
            entries_added=o.entries_added,
            entries_reversed=o.entries_reversed, lines_read=o.result.lines_read,
            hard_savings_net=str(o.result.round(o.result.total.net)),
            held_elsewhere=[
                HeldOut(partner=h.partner, month=str(h.month), run_id=h.run_id, source=h.source,
                        lines=h.lines, same_lines=h.same_lines,
                        amount=str(o.result.round(h.amount)))
                for h in o.held
            ],
        )  # fmt: skip
