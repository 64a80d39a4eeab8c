"""What every request passes before a route sees it, and every answer carries.

Pure ASGI (no per-request task switching), so the guard costs microseconds:
- a body larger than the limit is refused with 413 before it is read whole;
- a write's body must be JSON (415 otherwise): a browser form or `text/plain` cannot reach a
  route that trusts its cookie; only the dashboard's own pages (under `/web/`) take forms,
  and each of their forms carries a CSRF token (web/session.py); the one other body is a
  tracker workbook posted to `POST /imports`, up to 100 MB (a browser form cannot send that
  media type without a CORS preflight, which this server never grants);
- a write from another site is refused: an `Origin` that is not the server's own, or, for a
  request authenticated by the session cookie, neither a same-origin `Origin` nor
  `Sec-Fetch-Site: same-origin` (the CSRF rule; bearer tokens are not sent by browsers on
  their own, so they need no such check);
- every answer says not to be sniffed, framed, cached or referred, and may load nothing but
  the server's own files (Content-Security-Policy);
- one access-log line per request: method, path, status, milliseconds.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any

from starlette.exceptions import HTTPException

from synergies.api.deps import SESSION_COOKIE

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

MAX_BODY = 1024 * 1024  # 1 MiB: the largest request body any route needs is a few kB
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
JSON_TYPES = ("application/json", "application/problem+json", "application/merge-patch+json")
FORM_TYPE = "application/x-www-form-urlencoded"
FORM_PATHS = "/web/"  # the dashboard's forms; nothing else reads a form body
# The one exception to JSON: a tracker workbook posted to the import, streamed to a file.
WORKBOOK_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
WORKBOOK_PATH = "/imports"
MAX_WORKBOOK = 100 * 1024 * 1024  # as synergies.workbooks.reader.MAX_BYTES

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),  # no-referrer would make forms send `Origin: null`
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
)

access_log = logging.getLogger("synergies.access")


@dataclass(frozen=True, slots=True)
class Refusal:
    status: int
    title: str
    detail: str
    field: str
    fix: str


def _headers(scope: Scope) -> dict[str, str]:
    """Request headers by lower-case name (the last one wins, as the routes would see it)."""
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}


def _own_origin(scope: Scope, headers: dict[str, str]) -> str:
    scheme = "https" if scope.get("scheme") in ("https", "wss") else "http"
    return f"{scheme}://{headers.get('host', '')}"


def _uses_session_cookie(headers: dict[str, str]) -> bool:
    if headers.get("authorization", "").lower().startswith("bearer "):
        return False
    return f"{SESSION_COOKIE}=" in headers.get("cookie", "")


def cross_site(scope: Scope, headers: dict[str, str]) -> Refusal | None:
    """A write that another site's page may have sent on the user's behalf."""
    origin = headers.get("origin")
    if origin is not None and origin != _own_origin(scope, headers):
        return Refusal(
            403, "Permission denied", f"a write from another site ({origin}) is refused",
            "Origin", "send writes from this server's own pages, or use a bearer token",
        )  # fmt: skip
    same_site = origin is not None or headers.get("sec-fetch-site") == "same-origin"
    if _uses_session_cookie(headers) and not same_site:
        return Refusal(
            403, "Permission denied",
            "a write with the session cookie must say it comes from this site",
            "Origin", "send the Origin header (browsers do), or use a bearer token",
        )  # fmt: skip
    return None


def _media(headers: dict[str, str]) -> str:
    return headers.get("content-type", "").split(";", 1)[0].strip().lower()


def _is_workbook(scope: Scope, headers: dict[str, str]) -> bool:
    return (
        scope["method"] == "POST" and scope["path"] == WORKBOOK_PATH
        and _media(headers) == WORKBOOK_TYPE
    )  # fmt: skip


def body_limit(scope: Scope, headers: dict[str, str]) -> int:
    return MAX_WORKBOOK if _is_workbook(scope, headers) else MAX_BODY


def _not_json(scope: Scope, headers: dict[str, str]) -> Refusal | None:
    media = _media(headers)
    if media in JSON_TYPES or (media == FORM_TYPE and scope["path"].startswith(FORM_PATHS)):
        return None
    if _is_workbook(scope, headers):
        return None
    return Refusal(
        415, "Unsupported media type", f"a request body must be JSON, not {media or 'untyped'}",
        "Content-Type", "send Content-Type: application/json",
    )  # fmt: skip


def _too_large(limit: int = MAX_BODY) -> Refusal:
    return Refusal(
        413, "Request body too large", f"the request body is over {limit:,} bytes",
        "body", f"send at most {limit:,} bytes",
    )  # fmt: skip


def _declared_size(headers: dict[str, str]) -> int | None:
    text = headers.get("content-length")
    return int(text) if text is not None and text.isdigit() else None


def check_request(scope: Scope, headers: dict[str, str]) -> Refusal | None:
    """Everything that can be decided from the request line and headers alone."""
    if scope["method"] in SAFE_METHODS:
        return None
    if refused := cross_site(scope, headers):
        return refused
    size = _declared_size(headers)
    limit = body_limit(scope, headers)
    if size is not None and size > limit:
        return _too_large(limit)
    has_body = bool(size) or "transfer-encoding" in headers
    return _not_json(scope, headers) if has_body else None


async def send_refusal(scope: Scope, send: Send, refusal: Refusal) -> None:
    body = json.dumps({
        "type": f"/problems/{refusal.title.lower().replace(' ', '-')}", "title": refusal.title,
        "status": refusal.status, "detail": refusal.detail, "instance": scope["path"],
        "field": refusal.field, "fix": refusal.fix,
    }).encode()  # fmt: skip
    await send({
        "type": "http.response.start", "status": refusal.status,
        "headers": [(b"content-type", b"application/problem+json"),
                    (b"content-length", str(len(body)).encode())],
    })  # fmt: skip
    await send({"type": "http.response.body", "body": body})


class BodyTooLarge(HTTPException):
    """A streamed body went past the limit its headers did not declare.

    An HTTPException, so that FastAPI's body parsing passes it on as a 413 problem instead of
    turning it into a 400 "error parsing the body"."""

    def __init__(self, limit: int = MAX_BODY) -> None:
        super().__init__(413, f"the request body is over {limit:,} bytes")
        self.limit = limit


def limited(receive: Receive, limit: int = MAX_BODY) -> Receive:
    """`receive`, counting the body's bytes and stopping at the limit."""
    seen = 0

    async def counted() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise BodyTooLarge(limit)
        return message

    return counted


