"""Illustrative initiatives, a few per converged function, at different stages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from synergies.domain.allocation import AllocationMethod, AllocationRule
from synergies.domain.calendar import Month
from synergies.domain.initiatives import (
    Approval,
    Category,
    Initiative,
    PlanFigures,
    SignOff,
    Stage,
)
from synergies.domain.money import Money

RN = AllocationRule(AllocationMethod.fixed, (("RENAULT", Decimal(45)), ("NISSAN", Decimal(55))))
RN_EQUAL = AllocationRule(
    AllocationMethod.fixed, (("RENAULT", Decimal(50)), ("NISSAN", Decimal(50)))
)
RN_VOLUME = AllocationRule(
    AllocationMethod.volume, (("RENAULT", Decimal(2_800_000)), ("NISSAN", Decimal(5_400_000)))
)


@dataclass(frozen=True, slots=True)
class Seed:
    """The short form of an example initiative."""

    id: str
    name: str
    function: str
    owner: str
    stage: Stage
    category: Category
    run_rate_m: int  # EUR millions a year at full ramp
    one_off_m: int
    start: str
    allocation: AllocationRule = RN
    agreement: str | None = None


SEEDS = [
    Seed("PUR-001", "Joint sourcing: seats & interiors", "purchasing", "D. Girard", Stage.L5,
         Category.cost_reduction, 900, 40, "2009-01", RN_VOLUME),
    Seed("PUR-002", "Joint sourcing: electrical & electronics", "purchasing", "D. Girard",
         Stage.L4, Category.cost_reduction, 600, 30, "2012-01", RN_VOLUME),
    Seed("PUR-003", "Common steel & raw materials buying", "purchasing", "D. Girard", Stage.L3,
         Category.cost_reduction, 450, 15, "2016-07"),
    Seed("PUR-004", "Selective common purchasing with Daimler", "purchasing", "D. Girard",
         Stage.L2, Category.cost_reduction, 40, 5, "2016-10", agreement="DAIMLER"),
    Seed("PUR-005", "Joint sourcing: CMF-B powertrain components", "purchasing", "D. Girard",
         Stage.L3, Category.cost_reduction, 350, 12, "2016-04", RN_VOLUME),
    Seed("ENG-001", "Common Module Family platforms (CMF-C/D)", "engineering", "B. Moreau",
         Stage.L5, Category.cost_reduction, 1200, 350, "2013-01", RN_EQUAL),
    Seed("ENG-002", "CMF-A entry platform", "engineering", "B. Moreau", Stage.L4,
         Category.cost_avoidance, 300, 120, "2015-01", RN_EQUAL),
    Seed("ENG-003", "Shared powertrain: common engine families", "engineering", "B. Moreau",
         Stage.L5, Category.cost_avoidance, 700, 200, "2009-01", RN_EQUAL),
    Seed("ENG-004", "Piloted-drive Qashqai built in Sunderland", "engineering", "B. Moreau",
         Stage.L2, Category.cost_avoidance, 120, 90, "2017-01"),
    Seed("ENG-005", "CMF-B platform for compact cars", "engineering", "B. Moreau", Stage.L2,
         Category.cost_avoidance, 500, 300, "2017-01", RN_EQUAL),
    Seed("ENG-006", "Common EV battery and motor sourcing", "engineering", "B. Moreau",
         Stage.L3, Category.cost_reduction, 300, 40, "2016-06", RN_EQUAL),
    Seed("MFG-001", "Cross-production in one partner's plant", "manufacturing-scm", "C. Tanaka",
         Stage.L5, Category.capex_avoidance, 500, 60, "2009-01"),
    Seed("MFG-002", "Joint logistics and shipping", "manufacturing-scm", "C. Tanaka", Stage.L4,
         Category.cost_reduction, 250, 20, "2014-04"),
    Seed("MFG-003", "Shared plant capacity in Mexico and India", "manufacturing-scm",
         "C. Tanaka", Stage.L4, Category.capex_avoidance, 250, 60, "2016-01"),
    Seed("HR-001", "Shared HR services and talent mobility", "human-resources", "E. Sato",
         Stage.L3, Category.cost_reduction, 80, 10, "2014-04"),
    Seed("HR-002", "Alliance shared-services centres", "human-resources", "E. Sato", Stage.L1,
         Category.cost_reduction, 60, 15, "2016-09"),
    Seed("QUA-001", "Common supplier quality standard", "quality", "F. Kimura", Stage.L1,
         Category.cost_avoidance, 100, 8, "2016-10"),
    Seed("CST-001", "Common costing method and teardown benchmarks", "costing", "F. Kimura",
         Stage.L0, Category.cost_reduction, 60, 4, "2017-01"),
    Seed("CON-001", "Joint connected-car platform", "connected-services", "Ogi Redzic", Stage.L0,
         Category.incremental_revenue, 150, 80, "2017-06"),
]  # fmt: skip


def _eur_m(millions: int) -> Money:
    return Money(Decimal(millions) * 1_000_000, "EUR")


def build(seed: Seed) -> Initiative:
    figures = PlanFigures(_eur_m(seed.run_rate_m), _eur_m(seed.one_off_m), Month.parse(seed.start))
    rank = seed.stage.rank
    signoffs = (
        (SignOff("RENAULT", "I. Lambert", date(2016, 2, 15)),
         SignOff("NISSAN", "J. Suzuki", date(2016, 2, 20)))
        if rank >= 5 else ()
    )  # fmt: skip
    return Initiative(
        id=seed.id, name=seed.name, function=seed.function, owner=seed.owner,
        category=seed.category, allocation=seed.allocation, stage=seed.stage,
        forecast=figures if rank >= 1 else None,
        locked_plan=figures if rank >= 3 else None,
        approval=Approval("Alliance Board", figures.start.first_day()) if rank >= 3 else None,
        signoffs=signoffs, agreement=seed.agreement, illustrative=True,
    )  # fmt: skip


def initiatives() -> list[Initiative]:
    return [build(s) for s in SEEDS]
