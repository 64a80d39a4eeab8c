"""The overview page (being written)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from synergies.web.session import ViewerDep
from synergies.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/")
def overview(request: Request, viewer: ViewerDep) -> HTMLResponse:
    return render(request, "overview.html", viewer, title="Overview")
