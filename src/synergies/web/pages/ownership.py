"""The ownership page: the cross-shareholdings as a graph, with direct, look-through and
voting interests in a table (the circle Renault-Nissan-Renault is solved, not cut)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from synergies.schemas.structure import InterestOut, OwnershipOut, PartnerOut, ShareholdingOut
from synergies.services import structure
from synergies.web.session import ViewerDep
from synergies.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/web/ownership")
def ownership(request: Request, viewer: ViewerDep) -> HTMLResponse:
    """The shareholdings graph and the interests table, as `GET /ownership` gives them."""
    found = structure.ownership(viewer.ctx)
    document = OwnershipOut(
        holdings=[ShareholdingOut.of(h) for h in found.holdings],
        interests=[InterestOut.of(i) for i in found.interests],
    )
    held = {c for h in found.holdings for c in (h.holder, h.held)}
    partners = [PartnerOut.of(p) for p in structure.partners(viewer.ctx).values() if p.code in held]
    graph = {
        "partners": [p.model_dump(mode="json") for p in partners],
        **document.model_dump(mode="json"),
    }
    interests = sorted(document.interests, key=lambda i: (i.holder, -i.effective, i.held))
    return render(
        request, "ownership.html", viewer, title="Ownership", ownership=document,
        interests=[i for i in interests if i.effective or i.direct],
        names={p.code: p.name for p in partners}, graph=graph,
        json_links=(("Ownership", "/ownership"), ("Partners", "/partners")),
    )  # fmt: skip
