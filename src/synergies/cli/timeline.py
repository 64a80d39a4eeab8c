"""The convergence timeline: one row per function, one cell per year, coloured by stage."""

from __future__ import annotations

from datetime import date

from rich.table import Table
from rich.text import Text

from synergies.domain.functions import BusinessFunction, ConvergenceStage

COLOURS = {
    ConvergenceStage.independent: "grey35",
    ConvergenceStage.under_study: "yellow",
    ConvergenceStage.converging: "dark_orange",
    ConvergenceStage.converged: "green",
}
# A glyph per stage as well as a colour, so the picture reads without colour too.
GLYPHS = {
    ConvergenceStage.independent: "░",
    ConvergenceStage.under_study: "▒",
    ConvergenceStage.converging: "▓",
    ConvergenceStage.converged: "█",
}


ORDER = {stage: n for n, stage in enumerate(ConvergenceStage)}


def _years(functions: list[BusinessFunction], today: date) -> range:
    first = min((e.since.year for f in functions for e in f.history), default=today.year)
    return range(max(first, 1999), max(today.year, 2018) + 1)


def convergence_timeline(functions: list[BusinessFunction], today: date) -> Table:
    years = _years(functions, today)
    grid = Table(title="Convergence timeline (stage at 1 July of each year)", box=None)
    grid.add_column("function")
    grid.add_column(f"{years.start} → {years.stop - 1}")
    for f in sorted(functions, key=lambda f: (-ORDER[f.stage_on(today)], f.code)):
        row = Text()
        for year in years:
            stage = f.stage_on(date(year, 7, 1))
            row.append(GLYPHS[stage] * 2, style=COLOURS[stage])
        grid.add_row(f.code, row)
    legend = Text()
    for stage, colour in COLOURS.items():
        legend.append(GLYPHS[stage] * 2, style=colour)
        legend.append(f" {stage.value}  ")
    grid.add_row("", legend)
    return grid
