"""The audit trail's fast paths agree with the plain ones: a batch of records verifies like
records appended one by one, and the explicit ledger digest is the generic one."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import text

from synergies.domain.allocation import AllocationMethod, AllocationRule
from synergies.domain.calendar import Month
from synergies.domain.errors import GateRefused, NotFound
from synergies.domain.initiatives import Category, Initiative, PlanFigures, Stage
from synergies.domain.ledger import EntrySource, LedgerEntry
from synergies.domain.money import Money
from synergies.services import audit, audit_trail, imports, initiatives, ledger
from synergies.services.context import Context
from synergies.storage import audit_rows
from tests.workbooks.workbook_files import tracker


def _new(initiative_id: str) -> Initiative:
    return Initiative(
        id=initiative_id, name=f"Batch {initiative_id}", function="purchasing", owner="D. Girard",
        category=Category.cost_reduction,
        allocation=AllocationRule(AllocationMethod.fixed, (("RENAULT", Decimal(60)),
                                                           ("NISSAN", Decimal(40)))),
        forecast=PlanFigures(Money.of("1000000", "EUR"), Money.of("0", "EUR"), Month(2016, 4)),
    )  # fmt: skip


words = st.text(max_size=20)
optional = st.none() | words
entries = st.builds(
    LedgerEntry,
    partner=words, period=st.builds(Month, st.integers(1990, 2090), st.integers(1, 12)),
    amount=st.builds(Money, st.decimals(-10**9, 10**9, places=4, allow_nan=False),
                     st.sampled_from(["EUR", "JPY", "USD"])),
    category=st.sampled_from(list(Category)), source=st.sampled_from(list(EntrySource)),
    author=words, recorded_at=st.datetimes(timezones=st.just(UTC)),
    initiative_id=optional, function=optional, reverses=st.none() | st.integers(1, 10**9),
    reason=words, illustrative=st.booleans(), lineage=optional,
    id=st.none() | st.integers(1, 10**9),
)  # fmt: skip


@given(entries, st.integers(1, 10**9), st.decimals(-10**9, 10**9, places=4, allow_nan=False),
       st.datetimes(timezones=st.just(UTC)))  # fmt: skip
def test_the_explicit_ledger_digest_is_the_generic_one(
    entry: LedgerEntry, entry_id: int, amount: Decimal, at: datetime
) -> None:
    assert audit.ledger_digest(entry) == audit.ledger_digest_generic(entry)
    stored = replace(entry, id=entry_id, amount=Money(amount, entry.amount.currency),
                     recorded_at=at)  # fmt: skip
    assert audit.ledger_digest(
        entry, id=entry_id, amount=amount, recorded_at=at
    ) == audit.ledger_digest_generic(stored)


def test_a_batch_of_new_initiatives_is_audited_one_record_each_and_verifies(
    example_ctx: Context,
) -> None:
    made = [_new(f"BATCH-{n}") for n in range(5)]
    with example_ctx.reading() as conn:
        before = audit_rows.head(conn)
    initiatives.create_many(example_ctx, made)
    moved, refused = initiatives.advance_many(example_ctx, [(i.id, Stage.L1) for i in made])
    assert not refused and {i.stage for i in moved} == {Stage.L1}
    assert initiatives.get(example_ctx, "BATCH-3").stage is Stage.L1
    with example_ctx.reading() as conn:
        after = audit_rows.head(conn)
        records = audit_rows.records(conn, "initiative/BATCH-")
    assert before is not None and after is not None and after.seq == before.seq + 10
    assert [(r.action, r.subject) for r in records] == [
        *(("initiative.create", f"initiative/BATCH-{n}") for n in range(5)),
        *(("initiative.advance", f"initiative/BATCH-{n}") for n in range(5)),
    ]
    problems, _ = audit_trail.verify(example_ctx)
    assert problems == []


def test_a_gate_that_holds_leaves_that_initiative_where_it_is(example_ctx: Context) -> None:
    bare = replace(_new("BATCH-BARE"), forecast=None)  # no business case: L2's gate holds
    initiatives.create_many(example_ctx, [_new("BATCH-OK"), bare])
    initiatives.advance_many(example_ctx, [("BATCH-OK", Stage.L1), ("BATCH-BARE", Stage.L1)])
    moved, refused = initiatives.advance_many(
        example_ctx, [("BATCH-OK", Stage.L2), ("BATCH-BARE", Stage.L2)]
    )
    assert [i.id for i in moved] == ["BATCH-OK"]
    assert isinstance(refused["BATCH-BARE"], GateRefused) and set(refused) == {"BATCH-BARE"}
    assert initiatives.get(example_ctx, "BATCH-BARE").stage is Stage.L1


def test_a_refused_batch_writes_nothing(example_ctx: Context) -> None:
    unknown = replace(_new("BATCH-X"), function="astrology")
    with example_ctx.reading() as conn:
        before = audit_rows.head(conn)
    with pytest.raises(NotFound, match="astrology"):
        initiatives.create_many(example_ctx, [_new("BATCH-Y"), unknown])
    with example_ctx.reading() as conn:
        assert audit_rows.head(conn) == before
    with pytest.raises(NotFound):
        initiatives.get(example_ctx, "BATCH-Y")


def test_a_large_import_verifies_with_digests_worked_out_in_memory(
    example_ctx: Context, tmp_path: Path
) -> None:
    """Above LARGE_BATCH entries the audit record's digests come from the entries' stored
    form, not from reading them back: `audit verify` must find them equal to the rows."""
    amounts = [2500.5, 10, 0.1234, 1234567.89, 3]
    rows = [[f"BIG-{n}", ("RENAULT", "NISSAN")[n % 2], f"2016-{1 + n % 12:02d}",
             amounts[n % len(amounts)], "EUR", "cost reduction", "PUR-001", None, "bulk"]
            for n in range(ledger.LARGE_BATCH + 200)]  # fmt: skip
    outcome = imports.import_workbook(example_ctx, tracker(tmp_path / "big.xlsx", ledger=rows))
    assert outcome.rows()[-1]["added"] == len(rows)
    problems, _ = audit_trail.verify(example_ctx)
    assert problems == []
    with example_ctx.transaction() as conn:  # an edit behind the software's back is caught
        conn.execute(text("UPDATE ledger_entries SET amount = amount + 1 WHERE id = "
                          "(SELECT max(id) FROM ledger_entries)"))  # fmt: skip
    problems, _ = audit_trail.verify(example_ctx)
    assert any("ledger/" in p.subject for p in problems)
