"""What the pure stages hand to the writer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Output:
    """One file of the built site, rendered in memory."""

    path: str
    """Its path inside the output folder, with `/` separators, e.g. `2026/11/home/index.html`."""
    data: bytes
    key: bytes | None = None
    """What it was made from (keys.py), when known: kept with the output so that the next
    build can tell, without rendering it, that the file would not change."""


@dataclass(frozen=True, slots=True)
class Planned:
    """One file of the built site as its stage plans it: made when asked (`make`), with
    what it shows. The stage never decides whether to make it: the incremental layer
    (`incremental.layer`) keeps the previous build's file when what it shows is the same."""

    path: str
    make: Callable[[], bytes]
    shows: tuple[object, ...] | None = None
    """The kind of page and the parts of the site it is made from (`PageKeys.of` reads
    them), e.g. `("entry", entry)`; None: made on every build."""


@dataclass(frozen=True, slots=True)
class Kept:
    """A file the previous build wrote from the same key (and that is still as it wrote
    it): not rendered again, and left untouched in the output folder."""

    path: str
    key: bytes


@dataclass(frozen=True, slots=True)
class Copy:
    """A file copied as it is (a photo, a favicon, the theme's stylesheet)."""

    path: str
    """Its path inside the output folder."""
    source: Path
    """The file to copy."""
