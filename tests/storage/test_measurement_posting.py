"""Posting proven savings to the ledger: lineage, idempotence, re-measurement of a changed
source, confidentiality of line-level detail. On SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import shutil
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from synergies.domain.accounts import Role
from synergies.domain.errors import NotFound, PermissionDenied
from synergies.domain.initiatives import Category
from synergies.domain.ledger import EntrySource, LedgerEntry
from synergies.measurement.generate import generate_purchases
from synergies.measurement.result import to_json
from synergies.services import ledger, measurement
from synergies.services.context import Context
from synergies.services.ledger import EntryFilter
from synergies.services.security import Actor
from synergies.storage import measurement_rows
from tests.measurement.hand_case import write_hand_case


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("purchases") / "src"
    generate_purchases(folder, 3_000, seed=7, fmt="csv")
    return folder


def measured(ctx: Context) -> list[LedgerEntry]:
    return ledger.entries(ctx, EntryFilter(source="measured"))


def by_initiative(entries: list[LedgerEntry]) -> dict[str, Decimal]:
    sums: dict[str, Decimal] = {}
    for e in entries:
        if e.category.value != "cost avoidance":
            sums[e.initiative_id or ""] = (
                sums.get(e.initiative_id or "", Decimal(0)) + e.amount.amount
            )
    return sums


def test_posting_records_the_net_savings_by_initiative(example_ctx: Context, source: Path) -> None:
    outcome = measurement.post_source(example_ctx, source)
    assert not outcome.unchanged and outcome.entries_added > 0
    document = to_json(outcome.result)
    expected = {
        r["initiative_id"]: Decimal(r["hard_savings"]["net"]) for r in document["by_initiative"]
    }
    posted = by_initiative(measured(example_ctx))
    # Each (initiative, partner, month) is rounded to the cent, so an initiative may differ
    # from its rounded total by at most half a cent per posted month.
    for initiative, net in expected.items():
        months = sum(1 for e in measured(example_ctx) if e.initiative_id == initiative)
        assert abs(posted.get(initiative, Decimal(0)) - net) <= Decimal("0.005") * months
    run = measurement.run(example_ctx, outcome.run_id or 0)
    files = run.fingerprint["tables"]["purchase_lines"]["files"]
    assert len(files[0]["sha256"]) == 64 and files[0]["bytes"] > 0
    assert run.fingerprint["tables"]["purchase_lines"]["rows"] == 3_000


def test_the_hand_case_posts_net_savings_per_cell(example_ctx: Context, tmp_path: Path) -> None:
    """The hand-computed source (tests/measurement/hand_case.py), posted: one measured entry
    per initiative, partner and month, holding that cell's net hard saving to the cent."""
    outcome = measurement.post_source(example_ctx, write_hand_case(tmp_path))
    hard = [e for e in measured(example_ctx) if e.category is not Category.cost_avoidance]
    pur1 = sorted((str(e.period), e.amount.amount) for e in hard if e.initiative_id == "PUR-001")
    assert pur1 == [("2015-02", Decimal("80.00")), ("2015-03", Decimal("42.00"))]
    assert all(e.source is EntrySource.measured and e.amount.currency == "EUR" for e in hard)
    assert sum(e.amount.amount for e in hard) == Decimal("249.22")
    run = measurement.run(example_ctx, outcome.run_id or 0)
    assert run.method_version.startswith("purchasing-hard-savings")
    assert {e.lineage for e in hard} == {f"measurement run {run.id}"}


def test_posting_the_same_source_again_adds_nothing(example_ctx: Context, source: Path) -> None:
    first = measurement.post_source(example_ctx, source)
    count = len(measured(example_ctx))
    again = measurement.post_source(example_ctx, source)
    assert again.unchanged and again.run_id == first.run_id
    assert len(measured(example_ctx)) == count
    assert len(measurement.runs(example_ctx)) == 1


