"""Errors on a page are pages: the same statuses as the API's problems, never a traceback.

The API's handlers (api/problems.py) stay the one map from error class to status; here each
is wrapped so that a page request (the dashboard's paths, or a browser asking for a path that
does not exist) gets an HTML page with the same status, detail and fix.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response

from synergies.api.problems import TITLES
from synergies.web.session import LoginRequired, Viewer, viewer
from synergies.web.templating import render

Handler = Callable[[Request, Exception], Awaitable[Response]]
WEB_PREFIX = "/web/"

HINTS = {
    403: "Your role does not allow this. An alliance admin can grant another role.",
    404: "The page or the thing it names does not exist (any more).",
    429: "Too many failed logins in a row: the account waits a while before the next try.",
    500: "Something went wrong on the server. Nothing was changed by this request.",
}


def is_page(request: Request) -> bool:
    """A dashboard path, or a browser navigating to a path no route serves."""
    path = request.url.path
    return path == "/" or path.startswith(WEB_PREFIX)


def _browser_navigation(request: Request, status: int) -> bool:
    return status == 404 and request.headers.get("accept", "").startswith("text/html")


def _signed_in(request: Request) -> Viewer | None:
    """The viewer, if the request has a live session (to keep the menu on an error page)."""
    try:
        return viewer(request, request.app.state.store)
    except LoginRequired:
        return None


def _as_page(request: Request, answer: Response) -> Response:
    problem: dict[str, Any] = json.loads(bytes(answer.body))
    status = answer.status_code
    page = render(
        request, "error.html", None if status >= 500 else _signed_in(request), status=status, title=TITLES.get(status, "Error"),
        problem=problem, hint=HINTS.get(status, ""),
    )  # fmt: skip
    if "allow" in answer.headers:
        page.headers["allow"] = answer.headers["allow"]
    return page


def _page_or(original: Handler) -> Handler:
    async def handle(request: Request, error: Exception) -> Response:
        answer = await original(request, error)
        if is_page(request) or _browser_navigation(request, answer.status_code):
            return _as_page(request, answer)
        return answer

    return handle


async def _login_required(request: Request, error: Exception) -> Response:
    assert isinstance(error, LoginRequired)
    return RedirectResponse(error.location(), status_code=303)


def install(app: FastAPI) -> None:
    """Wrap the API's error handlers (install after `problems.install`)."""
    for kind, original in list(app.exception_handlers.items()):
        app.exception_handlers[kind] = _page_or(original)  # type: ignore[arg-type]
    app.add_exception_handler(LoginRequired, _login_required)
