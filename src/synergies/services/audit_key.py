"""The audit key: the secret that signs the audit chain, kept OUTSIDE the store.

Someone who can write to the database but cannot read this file cannot re-chain the audit
trail after an edit: every record's hash is an HMAC-SHA256 under a key named by the record.

The key file is named by $SYNERGIES_AUDIT_KEY_FILE, else it is `audit-keys.json` in the
user's configuration folder. It is created (mode 0600) on the first write to a store and
holds every key ever used, so that records signed before a rotation still verify:
    {"current": "<id>", "keys": {"<id>": {"secret": "<64 hex>", "created": "<iso time>"}}}
Back it up with the store's backups, but never inside the store or next to its dumps.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import secrets
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from platformdirs import user_config_path

from synergies.domain.errors import InvalidInput, NotFound

ENV_VAR = "SYNERGIES_AUDIT_KEY_FILE"
FILE_NAME = "audit-keys.json"


def key_file() -> Path:
    """Where the key file is: $SYNERGIES_AUDIT_KEY_FILE, else the user's config folder."""
    named = os.environ.get(ENV_VAR)
    return Path(named) if named else user_config_path("synergies") / FILE_NAME


@dataclass(frozen=True, slots=True)
class Keyring:
    """Every audit key by id, and the one that signs new records."""

    path: Path
    current: str
    secrets: dict[str, bytes]

    def sign(self, key_id: str, body: bytes) -> str | None:
        """HMAC-SHA256 of `body` under key `key_id`; None if this keyring lacks that key."""
        secret = self.secrets.get(key_id)
        return None if secret is None else hmac.new(secret, body, hashlib.sha256).hexdigest()


def missing(path: Path, key_id: str | None = None) -> NotFound:
    """The error for a key that is not where we looked, with where and what to do."""
    what = f"audit key {key_id} is not in {path}" if key_id else f"no audit key file at {path}"
    return NotFound(
        f"{what}: the audit trail was signed with it and cannot be verified or extended without it",
        field="audit_key",
        fix=f"restore the key file from its backup to {path}, or point ${ENV_VAR} at it",
    )


# The last keyring read from each file, by the file's identity and change time: every audit
# write needs it, and reading and parsing the file each time is I/O on the write path.
_read: dict[Path, tuple[tuple[int, int, int], Keyring]] = {}


def load(path: Path | None = None) -> Keyring | None:
    """The keyring in the key file, or None if there is no key file."""
    path = path or key_file()
    try:
        status = path.stat()
        stamp = (status.st_ino, status.st_mtime_ns, status.st_size)
        kept = _read.get(path)
        if kept is not None and kept[0] == stamp:
            return kept[1]
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise InvalidInput(f"cannot read the audit key file {path}: {exc}", field="audit_key",
                           fix="make it readable by this user only (chmod 600)") from None  # fmt: skip
    keyring = _parse(path, text)
    _read[path] = (stamp, keyring)
    return keyring


def _parse(path: Path, text: str) -> Keyring:
    try:
        document = json.loads(text)
        keys = {k: bytes.fromhex(v["secret"]) for k, v in document["keys"].items()}
        current = document["current"]
    except (ValueError, KeyError, TypeError, AttributeError):
        raise InvalidInput(f"the audit key file {path} is damaged", field="audit_key",
                           fix="restore it from its backup") from None  # fmt: skip
    if current not in keys:
        raise InvalidInput(f"the audit key file {path} names no current key", field="audit_key",
                           fix="restore it from its backup")  # fmt: skip
    return Keyring(path, current, keys)


def load_or_create(path: Path | None = None) -> Keyring:
    """The keyring; a new one with one fresh key if there is no key file yet."""
    path = path or key_file()
    found = load(path)
    if found is not None:
        return found
    _write(path, _with_new_key({"keys": {}}), replace=False)
    # Another process may have created it at the same moment: what is on disk is the truth.
    created = load(path)
    if created is None:
        raise missing(path)
    return created


def rotate(path: Path | None = None) -> tuple[Keyring, str | None]:
    """Add a fresh key and make it current, keeping the old ones; (keyring, previous id)."""
    path = path or key_file()
    old = load(path)  # refuses a damaged file rather than overwrite the keys it holds
    document = {"keys": {}} if old is None else json.loads(path.read_text(encoding="utf-8"))
    _write(path, _with_new_key(document), replace=True)
    rotated = load(path)
    if rotated is None:
        raise missing(path)
    return rotated, None if old is None else old.current


def _with_new_key(document: dict[str, object]) -> dict[str, object]:
    keys = dict(document["keys"])  # type: ignore[call-overload]
    key_id = f"{datetime.now(UTC).strftime('%Y%m%d')}-{secrets.token_hex(4)}"
    keys[key_id] = {"secret": secrets.token_hex(32), "created": datetime.now(UTC).isoformat()}
    return {"current": key_id, "keys": keys}


def _write(path: Path, document: dict[str, object], *, replace: bool) -> None:
    """Write the key file readable by its owner only; never leave it half written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=".audit-keys-", dir=path.parent)  # mode 0600
    temporary = Path(name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(document, out, indent=2, sort_keys=True)
            out.write("\n")
        if replace:
            temporary.replace(path)
        else:
            with contextlib.suppress(FileExistsError):  # another process created it first
                path.hardlink_to(temporary)
    finally:
        temporary.unlink(missing_ok=True)
