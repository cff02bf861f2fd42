"""Errors that are the user's to fix: each names the file, the line and what to do."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """`text` safe to print on a terminal: a control character in a file name or value (an
    escape sequence could retitle or clear the terminal) is shown as its code."""
    return _UNPRINTABLE.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


EXCERPT = 60
"""At most this many characters of a value are quoted in a message."""


def excerpt(value: object, limit: int = EXCERPT) -> str:
    """A value as a message may quote it: escaped (no control character reaches the
    terminal) and short (a pasted page or an expanded YAML bomb is not printed whole)."""
    text = repr(value) if not isinstance(value, str) else repr(value[: limit + 1])
    if len(text) > limit:
        text = text[:limit] + "…"
    return text


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the user's site, precise enough to fix without a traceback."""

    path: Path | None
    """The file at fault, or None when the problem is not in one file."""
    line: int | None
    """1-based line in that file, when there is one."""
    message: str
    """What is wrong, in plain words."""
    hint: str = ""
    """What to do about it (may be empty)."""

    def location(self, base: Path | None = None) -> str:
        if self.path is None:
            return ""
        shown = self.path
        if base is not None:
            try:
                # `--site journal` gives relative paths: compare both as absolute paths.
                shown = self.path.absolute().relative_to(base.absolute())
            except ValueError:
                shown = self.path
        return f"{shown}:{self.line}" if self.line else str(shown)

    def format(self, base: Path | None = None) -> str:
        where = self.location(base)
        text = f"{where}: {self.message}" if where else self.message
        if self.hint:
            text += f"\n    {self.hint}"
        return printable(text)


class JournalError(Exception):
    """A user's mistake (or several): the build stops and reports them all."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__("\n".join(p.format() for p in self.problems))

    @classmethod
    def at(
        cls, path: Path | None, message: str, *, line: int | None = None, hint: str = ""
    ) -> JournalError:
        return cls([Problem(path, line, message, hint)])

    def format(self, base: Path | None = None) -> str:
        return "\n".join(p.format(base) for p in self.problems)
