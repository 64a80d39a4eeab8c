"""The store on SQLite and PostgreSQL: schema, exact amounts, atomic writes, idempotent loads."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import create_engine, func, insert, select, update
from sqlalchemy.exc import StatementError

from synergies.domain.calendar import Month
from synergies.domain.errors import Conflict, NotFound
from synergies.domain.initiatives import PlanFigures
from synergies.domain.ledger import EntrySource
from synergies.domain.money import Money
from synergies.services import audit_trail, initiatives, ledger, structure
from synergies.services.context import Context
from synergies.services.example import load_example
from synergies.services.security import local_operator
from synergies.storage import engine as engines
from synergies.storage import tables as t
from synergies.storage.store import Store


def test_init_creates_the_newest_schema(store: Store) -> None:
    assert engines.current_revision(store.engine) == engines.head_revision(store.engine)


def test_init_refuses_a_store_that_has_tables(store_url: str) -> None:
    with pytest.raises(Conflict, match="already holds tables"):
        Store.create(store_url)


def test_opening_a_store_that_was_never_created_says_how_to_create_it(tmp_path) -> None:
    with pytest.raises(NotFound) as error:
        Store.open(f"sqlite:///{tmp_path}/absent.db")
    assert "synergies init" in (error.value.fix or "")


def test_the_example_loads_and_each_year_sums_to_the_published_figure(example_ctx: Context) -> None:
    year = func.substr(t.ledger_entries.c.period, 1, 4).label("year")
    with example_ctx.reading() as conn:
        rows = conn.execute(
            select(year, func.sum(t.ledger_entries.c.amount))
            .where(t.ledger_entries.c.source == EntrySource.published.value)
            .group_by(year)
        ).all()
    # Amounts are stored as exact 1/10,000 units, so SQL sums are exact on both backends.
    totals = {year: Decimal(total) for year, total in rows}
    assert totals["2015"] == Decimal("4300000000")
    assert totals["2012"] == Decimal("2690000000")
    assert len(totals) == 9


def test_loading_the_example_twice_adds_nothing(example_ctx: Context) -> None:
    before = len(ledger.entries(example_ctx))
    again = load_example(example_ctx)
    assert again.already_loaded
    assert len(ledger.entries(example_ctx)) == before


def test_a_repeated_import_batch_counts_nothing_twice(example_ctx: Context) -> None:
    entries = ledger.entries(example_ctx)[:3]
    fresh = [e.__class__(**{**_fields(e), "id": None}) for e in entries]
    keys = ["batch-1:a", "batch-1:b", "batch-1:c"]
    first = ledger.add_many(example_ctx, fresh, keys, "test batch")
    second = ledger.add_many(example_ctx, fresh, keys, "test batch")
    assert (first.added, first.already_there) == (3, 0)
    assert (second.added, second.already_there) == (0, 3)


def test_a_crash_mid_write_leaves_the_store_as_it_was(example_ctx: Context) -> None:
    before = len(ledger.entries(example_ctx))
    entries = ledger.entries(example_ctx)[:2]
    with pytest.raises(RuntimeError), example_ctx.transaction():
        ledger.add_many(example_ctx, [e.__class__(**{**_fields(e), "id": None}) for e in entries],
                        ["crash:1", "crash:2"], "crash test")  # fmt: skip
        raise RuntimeError("power cut")
    assert len(ledger.entries(example_ctx)) == before


def test_a_bad_entry_in_a_batch_writes_none_of_it(example_ctx: Context) -> None:
    before = len(ledger.entries(example_ctx))
    (good,) = ledger.entries(example_ctx)[:1]
    bad = good.__class__(**{**_fields(good), "id": None, "partner": "PEUGEOT"})
    with pytest.raises(NotFound, match="unknown partner 'PEUGEOT'"):
        ledger.add_many(example_ctx, [good.__class__(**{**_fields(good), "id": None}), bad],
                        ["all-or-nothing:1", "all-or-nothing:2"], "bad batch")  # fmt: skip
    assert len(ledger.entries(example_ctx)) == before


def test_a_reversal_is_stored_and_nets_the_entry_to_zero(example_ctx: Context) -> None:
    original = ledger.entries(example_ctx)[0]
    reversal = ledger.reverse(example_ctx, original.id or 0, "double entry")
    pair = [e for e in ledger.entries(example_ctx) if e.id in (original.id, reversal.id)]
    assert sum(e.amount.amount for e in pair) == 0
    with pytest.raises(Conflict, match="already reversed"):
        ledger.reverse(example_ctx, original.id or 0, "again")


def test_holdings_over_100_percent_are_refused_and_nothing_written(example_ctx: Context) -> None:
    from synergies.domain.ownership import Shareholding

    with pytest.raises(Conflict, match="add up to"):
        structure.add_shareholding(example_ctx, Shareholding("MITSUBISHI", "NISSAN", Decimal(60)))
    assert len(structure.ownership(example_ctx).holdings) == 9


def test_the_audit_trail_detects_an_edited_record(example_ctx: Context) -> None:
    problems, count = audit_trail.verify(example_ctx)
    assert problems == [] and count > 50
    with example_ctx.store.transaction() as conn:
        conn.execute(update(t.audit_log).where(t.audit_log.c.seq == 5).values(actor="mallory"))
    problems, _ = audit_trail.verify(example_ctx)
    assert [(p.seq, p.problem) for p in problems] == [
        (5, "content does not match its hash (edited)")
    ]


def test_the_audit_trail_detects_a_deleted_record(example_ctx: Context) -> None:
    with example_ctx.store.transaction() as conn:
        conn.execute(t.audit_log.delete().where(t.audit_log.c.seq == 3))
    problems, _ = audit_trail.verify(example_ctx)
    assert any(p.seq == 3 and "missing" in p.problem for p in problems)


def test_the_audit_trail_detects_a_truncated_tail(example_ctx: Context) -> None:
    with example_ctx.store.transaction() as conn:
        last = conn.execute(select(func.max(t.audit_log.c.seq))).scalar_one()
        conn.execute(t.audit_log.delete().where(t.audit_log.c.seq == last))
    problems, _ = audit_trail.verify(example_ctx)
    assert any("newest records were deleted" in p.problem for p in problems)


def test_every_change_is_in_the_audit_trail(example_ctx: Context) -> None:
    original = ledger.entries(example_ctx)[0]
    ledger.reverse(example_ctx, original.id or 0, "audit check")
    newest = audit_trail.records(example_ctx)[-1]
    assert newest.action == "ledger.reverse" and newest.subject == f"ledger/{original.id}"
    assert '"reason": "audit check"' in newest.after


def test_the_audit_trail_shows_a_month_as_it_is_written(example_ctx: Context) -> None:
    figures = PlanFigures(Money.of("1000", "EUR"), Money.of("0", "EUR"), Month(2017, 1))
    initiatives.update_figures(example_ctx, "PUR-003", figures)
    newest = audit_trail.records(example_ctx)[-1]
    assert json.loads(newest.after)["forecast"]["start"] == "2017-01"


# Only PostgreSQL answers in the session's time zone, so only it is asked.
@pytest.mark.parametrize(
    "example_url", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True
)
def test_the_audit_trail_verifies_in_any_session_time_zone(example_url: str) -> None:
    engine = create_engine(example_url, connect_args={"options": "-c timezone=Asia/Tokyo"})
    problems, count = audit_trail.verify(Context(Store(engine), local_operator()))
    engine.dispose()
    assert problems == [] and count > 50


def test_a_stored_time_comes_back_the_same_instant_in_utc(ctx: Context) -> None:
    at = datetime(2016, 4, 1, 9, 30, tzinfo=timezone(timedelta(hours=9)))  # Tokyo
    with ctx.store.transaction() as conn:
        conn.execute(insert(t.login_attempts).values(user="x", at=at, succeeded=True))
    with ctx.store.reading() as conn:
        back = conn.execute(select(t.login_attempts.c.at)).scalar_one()
    assert back == at and back.tzinfo is UTC and back.hour == 0


def test_a_time_without_a_zone_is_refused(ctx: Context) -> None:
    naive = datetime(2016, 4, 1, 9, 30)
    with pytest.raises(StatementError, match="no time zone"), ctx.store.transaction() as conn:
        conn.execute(insert(t.login_attempts).values(user="x", at=naive, succeeded=True))


def test_fx_rates_are_kept_exact(ctx: Context) -> None:
    with ctx.store.transaction() as conn:
        conn.execute(insert(t.fx_rates).values(month="2016-03", currency="JPY",
                                               per_eur=Decimal("127.123456789"), source="t"))  # fmt: skip
    assert structure.fx_table(ctx).rates[next(iter(structure.fx_table(ctx).rates))] == Decimal(
        "127.123456789"
    )


def _fields(entry: object) -> dict[str, object]:
    return {f: getattr(entry, f) for f in entry.__slots__}  # type: ignore[attr-defined]
