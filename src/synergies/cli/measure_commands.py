"""`synergies measure` and `synergies generate purchases`: thin shells over the measurement API."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from synergies.cli.options import DbOption, open_context
from synergies.cli.output import Format, console, print_csv, print_json, table
from synergies.domain.calendar import parse_date
from synergies.domain.errors import InvalidInput
from synergies.measurement.engines import LOCAL, Engine, SparkSettings
from synergies.measurement.measure import Period, measure
from synergies.measurement.result import MeasurementResult, to_json
from synergies.measurement.spark_config import spark_settings
from synergies.services.context import Context
from synergies.services.incremental import months_label, post_incremental
from synergies.services.measurement import Held, PostOutcome, authorize_posting, post_result


class SourceFormat(StrEnum):
    parquet = "parquet"
    csv = "csv"


class Layout(StrEnum):
    file = "file"
    hive = "hive"


def _stderr() -> Console:
    return Console(file=sys.stderr)


@contextmanager
def progress_bar(description: str, total: int | None) -> Iterator[Progress]:
    """A Rich progress bar on stderr; silent when stderr is not a terminal."""
    err = _stderr()
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        disable=not err.is_terminal,
        transient=True,
    ) as bar:
        bar.add_task(description, total=total)
        yield bar


def _date(text: str | None, option: str) -> date | None:
    return parse_date(text, field=option) if text else None


def _money_rows(result: MeasurementResult, name: str) -> list[dict[str, Any]]:
    rows = to_json(result)[name]
    return [
        {
            **{k: v for k, v in row.items() if isinstance(v, str) and k not in ("cost_avoidance",)},
            "claimed": row["lines_claimed"],
            "measured": row["lines_measured"],
            "net": Decimal(row["hard_savings"]["net"]),
            "gross gain": Decimal(row["hard_savings"]["gross_gain"]),
            "gross loss": Decimal(row["hard_savings"]["gross_loss"]),
            "avoidance": Decimal(row["cost_avoidance"]),
            "leak lines": row["leakage"]["lines"],
            "leakage": Decimal(row["leakage"]["amount"]),
            "double": row["double_claimed_lines"],
        }
        for row in rows
    ]


def print_result(result: MeasurementResult, fmt: Format) -> None:
    """The measurement as JSON, as CSV (the figures by month) or as tables."""
    if fmt is Format.json:
        print_json(to_json(result))
    elif fmt is Format.csv:
        print_csv(_money_rows(result, "by_month"))
    else:
        print_tables(result)


def print_tables(result: MeasurementResult) -> None:
    """The measurement as readable Rich tables."""
    doc = to_json(result)
    out = console()
    cur = result.reporting_currency
    summary = [
        {"figure": "lines read", "value": doc["lines_read"]},
        {"figure": "lines claimed", "value": doc["lines_claimed"]},
        {"figure": "lines measured", "value": doc["lines_measured"]},
        {"figure": f"hard savings, net ({cur})", "value": Decimal(doc["hard_savings"]["net"])},
        {"figure": "  gross gains", "value": Decimal(doc["hard_savings"]["gross_gain"])},
        {"figure": "  gross losses", "value": Decimal(doc["hard_savings"]["gross_loss"])},
        {"figure": f"cost avoidance ({cur}, apart)", "value": Decimal(doc["cost_avoidance"])},
        {"figure": "double-claimed lines", "value": doc["double_claimed_lines"]["count"]},
        {"figure": "leaking lines", "value": doc["leakage"]["lines"]},
        {"figure": f"leakage ({cur})", "value": Decimal(doc["leakage"]["amount"])},
    ]
    summary += [
        {"figure": f"unmeasurable: {k}", "value": v} for k, v in doc["unmeasurable"].items()
    ]
    out.print(table(summary, title="Purchasing savings measured from transactions"))
    for name, title in (
        ("by_initiative", "By initiative"),
        ("by_partner", "By partner"),
        ("by_fiscal_year", "By partner fiscal year"),
        ("by_year", "By calendar year"),
        ("by_month", "By month"),
    ):
        out.print(table(_money_rows(result, name), title=f"{title} ({cur})"))
    sample = doc["double_claimed_lines"]["sample"]
    if sample:
        rows = [{**s, "claimed_by": ", ".join(s["claimed_by"])} for s in sample]
        out.print(table(rows, title="Double-claimed lines (counted once, for counted_for)"))


def measure_command(
    source: Annotated[str, typer.Argument(help="Folder of tables, or a database URL.")],
    reporting_currency: Annotated[
        str, typer.Option("--reporting-currency", help="Currency of every figure.")
    ] = "EUR",
    start: Annotated[
        str | None, typer.Option("--from", help="First posting date (YYYY-MM-DD).")
    ] = None,
    end: Annotated[str | None, typer.Option("--to", help="Last posting date (YYYY-MM-DD).")] = None,
    engine: Annotated[
        Engine, typer.Option(help="Query engine for folder sources.")
    ] = Engine.duckdb,
    fmt: Annotated[
        Format, typer.Option("--format", help="table, json, or csv (the figures by month).")
    ] = Format.table,
    post: Annotated[
        bool,
        typer.Option(help="Record the result in the store's ledger (only what changed)."),
    ] = False,
    incremental: Annotated[
        bool,
        typer.Option(
            help="With --post: measure only the purchase-line files (partitions) new or "
            "changed since this source's last posted run, and post only the difference.",
        ),
    ] = False,
    spark_master: Annotated[
        str | None,
        typer.Option(
            "--spark-master",
            help="With --engine spark: local[N], spark://HOST:7077 or sc://HOST:15002. "
            "Default: $SYNERGIES_SPARK_MASTER, else [spark] master in .synergies.toml, "
            "else local[2].",
        ),
    ] = None,
    spark_conf: Annotated[
        list[str] | None,
        typer.Option(
            "--spark-conf",
            help="With --engine spark: a Spark setting KEY=VALUE, repeatable "
            "(e.g. spark.executor.memory=2g, spark.cores.max=4).",
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """Prove purchasing savings from a source's purchase lines (no store needed)."""
    period = Period(_date(start, "--from"), _date(end, "--to"))
    if engine is not Engine.spark and (spark_master or spark_conf):
        raise InvalidInput(
            "--spark-master and --spark-conf apply to the Spark engine only",
            field="engine",
            fix="add --engine spark, or leave the Spark options out",
        )
    spark = spark_settings(spark_master, spark_conf or ()) if engine is Engine.spark else LOCAL
    if incremental and not post:
        raise InvalidInput(
            "--incremental posts only what changed since the last posted run",
            field="incremental",
            fix="add --post (and --db if the store is not the default one)",
        )
    ctx = open_context(db) if post else None  # fail before the long read, not after
    if ctx is not None:
        authorize_posting(ctx)
    if ctx is not None and incremental:
        _incremental(ctx, source, reporting_currency, period, engine, spark, fmt)
        return
    with progress_bar(f"measuring {source}", None):
        result = measure(
            source,
            reporting_currency=reporting_currency,
            period=period,
            engine=engine,
            spark=spark,
            line_ranges=post,
        )
    print_result(result, fmt)
    if ctx is not None:
        outcome = post_result(ctx, source, result, period)
        _stderr().print(_posted(outcome))


