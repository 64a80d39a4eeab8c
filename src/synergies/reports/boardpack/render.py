"""The pack as a document: HTML from one template, PDF from that HTML through WeasyPrint.

The HTML carries its style sheet and charts inline, so the file stands alone. WeasyPrint is
imported only when a PDF is asked for. Nothing in the output depends on when or where it
was made except the generation time (the audit checkpoint's), so the same figures give the
same bytes: the PDF's identifier comes from the figures' audit head, not from the clock.
"""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal
from importlib import resources
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from synergies.domain.errors import InvalidInput
from synergies.reports.boardpack import charts
from synergies.reports.boardpack.figures import BoardPack, Verification
from synergies.web.format import FILTERS, fraction

PAPERS = {"a4": "A4", "letter": "letter"}


def billions(amount: Any) -> str:
    """4.3 bn: the headline as the Alliance published it."""
    value = getattr(amount, "amount", amount)
    return "–" if value is None else f"{value / 1_000_000_000:,.1f} bn"


def verified(v: Verification) -> str:
    """One line: measured or declared, who signed off when, and what no one signed."""
    pct = share
    if not v.signed and not v.measured and not v.declared:
        return "no entries"
    source = (f"declared {pct(v.declared)}" if not v.measured
              else f"measured {pct(v.measured)}, declared {pct(v.declared)}")  # fmt: skip
    signed = "; ".join(
        f"{s.partner} controllers ({', '.join(s.controllers)}) {_dates(s.first, s.last)}: "
        f"{pct(s.share)}"
        for s in v.signed
    )
    signed_part = f"signed off: {signed}; " if signed else ""
    return f"{source} · {signed_part}not signed off {pct(v.unsigned)}"


def share(value: Decimal) -> str:
    """A fraction of the figure as a percentage, never rounded to a misleading 0% or 100%."""
    if 0 < value < Decimal("0.0005"):
        return "< 0.1%"
    if Decimal("0.9995") < value < 1:
        return "> 99.9%"
    return fraction(value)


def _dates(first: date, last: date) -> str:
    return first.isoformat() if first == last else f"{first.isoformat()} to {last.isoformat()}"


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("synergies.reports.boardpack", "templates"),
        autoescape=select_autoescape(default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(FILTERS)
    env.filters["bn"] = billions
    env.filters["verified"] = verified
    return env


ENVIRONMENT = _environment()


def _css(paper: str) -> Markup:
    sheet = resources.files("synergies.reports.boardpack").joinpath("templates/pack.css")
    text = sheet.read_text(encoding="utf-8")
    return Markup(f"@page {{ size: {PAPERS[paper]}; }}\n{text}")  # noqa: S704 - our own file


def _charts(pack: BoardPack) -> dict[str, Markup]:
    shown: dict[str, Markup] = {
        "burn_up": charts.burn_up(pack.burn_up, pack.year),
        "functions": charts.bars([(x.key, x.figure.realized.amount) for x in pack.by_function],
                                 "Realized by function"),
        "categories": charts.bars([(x.key, x.figure.realized.amount) for x in pack.by_category],
                                  "Realized by category"),
        "partners": charts.split([(x.key, x.figure.realized.amount) for x in pack.by_partner],
                                 "Split between partners"),
        "convergence": charts.convergence(pack.functions, date(pack.year, 12, 31)),
    }  # fmt: skip
    if pack.bridge and pack.bridge_start is not None:
        shown["bridge"] = charts.bridge(pack.bridge_start, pack.bridge, pack.focus)
    return shown


def html(pack: BoardPack, paper: str = "a4") -> str:
    """The pack as one standalone HTML document, laid out for `paper` when printed."""
    if paper not in PAPERS:
        raise InvalidInput(f"no paper size {paper!r}", field="paper", fix="give a4 or letter")
    return ENVIRONMENT.get_template("pack.html").render(
        pack=pack, css=_css(paper), charts=_charts(pack), paper=PAPERS[paper],
        generated=pack.audit.at.isoformat(),
    )  # fmt: skip


def identifier(pack: BoardPack, paper: str) -> bytes:
    """The PDF's file identifier: from what the pack shows, never from the clock."""
    seed = f"{pack.audit.hash}|{pack.audit.seq}|{pack.year}|{paper}|{pack.reader}"
    return hashlib.sha256(seed.encode()).hexdigest()[:32].encode()


def pdf(pack: BoardPack, paper: str = "a4") -> tuple[bytes, int]:
    """The pack printed to PDF (vector charts, fonts embedded), and its page count."""
    return print_html(html(pack, paper), identifier(pack, paper))


def print_html(document: str, file_id: bytes) -> tuple[bytes, int]:
    """HTML printed through WeasyPrint: the same document and identifier, the same bytes."""
    try:
        import weasyprint
    except (ImportError, OSError) as missing:  # OSError: pango's library is not installed
        raise InvalidInput(
            f"cannot print PDF: {missing}", field="out",
            fix="install Debian's pango (make pdf, or apt-get install libpango-1.0-0 "
            "libpangoft2-1.0-0 fonts-dejavu-core), or write .html",
        ) from None  # fmt: skip
    printed = weasyprint.HTML(string=document).render()
    data = printed.write_pdf(pdf_identifier=file_id)
    return bytes(data or b""), len(printed.pages)
