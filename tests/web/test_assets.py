"""Everything a page loads ships in the package: pinned, checksummed, licence kept, and no
page or script names another host."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import synergies.web

WEB = Path(synergies.web.__file__).parent
VENDOR = WEB / "static" / "vendor"
TEST_VENDOR = Path(__file__).parent / "vendor"
EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["'](?:https?:)?//""", re.IGNORECASE)


def _check(folder: Path) -> None:
    manifest = json.loads((folder / "MANIFEST.json").read_text())
    listed = set()
    for name, entry in manifest.items():
        directory = folder / f"{name}-{entry['version']}"
        assert (directory / "LICENSE").is_file(), f"{name}: its licence must ship with it"
        assert entry["source"].startswith("https://registry.npmjs.org/")
        for file, digest in entry["files"].items():
            path = directory / file
            assert hashlib.sha256(path.read_bytes()).hexdigest() == digest, f"{path} changed"
            listed.add(path)
    on_disk = {p for p in folder.rglob("*") if p.is_file() and p.name != "MANIFEST.json"}
    assert on_disk == listed, f"files not in the manifest: {sorted(on_disk - listed)}"


def test_vendored_files_match_their_recorded_checksums() -> None:
    _check(VENDOR)
    _check(TEST_VENDOR)


def test_no_template_or_script_of_ours_loads_another_host() -> None:
    ours = [*WEB.joinpath("templates").rglob("*.html"), *WEB.joinpath("static", "js").rglob("*.js")]
    assert ours
    for path in ours:
        found = EXTERNAL.search(path.read_text())
        assert found is None, f"{path.name} loads from another host: {found.group(0)}"
