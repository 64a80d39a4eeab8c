"""Sorting and paging a list the service returned."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from synergies.api.deps import Paging

T = TypeVar("T")
Item = TypeVar("Item")


class Page(BaseModel, Generic[T]):
    """One page of a list, and how many items the whole list holds."""

    items: list[T]
    total: int
    limit: int
    offset: int


def sort_pattern(keys: Sequence[str]) -> str:
    """The regex a `sort` query parameter must match: a key, '-' first for descending."""
    return f"^-?({'|'.join(keys)})$"


def cut(
    items: Sequence[Item], paging: Paging, sort: str | None = None,
    keys: dict[str, Callable[[Item], Any]] | None = None,
) -> tuple[list[Item], int]:  # fmt: skip
    """Sort by `sort` (a key of `keys`, '-' first for descending), then cut one page."""
    ordered = list(items)
    if sort and keys:
        ordered.sort(key=keys[sort.lstrip("-")], reverse=sort.startswith("-"))
    return ordered[paging.offset : paging.offset + paging.limit], len(ordered)
