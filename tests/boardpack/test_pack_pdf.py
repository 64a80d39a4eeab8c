"""The printed pack of the example alliance: its text read back through a PDF text
extractor, its page count and paper sizes, and a picture of each page kept as an artefact."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from synergies.services import audit_trail, boardpack
from synergies.services.boardpack import Paper
from synergies.services.context import Context
from tests.boardpack.conftest import ARTIFACTS, flat, pdf_text


@pytest.fixture
def printed(pack_ctx: Context, tmp_path: Path) -> tuple[Path, boardpack.Rendered]:
    out = tmp_path / "pack-2015.pdf"
    return out, boardpack.write(pack_ctx, 2015, out)


def test_the_pack_states_the_year_against_the_target(printed: tuple[Path, object]) -> None:
    path, _ = printed
    text = flat(pdf_text(path))
    assert "Renault-Nissan Alliance: synergy statement 2015" in text
    assert "Realized synergies in 2015: 4.3 bn EUR (4,300.0 m EUR), against 3.8 bn in 2014" in text
    assert "Target for 2018: 5.5 bn EUR; gap 1,200.0 m EUR" in text
    for section in ("by function", "The split between partners", "By category",
                    "Burn-up to the 2018 target, with the forecast band",
                    "The bridge from 2014 to 2015", "One-off costs and payback",
                    "Initiatives at risk", "The convergence timeline",
                    "Verification and provenance"):  # fmt: skip
        assert section in text, section
    # The published split: Renault about 45%, Nissan 55% (the broker estimate).
    assert "NISSAN 2,365.0 m EUR 55.0%" in text and "RENAULT 1,935.0 m EUR 45.0%" in text
    # The summary sends the reader to the pages of the detail, as printed.
    assert "the bridge, page 4" in text and "payback, page 5" in text


def test_every_figure_says_who_signed_it_off_and_how_it_was_measured(
    printed: tuple[Path, object],
) -> None:
    text = flat(pdf_text(printed[0]))
    assert "declared 100.0% · signed off: NISSAN controllers (J. Suzuki) 2016-02-20" in text
    assert "RENAULT controllers (I. Lambert) 2016-02-15" in text
    # The total's line: the L5 initiatives' shares are signed, the unattributed rest is not.
    assert "not signed off 46.3%" in text
    # Each line of the function table has its own verification.
    assert text.count("declared 100.0%") >= 1 + 5 + 2 + 3


def test_the_pack_names_the_audit_head_it_was_built_from(
    printed: tuple[Path, boardpack.Rendered], pack_ctx: Context
) -> None:
    path, rendered = printed
    head = audit_trail.checkpoint(pack_ctx)
    text = flat(pdf_text(path))
    assert rendered.audit.seq == head.seq and rendered.audit.hash == head.hash
    assert f"Built from audit record #{head.seq}, head hash {head.hash}" in text
    assert '"kind": "synergies audit checkpoint"' in text
    # The printed checkpoint is one `audit verify --against` accepts.
    verified = audit_trail.verification(pack_ctx, against=rendered.audit.checkpoint)
    assert verified.intact, verified.problems


def test_page_count_and_a_picture_of_each_page(printed: tuple[Path, boardpack.Rendered]) -> None:
    path, rendered = printed
    reader = PdfReader(path)
    assert len(reader.pages) == rendered.pages == 8  # the at-risk table lists 7 initiatives
    assert f"Page 1 of {rendered.pages}" in pdf_text(path)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob("a4-page-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(path), str(ARTIFACTS / "a4-page")],
                   check=True)  # fmt: skip
    assert len(list(ARTIFACTS.glob("a4-page-*.png"))) == rendered.pages


def test_charts_are_vector_drawings_not_pictures(printed: tuple[Path, object]) -> None:
    reader = PdfReader(printed[0])
    assert all(not page.images for page in reader.pages)
    # The burn-up's axis and the bars' labels are text in the PDF, drawn from the figures.
    text = flat(pdf_text(printed[0]))
    assert "bn EUR" in text and "1,685 m" in text


@pytest.mark.parametrize(
    ("paper", "size"), [(Paper.a4, (595.28, 841.89)), (Paper.letter, (612.0, 792.0))]
)
def test_a4_and_letter(
    pack_ctx: Context, tmp_path: Path, paper: Paper, size: tuple[float, float]
) -> None:
    out = tmp_path / f"pack-{paper.value}.pdf"
    rendered = boardpack.write(pack_ctx, 2015, out, paper)
    boxes = {(round(float(p.mediabox.width), 2), round(float(p.mediabox.height), 2))
             for p in PdfReader(out).pages}  # fmt: skip
    assert boxes == {size}
    assert rendered.pages is not None and rendered.pages >= 6
    if paper is Paper.letter:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        for old in ARTIFACTS.glob("letter-page-*.png"):
            old.unlink()
        subprocess.run(["pdftoppm", "-png", "-r", "60", str(out),
                        str(ARTIFACTS / "letter-page")], check=True)  # fmt: skip


def test_a_year_without_synergies_is_refused_saying_which_years_have_some(
    pack_ctx: Context, tmp_path: Path
) -> None:
    from synergies.domain.errors import NotFound

    with pytest.raises(NotFound, match="no realized synergies in 2030") as refused:
        boardpack.write(pack_ctx, 2030, tmp_path / "pack.pdf")
    assert refused.value.fix == "pick a year from 2009 to 2017"
    assert not (tmp_path / "pack.pdf").exists()
