"""Which rows a transaction wrote, noted by the storage modules for the audit record.

The audit record of a change carries digests of the rows it wrote (services/audit.py), so
that `audit verify` can tell an entry written by the software from one edited or inserted
behind its back. Only the ids are noted here; the record reads the rows back.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection

_WRITTEN = "synergies.audit.written"  # conn.info key


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
