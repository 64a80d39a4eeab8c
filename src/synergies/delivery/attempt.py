"""What trying to deliver something came to: the channels' common answer."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Attempt:
    """`ok` once it arrived; `attempts` tries were made; `error` says why the last failed."""

    ok: bool
    attempts: int
    error: str = ""
