"""Who gets which pack: over the API with each reader's rights, and from the command line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import COST_BASE_INITIATIVE, SOURCE
from tests.boardpack.conftest import flat, pdf_text

RENAULT_BASE = "7,315,000,000.00"  # PUR-900's cost bases: each confidential to its partner
NISSAN_BASE = "9,120,000,000.00"


def _html(client: TestClient, headers: dict[str, str]) -> str:
    got = client.get("/boardpack/2015", params={"format": "html"}, headers=headers)
    assert got.status_code == 200, got.text
    assert got.headers["content-type"] == "text/html; charset=utf-8"
    return got.text


def test_without_credentials_the_pack_is_refused_with_401(client: TestClient) -> None:
    got = client.get("/boardpack/2015")
    assert got.status_code == 401
    assert got.headers["content-type"] == "application/problem+json"


def test_a_viewer_bound_to_a_partner_sees_no_partner_confidential_figure(
    client: TestClient, as_role: dict[str, dict[str, str]]
) -> None:
    page = _html(client, as_role["nissan_viewer"])
    assert "4,300.0 m EUR" in page
    assert RENAULT_BASE not in page and NISSAN_BASE not in page
    assert "7315000000" not in page and "9120000000" not in page
    assert "this reader may read no partner's confidential data" in page


def test_a_partner_controller_sees_its_own_cost_base_and_not_the_others(
    client: TestClient, as_role: dict[str, dict[str, str]]
) -> None:
    renault = _html(client, as_role["renault_controller"])
    row = f'<td>{COST_BASE_INITIATIVE}</td><td>RENAULT</td><td class="num">{RENAULT_BASE}</td>'
    assert row in renault and NISSAN_BASE not in renault
    nissan = _html(client, as_role["nissan_controller"])
    assert NISSAN_BASE in nissan and RENAULT_BASE not in nissan


def test_the_clean_team_sees_every_partners_cost_base(
    client: TestClient, as_role: dict[str, dict[str, str]]
) -> None:
    page = _html(client, as_role["clean_team"])
    assert RENAULT_BASE in page and NISSAN_BASE in page


def test_the_api_prints_the_pdf_on_letter(
    client: TestClient, as_role: dict[str, dict[str, str]], tmp_path: Path
) -> None:
    got = client.get("/boardpack/2015", params={"paper": "letter"},
                     headers=as_role["nissan_viewer"])  # fmt: skip
    assert got.status_code == 200
    assert got.headers["content-type"] == "application/pdf"
    assert got.headers["content-disposition"] == 'attachment; filename="boardpack-2015-letter.pdf"'
    assert got.content.startswith(b"%PDF-")
    out = tmp_path / "pack.pdf"
    out.write_bytes(got.content)
    text = flat(pdf_text(out))
    assert "4.3 bn EUR" in text and "5.5 bn EUR" in text
    assert f"audit record #{got.headers['x-audit-seq']}" in text


@pytest.mark.parametrize(
    ("params", "status"),
    [({"format": "docx"}, 422), ({"paper": "a3"}, 422), ({}, 404)],
)
def test_bad_requests_are_refused(
    client: TestClient, as_role: dict[str, dict[str, str]], params: dict[str, str], status: int
) -> None:
    year = 2030 if not params else 2015
    got = client.get(f"/boardpack/{year}", params=params, headers=as_role["admin"])
    assert got.status_code == status, got.text


def test_the_html_stands_alone_with_its_charts_and_no_script(
    client: TestClient, as_role: dict[str, dict[str, str]]
) -> None:
    page = _html(client, as_role["admin"])
    assert "<script" not in page and "http://" not in page.replace(
        'xmlns="http://www.w3.org/2000/svg"', ""
    )
    assert page.count("<svg") >= 6
    assert "@page { size: A4; }" in page
    # The forecast note says which model terms the forecast added.
    assert "Model terms on: " in page and "leave-one-year-out CRPS" in page


def _synergies(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    probe = "import sys; from synergies.cli.main import run; sys.argv[0] = 'synergies'; run()"
    return subprocess.run([sys.executable, "-c", probe, *args], capture_output=True, text=True,
                          cwd=cwd, check=False)  # fmt: skip


def test_the_command_writes_the_pack_and_says_where(example_sqlite: Path, tmp_path: Path) -> None:
    store = tmp_path / "store.db"
    store.write_bytes(example_sqlite.read_bytes())
    db = f"sqlite:///{store}"
    done = _synergies("boardpack", "--year", "2015", "--out", "pack.html", "--paper", "letter",
                      "--db", db, cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("wrote pack.html (html, letter; audit record #")
    page = (tmp_path / "pack.html").read_text(encoding="utf-8")
    assert "@page { size: letter; }" in page and "5.5 bn EUR" in page

    wrong = _synergies("boardpack", "--year", "2015", "--out", "pack.docx", "--db", db,
                       cwd=tmp_path)  # fmt: skip
    assert wrong.returncode == 2
    assert "--out: cannot write a board pack as .docx (name the file .pdf or .html)" in wrong.stderr
    missing = _synergies("boardpack", "--year", "2030", "--out", "pack.pdf", "--db", db,
                         cwd=tmp_path)  # fmt: skip
    assert missing.returncode == 3 and "pick a year from 2009 to 2017" in missing.stderr
    assert not (tmp_path / "pack.pdf").exists()


def test_measured_savings_are_told_apart_and_line_findings_stay_with_their_partner(
    client: TestClient, as_role: dict[str, dict[str, str]]
) -> None:
    posted = client.post("/measurements", json={"source": SOURCE}, headers=as_role["admin"])
    assert posted.status_code in (200, 201), posted.text
    viewer = _html(client, as_role["nissan_viewer"])
    # Purchasing's 2015 figure now holds entries measured from purchase lines.
    assert "measured &lt; 0.1%, declared &gt; 99.9%" in viewer
    assert 'data-confidential="' not in viewer
    renault = _html(client, as_role["renault_controller"])
    assert 'data-confidential="RENAULT"' in renault and 'data-confidential="NISSAN"' not in renault
    assert "Measured purchase lines in 2015, by partner" in renault
    both = _html(client, as_role["clean_team"])
    assert 'data-confidential="RENAULT"' in both and 'data-confidential="NISSAN"' in both
