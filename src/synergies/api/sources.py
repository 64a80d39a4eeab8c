"""Where the server may read purchase sources: one folder named at start, nothing outside it."""

from __future__ import annotations

from pathlib import Path

from synergies.domain.errors import InvalidInput, PermissionDenied


def resolve_source(root: Path | None, relative: str) -> Path:
    """The folder `relative` names under `root`, refusing anything that escapes it."""
    if root is None:
        raise PermissionDenied(
            "this server reads no purchase sources",
            field="source",
            fix="the server must be started with a sources folder",
        )
    base = root.resolve()
    folder = (base / relative).resolve()
    if not folder.is_relative_to(base) or folder == base:
        raise InvalidInput(
            f"{relative!r} is not a folder inside the server's sources folder",
            field="source",
            fix="give a path relative to the sources folder, without '..'",
        )
    if not folder.is_dir():
        raise InvalidInput(
            f"no source folder {relative!r}", field="source",
            fix="copy the source's tables there first",
        )  # fmt: skip
    _refuse_links_outside(base, folder, relative)
    return folder


def _refuse_links_outside(base: Path, folder: Path, relative: str) -> None:
    """Every file the measure could open must lie inside the sources folder, links resolved."""
    for path in folder.rglob("*"):
        if not path.resolve().is_relative_to(base):
            inside = path.relative_to(folder)
            raise PermissionDenied(
                f"{relative}/{inside} leads outside the server's sources folder",
                field="source",
                fix="replace the link with a copy of the file inside the sources folder",
            )
