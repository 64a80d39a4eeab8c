"""How a ledger row of a workbook names its entry in the store, so that importing the same
row twice counts it once and a changed row corrects the entry it names.

A row's ref is the tracker's own reference, kept from import to import. An entry the store
holds from a workbook keeps it in its import key, `workbook:REF:DIGEST`, where DIGEST is of
the row's content (a row for the alliance is split, and each part keeps `REF/PARTNER`); any
other entry is exported with the ref `L<id>`, which an import of that
export finds again by its id.
"""

from __future__ import annotations

import hashlib
import re

PREFIX = "workbook:"
NATIVE = re.compile(r"^L([1-9][0-9]{0,17})$")


def import_key(ref: str, digest: str) -> str:
    return f"{PREFIX}{ref}:{digest}"


def part_ref(ref: str, partner: str) -> str:
    """The ref of one partner's part of a row for the whole alliance, which the import
    splits: `REF/RENAULT`. An export writes each part as its own row under this ref."""
    return f"{ref}/{partner}"


def ref_of(entry_id: int, key: str | None) -> str:
    """The ref an export writes for an entry (its import key's, else `L<id>`)."""
    if key and key.startswith(PREFIX):
        return key[len(PREFIX) :].rsplit(":", 1)[0]
    return f"L{entry_id}"


def native_id(ref: str) -> int | None:
    """The entry id an `L<id>` ref names (an export of entries not from a workbook)."""
    found = NATIVE.match(ref)
    return int(found.group(1)) if found else None


def content_digest(*fields: object) -> str:
    """A digest of a row's content in canonical text: the same row gives the same digest."""
    text = "\x1f".join("" if f is None else str(f) for f in fields)
    return hashlib.sha256(text.encode()).hexdigest()[:24]
