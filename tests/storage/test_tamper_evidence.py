"""Tamper evidence: edits made to the store behind the software's back are reported by
`audit verify`, on every backend, even when the audit trail is re-chained to hide them."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Connection, delete, insert, select, update

from synergies.domain.calendar import Month
from synergies.domain.errors import NotFound
from synergies.domain.initiatives import Category
from synergies.domain.ledger import EntrySource, LedgerEntry
from synergies.domain.money import Money
from synergies.services import audit_key, audit_trail, ledger
from synergies.services.audit import _body, _digest
from synergies.services.context import Context
from synergies.storage import tables as t
from synergies.storage.audit_rows import AuditRecord

A, L, H = t.audit_log, t.ledger_entries, t.audit_head
Signer = Callable[[str, AuditRecord], str]


def _entry(amount: str = "1000") -> LedgerEntry:
    return LedgerEntry(
        partner="RENAULT", period=Month(2016, 3), amount=Money(Decimal(amount), "EUR"),
        category=Category.cost_reduction, source=EntrySource.entered, author="p.lead",
        recorded_at=datetime(2016, 4, 2, 9, 30, tzinfo=UTC), initiative_id="PUR-001",
    )  # fmt: skip


def _problems(ctx: Context, against: str | None = None) -> list[tuple[str, str]]:
    return [(p.subject, p.problem) for p in audit_trail.verification(ctx, against).problems]


def _unkeyed(prev: str, r: AuditRecord) -> str:
    """The public, unkeyed digest: what anyone can compute."""
    at = r.at.isoformat()
    return _digest(prev, r.seq, at, r.actor, r.action, r.subject, r.before, r.after)


def _rechain(conn: Connection, sign: Signer, *, strip_keys: bool = False) -> None:
    """Recompute every record's hash and link as an attacker would, and the head's."""
    prev = "0" * 64
    for row in conn.execute(select(A).order_by(A.c.seq)).mappings().all():
        record = AuditRecord(**dict(row))
        if strip_keys:
            record = AuditRecord(*[getattr(record, f) for f in AuditRecord.__slots__][:9])
        digest = sign(prev, record)
        conn.execute(update(A).where(A.c.seq == record.seq).values(
            prev_hash=prev, hash=digest, key_id=record.key_id, written=record.written
        ))  # fmt: skip
        prev = digest
    conn.execute(update(H).values(hash=prev))


def test_a_clean_store_verifies_intact_and_keyed(example_ctx: Context) -> None:
    found = audit_trail.verification(example_ctx)
    assert found.intact, found.problems
    assert found.keyed_records == found.records > 50
    assert found.ledger_entries_checked == len(ledger.entries(example_ctx)) > 100


def test_an_edited_ledger_amount_is_reported_with_its_id_and_field(example_ctx: Context) -> None:
    added = ledger.add(example_ctx, _entry("1000"))
    with example_ctx.store.transaction() as conn:
        conn.execute(update(L).where(L.c.id == added.id).values(amount=Decimal("1000000")))
    [(subject, problem)] = _problems(example_ctx)
    assert subject == f"ledger/{added.id}"
    assert "amount.amount: recorded 1000, now 1000000.0000" in problem


def test_an_edited_imported_entry_is_reported(example_ctx: Context) -> None:
    first = ledger.entries(example_ctx)[0]
    with example_ctx.store.transaction() as conn:
        conn.execute(update(L).where(L.c.id == first.id).values(partner="NISSAN"))
    [(subject, problem)] = _problems(example_ctx)
    assert subject == f"ledger/{first.id}" and "differs from what record" in problem


def test_a_deleted_ledger_entry_is_reported(example_ctx: Context) -> None:
    victim = ledger.entries(example_ctx)[3]
    with example_ctx.store.transaction() as conn:
        conn.execute(delete(L).where(L.c.id == victim.id))
    [(subject, problem)] = _problems(example_ctx)
    assert subject == f"ledger/{victim.id}" and "is gone (deleted)" in problem


def test_an_entry_inserted_behind_the_softwares_back_is_reported(example_ctx: Context) -> None:
    with example_ctx.store.transaction() as conn:
        conn.execute(insert(L).values(
            partner="RENAULT", period="2016-03", amount=Decimal("5000000"), currency="EUR",
            category="cost reduction", source="entered", author="mallory",
            recorded_at=datetime.now(UTC), illustrative=False, reason="",
        ))  # fmt: skip
        new_id = conn.execute(select(L.c.id).order_by(L.c.id.desc())).scalars().first()
    assert _problems(example_ctx) == [
        (f"ledger/{new_id}", "has no audit record: written behind the software's back")
    ]
    ledger.add(example_ctx, _entry())  # a later legitimate write does not adopt it
    assert (f"ledger/{new_id}", "has no audit record: written behind the software's back") in (
        _problems(example_ctx)
    )


def test_every_problem_is_reported_not_only_the_first(example_ctx: Context) -> None:
    ids = [e.id for e in ledger.entries(example_ctx)[:3]]
    with example_ctx.store.transaction() as conn:
        conn.execute(update(L).where(L.c.id == ids[0]).values(amount=Decimal(1)))
        conn.execute(update(L).where(L.c.id == ids[1]).values(period="2015-01"))
        conn.execute(delete(L).where(L.c.id == ids[2]))
        conn.execute(
            update(t.initiatives).where(t.initiatives.c.id == "PUR-003").values(stage="L5")
        )
    subjects = [subject for subject, _ in _problems(example_ctx)]
    assert subjects == [f"ledger/{i}" for i in ids] + ["initiative/PUR-003"]


def test_an_initiative_edited_in_the_store_is_reported(example_ctx: Context) -> None:
    with example_ctx.store.transaction() as conn:
        conn.execute(update(t.initiatives).where(t.initiatives.c.id == "PUR-003")
                     .values(run_rate=Decimal("99999999")))  # fmt: skip
    [(subject, problem)] = _problems(example_ctx)
    assert subject == "initiative/PUR-003" and "forecast.run_rate.amount" in problem


def test_an_audit_record_edited_and_rechained_with_the_public_digest_is_reported(
    example_ctx: Context,
) -> None:
    with example_ctx.store.transaction() as conn:
        conn.execute(update(A).where(A.c.seq == 5).values(actor="mallory"))
        _rechain(conn, _unkeyed)
        records = conn.execute(select(A.c.seq)).scalars().all()
    problems = _problems(example_ctx)
    # Every keyed record's HMAC now fails: the digest anyone can compute is not the key's.
    assert [p for _, p in problems] == ["content does not match its hash (edited)"] * len(records)


def test_a_trail_rechained_unkeyed_is_reported(example_ctx: Context) -> None:
    with example_ctx.store.transaction() as conn:
        conn.execute(update(A).where(A.c.seq == 5).values(actor="mallory"))
        _rechain(conn, _unkeyed, strip_keys=True)
    problems = _problems(example_ctx)
    assert ("audit", "not keyed, though every record from 1 is: re-chained without the key") in (
        problems
    )
    # The ledger entries lost the records that wrote them.
    assert any(s.startswith("ledger/") and "no audit record" in p for s, p in problems)


def test_a_checkpoint_catches_a_rewrite_by_someone_holding_the_key(example_ctx: Context) -> None:
    checkpoint = audit_trail.checkpoint(example_ctx).text()
    assert _problems(example_ctx, checkpoint) == []
    keyring = audit_key.load()
    assert keyring is not None

    def resign(prev: str, r: AuditRecord) -> str:
        return keyring.sign(r.key_id or "", _body(prev, r)) or ""

    with example_ctx.store.transaction() as conn:
        conn.execute(update(A).where(A.c.seq == 5).values(actor="mallory"))
        _rechain(conn, resign)
    assert _problems(example_ctx) == []  # with both the store and the key, history is theirs
    [(subject, problem)] = _problems(example_ctx, checkpoint)  # unless a checkpoint is out
    assert subject == "checkpoint" and "history before it was rewritten" in problem


def test_a_forged_checkpoint_is_refused(example_ctx: Context) -> None:
    genuine = audit_trail.checkpoint(example_ctx)
    forged = genuine.text().replace(f'"seq": {genuine.seq}', f'"seq": {genuine.seq - 1}')
    [(subject, problem)] = _problems(example_ctx, forged)
    assert subject == "checkpoint" and "not genuine" in problem


@pytest.fixture
def own_key_file(audit_key_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the session's key file that this test may rotate or lose."""
    copy = tmp_path / "keys" / "audit-keys.json"
    copy.parent.mkdir()
    shutil.copyfile(audit_key_file, copy)
    monkeypatch.setenv(audit_key.ENV_VAR, str(copy))
    return copy


