"""POST alerts to a webhook receiver: a JSON body, signed with the webhook's secret.

The receiver checks `X-Synergies-Signature: sha256=<hex>`, the HMAC-SHA256 under the secret of
`<X-Synergies-Timestamp>.<body>`: the timestamp (Unix seconds) is signed with the body, so an
old request replayed later can be refused by its age (`verify` allows five minutes).

A network error, a timeout, 429 or a 5xx is tried again after an exponentially growing pause;
another answer (a 4xx: wrong URL, refused signature) is final for this send.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

from synergies.delivery.attempt import Attempt

SIGNATURE_HEADER = "X-Synergies-Signature"
TIMESTAMP_HEADER = "X-Synergies-Timestamp"
MAX_AGE = 300  # seconds a receiver accepts a signed request for (verify)


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """The signature header's value for `body` sent at `timestamp`."""
    signed = timestamp.encode() + b"." + body
    return "sha256=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def verify(
    secret: str, timestamp: str, body: bytes, header: str, *, now: float | None = None
) -> bool:
    """What a receiver does: the signature matches, and the request is fresh."""
    try:
        age = (time.time() if now is None else now) - int(timestamp)
    except ValueError:
        return False
    fresh = -MAX_AGE <= age <= MAX_AGE
    return fresh and hmac.compare_digest(signature(secret, timestamp, body), header)


def _retryable(status: int) -> bool:
    return status == 429 or status >= 500


@dataclass
class WebhookPoster:
    """Posts signed bodies; `sleep` and `clock` are injectable so tests need not wait."""

    attempts: int = 3
    backoff: float = 1.0  # seconds before the 2nd try; doubled before each next one
    timeout: float = 10.0  # seconds, for connecting and for each read
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.time
    transport: httpx.BaseTransport | None = field(default=None, repr=False)

    def __call__(self, url: str, secret: str, body: bytes) -> Attempt:
        """POST `body` (JSON) to `url`, trying up to `attempts` times."""
        error = ""
        with httpx.Client(timeout=self.timeout, transport=self.transport) as client:
            for attempt in range(1, self.attempts + 1):
                if attempt > 1:
                    self.sleep(self.backoff * 2 ** (attempt - 2))
                retry, error = self._try(client, url, secret, body)
                if not error:
                    return Attempt(True, attempt)
                if not retry:
                    return Attempt(False, attempt, error)
        return Attempt(False, self.attempts, error)

    def _try(self, client: httpx.Client, url: str, secret: str, body: bytes) -> tuple[bool, str]:
        """(worth trying again, the error); no error: it arrived."""
        timestamp = str(int(self.clock()))
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "synergies-alerts/1",
            TIMESTAMP_HEADER: timestamp,
            SIGNATURE_HEADER: signature(secret, timestamp, body),
        }
        try:
            answer = client.post(url, content=body, headers=headers)
        except httpx.TimeoutException:
            return True, f"no answer within {self.timeout:g} s"
        except httpx.TransportError as exc:
            return True, f"{type(exc).__name__}: {exc}"
        if answer.is_success:
            return False, ""
        return _retryable(answer.status_code), f"HTTP {answer.status_code}"
