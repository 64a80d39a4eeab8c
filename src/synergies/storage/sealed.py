"""The tables the audit trail seals, and the digest of a table's content that it keeps.

Every input of a figure or of a right is sealed: the transaction's last audit record holds,
for each sealed table the transaction wrote, a digest of the table as it stands after the
change (services/audit.py `seal`), and `audit verify` compares each table with its newest
seal. Which tables a transaction wrote is noted here, by an event on the engine, from the
INSERT, UPDATE and DELETE statements themselves: no writer can forget to say so.

This module is the ONE list: a table is either sealed (SEALED) or left out, saying why
(NOT_SEALED); tests/storage/test_sealed_tables.py checks the two cover the schema and
tampers with every sealed table.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, Table, event, select, sql
from sqlalchemy.sql.dml import UpdateBase

from synergies.storage import tables as t

# Tables of at most this many rows keep a digest per row in their seal, so that verify
# names the row edited, inserted or deleted; larger ones only the table (a record stays small).
ROW_DIGESTS_UP_TO = 200
ROW_DIGEST_CHARS = 16  # 64 bits: to locate a row; the table's full SHA-256 proves the content


@dataclass(frozen=True, slots=True)
class Sealed:
    table: Table
    # The record-by-record check (services/audit_checks.py) that already names this table's
    # rows, by the prefix of its subjects: where it reports a row, the seal adds nothing.
    checked_as: str | None = None

    @property
    def name(self) -> str:
        return self.table.name


SEALED: tuple[Sealed, ...] = (
    # Structure: what reports convert, weigh, scope and compare by.
    Sealed(t.alliance),
    Sealed(t.partners, "partner/"),
    Sealed(t.shareholdings, "shareholding/"),
    Sealed(t.agreements),
    Sealed(t.scope_clauses),
    Sealed(t.functions),
    Sealed(t.convergence_events),
    Sealed(t.people),
    Sealed(t.reporting_lines),
    Sealed(t.targets, "target/"),
    Sealed(t.fx_rates),
    # Initiatives, their gates and sign-offs, and the plans locked from them.
    Sealed(t.initiatives, "initiative/"),
    Sealed(t.signoffs, "initiative/"),
    Sealed(t.stage_history),
    Sealed(t.plans, "plan/"),
    # Measurement: what a posting read and found.
    Sealed(t.measurement_runs),
    Sealed(t.measurement_details),
    # Forecasting and alerts.
    Sealed(t.forecast_settings),
    Sealed(t.alert_rules),
    Sealed(t.baseline_decisions),
    Sealed(t.alert_subscriptions),
    Sealed(t.alert_webhooks),
    Sealed(t.alert_deliveries),
    # Rights: accounts (roles, password hashes) and the tokens and sessions that act as them.
    Sealed(t.users, "user/"),
    Sealed(t.api_tokens),
)

NOT_SEALED: dict[str, str] = {
    t.ledger_entries.name: "checked row by row: each entry against the digest its record holds "
    "(a whole-table digest would cost the whole ledger on every posting)",
    t.audit_log.name: "the trail itself: chained and keyed (HMAC) record by record",
    t.audit_head.name: "the trail's head and write lock: verify checks it against the chain",
    t.login_attempts.name: "written before a password is checked, by anyone who tries (a "
    "record each would let anyone grow the trail); at worst it locks or frees an account for "
    "the lock-out's minutes, and no figure depends on it",
    "alembic_version": "the schema's revision, which the store checks when it opens",
}

BY_NAME = {s.name: s for s in SEALED}
TRAIL = t.audit_log.name  # a transaction that wrote it made an audit record
_TOUCHED = "synergies.audit.touched"  # conn.info key


@dataclass(frozen=True, slots=True)
class TableSeal:
    """A table's content in short: its row count, the SHA-256 of its rows in key order, and
    (small tables) a short digest per row, by the row's key."""

    rows: int
    sha256: str
    row_digests: dict[str, str] | None = None

    def plain(self) -> dict[str, object]:
        found: dict[str, object] = {"rows": self.rows, "sha256": self.sha256}
        if self.row_digests is not None:
            found["row_digests"] = self.row_digests
        return found

    @classmethod
    def of(cls, plain: Any) -> TableSeal | None:
        """A seal as a record holds it; None if it is not one."""
        if not isinstance(plain, dict) or not isinstance(plain.get("sha256"), str):
            return None
        rows = plain.get("row_digests")
        return cls(
            int(plain.get("rows", 0)), plain["sha256"], rows if isinstance(rows, dict) else None
        )


def watch(engine: Engine) -> None:
    """Note, on each connection, which tables its transaction writes."""
    event.listen(engine, "before_execute", _note_statement)


def _note_statement(conn: Connection, statement: object, *_args: object) -> None:
    if isinstance(statement, UpdateBase) and isinstance(statement.table, Table):
        transaction = conn.get_transaction()
        noted = conn.info.get(_TOUCHED)
        if noted is None or noted[0] is not transaction:
            noted = (transaction, set[str]())
            conn.info[_TOUCHED] = noted
        noted[1].add(statement.table.name)


def take_touched(conn: Connection) -> set[str]:
    """The tables this transaction wrote (any table, the trail's own included)."""
    noted = conn.info.pop(_TOUCHED, None)
    if noted is None or noted[0] is not conn.get_transaction():
        return set()
    touched: set[str] = noted[1]
    return touched


def digest(conn: Connection, sealed: Sealed, *, rows_always: bool = False) -> TableSeal:
    """The table's seal as it stands; `rows_always`: with row digests whatever its size.

    Rows are read as the driver gives them, without the column types' processing (a third
    of the cost): the writer and `audit verify` read them the same way."""
    table = sealed.table
    raw = sql.table(table.name, *[sql.column(c.name) for c in table.columns])
    keys = [list(table.columns).index(c) for c in table.primary_key.columns]
    order = [raw.c[c.name] for c in table.primary_key.columns]
    whole, by_row, count = hashlib.sha256(), {}, 0
    for row in conn.execute(select(raw).order_by(*order)):
        encoded = json.dumps([_plain(v) for v in row], ensure_ascii=False).encode()
        whole.update(encoded + b"\n")
        count += 1
        if rows_always or count <= ROW_DIGESTS_UP_TO:
            name = "/".join(str(row[i]) for i in keys)
            by_row[name] = hashlib.sha256(encoded).hexdigest()[:ROW_DIGEST_CHARS]
    small = rows_always or count <= ROW_DIGESTS_UP_TO
    return TableSeal(count, whole.hexdigest(), by_row if small else None)


def _plain(value: object) -> str | None:
    """A stored value as text; a moment in UTC, whatever the session's time zone."""
    if value is None:
        return None
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).isoformat()
    return str(value)
