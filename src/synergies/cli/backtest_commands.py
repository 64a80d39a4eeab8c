"""`synergies forecast backtest|calibrate`: does the forecast deserve trust?

`forecast` becomes a group whose own callback is the forecast (run alone it forecasts, as
before) with the two sub-commands here; `register` is called from forecast_commands.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Sequence
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.text import Text

from synergies.cli.options import DbOption, FormatOption, open_context
from synergies.cli.output import Format, console, emit, print_json, table
from synergies.forecasting.history import Dating
from synergies.schemas.backtest import BacktestOut, CalibrationOut, PointOut, ScoresOut
from synergies.schemas.forecast import SettingsVersionOut
from synergies.services import backtest as service
from synergies.services import forecast_settings

FAN_WIDTH = 64
TOP_INITIATIVES = 10


class DatingChoice(StrEnum):
    auto = "auto"
    recorded = "recorded"
    effective = "effective"


DATING: dict[DatingChoice, Dating | None] = {
    DatingChoice.auto: None, DatingChoice.recorded: "recorded", DatingChoice.effective: "effective",
}  # fmt: skip
FromYear = Annotated[
    int | None,
    typer.Option("--from", help="First as-of year (default: the first realized year)."),
]
ToYear = Annotated[
    int | None,
    typer.Option("--to", help="Last as-of year (default: the year before the last realized)."),
]
Horizon = Annotated[int, typer.Option(help="Years forecast after each as-of year (1 to 3).",
                                      min=1, max=3)]  # fmt: skip
Trials = Annotated[int, typer.Option(help="Monte Carlo trials per as-of year.", min=1)]
Seed = Annotated[int, typer.Option(help="Random seed: the same seed gives the same figures.")]
DatingOption = Annotated[
    DatingChoice,
    typer.Option("--dating", help="How facts are dated: recorded (when the store recorded "
                                  "them), effective (when they took effect, for history loaded "
                                  "later) or auto (recorded if the store has records that old)."),
]  # fmt: skip


def backtest(
    from_: FromYear = None,
    to: ToYear = None,
    horizon: Horizon = 3,
    trials: Trials = 10_000,
    seed: Seed = 2016,
    dating: DatingOption = DatingChoice.auto,
    db: DbOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Forecast each past year from what the store knew then and score it on what came."""
    outcome = service.run_backtest(
        open_context(db), first=from_, last=to, horizons=horizon, trials=trials, seed=seed,
        dating=DATING[dating],
    )  # fmt: skip
    document = BacktestOut.of(outcome)
    if fmt is not Format.table:
        emit([p.row() for p in document.points], fmt, document=document.model_dump(mode="json"))
        return
    print_backtest(document)


