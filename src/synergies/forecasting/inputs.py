"""What the forecast engine takes: initiatives, the realized baseline and the targets.

These are the engine's own plain values, so any source (the initiative register, a spreadsheet,
a what-if move) can be mapped onto them. They are frozen: the engine never changes its inputs.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal, get_args

from synergies.domain.calendar import Month
from synergies.domain.errors import InvalidInput

Stage = Literal["L0", "L1", "L2", "L3", "L4", "L5"]
SideStatus = Literal["at_risk", "on_hold", "cancelled"]
STAGES: tuple[Stage, ...] = get_args(Stage)
SIDE_STATUSES: tuple[SideStatus, ...] = get_args(SideStatus)


@dataclass(frozen=True, slots=True)
class ForecastInitiative:
    """One initiative as the forecast sees it.

    `run_rate` is the annual EUR saving at full ramp. The saving ramps up from `start`: linearly
    over `ramp_months`, or by `ramp_profile` (fraction of the run-rate in each month from the
    start; full run-rate after the profile ends). `probability` and `sigma` override the stage
    defaults. `hypothetical` marks what-if moves, `illustrative` invented example data.
    """

    id: str
    function: str
    stage: Stage
    run_rate: Decimal
    start: Month
    ramp_months: int = 0
    ramp_profile: tuple[float, ...] | None = None
    side_status: SideStatus | None = None
    one_off_cost: Decimal = Decimal(0)
    one_off_month: Month | None = None
    probability: float | None = None
    sigma: float | None = None
    illustrative: bool = False
    hypothetical: bool = False

    def __post_init__(self) -> None:
        where = f"initiative {self.id}"
        if self.stage not in STAGES:
            raise InvalidInput(
                f"{where}: unknown stage {self.stage!r}", field="stage", fix="use L0 to L5"
            )
        if self.side_status is not None and self.side_status not in SIDE_STATUSES:
            raise InvalidInput(
                f"{where}: unknown side status {self.side_status!r}",
                field="side_status",
                fix="use at_risk, on_hold, cancelled or none",
            )
        _check_ramp(where, self.ramp_months, self.ramp_profile)
        _check_unit(where, "probability", self.probability)
        if self.sigma is not None and not self.sigma >= 0:
            raise InvalidInput(f"{where}: sigma {self.sigma} < 0", field="sigma", fix="give >= 0")
        if self.one_off_cost < 0:
            raise InvalidInput(
                f"{where}: negative one-off cost",
                field="one_off_cost",
                fix="give the cost to achieve as a positive amount",
            )

    @property
    def cost_month(self) -> Month:
        """When the one-off cost is paid: its own month, else the start month."""
        return self.one_off_month or self.start


def _check_ramp(where: str, ramp_months: int, profile: tuple[float, ...] | None) -> None:
    if ramp_months < 0:
        raise InvalidInput(f"{where}: ramp_months < 0", field="ramp_months", fix="give >= 0")
    if profile is not None and not all(0.0 <= f <= 1.0 for f in profile):
        raise InvalidInput(
            f"{where}: ramp profile fractions must lie in [0, 1]",
            field="ramp_profile",
            fix="give the share of the run-rate reached in each month, e.g. (0.25, 0.5, 0.75)",
        )


def _check_unit(where: str, name: str, value: float | None) -> None:
    if value is not None and not 0.0 <= value <= 1.0:
        raise InvalidInput(f"{where}: {name} {value} is not in [0, 1]", field=name, fix="0..1")


@dataclass(frozen=True, slots=True)
class Baseline:
    """Synergies already realized at an annual run-rate (e.g. 2015's), assumed to persist.

    `sigma` is the lognormal spread of how much of it persists (mean 1): a small number.
    Initiatives counted in the baseline must not also be in the portfolio.
    """

    year: int
    amount: Decimal
    sigma: float = 0.0

    def __post_init__(self) -> None:
        if not self.sigma >= 0:
            raise InvalidInput("baseline sigma < 0", field="baseline.sigma", fix="give >= 0")


@dataclass(frozen=True, slots=True)
class Target:
    """An annual synergies target: `amount` EUR in calendar (or fiscal) year `year`."""

    year: int
    amount: Decimal


@dataclass(frozen=True, slots=True)
class Portfolio:
    """Everything the forecast needs besides settings."""

    initiatives: tuple[ForecastInitiative, ...]
    baseline: Baseline
    targets: tuple[Target, ...] = ()

    def __post_init__(self) -> None:
        seen: set[str] = set()
        for item in self.initiatives:
            if item.id in seen:
                raise InvalidInput(
                    f"initiative id {item.id!r} appears twice",
                    field="initiatives",
                    fix="give each initiative its own id",
                )
            seen.add(item.id)

    def with_initiatives(self, extra: tuple[ForecastInitiative, ...]) -> Portfolio:
        """A new portfolio with `extra` appended (appending keeps common random numbers)."""
        return Portfolio(self.initiatives + extra, self.baseline, self.targets)

    def functions(self) -> tuple[str, ...]:
        """Functions in order of first appearance: the order of their random factors."""
        return tuple(dict.fromkeys(item.function for item in self.initiatives))
