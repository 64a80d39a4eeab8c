"""The store's current rows against the audit trail: what was written is what is there.

A keyed chain proves the trail was not rewritten; these checks prove the tables were not
edited behind it. The ledger is checked row by row against the digests each change's record
holds (and field by field where the record holds the entry itself); initiatives, accounts,
partners, shareholdings, targets and locked plans against the newest state their records
give. Every difference is reported, each naming the row.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import TypeVar

from synergies.domain.accounts import User
from synergies.domain.initiatives import Initiative
from synergies.domain.ledger import LedgerEntry
from synergies.domain.ownership import Shareholding
from synergies.domain.partners import Partner
from synergies.domain.plans import LockedPlan
from synergies.domain.targets import Target
from synergies.services.audit import AuditProblem, ledger_digest, snapshot
from synergies.storage.audit_rows import AuditRecord
from synergies.storage.sealed import SEALED, TableSeal

# Records whose `after` is the ledger entry they wrote (its own id inside).
LEDGER_WRITES = frozenset({"ledger.add", "ledger.reverse"})
# Fields of an initiative that are the audited state (the version counter is bookkeeping).
INITIATIVE_FIELDS = ("name", "function", "owner", "category", "allocation", "stage",
                     "side_status", "forecast", "locked_plan", "approval", "signoffs",
                     "agreement", "probability")  # fmt: skip
USER_FIELDS = ("role", "partner", "functions", "active")
PARTNER_FIELDS = ("name", "home_currency", "fiscal_calendar", "member")
HOLDING_FIELDS = ("percent", "voting", "since")
TARGET_FIELDS = ("amount", "note", "illustrative")

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class _Written:
    seq: int
    digest: str | None  # None: the record holds the entry itself but no digest (unkeyed)
    content: Mapping[str, object] | None


@dataclass
class LedgerCheck:
    problems: list[AuditProblem] = field(default_factory=list)
    checked: int = 0
    unchecked: int = 0  # entries from before keying that no record describes fully


def check_ledger(
    records: Iterable[AuditRecord], entries: Iterable[LedgerEntry], *, keyed_from: int | None
) -> LedgerCheck:
    """Each entry against what its record wrote; entries no record wrote; records whose
    entries are gone. Once the store is keyed (`keyed_from`, the head's), an entry must be
    covered by a record's digest or content; only unkeyed imports older than keying may
    vouch for entries by their id range alone."""
    keyed = keyed_from is not None
    older = [r for r in records if not keyed or r.seq < (keyed_from or 0)]
    written, _ = _ledger_trail(list(records))
    _, ranges = _ledger_trail(older)
    result, present = LedgerCheck(), set()
    for entry in entries:
        entry_id = entry.id or 0
        present.add(entry_id)
        found = written.get(entry_id)
        if found is not None:
            result.checked += 1
            result.problems += _compare_entry(entry, found)
        elif any(first <= entry_id <= last for first, last, _ in ranges) or not keyed:
            result.unchecked += 1
        else:
            result.problems.append(AuditProblem(
                0, "has no audit record: written behind the software's back", f"ledger/{entry_id}"
            ))  # fmt: skip
    for entry_id, found in sorted(written.items()):
        if entry_id not in present:
            result.problems.append(AuditProblem(
                found.seq, f"was written by record {found.seq} but is gone (deleted)",
                f"ledger/{entry_id}",
            ))  # fmt: skip
    return result


def _ledger_trail(
    records: list[AuditRecord],
) -> tuple[dict[int, _Written], list[tuple[int, int, int]]]:
    """What the trail says was written: by entry id, and id ranges of unkeyed imports."""
    written: dict[int, _Written] = {}
    ranges: list[tuple[int, int, int]] = []
    for r in records:
        after = _object(r.after)
        if r.action in LEDGER_WRITES and isinstance(after.get("id"), int):
            entry_id = int(after["id"])  # type: ignore[call-overload]
            written[entry_id] = _Written(r.seq, None, after)
        if r.action == "ledger.import" and r.key_id is None and "first_id" in after:
            ranges.append((int(after["first_id"]), int(after["last_id"]), r.seq))  # type: ignore[call-overload]
        for key, digest in _object(r.written).get("ledger", {}).items():  # type: ignore[attr-defined]
            before = written.get(int(key))
            content = before.content if before is not None and before.seq == r.seq else None
            written[int(key)] = _Written(r.seq, str(digest), content)
    return written, ranges


def _compare_entry(entry: LedgerEntry, found: _Written) -> list[AuditProblem]:
    subject = f"ledger/{entry.id}"
    differences = [] if found.content is None else _differences(found.content, _state(entry))
    if found.digest is not None and found.digest != ledger_digest(entry):
        detail = "; ".join(differences) if differences else "its content"
        return [AuditProblem(found.seq, f"differs from what record {found.seq} wrote: {detail}",
                             subject)]  # fmt: skip
    if found.digest is None and differences:
        return [AuditProblem(found.seq, f"differs from what record {found.seq} wrote: "
                             + "; ".join(differences), subject)]  # fmt: skip
    return []


def check_latest_state(
    records: Iterable[AuditRecord],
    current: Iterable[T],
    *,
    subject: Callable[[T], str],
    fields: tuple[str, ...],
) -> list[AuditProblem]:
    """Each current row against the newest full state its records give (a record whose
    `after` holds the first of `fields`: a partial note such as a password change is not a
    state), rows no record created, and recorded rows that are gone. A record may hold the
    state beside notes of what else it did ({"user": ..., "tokens_revoked": [...]})."""
    latest: dict[str, tuple[int, Mapping[str, object]]] = {}
    for r in records:
        state = _full_state(_object(r.after), fields[0])
        if state is not None:
            latest[r.subject] = (r.seq, state)
    problems, seen = [], set()
    for row in current:
        name = subject(row)
        seen.add(name)
        found = latest.get(name)
        if found is None:
            problems.append(AuditProblem(0, "has no audit record: written behind the "
                                            "software's back", name))  # fmt: skip
            continue
        state = _state(row)
        differences = _differences({f: found[1].get(f) for f in fields if f in found[1]},
                                   {f: state.get(f) for f in fields if f in found[1]})  # fmt: skip
        if differences:
            problems.append(AuditProblem(found[0], f"differs from its newest record "
                                         f"({found[0]}): " + "; ".join(differences), name))  # fmt: skip
    for name, (seq, _) in sorted(latest.items()):
        if name not in seen:
            problems.append(AuditProblem(seq, f"recorded by record {seq} but is gone (deleted)",
                                         name))  # fmt: skip
    return problems


def _full_state(after: Mapping[str, object], field: str) -> Mapping[str, object] | None:
    """The state a record's `after` holds: itself, or the one object inside it holding `field`."""
    if field in after:
        return after
    inner = [v for v in after.values() if isinstance(v, Mapping) and field in v]
    return inner[0] if len(inner) == 1 else None


def check_initiatives(
    records: list[AuditRecord], current: Iterable[Initiative]
) -> list[AuditProblem]:
    mine = [r for r in records if r.subject.startswith("initiative/")]
    return check_latest_state(mine, current, subject=lambda i: f"initiative/{i.id}",
                              fields=INITIATIVE_FIELDS)  # fmt: skip


def check_users(records: list[AuditRecord], current: Iterable[User]) -> list[AuditProblem]:
    mine = [r for r in records if r.subject.startswith("user/")]
    return check_latest_state(mine, current, subject=lambda u: f"user/{u.name}",
                              fields=USER_FIELDS)  # fmt: skip


def check_structure(
    records: list[AuditRecord],
    partners: Iterable[Partner],
    holdings: Iterable[Shareholding],
    targets: Iterable[Target],
) -> list[AuditProblem]:
    """Partners, shareholdings and targets: what reports convert, weigh and compare by."""

    def of(prefix: str) -> list[AuditRecord]:
        return [r for r in records if r.subject.startswith(prefix)]

    return (
        check_latest_state(of("partner/"), partners, subject=lambda p: f"partner/{p.code}",
                           fields=PARTNER_FIELDS)
        + check_latest_state(of("shareholding/"), holdings,
                             subject=lambda h: f"shareholding/{h.holder}/{h.held}",
                             fields=HOLDING_FIELDS)
        + check_latest_state(of("target/"), targets,
                             subject=lambda t: f"target/{t.year}/{t.function or 'alliance'}",
                             fields=TARGET_FIELDS)
    )  # fmt: skip


def check_plans(records: list[AuditRecord], current: Iterable[LockedPlan]) -> list[AuditProblem]:
    """A locked plan never changes: who locked it and how many initiatives it holds."""
    locks = {r.subject: r for r in records if r.action == "plan.lock"}
    problems, seen = [], set()
    for plan in current:
        name = f"plan/{plan.name}"
        seen.add(name)
        lock = locks.get(name)
        if lock is None:
            problems.append(AuditProblem(0, "has no audit record: written behind the "
                                            "software's back", name))  # fmt: skip
            continue
        recorded = _object(lock.after).get("initiatives")
        if lock.actor != plan.locked_by or recorded != len(plan.items):
            problems.append(AuditProblem(lock.seq, f"differs from record {lock.seq}: locked by "
                f"{lock.actor} with {recorded} initiatives, now says {plan.locked_by} with "
                f"{len(plan.items)}", name))  # fmt: skip
    for name, lock in sorted(locks.items()):
        if name not in seen:
            problems.append(AuditProblem(lock.seq, f"recorded by record {lock.seq} but is gone "
                                                   "(deleted)", name))  # fmt: skip
    return problems


@dataclass(frozen=True, slots=True)
class TableCheck:
    problems: list[AuditProblem]
    unsealed: list[str]  # tables no record has sealed yet (a store older than sealing)


def newest_seals(records: Iterable[AuditRecord]) -> dict[str, tuple[int, TableSeal]]:
    """The newest seal the trail holds of each table, with the record holding it."""
    found: dict[str, tuple[int, TableSeal]] = {}
    for r in records:
        if r.written is None or '"tables"' not in r.written:
            continue
        tables = _object(r.written).get("tables")
        for name, plain in tables.items() if isinstance(tables, dict) else ():
            seal = TableSeal.of(plain)
            if seal is not None:
                found[name] = (r.seq, seal)
    return found


def check_tables(
    records: Iterable[AuditRecord],
    current: Callable[[str, bool], TableSeal],
    already: Iterable[AuditProblem] = (),
) -> TableCheck:
    """Each sealed table against its newest seal: named row by row where the seal holds row
    digests, else as a table. `current(table, with_rows)` digests a table as it stands.
    A table whose rows the record-by-record checks already name (`already`) is left to them:
    the same edit is reported once."""
    seals = newest_seals(records)
    named = [p.subject for p in already]
    problems, unsealed = [], []
    for sealed in SEALED:
        found = seals.get(sealed.name)
        if found is None:
            unsealed.append(sealed.name)
            continue
        prefix = sealed.checked_as
        if prefix is not None and any(n.startswith(prefix) for n in named):
            continue
        seq, seal = found
        now = current(sealed.name, seal.row_digests is not None)
        if now.sha256 != seal.sha256:
            problems += _table_differences(sealed.name, seq, seal, now)
    return TableCheck(problems, unsealed)


def _table_differences(name: str, seq: int, seal: TableSeal, now: TableSeal) -> list[AuditProblem]:
    then_rows, now_rows = seal.row_digests, now.row_digests
    if then_rows is None or now_rows is None:
        return [
            AuditProblem(
                seq,
                f"differs from its seal in record {seq} ({seal.rows} rows "
                f"sealed, {now.rows} now): edited behind the software's back",
                name,
            )
        ]
    problems = []
    for key in sorted(then_rows.keys() | now_rows.keys()):
        was, is_ = then_rows.get(key), now_rows.get(key)
        if was == is_:
            continue
        problem = (
            f"was sealed by record {seq} but is gone (deleted)"
            if is_ is None
            else f"has no audit record: written behind the software's back (not in "
            f"the seal of record {seq})"
            if was is None
            else f"differs from its seal in record {seq} (edited)"
        )
        problems.append(AuditProblem(seq, problem, f"{name}/{key}"))
    return problems or [AuditProblem(seq, f"differs from its seal in record {seq}", name)]


def _state(value: object) -> dict[str, object]:
    return _object(snapshot(value))


def _object(text: str | None) -> dict[str, object]:
    """A record's JSON object; {} for none or for a value that is not an object."""
    if not text:
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _differences(recorded: Mapping[str, object], now: Mapping[str, object]) -> list[str]:
    """'field: recorded X, now Y' for each leaf that differs (numbers and times by value)."""
    flat_then, flat_now = _flatten(recorded), _flatten(now)
    return [
        f"{name}: recorded {flat_then.get(name)!s}, now {flat_now.get(name)!s}"
        for name in sorted(set(flat_then) | set(flat_now))
        if not _same(flat_then.get(name), flat_now.get(name))
    ]


def _flatten(value: object, prefix: str = "") -> dict[str, object]:
    if isinstance(value, Mapping):
        flat: dict[str, object] = {}
        for key, inner in value.items():
            flat |= _flatten(inner, f"{prefix}{key}.")
        return flat
    if isinstance(value, list):  # sign-offs, weights: a set whose stored order may differ
        value = sorted(value, key=lambda v: json.dumps(v, sort_keys=True))
    return {prefix.rstrip("."): value}


def _same(a: object, b: object) -> bool:
    if a == b:
        return True
    if not (isinstance(a, str) and isinstance(b, str)):
        return False
    numbers, times = (_as_decimal(a), _as_decimal(b)), (_as_time(a), _as_time(b))
    return (None not in numbers and numbers[0] == numbers[1]) or (
        None not in times and times[0] == times[1]
    )


def _as_decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def _as_time(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None
