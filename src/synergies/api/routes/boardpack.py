"""The board pack over HTTP: the year's synergy statement as PDF or HTML.

Built with the caller's own rights (services/boardpack.py): a partner's confidential figures
appear only for those allowed to read them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from synergies.api.deps import ContextDep
from synergies.api.problems import READ_ERRORS
from synergies.services import boardpack as service
from synergies.services.boardpack import Format, Paper

router = APIRouter(tags=["reports"], responses=READ_ERRORS)
MEDIA = {Format.pdf: "application/pdf", Format.html: "text/html; charset=utf-8"}


@router.get(
    "/boardpack/{year}", response_class=Response,
    responses={200: {"content": {"application/pdf": {}, "text/html": {}},
                     "description": "The board pack."}},
)  # fmt: skip
def boardpack(
    ctx: ContextDep,
    year: Annotated[int, Path(ge=1900, le=2199, description="The year of the statement.")],
    format: Annotated[Format, Query(description="pdf (printed) or html.")] = Format.pdf,
    paper: Annotated[Paper, Query(description="Paper size: a4 or letter.")] = Paper.a4,
) -> Response:
    """The board pack of `year`: realized synergies against the target by function, partner
    and category, the split, one-off costs and payback, the burn-up with the forecast band,
    the bridge, the convergence timeline, the initiatives at risk, each figure's
    verification status, and the audit head it was built from."""
    done = service.render(ctx, year, format, paper)
    name = f"boardpack-{year}-{paper.value}.{format.value}"
    return Response(
        done.document, media_type=MEDIA[format],
        headers={"Content-Disposition": f'attachment; filename="{name}"',
                 "X-Audit-Seq": str(done.audit.seq)},
    )  # fmt: skip
