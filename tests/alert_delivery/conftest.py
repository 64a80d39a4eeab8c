"""A local SMTP server (STARTTLS, a throw-away CA, a login) and a local webhook receiver,
beside the example alliance with one account per role."""

from __future__ import annotations

import json
import socket
import ssl
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword, Session
from argon2 import PasswordHasher

from synergies.delivery.mail import SmtpMailer, SmtpSettings
from synergies.delivery.webhooks import WebhookPoster
from synergies.domain.accounts import Role
from synergies.domain.alerts import Alert, Rule
from synergies.services import accounts
from synergies.services.context import Context
from synergies.services.security import local_operator
from synergies.storage.store import Store

PASSWORD = "correct horse battery"
SMTP_USER, SMTP_PASSWORD = "alerts", "mail password 1"
SENDER = "alerts@alliance.example"

USERS = {
    "admin": ("ada.admin", Role.admin, None),
    "renault_controller": ("rene.controller", Role.controller, "RENAULT"),
    "nissan_controller": ("naoko.controller", Role.controller, "NISSAN"),
    "clean_team": ("clara.clean", Role.clean_team, None),
    "viewer": ("nobu.viewer", Role.viewer, "NISSAN"),
}

# What evaluate() might find: built here, so delivery is tested apart from the rules.
BEHIND = Alert(
    Rule.behind_ramp, "behind ramp:PUR-001", "PUR-001", "PUR-001 is 34.2 % behind its ramp",
    "34.2 %", "20 %", initiative_id="PUR-001", function="purchasing",
)  # fmt: skip
LEAKAGE = Alert(
    Rule.leakage, "leakage:RENAULT:2016-05", "RENAULT",
    "Renault paid 1,250,000.00 EUR above the negotiated prices in May 2016",
    "1,250,000.00 EUR", "100,000.00 EUR", partner="RENAULT", function="purchasing",
    confidential_to="RENAULT",
)  # fmt: skip
ODDS = Alert(
    Rule.target_odds, "target odds:2018", "alliance", "P(5.5 bn in 2018) is 41 %", "41 %", "50 %"
)
OVERDUE = Alert(
    Rule.gate_overdue, "gate overdue:ENG-001", "ENG-001", "ENG-001's L3 gate is 45 days late",
    "45 days", "30 days", initiative_id="ENG-001", function="engineering",
)  # fmt: skip
ALERTS = (BEHIND, LEAKAGE, ODDS, OVERDUE)


@pytest.fixture(autouse=True)
def _cheap_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024))


@pytest.fixture
def store(example_url: str) -> Iterator[Store]:
    opened = Store.open(example_url)
    admin = Context(opened, local_operator())
    for name, role, partner in USERS.values():
        accounts.add_user(admin, name, role, PASSWORD, partner=partner)
    yield opened
    opened.engine.dispose()


@pytest.fixture
def admin(store: Store) -> Context:
    return Context(store, local_operator())


def as_user(store: Store, role: str) -> Context:
    with store.reading() as conn:
        from synergies.storage import account_rows

        account = account_rows.load_user(conn, USERS[role][0])
    return Context(store, accounts.actor_of(account))


# --- the webhook receiver ---


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Receiver:
    """Answers each POST with the next status in `answers` (then 200) and keeps them all."""

    url: str
    received: list[Received] = field(default_factory=list)
    answers: list[int] = field(default_factory=list)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver("")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            state.received.append(Received(dict(self.headers.items()), body))
            status = state.answers.pop(0) if state.answers else 200
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/synergies"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


@dataclass
class Sleeps:
    """The pauses the poster asked for, not waited."""

    taken: list[float] = field(default_factory=list)

    def __call__(self, seconds: float) -> None:
        self.taken.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def poster(sleeps: Sleeps) -> WebhookPoster:
    return WebhookPoster(attempts=3, backoff=0.5, timeout=5, sleep=sleeps)


# --- the SMTP server ---


@dataclass
class Mail:
    to: list[str]
    sender: str
    message: Message
    tls: bool  # the session had been through STARTTLS
    login: str | None

    @property
    def text(self) -> str:
        payload = self.message.get_payload(decode=True)
        assert isinstance(payload, bytes)
        return payload.decode()


@dataclass
class SmtpServer:
    host: str
    port: int
    cafile: Path
    mails: list[Mail] = field(default_factory=list)

    def mailer(self, **changes: Any) -> SmtpMailer:
        settings = {"host": self.host, "port": self.port, "sender": SENDER, "user": SMTP_USER,
                    "password": SMTP_PASSWORD, "cafile": str(self.cafile), "timeout": 10.0}  # fmt: skip
        return SmtpMailer(SmtpSettings(**{**settings, **changes}))

    def to(self, address: str) -> list[Mail]:
        return [m for m in self.mails if address in m.to]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def ca(tmp_path_factory: pytest.TempPathFactory) -> tuple[trustme.CA, Path]:
    authority = trustme.CA()
    path = tmp_path_factory.mktemp("ca") / "ca.pem"
    authority.cert_pem.write_to_path(str(path))
    return authority, path


def _start_smtp(ca: tuple[trustme.CA, Path], *, starttls: bool) -> Iterator[SmtpServer]:
    authority, cafile = ca
    server = SmtpServer("localhost", _free_port(), cafile)
    logins: dict[int, str] = {}

    class Handler:
        async def handle_DATA(self, smtp: Any, session: Session, envelope: Envelope) -> str:
            content = envelope.content
            assert isinstance(content, bytes)
            server.mails.append(Mail(
                list(envelope.rcpt_tos), str(envelope.mail_from), message_from_bytes(content),
                session.ssl is not None, logins.get(id(session)),
            ))  # fmt: skip
            return "250 OK"

    def authenticator(smtp: Any, session: Session, envelope: Envelope, mechanism: str,
                      data: Any) -> AuthResult:  # fmt: skip
        ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
            SMTP_USER.encode(), SMTP_PASSWORD.encode())  # fmt: skip
        if ok:
            logins[id(session)] = SMTP_USER
        return AuthResult(success=ok)

    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("localhost").configure_cert(tls)
    options: dict[str, Any] = (
        {"tls_context": tls, "require_starttls": True, "authenticator": authenticator}
        if starttls
        else {"authenticator": authenticator, "auth_require_tls": False}
    )
    controller = Controller(Handler(), hostname="localhost", port=server.port, **options)
    controller.start()
    yield server
    controller.stop()


@pytest.fixture
def smtp(ca: tuple[trustme.CA, Path]) -> Iterator[SmtpServer]:
    yield from _start_smtp(ca, starttls=True)


@pytest.fixture
def plain_smtp(ca: tuple[trustme.CA, Path]) -> Iterator[SmtpServer]:
    """A server that offers no STARTTLS."""
    yield from _start_smtp(ca, starttls=False)
