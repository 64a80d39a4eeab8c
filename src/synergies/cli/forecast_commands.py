"""Forecast, plans, payback and what-if: parse the options, call the service, print."""

from __future__ import annotations

from typing import Annotated

import typer

from synergies.cli.forecast_output import (
    print_comparison,
    print_forecast,
    print_locked,
    print_payback,
    print_plans,
    print_what_if,
)
from synergies.cli.options import DbOption, FormatOption, open_context
from synergies.cli.output import Format
from synergies.domain.calendar import Month, parse_date
from synergies.domain.errors import InvalidInput
from synergies.domain.initiatives import Stage
from synergies.domain.money import parse_decimal
from synergies.schemas.forecast import ForecastOut, PaybackReportOut, WhatIfOut
from synergies.schemas.plans import LockedPlanOut, PlanComparisonOut, PlanSummaryOut
from synergies.services import forecasts, plans
from synergies.services.whatif import ConvergenceMove, what_if

plan_app = typer.Typer(help="Locked plans: freeze the approved plan, compare against it.",
                       no_args_is_help=True)  # fmt: skip
whatif_app = typer.Typer(help="Hypothetical moves, never written to the plan or ledger.",
                         no_args_is_help=True)  # fmt: skip

TargetYear = Annotated[int, typer.Option(help="Last year to forecast (a target year).")]
AsOf = Annotated[
    int | None,
    typer.Option(
        help="Forecast from the end of this realized year (default: the latest), "
        "from what the store knew then (--as-of 2015: the view of March 2016)."
    ),
]
Register = Annotated[
    bool,
    typer.Option("--register", help="With --as-of: today's register seen from that year, "
                                    "not what the store knew then."),
]  # fmt: skip
Trials = Annotated[int, typer.Option(help="Monte Carlo trials.", min=1)]
Seed = Annotated[int, typer.Option(help="Random seed: the same seed gives the same figures.")]
Rho = Annotated[float, typer.Option(help="Weight of the shared function factor (0: independent).")]
MOVE_FORM = "FUNCTION:YYYY-MM-DD:PCT:COST_BASE[:RAMP[:STAGE]]"


def forecast(
    target_year: TargetYear = 2018,
    as_of: AsOf = None,
    trials: Trials = 100_000,
    seed: Seed = 2016,
    rho: Rho = 0.3,
    register: Register = False,
    db: DbOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Monte Carlo forecast to the target year: P10/P50/P90, odds of each target, drivers."""
    outcome = forecasts.run_forecast(
        open_context(db),
        target_year=target_year,
        as_of=as_of,
        trials=trials,
        seed=seed,
        rho=rho,
        known_then=not register,
    )
    print_forecast(ForecastOut.of(outcome), fmt)


def payback(
    initiative: Annotated[str | None, typer.Option(help="Only this initiative.")] = None,
    until: Annotated[str, typer.Option(help="Last month to count, YYYY-MM.")] = "2020-12",
    db: DbOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """One-off costs against cumulative savings on the plan, and the payback month."""
    last = Month.parse(until, field="--until")
    outcome = forecasts.payback(open_context(db), initiative, last)
    print_payback(PaybackReportOut.of(outcome), fmt)


@plan_app.command("lock")
def lock(
    name: Annotated[str, typer.Argument(help="Name of the plan, e.g. 'budget 2016'.")],
    db: DbOption = None,
) -> None:
    """Freeze every approved (L3+) initiative with its figures as a named plan."""
    print_locked(LockedPlanOut.of(plans.lock(open_context(db), name)))


@plan_app.command("list")
def list_plans(db: DbOption = None, fmt: FormatOption = Format.table) -> None:
    """The locked plans, oldest first."""
    print_plans([PlanSummaryOut.of(p) for p in plans.list_plans(open_context(db))], fmt)


@plan_app.command("compare")
def compare(
    name: Annotated[str, typer.Argument(help="Name of a locked plan.")],
    year: Annotated[
        int | None, typer.Option(help="Year of realized savings. Default: this year.")
    ] = None,
    db: DbOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """The working forecast and the realized ledger against a locked plan."""
    print_comparison(PlanComparisonOut.of(plans.compare(open_context(db), name, year)), fmt)


def parse_move(text: str, *, ramp: int, stage: Stage) -> ConvergenceMove:
    """FUNCTION:FROM:PCT:COST_BASE[:RAMP[:STAGE]] (the --and option) as a typed move; a
    missing RAMP or STAGE is the main move's."""
    parts = text.split(":")
    if not 4 <= len(parts) <= 6:
        raise InvalidInput(f"{text!r} is not a move", field="--and", fix=f"write {MOVE_FORM}")
    start = Month.of(parse_date(parts[1], field="--and"))
    pct = parse_decimal(parts[2], field="--and")
    base = parse_decimal(parts[3], field="--and")
    months = _ramp(parts[4]) if len(parts) > 4 and parts[4] else ramp
    chosen = _stage(parts[5]) if len(parts) > 5 else stage
    return ConvergenceMove(parts[0], start, pct, base, months, chosen)


def _ramp(text: str) -> int:
    if not text.strip().isdigit():
        raise InvalidInput(f"ramp {text!r} is not a whole number of months", field="--and",
                           fix=f"write {MOVE_FORM}, RAMP e.g. 24")  # fmt: skip
    return int(text)


def _stage(text: str) -> Stage:
    try:
        return Stage(text.strip().upper())
    except ValueError:
        raise InvalidInput(f"{text!r} is not a stage", field="--and",
                           fix=f"write {MOVE_FORM}, STAGE one of L0 to L5") from None  # fmt: skip


@whatif_app.command("converge")
def whatif_converge(
    function: Annotated[str, typer.Argument(help="Function to converge, e.g. sales-marketing.")],
    from_: Annotated[str, typer.Option("--from", help="Date convergence starts (YYYY-MM-DD).")],
    saving: Annotated[str, typer.Option(help="Saving in percent of the cost base, e.g. 3.")],
    of_cost_base: Annotated[str, typer.Option(help="Annual cost base in EUR across partners.")],
    ramp: Annotated[int, typer.Option(help="Months to reach the full saving.")] = 24,
    stage: Annotated[Stage, typer.Option(help="Stage of the hypothetical initiative.")] = Stage.L1,
    and_: Annotated[
        list[str] | None,
        typer.Option("--and", help=f"Another move: {MOVE_FORM}."),
    ] = None,
    target_year: TargetYear = 2018,
    as_of: AsOf = None,
    trials: Trials = 100_000,
    seed: Seed = 2016,
    db: DbOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Forecast with and without converging functions (a scenario, never the plan)."""
    first = ConvergenceMove(
        function, Month.of(parse_date(from_, field="--from")),
        parse_decimal(saving, field="--saving"), parse_decimal(of_cost_base, field="--of-cost-base"),
        ramp, stage,
    )  # fmt: skip
    moves = [first, *(parse_move(text, ramp=ramp, stage=stage) for text in and_ or [])]
    outcome = what_if(open_context(db), moves, target_year=target_year, as_of=as_of,
                      trials=trials, seed=seed)  # fmt: skip
    print_what_if(WhatIfOut.of(outcome), fmt)


def register(app: typer.Typer) -> None:
    from synergies.cli.backtest_commands import register as with_backtest

    with_backtest(app, forecast)  # the forecast, as a group with backtest and calibrate
    app.command()(payback)
    app.add_typer(plan_app, name="plan")
    app.add_typer(whatif_app, name="whatif")
