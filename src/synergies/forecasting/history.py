"""What the store knew at the end of a past year: the knowledge rule of the backtest.

Pure. The alliance reads year Y's figures in the spring of Y+1 ("--as-of 2015 is the view in
March 2016"), so knowledge at as-of Y is everything dated up to 31 March of Y+1, and ledger
amounts of periods up to December Y (later periods are the future being forecast).

Two ways to date a fact:

- `recorded`: when the store recorded it (a ledger entry's `recorded_at`, a stage change's
  time). Strict, for stores kept as the programme ran.
- `effective`: when the fact took effect, for history loaded after the event (the example
  alliance was loaded at once in 2018): a ledger entry's period, an approval's date, the
  controllers' sign-off dates. An initiative with no dated fact by the cutoff did not exist
  yet as far as the backtest knows; its plan figures are today's (the audit trail dates its
  plan versions by when they were loaded, which says nothing here), which the output says.

With `recorded` dating an initiative's plan figures and probability are those its audited
versions held at the cutoff: the audit trail keeps the whole initiative after every change.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Literal

from synergies.domain.calendar import Month
from synergies.domain.initiatives import Initiative, PlanFigures, SideStatus, Stage
from synergies.domain.ledger import LedgerEntry
from synergies.domain.money import Money
from synergies.forecasting.calibration import StageOutcome

Dating = Literal["recorded", "effective"]
STAGE_VALUES = frozenset(s.value for s in Stage)
SIDE_VALUES = {s.value: s for s in SideStatus}


@dataclass(frozen=True, slots=True)
class StageEvent:
    """A row of the stage history: an initiative moved to a stage or a side status."""

    initiative: str
    to_stage: str
    at: datetime


@dataclass(frozen=True, slots=True)
class Knowledge:
    """What counts as known at the end of year `as_of`."""

    as_of: int
    dating: Dating

    @property
    def cutoff(self) -> datetime:
        """The moment of the view: the end of 31 March of the next year, UTC."""
        return datetime(self.as_of + 1, 3, 31, 23, 59, 59, tzinfo=UTC)

    @property
    def last_period(self) -> Month:
        return Month(self.as_of, 12)

    def knows_entry(self, entry: LedgerEntry) -> bool:
        if entry.period > self.last_period:
            return False
        return self.dating == "effective" or entry.recorded_at <= self.cutoff


def known_entries(entries: Iterable[LedgerEntry], knowledge: Knowledge) -> list[LedgerEntry]:
    """The ledger entries known at the view: periods to December, recorded by the cutoff."""
    return [e for e in entries if knowledge.knows_entry(e)]


def dating_for(entries: Sequence[LedgerEntry], first_as_of: int) -> Dating:
    """`recorded` when the store recorded anything by the first view's cutoff, else
    `effective` (its history was loaded after the fact)."""
    cutoff = Knowledge(first_as_of, "recorded").cutoff
    return "recorded" if any(e.recorded_at <= cutoff for e in entries) else "effective"


@dataclass(frozen=True, slots=True)
class PlanVersion:
    """An initiative's plan figures and probability override as one audited change left
    them (the audit trail keeps the whole initiative after every change)."""

    at: datetime
    forecast: PlanFigures | None
    probability: Decimal | None


def plan_version(at: datetime, snapshot: Mapping[str, Any]) -> PlanVersion:
    """The plan of an initiative's audit snapshot (its JSON `after`, as parsed)."""
    figures = snapshot.get("forecast")
    probability = snapshot.get("probability")
    return PlanVersion(
        at,
        _figures(figures) if figures else None,
        Decimal(str(probability)) if probability is not None else None,
    )


def _figures(data: Mapping[str, Any]) -> PlanFigures:
    return PlanFigures(
        run_rate=_money(data["run_rate"]), one_off_costs=_money(data["one_off_costs"]),
        start=Month.parse(data["start"], field="start"), ramp_months=int(data["ramp_months"]),
    )  # fmt: skip


def _money(data: Mapping[str, Any]) -> Money:
    return Money.of(Decimal(str(data["amount"])), str(data["currency"]))


def initiative_as_of(
    item: Initiative,
    events: Sequence[StageEvent],
    realizing: bool,
    knowledge: Knowledge,
    plans: Sequence[PlanVersion] = (),
) -> Initiative | None:
    """The initiative as known at the view, or None if nothing dated says it existed yet.

    `events` are its stage history in time order; `realizing` says whether known ledger
    entries already carry savings of it (then it was being executed). With `recorded` dating
    its plan figures and probability are those of the last of `plans` (its audited versions,
    in time order) recorded by the cutoff; with `effective` dating, or without versions, they
    are today's.
    """
    if knowledge.dating == "recorded":
        found = _as_recorded(item, [e for e in events if e.at <= knowledge.cutoff])
        known = [p for p in plans if p.at <= knowledge.cutoff]
        if found is None or not known:
            return found
        return replace(found, forecast=known[-1].forecast, probability=known[-1].probability)
    return _as_effective(item, realizing, knowledge.cutoff)


def _as_recorded(item: Initiative, events: Sequence[StageEvent]) -> Initiative | None:
    stages = [e.to_stage for e in events if e.to_stage in STAGE_VALUES]
    if not stages:
        return None
    last = events[-1].to_stage
    side = SIDE_VALUES.get(last)
    return replace(item, stage=Stage(stages[-1]), side_status=side)


def _as_effective(item: Initiative, realizing: bool, cutoff: datetime) -> Initiative | None:
    day = cutoff.date()
    signed = bool(item.signoffs) and all(s.on <= day for s in item.signoffs)
    approved = item.approval is not None and item.approval.on <= day
    if signed and item.stage is Stage.L5:
        stage = Stage.L5
    elif realizing:
        stage = Stage.L4
    elif approved:
        stage = Stage.L3
    else:
        return None
    # Side statuses carry no effective date: only the stage history could tell them.
    return replace(item, stage=min(stage, item.stage, key=lambda s: s.rank), side_status=None)


def events_by_initiative(events: Iterable[StageEvent]) -> dict[str, list[StageEvent]]:
    grouped: dict[str, list[StageEvent]] = defaultdict(list)
    for event in sorted(events, key=lambda e: e.at):
        grouped[event.initiative].append(event)
    return dict(grouped)


def stage_events(rows: Iterable[Mapping[str, Any]]) -> dict[str, list[StageEvent]]:
    """The stage history's rows (initiative, to_stage, at) by initiative, in time order."""
    return events_by_initiative(StageEvent(r["initiative"], r["to_stage"], r["at"]) for r in rows)


def outcomes_known(
    events: Mapping[str, Sequence[StageEvent]], knowledge: Knowledge | None = None
) -> list[StageOutcome]:
    """Stage outcomes (delivered at L5 or cancelled) recorded by the cutoff (all of them
    without `knowledge`), for calibrating the stage probabilities without later knowledge.
    Dates of the stage history only: with `effective` dating its times are load times, so it
    is read the same way."""
    cutoff = knowledge.cutoff if knowledge is not None else None
    outcomes = []
    for initiative_events in events.values():
        seen = [e.to_stage for e in initiative_events if cutoff is None or e.at <= cutoff]
        if not seen:
            continue
        delivered = Stage.L5.value in seen
        if not delivered and seen[-1] != SideStatus.cancelled.value:
            continue
        for stage in sorted({s for s in seen if s in STAGE_VALUES and s != Stage.L5.value}):
            outcomes.append(StageOutcome(stage, delivered))  # type: ignore[arg-type]
    return outcomes