def test_records_signed_before_a_rotation_still_verify(
    example_ctx: Context, own_key_file: Path
) -> None:
    old = audit_key.load(own_key_file)
    new, previous = audit_trail.rotate_key(example_ctx)
    ledger.add(example_ctx, _entry())
    assert previous == old.current if old else False
    found = audit_trail.verification(example_ctx)
    assert found.intact, found.problems
    keys = {r.key_id for r in audit_trail.records(example_ctx)}
    assert keys == {previous, new}
    assert own_key_file.stat().st_mode & 0o777 == 0o600


def test_a_missing_key_file_is_a_clear_error(
    example_ctx: Context, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    nowhere = tmp_path / "lost" / "audit-keys.json"
    monkeypatch.setenv(audit_key.ENV_VAR, str(nowhere))
    with pytest.raises(NotFound) as error:
        audit_trail.verification(example_ctx)
    assert str(nowhere) in error.value.message
    assert error.value.fix and "backup" in error.value.fix and audit_key.ENV_VAR in error.value.fix
    before = len(ledger.entries(example_ctx))
    with pytest.raises(NotFound, match="no audit key file"):  # and nothing is written
        ledger.add(example_ctx, _entry())
    assert len(ledger.entries(example_ctx)) == before and not nowhere.exists()


def test_a_key_file_without_the_stores_key_refuses_to_write(
    example_ctx: Context, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = tmp_path / "other-keys.json"
    audit_key.load_or_create(other)
    monkeypatch.setenv(audit_key.ENV_VAR, str(other))
    newest = audit_trail.records(example_ctx)[-1].key_id
    with pytest.raises(NotFound, match=f"audit key {newest} is not in"):
        ledger.add(example_ctx, _entry())


def _make_unkeyed(conn: Connection) -> None:
    """Turn the store into one written before keying (as an older release left it)."""
    conn.execute(update(A).values(key_id=None, written=None))
    _rechain(conn, _unkeyed)
    conn.execute(update(H).values(keyed_from=None))


def test_an_older_unkeyed_store_verifies_and_is_sealed_by_its_next_write(
    example_ctx: Context,
) -> None:
    with example_ctx.store.transaction() as conn:
        _make_unkeyed(conn)
    before = audit_trail.verification(example_ctx)
    assert before.intact and before.keyed_records == 0
    assert before.ledger_entries_unchecked == len(ledger.entries(example_ctx))
    added = ledger.add(example_ctx, _entry())
    records = audit_trail.records(example_ctx)
    seal, last = records[-2:]
    assert (seal.action, seal.key_id is not None, last.key_id is not None) == (
        "audit.keyed",
        True,
        True,
    )
    after = audit_trail.verification(example_ctx)
    assert after.intact, after.problems
    assert after.ledger_entries_checked == len(ledger.entries(example_ctx))
    assert after.ledger_entries_unchecked == 0 and added.id is not None


def test_an_unkeyed_record_rewritten_after_the_seal_is_reported(example_ctx: Context) -> None:
    with example_ctx.store.transaction() as conn:
        _make_unkeyed(conn)
    ledger.add(example_ctx, _entry())
    seal = next(r for r in audit_trail.records(example_ctx) if r.action == "audit.keyed")

    def unkeyed_before_the_seal(prev: str, r: AuditRecord) -> str:
        return _unkeyed(prev, r) if r.seq < seal.seq else r.hash

    with example_ctx.store.transaction() as conn:
        conn.execute(update(A).where(A.c.seq == 2).values(actor="mallory"))
        _rechain(conn, unkeyed_before_the_seal)
    assert ("audit", "content does not match its hash (edited)") in _problems(example_ctx)


def test_a_partner_currency_or_a_stake_edited_in_the_store_is_reported(
    example_ctx: Context,
) -> None:
    partners, holdings = t.partners, t.shareholdings
    with example_ctx.store.transaction() as conn:
        conn.execute(
            update(partners).where(partners.c.code == "NISSAN").values(home_currency="USD")
        )
        conn.execute(update(holdings).where(holdings.c.holder == "RENAULT").values(percent="50"))
    subjects = {subject for subject, _ in _problems(example_ctx)}
    assert {"partner/NISSAN", "shareholding/RENAULT/NISSAN"} <= subjects
