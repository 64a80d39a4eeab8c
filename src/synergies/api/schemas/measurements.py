"""Measurement runs: their lineage (aggregates) and, per partner, confidential line detail."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from synergies.api.schemas.common import utc
from synergies.services.measurement import MeasurementRun


class RunOut(BaseModel):
    id: int
    source: str
    fingerprint_hash: str
    fingerprint: dict[str, Any] = Field(description="Files, sizes, hashes and row counts read.")
    method_version: str
    query: str
    reporting_currency: str
    posted_at: datetime
    actor: str
    summary: dict[str, Any] = Field(description="Aggregate figures; no prices.")
    entries_added: int
    entries_reversed: int

    @classmethod
    def of(cls, r: MeasurementRun) -> RunOut:
        return cls(
            id=r.id, source=r.source, fingerprint_hash=r.fingerprint_hash,
            fingerprint=r.fingerprint, method_version=r.method_version, query=r.query,
            reporting_currency=r.reporting_currency, posted_at=utc(r.posted_at), actor=r.actor,
            summary=r.summary, entries_added=r.entries_added, entries_reversed=r.entries_reversed,
        )  # fmt: skip
