"""Rows <-> measurement runs (lineage and aggregates) and their per-partner line detail."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from synergies.storage import tables as t

R = t.measurement_runs
D = t.measurement_details


@dataclass(frozen=True, slots=True)
class MeasurementRun:
    id: int
    source: str
    fingerprint_hash: str
    fingerprint: dict[str, Any]
    method_version: str
    query: str
    reporting_currency: str
    posted_at: datetime
    actor: str
    summary: dict[str, Any]
    entries_added: int
    entries_reversed: int


def _run(r: Any) -> MeasurementRun:
    return MeasurementRun(
        r.id, r.source, r.fingerprint_hash, json.loads(r.fingerprint), r.method_version,
        r.query, r.reporting_currency, r.posted_at, r.actor, json.loads(r.summary),
        r.entries_added, r.entries_reversed,
    )  # fmt: skip


def run_with_fingerprint(conn: Connection, fingerprint_hash: str) -> MeasurementRun | None:
    """The first run that posted this content (from whichever source), if one did."""
    query = select(R).where(R.c.fingerprint_hash == fingerprint_hash).order_by(R.c.id).limit(1)
    row = conn.execute(query).first()
    return None if row is None else _run(row)


def insert_run(
    conn: Connection,
    *,
    source: str,
    fingerprint_hash: str,
    fingerprint: dict[str, Any],
    method_version: str,
    query: str,
    reporting_currency: str,
    posted_at: datetime,
    actor: str,
    summary: dict[str, Any],
) -> int:
    """A new run with no entries counted yet (see set_counts); its id."""
    row = conn.execute(
        insert(R).values(
            source=source, fingerprint_hash=fingerprint_hash,
            fingerprint=json.dumps(fingerprint, default=str), method_version=method_version,
            query=query, reporting_currency=reporting_currency, posted_at=posted_at, actor=actor,
            summary=json.dumps(summary, default=str), entries_added=0, entries_reversed=0,
        ).returning(R.c.id)
    )  # fmt: skip
    return int(row.scalar_one())


def set_counts(conn: Connection, run_id: int, added: int, reversed_: int) -> None:
    conn.execute(
        update(R).where(R.c.id == run_id).values(entries_added=added, entries_reversed=reversed_)
    )


def load_runs(conn: Connection) -> list[MeasurementRun]:
    return [_run(r) for r in conn.execute(select(R).order_by(R.c.id))]


def load_run(conn: Connection, run_id: int) -> MeasurementRun | None:
    row = conn.execute(select(R).where(R.c.id == run_id)).first()
    return None if row is None else _run(row)


def insert_detail(conn: Connection, run_id: int, partner: str, detail: dict[str, Any]) -> None:
    conn.execute(insert(D).values(run_id=run_id, partner=partner, detail=json.dumps(detail)))


def load_detail(conn: Connection, run_id: int, partner: str) -> dict[str, Any] | None:
    query = select(D.c.detail).where(D.c.run_id == run_id, D.c.partner == partner)
    detail = conn.execute(query).scalar_one_or_none()
    return None if detail is None else dict(json.loads(detail))
