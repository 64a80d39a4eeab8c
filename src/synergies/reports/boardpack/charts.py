"""The pack's charts as inline SVG, drawn server-side from the pack's own figures.

No script: the layout engine prints what is in the document. Coordinates are written with
fixed decimals, so the same figures give the same bytes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from markupsafe import Markup, escape

from synergies.reports.burn_up import BurnUpRow
from synergies.schemas.reports import BridgeStepOut, YearOut
from synergies.schemas.structure import FunctionOut

WIDTH = 640
INK, MUTED, GRID = "#1f2a44", "#6b7280", "#d9dde5"
REALIZED, BAND, MEDIAN, TARGET = "#2f5d9e", "#c9d7ee", "#1f3f73", "#c0392b"
RISE, FALL = "#2e8b57", "#c0392b"
STAGE_COLOURS = {
    "independent": "#eef0f4", "under study": "#f4d58d", "converging": "#8fb3e0",
    "converged": "#2f5d9e",
}  # fmt: skip
SERIES = ("#2f5d9e", "#e08e2f", "#5a9e6f", "#9e5a8f", "#8c8c8c")


def _n(value: float) -> str:
    return f"{value:.1f}"


def _bn(amount: Decimal) -> str:
    return f"{amount / 1_000_000_000:,.1f} bn"


def _m(amount: Decimal) -> str:
    return f"{amount / 1_000_000:,.0f} m"


def _text(x: float, y: float, words: str, *, anchor: str = "start", size: float = 10,
          fill: str = INK, weight: str = "normal") -> str:  # fmt: skip
    return (f'<text x="{_n(x)}" y="{_n(y)}" font-size="{_n(size)}" text-anchor="{anchor}" '
            f'fill="{fill}" font-weight="{weight}">{escape(words)}</text>')  # fmt: skip


def _rect(x: float, y: float, w: float, h: float, fill: str, extra: str = "") -> str:
    return (f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(max(w, 0))}" height="{_n(max(h, 0))}" '
            f'fill="{fill}"{extra}/>')  # fmt: skip


def _line(x1: float, y1: float, x2: float, y2: float, stroke: str, width: float = 1,
          dash: str = "") -> str:  # fmt: skip
    dashed = f' stroke-dasharray="{dash}"' if dash else ""
    return (f'<line x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}" stroke="{stroke}" '
            f'stroke-width="{_n(width)}"{dashed}/>')  # fmt: skip


def _svg(height: float, parts: Sequence[str], title: str) -> Markup:
    body = "".join(parts)
    return Markup(  # noqa: S704 - every text in `parts` went through escape()
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {WIDTH} {_n(height)}" width="100%" font-family="DejaVu Sans, sans-serif">'
        f"<title>{escape(title)}</title>{body}</svg>"
    )


def _ticks(top: Decimal) -> list[Decimal]:
    """Round steps from zero past `top`: 1, 2 or 5 times a power of ten, about five."""
    if top <= 0:
        return [Decimal(0)]
    raw = top / 5
    power = Decimal(10) ** (len(str(int(raw))) - 1)
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    return [step * k for k in range(int(top / step) + 2)]


def burn_up(rows: Sequence[BurnUpRow], year: int) -> Markup:
    """Realized synergies by year as bars, each year's target as a red mark, and after the
    pack's year the forecast's P10-P90 band with its median."""
    if not rows:
        return _svg(40, [_text(10, 24, "No realized synergies yet.", fill=MUTED)], "Burn-up")
    height, left, bottom, top_pad = 250.0, 56.0, 28.0, 14.0
    values = [v for r in rows for v in (r.realized, r.p90, r.target) if v is not None]
    ticks = _ticks(max(values, default=Decimal(1)))
    scale = (height - bottom - top_pad) / float(ticks[-1] or 1)
    plot = WIDTH - left - 10
    slot = plot / len(rows)

    def y(v: Decimal) -> float:
        return height - bottom - float(v) * scale

    parts = []
    for t in ticks:
        parts += [_line(left, y(t), WIDTH - 10, y(t), GRID),
                  _text(left - 6, y(t) + 3, f"{t / 1_000_000_000:,.0f}", anchor="end",
                        size=9, fill=MUTED)]  # fmt: skip
    parts.append(_text(6, top_pad - 2, "bn EUR", size=9, fill=MUTED))
    for k, r in enumerate(rows):
        x, bar = left + k * slot, slot * 0.6
        middle = x + slot / 2
        if r.realized is not None:
            # A year after the pack's is drawn hollow: set against the forecast, not in it.
            later = f' stroke="{MUTED}" stroke-width="0.8" stroke-dasharray="3 2"'
            parts.append(_rect(middle - bar / 2, y(r.realized), bar, y(Decimal(0)) - y(r.realized),
                               REALIZED if r.year <= year else "none",
                               "" if r.year <= year else later))  # fmt: skip
        if r.p10 is not None and r.p90 is not None:
            parts.append(_rect(middle - bar / 2, y(r.p90), bar, y(r.p10) - y(r.p90), BAND,
                               f' stroke="{MEDIAN}" stroke-width="0.6"'))  # fmt: skip
        if r.p50 is not None:
            parts.append(_line(middle - bar / 2, y(r.p50), middle + bar / 2, y(r.p50), MEDIAN, 2))
        if r.target is not None:
            parts.append(_line(middle - slot * 0.42, y(r.target), middle + slot * 0.42,
                               y(r.target), TARGET, 2.4))  # fmt: skip
        parts.append(_text(middle, height - bottom + 14, str(r.year), anchor="middle", size=9,
                           weight="bold" if r.year == year else "normal"))  # fmt: skip
    parts.append(_line(left, y(Decimal(0)), WIDTH - 10, y(Decimal(0)), INK))
    return _svg(height, parts, f"Burn-up to target, to {rows[-1].year}")


def bars(items: Sequence[tuple[str, Decimal]], title: str) -> Markup:
    """One horizontal bar per key, largest first as given, each labelled with its amount."""
    if not items:
        return _svg(40, [_text(10, 24, "Nothing realized.", fill=MUTED)], title)
    row, label, gap = 20.0, 170.0, 8.0
    height = row * len(items) + gap
    top = max(abs(v) for _, v in items) or Decimal(1)
    plot = WIDTH - label - 90
    parts = []
    for k, (key, value) in enumerate(items):
        y = gap / 2 + k * row
        width = plot * float(abs(value) / top)
        parts += [
            _text(label - 8, y + row * 0.62, key, anchor="end"),
            _rect(label, y + 3, width, row - 6, REALIZED if value >= 0 else FALL),
            _text(label + width + 6, y + row * 0.62, _m(value), size=9, fill=MUTED),
        ]
    return _svg(height, parts, title)


def split(items: Sequence[tuple[str, Decimal]], title: str) -> Markup:
    """The split between partners: one bar of 100%, a segment per partner with its share."""
    whole = sum((v for _, v in items), Decimal(0))
    if not items or whole <= 0:
        return _svg(40, [_text(10, 24, "Nothing realized.", fill=MUTED)], title)
    parts, x, left, plot = [], 10.0, 10.0, WIDTH - 20.0
    slot = plot / len(items)
    for k, (key, value) in enumerate(items):
        width = plot * float(value / whole)
        colour = SERIES[k % len(SERIES)]
        parts.append(_rect(x, 8, width, 26, colour))
        # The legend below, one slot each: a thin segment's label still has room.
        at = left + k * slot
        parts += [_rect(at, 42, 10, 10, colour),
                  _text(at + 14, 51, f"{key} {value / whole * 100:.1f}%", size=10)]  # fmt: skip
        x += width
    parts.append(_line(left, 6, left, 36, INK))
    return _svg(62, parts, title)


def bridge(start: YearOut, steps: Sequence[BridgeStepOut], end: YearOut) -> Markup:
    """The waterfall from the year before to the year, one row per function's change; the
    axis starts above zero (as a printed bridge does) and says so."""
    levels = [start.realized.amount]
    for s in steps:
        levels.append(levels[-1] + s.change.amount)
    low, high = min(*levels, end.realized.amount), max(*levels, end.realized.amount)
    floor = max(Decimal(0), low - (high - low))
    span = float(high - floor) or 1.0
    row, label = 20.0, 170.0
    plot = WIDTH - label - 90
    rows = [(start.label, floor, start.realized.amount, INK)]
    for s, before, after in zip(steps, levels, levels[1:], strict=False):
        rows.append((s.key, before, after, RISE if after >= before else FALL))
    rows.append((end.label, floor, end.realized.amount, INK))
    height = row * len(rows) + 24

    def x(v: Decimal) -> float:
        return label + plot * float(v - floor) / span

    parts = []
    for k, (key, a, b, colour) in enumerate(rows):
        y = 4 + k * row
        change = b - a if colour != INK else b
        words = _m(change) if colour == INK else f"{'+' if change >= 0 else '−'}{_m(abs(change))}"
        parts += [
            _text(label - 8, y + row * 0.62, key, anchor="end",
                  weight="bold" if colour == INK else "normal"),
            _rect(x(min(a, b)), y + 3, x(max(a, b)) - x(min(a, b)), row - 6, colour),
            _text(x(max(a, b)) + 6, y + row * 0.62, words, size=9, fill=MUTED),
        ]  # fmt: skip
    parts.append(_text(label, height - 6, f"axis starts at {_m(floor)} EUR", size=8, fill=MUTED))
    return _svg(height, parts, f"Bridge {start.label} to {end.label}")


@dataclass(frozen=True, slots=True)
class _Span:
    stage: str
    start: date
    end: date


def _spans(f: FunctionOut, last: date) -> list[_Span]:
    events = list(f.history)
    return [
        _Span(e.stage.value, e.since, events[k + 1].since if k + 1 < len(events) else last)
        for k, e in enumerate(events)
    ]


def convergence(functions: Sequence[FunctionOut], year_end: date) -> Markup:
    """Each function's stages over time, one row each, with the pack's year end marked."""
    dates = [e.since for f in functions for e in f.history]
    if not dates:
        return _svg(40, [_text(10, 24, "No convergence recorded.", fill=MUTED)], "Convergence")
    first = date(min(dates).year, 1, 1)
    last = date(max(max(dates).year, year_end.year) + 2, 1, 1)
    row, label, legend = 20.0, 170.0, 24.0
    plot = WIDTH - label - 10
    days = (last - first).days
    height = row * len(functions) + 18 + legend

    def x(d: date) -> float:
        return label + plot * (d - first).days / days

    parts = []
    every = 1 if last.year - first.year <= 12 else 2
    for year in range(first.year, last.year + 1, every):
        parts += [_line(x(date(year, 1, 1)), 0, x(date(year, 1, 1)), row * len(functions), GRID),
                  _text(x(date(year, 1, 1)), row * len(functions) + 12, str(year),
                        anchor="middle", size=8, fill=MUTED)]  # fmt: skip
    for k, f in enumerate(functions):
        y = k * row
        parts.append(_text(label - 8, y + row * 0.62, f.code, anchor="end", size=9))
        for s in _spans(f, last):
            parts.append(_rect(x(s.start), y + 3, x(s.end) - x(s.start), row - 6,
                               STAGE_COLOURS[s.stage], f' stroke="{GRID}" stroke-width="0.5"'))  # fmt: skip
    marker = x(year_end)
    parts += [_line(marker, 0, marker, row * len(functions), TARGET, 1.2, "3 2")]
    lx = label
    for stage, colour in STAGE_COLOURS.items():
        parts += [_rect(lx, height - 14, 10, 10, colour, f' stroke="{MUTED}" stroke-width="0.5"'),
                  _text(lx + 14, height - 5, stage, size=9)]  # fmt: skip
        lx += 105
    parts.append(_text(WIDTH - 10, height - 5, f"– – end of {year_end.year}", anchor="end",
                       size=9, fill=TARGET))  # fmt: skip
    return _svg(height, parts, "Convergence timeline")
