"""Send a plain-text e-mail over SMTP: STARTTLS unless turned off, then an optional login.

With STARTTLS on, a server that does not offer it is a failure: the message (which may hold a
partner's confidential figures) is never sent in clear.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from synergies.delivery.attempt import Attempt

DEFAULT_PORT = 587  # the submission port, where STARTTLS is the rule


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    host: str
    sender: str
    port: int = DEFAULT_PORT
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    starttls: bool = True
    cafile: str | None = None  # a private CA to trust besides the system's
    timeout: float = 30.0

    def tls_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=self.cafile)


@dataclass(frozen=True, slots=True)
class SmtpMailer:
    settings: SmtpSettings

    def message(self, to: str, subject: str, text: str) -> EmailMessage:
        mail = EmailMessage()
        mail["From"] = self.settings.sender
        mail["To"] = to
        mail["Subject"] = subject
        mail["Date"] = formatdate(localtime=False, usegmt=True)
        mail["Message-ID"] = make_msgid(domain=self.settings.sender.rpartition("@")[2] or None)
        mail.set_content(text)
        return mail

    def __call__(self, to: str, subject: str, text: str) -> Attempt:
        """Send one message; any SMTP or network error is the attempt's error, not raised."""
        s = self.settings
        try:
            with smtplib.SMTP(s.host, s.port, timeout=s.timeout) as smtp:
                if s.starttls:
                    smtp.starttls(context=s.tls_context())
                if s.user:
                    smtp.login(s.user, s.password or "")
                smtp.send_message(self.message(to, subject, text))
        except (smtplib.SMTPException, OSError) as exc:
            return Attempt(False, 1, f"{type(exc).__name__}: {exc}")
        return Attempt(True, 1)
