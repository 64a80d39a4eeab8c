"""Which rows a transaction wrote, noted by the storage modules for the audit record.

The audit record of a change carries digests of the rows it wrote (services/audit.py), so
that `audit verify` can tell an entry written by the software from one edited or inserted
behind its back. The ids are noted here and the record reads the rows back, unless the
writer noted their digests as well (a large batch: `note_digests`).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection

_WRITTEN = "synergies.audit.written"  # conn.info key
_DIGESTS = "synergies.audit.digests"


def note_written(conn: Connection, table: str, ids: Iterable[int]) -> None:
    """Remember, for the next audit record of this transaction, which rows were written.

    conn.info outlives the transaction (it follows the pooled DBAPI connection), so the note
    names its transaction and a stale one is dropped.
    """
    transaction = conn.get_transaction()
    noted = conn.info.get(_WRITTEN)
    if noted is None or noted[0] is not transaction:
        noted = (transaction, {})
        conn.info[_WRITTEN] = noted
    by_table: dict[str, list[int]] = noted[1]
    by_table.setdefault(table, []).extend(ids)


def take_written(conn: Connection) -> dict[str, list[int]]:
    """The rows written in this transaction since the last call, by table."""
    noted = conn.info.pop(_WRITTEN, None)
    if noted is None or noted[0] is not conn.get_transaction():
        return {}
    return {table: ids for table, ids in noted[1].items() if ids}


def note_digests(conn: Connection, digests: dict[int, str]) -> None:
    """The digests of ledger rows just written, worked out from their stored form
    (ledger_rows.as_stored), so that the audit record need not read them back."""
    transaction = conn.get_transaction()
    noted = conn.info.get(_DIGESTS)
    if noted is None or noted[0] is not transaction:
        noted = (transaction, {})
        conn.info[_DIGESTS] = noted
    kept: dict[int, str] = noted[1]
    kept.update(digests)


def take_digests(conn: Connection) -> dict[int, str]:
    noted = conn.info.pop(_DIGESTS, None)
    if noted is None or noted[0] is not conn.get_transaction():
        return {}
    found: dict[int, str] = noted[1]
    return found
