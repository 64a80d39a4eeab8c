"""A store holding a row in every sealed table, each written through the services, and
plain-SQL tampering with any table: what tests/storage/test_sealed_tables.py is made of."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from sqlalchemy import Column, Connection, Table, UniqueConstraint, delete, func, insert, select
from sqlalchemy import update as sql_update

from synergies.delivery.attempt import Attempt
from synergies.domain.accounts import Role
from synergies.domain.alerts import Alert, Rule
from synergies.forecasting.backtest import Uncertainty
from synergies.forecasting.versions import SettingsVersion
from synergies.measurement.generate import generate_purchases
from synergies.services import (
    accounts,
    alert_delivery,
    alerts,
    forecast_settings,
    measurement,
    plans,
)
from synergies.services.context import Context

PASSWORD = "correct horse battery"
ODDS = Alert(
    Rule.target_odds, "target odds:2018", "alliance", "P(5.5 bn in 2018) is 41 %", "41 %", "50 %"
)


def _delivered(url: str, secret: str, body: bytes) -> Attempt:
    return Attempt(True, 1)


def populate(ctx: Context, sources: Path) -> None:
    """Write, through the services, at least one row in every table the example lacks."""
    cheap, accounts._hasher = accounts._hasher, PasswordHasher(time_cost=1, memory_cost=1024)
    try:
        accounts.add_user(ctx, "vera.viewer", Role.viewer, PASSWORD, partner="NISSAN")
        accounts.add_user(ctx, "ada.admin", Role.admin, PASSWORD)
        accounts.create_token(ctx, "vera.viewer", timedelta(days=1), "scripts")
    finally:
        accounts._hasher = cheap
    alerts.set_rule(ctx, Rule.behind_ramp, threshold=Decimal(25))
    alert_delivery.add_webhook(ctx, "https://hooks.example.com/synergies")
    alert_delivery.subscribe(ctx, "ada@example.com", user="ada.admin")
    alert_delivery.deliver(ctx, [ODDS], mailer=None, poster=_delivered)
    source = sources / "purchases"
    if not source.exists():
        generate_purchases(source, 400, seed=11, fmt="csv")
    measurement.post_source(ctx, source)
    alerts.record_baseline_decision(ctx, "purchases", date(2016, 4, 1), "Purchasing committee")
    forecast_settings.record(ctx, SettingsVersion(0, Uncertainty(spread=1.5), note="test"))
    plans.lock(ctx, "budget 2016")


# --- tampering ---


def _pk(table: Table) -> list[Column[Any]]:
    return list(table.primary_key.columns)


def _references(column: Column[Any]) -> Column[Any] | None:
    return next((fk.column for fk in column.foreign_keys), None)


def row_name(table: Table, row: dict[str, Any]) -> str:
    """The row as a seal names it (storage/sealed.py): its key's values joined by '/'."""
    return "/".join(str(row[c.name]) for c in _pk(table))


def rows(conn: Connection, table: Table) -> list[dict[str, Any]]:
    query = select(table).order_by(*_pk(table))
    return [dict(r) for r in conn.execute(query).mappings()]


def changed(column: Column[Any], value: object) -> object:
    """Another value of the same type: what an edit behind the software's back writes."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if isinstance(value, Decimal):
        return value * 2 if value else Decimal(1)
    if isinstance(value, datetime | date):
        return value + timedelta(days=1)
    text = str(value)
    limit = getattr(column.type, "length", None)
    if limit is None or len(text) < limit:
        return text + "x"
    return text[:-1] + ("y" if text[-1] == "x" else "x")


def edit(conn: Connection, table: Table) -> dict[str, Any]:
    """Change one plain column (no key, no reference) of the table's first row."""
    row = rows(conn, table)[0]
    plain = [c for c in table.columns
             if not c.primary_key and not c.foreign_keys and row[c.name] is not None]  # fmt: skip
    column = plain[0]
    where = [c == row[c.name] for c in _pk(table)]
    conn.execute(
        sql_update(table).where(*where).values({column.name: changed(column, row[column.name])})
    )
    return row


def forge(conn: Connection, table: Table) -> dict[str, Any] | None:
    """Insert a copy of the first row under a new key (and new unique values), or None if
    the table's keys leave no room (every key column is a reference, every pair taken)."""
    existing = rows(conn, table)
    forged = dict(existing[0])
    for identity in _identities(table):
        taken = {tuple(r[c.name] for c in identity) for r in existing}
        if tuple(forged[c.name] for c in identity) not in taken:
            continue
        found = _free(conn, identity, forged, taken)
        if found is None:
            return None
        forged = found
    conn.execute(insert(table).values(forged))
    return forged


def _identities(table: Table) -> list[list[Column[Any]]]:
    unique = [list(c.columns) for c in table.constraints if isinstance(c, UniqueConstraint)]
    single = [[c] for c in table.columns if c.unique]
    return [_pk(table), *unique, *single]


def _free(
    conn: Connection, identity: list[Column[Any]], row: dict[str, Any], taken: set[tuple[Any, ...]]
) -> dict[str, Any] | None:
    for column in identity:
        for candidate in _candidates(conn, column, row[column.name]):
            trial = row | {column.name: candidate}
            if tuple(trial[c.name] for c in identity) not in taken:
                return trial
    return None


def _candidates(conn: Connection, column: Column[Any], value: object) -> list[object]:
    referenced = _references(column)
    if referenced is not None:
        return list(conn.execute(select(referenced).distinct()).scalars())
    if isinstance(value, int) and not isinstance(value, bool):
        return [(conn.execute(select(func.max(column))).scalar() or 0) + 1000]
    if isinstance(value, str) and len(value) >= 7 and value[4] == "-" and value[:4].isdigit():
        return ["2099-01" + value[7:]]  # a month
    return [changed(column, value), changed(column, changed(column, value))]


def remove(conn: Connection, table: Table) -> dict[str, Any] | None:
    """Delete the first row no other row refers to; None if every row is referred to."""
    for row in rows(conn, table):
        if not _referred_to(conn, table, row):
            conn.execute(delete(table).where(*[c == row[c.name] for c in _pk(table)]))
            return row
    return None


def _referred_to(conn: Connection, table: Table, row: dict[str, Any]) -> bool:
    """Does a row of any table hold a reference to `row`? (A savepoint to try the delete
    would commit on SQLite's driver, which opens no transaction for it.)"""
    for other in table.metadata.tables.values():
        for column in other.columns:
            for fk in column.foreign_keys:
                if fk.column.table is table:
                    query = select(func.count()).where(column == row[fk.column.name])
                    if conn.execute(query).scalar_one():
                        return True
    return False
