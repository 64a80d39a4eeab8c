"""The server reads purchase sources from its sources folder and nowhere else, links included."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from synergies.api.app import create_app
from synergies.api.sources import resolve_source
from synergies.domain.errors import InvalidInput, PermissionDenied
from synergies.storage.store import Store


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "sources" / "purchases").mkdir(parents=True)
    (tmp_path / "sources" / "purchases" / "baselines.csv").write_text("part_number\n")
    (tmp_path / "secret.csv").write_text("root:x:0:0\n")
    return tmp_path / "sources"


def test_a_source_inside_the_folder_resolves(root: Path) -> None:
    assert resolve_source(root, "purchases") == (root / "purchases").resolve()


@pytest.mark.parametrize("escape", ["..", "../..", "/etc", "purchases/../.."])
def test_a_path_that_escapes_is_refused(root: Path, escape: str) -> None:
    with pytest.raises(InvalidInput):
        resolve_source(root, escape)


def test_a_file_linking_outside_is_refused(root: Path) -> None:
    (root / "purchases" / "purchase_lines.csv").symlink_to(root.parent / "secret.csv")
    with pytest.raises(PermissionDenied, match="purchase_lines.csv leads outside"):
        resolve_source(root, "purchases")


def test_a_folder_linking_outside_is_refused(root: Path) -> None:
    (root / "purchases" / "parts").symlink_to(root.parent, target_is_directory=True)
    with pytest.raises(PermissionDenied, match="leads outside"):
        resolve_source(root, "purchases")


def test_the_route_refuses_a_linked_file_before_reading_it(
    api_store: Store, root: Path, as_role: dict
) -> None:
    (root / "purchases" / "purchase_lines.csv").symlink_to("/etc/passwd")
    with TestClient(create_app(api_store, root)) as client:
        got = client.post("/measurements", json={"source": "purchases"}, headers=as_role["admin"])
    assert got.status_code == 403 and "leads outside" in got.json()["detail"]
    assert "root:" not in got.text