def _with_security_headers(message: Message, path: str) -> Message:
    headers = list(message.get("headers", []))
    names = {name.lower() for name, _ in headers}
    headers.extend(h for h in SECURITY_HEADERS if h[0] not in names)
    if b"cache-control" not in names:
        # Answers are per user (and may hold a new token's secret): never kept. The package's
        # own static files are the same for everyone and change only with a release.
        static = path.startswith(("/static/", "/assets/"))
        headers.append((b"cache-control", b"public, max-age=3600" if static else b"no-store"))
    message["headers"] = headers
    return message


class Hardening:
    """The ASGI middleware: guard the request, mark the answer, log the exchange."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started, status = time.perf_counter(), 500

        async def marked(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message = _with_security_headers(message, scope["path"])
            await send(message)

        try:
            refusal = check_request(scope, _headers(scope))
            if refusal is not None:
                await send_refusal(scope, marked, refusal)
                return
            headers = _headers(scope)
            try:
                await self.app(scope, limited(receive, body_limit(scope, headers)), marked)
            except BodyTooLarge as too_large:
                await send_refusal(scope, marked, _too_large(too_large.limit))
        finally:
            elapsed = (time.perf_counter() - started) * 1000
            access_log.info("%s %s %d %.1f ms", scope["method"], scope["path"], status, elapsed)
