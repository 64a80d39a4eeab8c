"""Forecast, plans, payback and what-if: the commands over services.forecasts and plans."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

import typer

from synergies.cli.forecast import forecast_command, payback_command, what_if_command
from synergies.cli.options import DbOption, FormatOption, open_context
from synergies.cli.output import Format, console, emit, print_json
from synergies.domain.calendar import Month, parse_date
from synergies.domain.errors import InvalidInput, NotFound
from synergies.domain.initiatives import Stage
from synergies.domain.money import parse_decimal
from synergies.forecasting import Scenario, converge
from synergies.forecasting.report import calibration_rows, whole_euros
from synergies.services import plans, structure
from synergies.services.forecasts import ForecastInputs, forecast_inputs, plan_items

plan_app = typer.Typer(help="Locked plans: freeze the approved plan, compare against it.",
                       no_args_is_help=True)  # fmt: skip
whatif_app = typer.Typer(help="Hypothetical moves, never written to the plan or ledger.",
                         no_args_is_help=True)  # fmt: skip

TargetYear = Annotated[int, typer.Option(help="Last year to forecast (a target year).")]
AsOf = Annotated[
    int | None,
    typer.Option(help="Forecast from the end of this realized year (default: the latest). "
                      "--as-of 2015 is the alliance's view in March 2016."),
]  # fmt: skip
Trials = Annotated[int, typer.Option(help="Monte Carlo trials.", min=1)]
Seed = Annotated[int, typer.Option(help="Random seed: the same seed gives the same figures.")]
Rho = Annotated[float, typer.Option(help="Weight of the shared function factor (0: independent).")]


def _notes(inputs: ForecastInputs) -> None:
    out = console()
    out.print(f"Baseline: {whole_euros(inputs.portfolio.baseline.amount):,} EUR realized in "
              f"{inputs.portfolio.baseline.year}; {len(inputs.portfolio.initiatives)} live "
              f"initiatives add to it.")  # fmt: skip
    for e in inputs.excluded:
        out.print(f"  not forecast: {e.initiative}: {e.reason}", style="grey50")
    for c in inputs.calibration:
        if c.source == "history":
            out.print(f"  {c.explanation}")
    if inputs.realized:
        seen = ", ".join(f"{y}: {whole_euros(v):,}" for y, v in sorted(inputs.realized.items()))
        out.print(f"Realized since (EUR, not used by the forecast): {seen}")


def forecast(
    target_year: TargetYear = 2018,
    as_of: AsOf = None,
    trials: Trials = 100_000,
    seed: Seed = 2016,
    rho: Rho = 0.3,
    db: DbOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Monte Carlo forecast to the target year: P10/P50/P90, odds of each target, drivers."""
    inputs = forecast_inputs(open_context(db), target_year=target_year, as_of=as_of,
                             trials=trials, seed=seed, rho=rho)  # fmt: skip
    if fmt is Format.table:
        _notes(inputs)
        emit(calibration_rows(inputs.calibration), fmt, title="Probability of delivery by stage")
    forecast_command(inputs.portfolio, inputs.settings, fmt)