def _reprice(source: Path, target: Path, factor: Decimal) -> None:
    """Copy the source with the first 200 purchase lines paid at another price."""
    target.mkdir()
    for path in source.iterdir():
        if path.suffix == ".csv" and path.stem != "purchase_lines":
            (target / path.name).write_text(path.read_text())
    with (source / "purchase_lines.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    for row in rows[:200]:
        row["unit_price"] = str((Decimal(row["unit_price"]) * factor).quantize(Decimal("0.01")))
    with (target / "purchase_lines.csv").open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def test_a_changed_source_reverses_what_changed(
    example_ctx: Context, source: Path, tmp_path: Path
) -> None:
    moving = tmp_path / "moving"
    _reprice(source, moving, Decimal(1))
    first = measurement.post_source(example_ctx, moving)
    before = len(measured(example_ctx))
    (moving / "purchase_lines.csv").unlink()
    for path in moving.iterdir():
        path.unlink()
    moving.rmdir()
    _reprice(source, moving, Decimal("0.9"))  # the first 200 lines now cost 10% less
    second = measurement.post_source(example_ctx, moving)
    assert second.run_id != first.run_id and not second.unchanged
    assert 0 < second.entries_reversed <= second.entries_added
    assert len(measured(example_ctx)) == before + second.entries_reversed + second.entries_added
    # What stands in the ledger is now the second measurement, to the cent.
    standing = sum((e.amount.amount for e in measured(example_ctx)), Decimal(0))
    total = second.result.total
    cells = sum(
        second.result.round(f.net) + second.result.round(f.cost_avoidance)
        for f in second.result.cells.values()
    )
    assert standing == cells
    assert abs(standing - (total.net + total.cost_avoidance)) < Decimal("0.01") * len(
        second.result.cells
    )


def test_line_level_detail_is_kept_per_partner(example_ctx: Context, source: Path) -> None:
    outcome = measurement.post_source(example_ctx, source)
    detail = measurement.run_detail(example_ctx, outcome.run_id or 0, "nissan")
    assert all(line["partner"] == "NISSAN" for line in detail["double_claimed_lines"])
    assert set(detail) == {
        "double_claimed_lines", "leakage", "unmeasurable", "by_month", "by_fiscal_year",
        "claimed_lines",
    }  # fmt: skip
    by_year, by_month = detail["by_fiscal_year"], detail["by_month"]
    claimed = sum(r["lines_claimed"] for r in by_month)
    assert claimed > 0 and sum(r["lines_claimed"] for r in by_year) == claimed
    # The line ids that identify the partner's claimed lines month by month (counted once).
    assert sum(n for n, _first, _last in detail["claimed_lines"].values()) == claimed
    summary = measurement.run(example_ctx, outcome.run_id or 0).summary
    assert "double_claimed_lines" not in summary and "lineage" not in summary


CONFIDENTIAL = {"leakage", "unmeasurable", "double_claimed_lines", "lines_measured"}


def _keys(document: object) -> set[str]:
    if isinstance(document, dict):
        return set(document) | {k for v in document.values() for k in _keys(v)}
    if isinstance(document, list):
        return {k for v in document for k in _keys(v)}
    return set()


def test_the_stored_summary_holds_no_partner_confidential_figure(
    example_ctx: Context, source: Path
) -> None:
    """Not by partner, and not as an alliance total either: a total less one partner's own
    detail would be the other partner's figure."""
    outcome = measurement.post_source(example_ctx, source)
    summary = measurement.run(example_ctx, outcome.run_id or 0).summary
    assert _keys(summary) & CONFIDENTIAL == set()
    assert summary["by_partner"] and summary["hard_savings"]["net"]
    nissan = measurement.run_detail(example_ctx, outcome.run_id or 0, "NISSAN")
    assert any(Decimal(r["leakage"]["amount"]) for r in nissan["by_month"])


def test_a_run_shows_no_absolute_path(example_ctx: Context, source: Path) -> None:
    outcome = measurement.post_source(example_ctx, source)
    run = measurement.run(example_ctx, outcome.run_id or 0)
    assert run.source == "src" and run.fingerprint["source"] == "src"
    files = run.fingerprint["tables"]["purchase_lines"]["files"]
    assert files[0]["path"] == "purchase_lines.csv"
    assert str(source.parent) not in repr(run) and str(source.parent) not in repr(
        measurement.runs(example_ctx)
    )


def test_runs_stored_before_the_rules_are_shown_by_them(example_ctx: Context) -> None:
    """A run posted by an earlier version kept absolute paths and confidential totals."""
    with example_ctx.store.transaction() as conn:  # as the earlier version left it
        run_id = measurement_rows.insert_run(
            conn, source="/srv/sources/acme", fingerprint_hash="0" * 64,
            fingerprint={"source": "/srv/sources/acme", "tables": {"purchase_lines": {
                "rows": 3, "files": [{"path": "/srv/sources/acme/purchase_lines.csv"}]}}},
            method_version="m 1", query="{}", reporting_currency="EUR",
            posted_at=datetime(2016, 3, 1, tzinfo=UTC), actor="old", summary={
                "lines_read": 3, "leakage": {"amount": "1.00"}, "unmeasurable": {"x": 1},
                "by_month": [{"month": "2015-01", "lines_claimed": 3, "lines_measured": 2,
                              "leakage": {"lines": 1, "amount": "1.00"}}],
            },
        )  # fmt: skip
    run = measurement.run(example_ctx, run_id)
    assert "/srv" not in repr(run)
    assert run.summary == {"lines_read": 3, "by_month": [{"month": "2015-01", "lines_claimed": 3}]}


def test_the_same_content_from_another_folder_adds_nothing(
    example_ctx: Context, source: Path, tmp_path: Path
) -> None:
    first = measurement.post_source(example_ctx, source)
    count = len(measured(example_ctx))
    renamed = tmp_path / "purchases-copy"
    shutil.copytree(source, renamed)
    again = measurement.post_source(example_ctx, renamed)
    assert again.unchanged and again.run_id == first.run_id and again.entries_added == 0
    assert again.posted_from == "src"
    assert len(measured(example_ctx)) == count and len(measurement.runs(example_ctx)) == 1


def test_a_controller_is_refused_before_any_file_is_read(
    example_ctx: Context, source: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A controller of RENAULT may record RENAULT's entries, but a source can hold any
    partner's lines: the right to post it is checked before the source is measured."""
    read: list[object] = []
    monkeypatch.setattr(measurement, "measure", lambda *a, **k: read.append(a))
    controller = Context(example_ctx.store, Actor("rene", Role.controller, "RENAULT"))
    with pytest.raises(PermissionDenied, match="RENAULT") as refused:
        measurement.post_source(controller, source)
    assert refused.value.field == "partner"
    assert read == [] and measurement.runs(example_ctx) == []


def test_a_source_naming_an_unknown_initiative_posts_nothing(
    example_ctx: Context, source: Path, tmp_path: Path
) -> None:
    odd = tmp_path / "odd"
    _reprice(source, odd, Decimal(1))
    scope = (odd / "initiative_scope.csv").read_text().replace("PUR-002", "PUR-777")
    (odd / "initiative_scope.csv").write_text(scope)
    with pytest.raises(NotFound, match="unknown initiative 'PUR-777'"):
        measurement.post_source(example_ctx, odd)
    assert measured(example_ctx) == [] and measurement.runs(example_ctx) == []


def test_a_source_changed_back_is_measured_again(
    example_ctx: Context, source: Path, tmp_path: Path
) -> None:
    """Content posted before adds nothing, except where it is the source's own earlier
    content: then the ledger must follow the source back, not keep the changed figures."""
    moving = tmp_path / "moving"
    _reprice(source, moving, Decimal(1))
    first = measurement.post_source(example_ctx, moving)
    standing = sum((e.amount.amount for e in measured(example_ctx)), Decimal(0))
    for factor in (Decimal("0.9"), Decimal(1)):
        shutil.rmtree(moving)
        _reprice(source, moving, factor)
        outcome = measurement.post_source(example_ctx, moving)
        assert not outcome.unchanged and outcome.entries_reversed > 0
    assert sum((e.amount.amount for e in measured(example_ctx)), Decimal(0)) == standing
    assert outcome.run_id != first.run_id
