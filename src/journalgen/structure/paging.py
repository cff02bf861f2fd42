"""Splitting a list into numbered pages: `/`, `/page/2/`, … (home) or `/guestbook/page/2/`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Slot(Generic[T]):
    """One page of a paginated list."""

    number: int
    """1 for the first page."""
    path: str
    """Its folder in the built site (`folder` itself for the first page)."""
    items: tuple[T, ...]
    newer_path: str | None
    """The page before it (newer items), if any."""
    older_path: str | None
    """The page after it (older items), if any."""
    count: int
    """How many pages there are."""


def paginate(items: Sequence[T], size: int, folder: str) -> tuple[Slot[T], ...]:
    """`items` in pages of `size` under `folder` (e.g. "" or "guestbook/"); never empty:
    a list with no items still has its first page."""
    chunks = [tuple(items[i : i + size]) for i in range(0, len(items), size)] or [()]
    count = len(chunks)

    def path(number: int) -> str:
        return folder if number == 1 else f"{folder}page/{number}/"

    return tuple(
        Slot(
            number=n,
            path=path(n),
            items=chunk,
            newer_path=path(n - 1) if n > 1 else None,
            older_path=path(n + 1) if n < count else None,
            count=count,
        )
        for n, chunk in enumerate(chunks, start=1)
    )