def payback(
    initiative: Annotated[str | None, typer.Option(help="Only this initiative.")] = None,
    until: Annotated[str, typer.Option(help="Last month to count, YYYY-MM.")] = "2020-12",
    db: DbOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """One-off costs against cumulative savings on the plan, and the payback month."""
    items = plan_items(open_context(db), initiative.upper() if initiative else None)
    payback_command(items, Month.parse(until, field="--until"), fmt)


@plan_app.command("lock")
def lock(
    name: Annotated[str, typer.Argument(help="Name of the plan, e.g. 'budget 2016'.")],
    db: DbOption = None,
) -> None:
    """Freeze every approved (L3+) initiative with its figures as a named plan."""
    plan = plans.lock(open_context(db), name)
    total = sum((p.run_rate_eur for p in plan.items), Decimal(0))
    console().print(f"locked plan {plan.name!r}: {len(plan.items)} initiatives, "
                    f"{whole_euros(total):,} EUR run-rate")  # fmt: skip


@plan_app.command("list")
def list_plans(db: DbOption = None, fmt: FormatOption = Format.table) -> None:
    """The locked plans, oldest first."""
    ctx = open_context(db)
    rows = []
    for name in plans.names(ctx):
        plan = plans.get(ctx, name)
        rows.append({"name": plan.name, "locked_at": plan.locked_at.isoformat(),
                     "locked_by": plan.locked_by, "initiatives": len(plan.items)})  # fmt: skip
    emit(rows, fmt, title="Locked plans")


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
    chosen = year or date.today().year
    by_initiative, by_function = plans.compare(open_context(db), name, chosen)
    rows = [
        {"initiative": c.key, "function": c.function, "stage_then": c.stage_then,
         "stage_now": c.stage_now, "plan_run_rate": whole_euros(c.plan_run_rate),
         "forecast_run_rate": whole_euros(c.forecast_run_rate),
         "forecast_vs_plan": whole_euros(c.forecast_vs_plan),
         f"realized_{chosen}": whole_euros(c.realized)}
        for c in by_initiative
    ]  # fmt: skip
    functions = [
        {"function": c.key, "plan_run_rate": whole_euros(c.plan_run_rate),
         "forecast_run_rate": whole_euros(c.forecast_run_rate),
         "forecast_vs_plan": whole_euros(c.forecast_vs_plan),
         f"realized_{chosen}": whole_euros(c.realized)}
        for c in by_function
    ]  # fmt: skip
    if fmt is Format.json:
        print_json({"plan": name, "year": chosen, "initiatives": rows, "functions": functions})
        return
    emit(rows, fmt, title=f"Plan {name!r} against the working forecast (EUR)")
    if fmt is Format.table:
        emit(functions, fmt, title="By function")


def _move(text: str, stage: Stage, ramp: int) -> tuple[str, Month, Decimal, Decimal, int, Stage]:
    """Parse FUNCTION:FROM:PCT:COST_BASE[:RAMP[:STAGE]] (the --and option)."""
    parts = text.split(":")
    if len(parts) < 4:
        raise InvalidInput(f"{text!r} is not a move", field="--and",
                           fix="write FUNCTION:YYYY-MM-DD:PCT:COST_BASE[:RAMP[:STAGE]]")  # fmt: skip
    start = Month.of(parse_date(parts[1], field="--and"))
    pct = parse_decimal(parts[2], field="--and")
    base = parse_decimal(parts[3], field="--and")
    months = int(parts[4]) if len(parts) > 4 and parts[4] else ramp
    chosen = Stage(parts[5]) if len(parts) > 5 else stage
    return parts[0], start, pct, base, months, chosen


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
        typer.Option("--and", help="Another move: FUNCTION:FROM:PCT:COST_BASE[:RAMP[:STAGE]]."),
    ] = None,
    target_year: TargetYear = 2018,
    as_of: AsOf = None,
    trials: Trials = 100_000,
    seed: Seed = 2016,
    db: DbOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Forecast with and without converging functions (a scenario, never the plan)."""
    ctx = open_context(db)
    known = structure.functions(ctx)
    texts = [f"{function}:{from_}:{saving}:{of_cost_base}:{ramp}:{stage.value}", *(and_ or [])]
    moves = []
    for text in texts:
        name, start, pct, base, months, chosen = _move(text, stage, ramp)
        if name not in known:
            raise NotFound(f"unknown function {name!r}", field="FUNCTION",
                           fix=f"use one of: {', '.join(known)}")  # fmt: skip
        moves.append(converge(name, start, pct / 100, base, months, stage=chosen.value))
    label = " + ".join(f"converge {m.function} from {m.start}" for m in moves)
    inputs = forecast_inputs(ctx, target_year=target_year, as_of=as_of, trials=trials, seed=seed)
    what_if_command(inputs.portfolio, Scenario(label, tuple(moves)), inputs.settings, fmt)


def register(app: typer.Typer) -> None:
    app.command()(forecast)
    app.command()(payback)
    app.add_typer(plan_app, name="plan")
    app.add_typer(whatif_app, name="whatif")
