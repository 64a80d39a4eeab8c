"""The same store and year give the same document byte for byte, apart from the generation
time (the audit checkpoint's moment and its signature)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from markupsafe import escape

from synergies.reports.boardpack import render
from synergies.services import audit_trail, boardpack
from synergies.services.boardpack import Format
from synergies.services.context import Context


def _clock(monkeypatch: pytest.MonkeyPatch, at: datetime) -> None:
    """Stop the audit trail's clock (the checkpoint's time is the pack's generation time)."""

    class Stopped(datetime):
        @classmethod
        def now(cls, tz: object = None) -> Stopped:  # type: ignore[override]
            return cls.fromtimestamp(at.timestamp(), tz=UTC)

    monkeypatch.setattr(audit_trail, "datetime", Stopped)


FIRST = datetime(2016, 3, 31, 9, 0, 0, tzinfo=UTC)
LATER = datetime(2016, 4, 2, 17, 45, 12, tzinfo=UTC)


@pytest.mark.parametrize("fmt", [Format.pdf, Format.html])
def test_built_twice_at_the_same_time_the_bytes_are_equal(
    pack_ctx: Context, monkeypatch: pytest.MonkeyPatch, fmt: Format
) -> None:
    _clock(monkeypatch, FIRST)
    one = boardpack.render(pack_ctx, 2015, fmt).document
    two = boardpack.render(pack_ctx, 2015, fmt).document
    assert one == two
    assert FIRST.isoformat().encode() in one or fmt is Format.pdf


def _masked(document: str, pack: object) -> str:
    head = pack.audit  # type: ignore[attr-defined]
    signed = str(escape(head.checkpoint))
    return document.replace(signed, "SIGNED").replace(head.at.isoformat(), "GENERATED")


def test_built_at_other_times_only_the_timestamp_differs(
    pack_ctx: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    _clock(monkeypatch, FIRST)
    first = boardpack.board_pack(pack_ctx, 2015)
    _clock(monkeypatch, LATER)
    later = boardpack.board_pack(pack_ctx, 2015)
    one, two = render.html(first), render.html(later)
    assert one != two
    assert LATER.isoformat() in two and FIRST.isoformat() not in two
    assert _masked(one, first) == _masked(two, later)
    # The PDF is a function of the HTML and an identifier from the audit head alone: with
    # the time masked, the two print to the same bytes.
    assert render.identifier(first, "a4") == render.identifier(later, "a4")
    pdf_one, _ = render.print_html(_masked(one, first), render.identifier(first, "a4"))
    pdf_two, _ = render.print_html(_masked(two, later), render.identifier(later, "a4"))
    assert pdf_one == pdf_two


def test_a_change_to_the_store_changes_the_pack_and_its_head(pack_ctx: Context) -> None:
    from synergies.domain.initiatives import SideStatus
    from synergies.services import initiatives

    before = boardpack.board_pack(pack_ctx, 2015)
    current = initiatives.get(pack_ctx, "ENG-002")
    initiatives.set_status(pack_ctx, "ENG-002", SideStatus.at_risk)
    after = boardpack.board_pack(pack_ctx, 2015)
    assert after.audit.seq > before.audit.seq
    flagged = {a.initiative: a.status for a in after.at_risk}
    assert "side status at risk" in flagged[current.id]
    assert "side status" not in {a.initiative: a.status for a in before.at_risk}.get(current.id, "")
    assert "ENG-002 · CMF-A entry platform" in render.html(after)