def calibrate(
    from_: FromYear = None,
    to: ToYear = None,
    horizon: Horizon = 3,
    trials: Trials = 5_000,
    seed: Seed = 2016,
    dating: DatingOption = DatingChoice.auto,
    apply: Annotated[
        bool,
        typer.Option(
            "--apply",
            help="Record the fit as the settings forecasts run on (an "
            "audited change), if it beats the defaults out of sample.",
        ),
    ] = False,
    note: Annotated[str, typer.Option(help="Why the fit is applied (kept with the version).")] = "",
    db: DbOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Fit the uncertainty settings on the backtest (leave-one-year-out); without --apply it
    writes nothing."""
    ctx = open_context(db)
    options: dict[str, Any] = {"first": from_, "last": to, "horizons": horizon,
                               "trials": trials, "seed": seed, "dating": DATING[dating]}  # fmt: skip
    if apply:
        outcome, version = service.calibrate_and_apply(ctx, note=note, **options)
        document = CalibrationOut.of(outcome, version)
    else:
        document = CalibrationOut.of(service.calibrate_uncertainty(ctx, **options))
    if fmt is Format.json:
        print_json(document.model_dump(mode="json"))
    elif fmt is Format.csv:
        emit(_side_by_side(document.before, document.after), fmt)
    else:
        print_calibration(document)


def print_backtest(doc: BacktestOut) -> None:
    out = console()
    span = doc.span
    out.print(f"Verdict: {doc.verdict.text}\n")
    out.print(table([p.row() for p in doc.points],
                    title=f"Backtest: as of {span.first}-{span.last}, {span.horizons} horizons, "
                          f"{doc.trials:,} trials, facts dated {span.dating}"))  # fmt: skip
    out.print(table(_score_rows(doc.scores), title="Scores (h = years after the as-of year)"))
    overall = doc.scores[-1]
    out.print(_pit_line(overall))
    out.print(_fan(doc.points, 1))
    _print_initiatives(doc)
    if doc.terms is not None:
        out.print(doc.terms.line())
    for note in doc.notes:
        out.print(f"Note: {note}.")
    out.print("Too few years: a score on fewer points than it needs is not shown as a number.")


def _print_initiatives(doc: BacktestOut) -> None:
    """The same question per initiative: did its own savings fall inside its own band?"""
    out, found = console(), doc.initiatives
    if not found.points:
        out.print("Initiatives: none had savings of its own known in an as-of year: no band "
                  "to check yet.")  # fmt: skip
        return
    rows = [{"score": s.name, "value": s.shown, "meaning": s.meaning} for s in found.scores]
    out.print(table(rows, title=f"Initiatives: {found.points} points of {found.initiatives} "
                                f"initiatives with savings known in an as-of year, each "
                                f"forecast alone ({found.trials:,} trials)"))  # fmt: skip
    worst = [{"initiative": r.initiative, "points": r.points,
              "inside P10-P90": r.inside_p10_p90, "mean PIT": r.mean_pit}
             for r in found.records[:TOP_INITIATIVES]]  # fmt: skip
    out.print(table(worst, title="Most often outside their own band (PIT near 1: realized "
                                 "above the band, near 0: below)"))  # fmt: skip


def _score_rows(groups: Sequence[ScoresOut]) -> list[dict[str, object]]:
    names = [s.name for s in groups[-1].scores]
    rows: list[dict[str, object]] = []
    for i, name in enumerate(names):
        row: dict[str, object] = {"score": name}
        for g in groups:
            row[f"h={g.horizon}" if g.horizon is not None else "all"] = g.scores[i].shown
        row["meaning"] = groups[-1].scores[i].meaning
        rows.append(row)
    return rows


def _pit_line(scores: ScoresOut) -> str:
    if scores.pit_histogram is None:
        return f"PIT histogram: too few years (n={scores.points})"
    bars = "  ".join(f"{i / 5:.1f}-{(i + 1) / 5:.1f} {'#' * c} {c}"
                     for i, c in enumerate(scores.pit_histogram))  # fmt: skip
    return f"PIT histogram (flat if calibrated): {bars}"


def _fan(points: Sequence[PointOut], horizon: int) -> Text:
    """A text fan chart: P10-P90 as '-', P25-P75 as '=', P50 as '|', realized as 'o'."""
    chosen = [p for p in points if p.horizon == horizon]
    text = Text(f"Fan chart, {horizon} year ahead (EUR bn; - P10-P90, = P25-P75, | P50, "
                "o realized):\n")  # fmt: skip
    if not chosen:
        return text
    values = [float(v) for p in chosen for v in (p.p10, p.p90, p.realized)]
    low, high = min(values), max(values)
    scale = (FAN_WIDTH - 1) / (high - low) if high > low else 0.0

    def at(value: Decimal) -> int:
        return round((float(value) - low) * scale)

    for p in chosen:
        line = [" "] * FAN_WIDTH
        for k in range(at(p.p10), at(p.p90) + 1):
            line[k] = "-"
        for k in range(at(p.p25), at(p.p75) + 1):
            line[k] = "="
        line[at(p.p50)] = "|"
        row = Text(f"{p.year} from {p.as_of} ")
        row.append("".join(line[: at(p.realized)]))
        row.append("o", style="bold red")
        row.append("".join(line[at(p.realized) + 1 :]))
        text.append(row)
        text.append(f"  {float(p.realized) / 1e9:.2f}\n")
    text.append(f"{'':14}{low / 1e9:<.2f}{'':>{FAN_WIDTH - 8}}{high / 1e9:.2f}\n")
    return text


def _side_by_side(before: ScoresOut, after: ScoresOut) -> list[dict[str, object]]:
    return [
        {"score": b.name, "defaults": b.shown, "fitted": a.shown, "meaning": b.meaning}
        for b, a in zip(before.scores, after.scores, strict=True)
    ]


def print_calibration(doc: CalibrationOut) -> None:
    out = console()
    d, f = doc.default, doc.fitted
    out.print(table(_side_by_side(doc.before, doc.after),
                    title=f"Calibration: spread x{float(d.spread):g} slippage x{float(d.slippage):g} (defaults) "
                          f"against spread x{float(f.spread):g} slippage x{float(f.slippage):g} (fitted)"))  # fmt: skip
    out.print(
        f"Out of sample (leave one as-of year out), mean CRPS / realized: defaults "
        f"{doc.held_out_default}, fit {doc.held_out_fitted}: "
        + ("the fit is better." if doc.better_out_of_sample
           else "the fit is no better than the defaults; keep the defaults.")
    )  # fmt: skip
    if doc.biased:
        out.print(
            f"The fit leaves a bias of {doc.bias:+,} EUR against a mean CRPS of "
            f"{doc.crps:,} EUR: its error is mostly location, which no spread cures."
        )
    if doc.at_edge:
        out.print("The fitted spread is at the edge of the grid tried: wider bands there are "
                  "covering a bias (see the bias score) more than measuring a spread.")  # fmt: skip
    chosen = ", ".join(
        f"{h.as_of}: x{float(h.chosen.spread):g}/x{float(h.chosen.slippage):g}"
        for h in doc.held_out
    )
    out.print(f"Fit without each year (spread/slippage): {chosen}")
    if doc.applied is not None:
        out.print(f"Recorded: forecasts now run on {doc.applied.described}.")
    else:
        out.print("Nothing was written (--apply records the fit, if it beats the defaults).")


def settings(
    reset: Annotated[
        bool, typer.Option("--reset", help="Put the documented defaults back in force.")
    ] = False,
    note: Annotated[str, typer.Option(help="Why (kept with the version, with --reset).")] = "",
    db: DbOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """The uncertainty settings forecasts run on, and every recorded version."""
    ctx = open_context(db)
    if reset:
        forecast_settings.reset(ctx, note)
    found = [SettingsVersionOut.of(v) for v in forecast_settings.versions(ctx)]
    in_force = SettingsVersionOut.of(forecast_settings.current(ctx))
    if fmt is not Format.table:
        emit([v.model_dump(mode="json") for v in found], fmt,
             document={"in_force": in_force.model_dump(mode="json"),
                       "versions": [v.model_dump(mode="json") for v in found]})  # fmt: skip
        return
    out = console()
    out.print(f"In force: {in_force.described}")
    if not found:
        out.print("No version recorded: `synergies forecast calibrate --apply` records a fit.")
        return
    out.print(table([_version_row(v) for v in found], title="Recorded uncertainty settings"))


def _version_row(v: SettingsVersionOut) -> dict[str, object]:
    fitted = f"{v.fitted_from}-{v.fitted_to}" if v.fitted_from is not None else "defaults"
    held_out = (f"{v.held_out_fitted} vs {v.held_out_default}"
                if v.held_out_fitted is not None else "")  # fmt: skip
    return {"version": v.version, "spread": f"x{float(v.spread):g}",
            "slippage": f"x{float(v.slippage):g}", "fitted on": fitted,
            "out of sample (fit vs defaults)": held_out,
            "recorded": v.recorded_at.isoformat(timespec="seconds") if v.recorded_at else "",
            "by": v.recorded_by, "note": v.note}  # fmt: skip


def _unless_subcommand(command: Callable[..., None]) -> Callable[..., None]:
    """`command` as a group callback: it runs only when no sub-command is named."""

    @functools.wraps(command)
    def callback(ctx: typer.Context, **options: Any) -> None:
        if ctx.invoked_subcommand is None:
            command(**options)

    signature = inspect.signature(command, eval_str=True)
    context = inspect.Parameter("ctx", inspect.Parameter.POSITIONAL_OR_KEYWORD,
                                annotation=typer.Context)  # fmt: skip
    callback.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=[context, *signature.parameters.values()]
    )
    callback.__annotations__ = {**command.__annotations__, "ctx": typer.Context}
    return callback


def register(app: typer.Typer, forecast: Callable[..., None]) -> None:
    """Register `forecast` as a group that forecasts when run alone, with its sub-commands."""
    group = typer.Typer(help=inspect.getdoc(forecast), rich_markup_mode="rich")
    group.callback(invoke_without_command=True)(_unless_subcommand(forecast))
    group.command("backtest")(backtest)
    group.command("calibrate")(calibrate)
    group.command("settings")(settings)
    app.add_typer(group, name="forecast")
