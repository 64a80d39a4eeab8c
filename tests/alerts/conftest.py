"""The example alliance, measured sources made by hand, and alerts read rule by rule."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from synergies.domain.alerts import Alert, Rule
from synergies.domain.calendar import Month
from synergies.domain.initiatives import Category
from synergies.domain.ledger import EntrySource, LedgerEntry
from synergies.domain.money import Money
from synergies.measurement.result import Cell, DoubleClaim, Figures, MeasurementResult
from synergies.services import alerts, ledger, measurement
from synergies.services.context import Context
from synergies.services.security import local_operator
from synergies.storage.store import Store

# The example alliance's day: March 2016, as the seed article saw it.
SEED_DAY = date(2016, 3, 31)


def at(day: date) -> Callable[[], datetime]:
    return lambda: datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


@pytest.fixture
def store(example_url: str) -> Iterator[Store]:
    opened = Store.open(example_url)
    yield opened
    opened.engine.dispose()


@pytest.fixture
def ctx(store: Store) -> Context:
    """The local operator (an alliance admin) with the clock at the example's day."""
    return Context(store, local_operator(), clock=at(SEED_DAY))


def fired(ctx: Context, rule: Rule, on: date = SEED_DAY) -> list[Alert]:
    return [a for a in alerts.evaluate(ctx, today=on) if a.rule is rule]


def subjects(ctx: Context, rule: Rule, on: date = SEED_DAY) -> set[str]:
    return {a.subject for a in fired(ctx, rule, on)}


def declare(ctx: Context, initiative: str, partner: str, month: Month, amount: str,
            source: EntrySource = EntrySource.entered) -> LedgerEntry:  # fmt: skip
    """A saving as a person typed it into the ledger, recorded at the context's clock."""
    return ledger.add(ctx, LedgerEntry(
        partner=partner, period=month, amount=Money(Decimal(amount), "EUR"),
        category=Category.cost_reduction, source=source, author=ctx.actor.name,
        recorded_at=ctx.clock(), initiative_id=initiative, reason="controller's declaration",
    ))  # fmt: skip


def baselines(digest: str, content: str = "") -> dict[str, object]:
    """A folder source's lineage whose baselines file has the content hash `digest`; a new
    `content` stands for other purchase lines."""
    return {
        "content_sha256": f"content-{digest}-{content}",
        "method": "purchasing-hard-savings",
        "method_version": "1.0",
        "tables": {
            "purchase_lines": {"rows": 2, "files": [{"path": "purchase_lines.csv",
                                                     "bytes": 10, "sha256": "lines"}]},
            "baselines": {"rows": 2, "files": [{"path": "baselines.csv", "bytes": 10,
                                                "sha256": digest}]},
        },
    }  # fmt: skip


def post(
    ctx: Context, folder: Path, cells: dict[Cell, Figures], *, digest: str = "b1",
    content: str = "", doubles: tuple[DoubleClaim, ...] = (),
) -> int:  # fmt: skip
    """Post a measurement of the source `folder` (its figures made by hand): its run id."""
    result = MeasurementResult(
        "EUR", sum(f.lines_claimed for f in cells.values()), cells,
        double_claim_sample=doubles, lineage=baselines(digest, content),
        line_ranges={},  # figures made by hand: no line ids to hold
    )  # fmt: skip
    outcome = measurement.post_result(ctx, folder, result)
    assert outcome.run_id is not None
    return outcome.run_id


def saving(net: str, *, lines: int = 10, leakage: str = "0", leaking: int = 0,
           doubles: int = 0) -> Figures:  # fmt: skip
    return Figures(
        lines_claimed=lines, lines_measured=lines, gross_gain=Decimal(net),
        leakage_lines=leaking, leakage=Decimal(leakage), double_claimed_lines=doubles,
        double_claimed_amount=Decimal(0),
    )  # fmt: skip