def _incremental(
    ctx: Context,
    source: str,
    reporting_currency: str,
    period: Period,
    engine: Engine,
    spark: SparkSettings,
    fmt: Format,
) -> None:
    with progress_bar(f"measuring what changed in {source}", None):
        outcome = post_incremental(
            ctx, source, reporting_currency=reporting_currency, period=period, engine=engine,
            spark=spark,
        )  # fmt: skip
    changes, err = outcome.changes, _stderr()
    err.print(
        f"partition files: {len(changes.new)} new, {len(changes.changed)} changed, "
        f"{len(changes.removed)} removed, {len(changes.unchanged)} unchanged"
        + (f" since run {outcome.base_run}" if outcome.base_run else "")
    )
    if outcome.posted is None:
        err.print(f"nothing new since measurement run {outcome.base_run}: nothing measured")
        return
    if changes.why_all:
        err.print(f"measured every month: {changes.why_all}")
    else:
        err.print(f"measured {len(changes.read)} files for {months_label(changes.months)}")
    result = outcome.posted.result
    print_result(result, fmt)
    err.print(_posted(outcome.posted))


def _posted(outcome: PostOutcome) -> str:
    if outcome.unchanged:
        return (
            f"unchanged since measurement run {outcome.run_id}: nothing posted (the same "
            f"content was posted from {outcome.posted_from})"
        )
    posted = (
        f"posted measurement run {outcome.run_id}: {outcome.entries_added} ledger entries "
        f"added, {outcome.entries_reversed} reversed"
    )
    return "\n".join([posted, *_held(outcome)])


def _held(outcome: PostOutcome) -> list[str]:
    """Lines other sources' runs hold, by holding run: counted there, not added here."""
    by_run: dict[tuple[int, str], list[Held]] = {}
    for h in outcome.held:
        by_run.setdefault((h.run_id, h.source), []).append(h)
    currency = outcome.result.reporting_currency
    said = []
    for (run_id, source), months in sorted(by_run.items()):
        same = all(h.same_lines for h in months)
        lines = sum(h.lines for h in months)
        amount = sum((h.amount for h in months), Decimal(0))
        said.append(
            f"not added: {lines:,} lines in {len(months)} partner-months "
            f"({_span(months)}), {amount:,.2f} {currency}: "
            + ("the same lines" if same else "line ids that overlap those")
            + f" posted by run {run_id} ({source}); counted once, there"
        )
    return said


def _span(months: list[Held]) -> str:
    ordered = sorted(f"{h.partner} {h.month}" for h in months)
    return ordered[0] if len(ordered) == 1 else f"{ordered[0]} … {ordered[-1]}"


def purchases_command(
    out: Annotated[Path, typer.Argument(help="Folder to write the source to.")],
    lines: Annotated[int, typer.Option("--lines", help="How many purchase lines.")],
    seed: Annotated[int, typer.Option(help="Seed: the same seed writes the same data.")] = 2016,
    fmt: Annotated[SourceFormat, typer.Option("--format", help="parquet or csv.")] = (
        SourceFormat.parquet
    ),
    layout: Annotated[
        Layout,
        typer.Option(
            help="file: purchase_lines in one file; hive: Parquet parts in "
            "purchase_lines/year=YYYY/month=MM/partner=P/ folders."
        ),
    ] = Layout.file,
) -> None:
    """Write a synthetic (illustrative) purchasing source for the example alliance."""
    from synergies.measurement.generate import generate_purchases  # numpy, pyarrow: only here

    with progress_bar("writing purchase lines", lines) as bar:
        task = bar.task_ids[0]
        generate_purchases(
            out,
            lines,
            seed=seed,
            fmt=fmt.value,
            layout=layout.value,
            on_chunk=lambda n: bar.advance(task, n),
        )
    _stderr().print(f"wrote {lines:,} purchase lines to {out} (illustrative data)")


def register(app: typer.Typer) -> None:
    """Add `measure` and `generate purchases` to the main app."""
    app.command("measure")(measure_command)
    generate = typer.Typer(help="Write synthetic sources.", no_args_is_help=True)
    generate.command("purchases")(purchases_command)
    app.add_typer(generate, name="generate")
