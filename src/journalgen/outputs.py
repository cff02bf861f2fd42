"""What the pure stages hand to the writer."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Output:
    """One file of the built site, rendered in memory."""

    path: str
    """Its path inside the output folder, with `/` separators, e.g. `2026/11/home/index.html`."""
    data: bytes


@dataclass(frozen=True, slots=True)
class Copy:
    """A file copied as it is (a photo, a favicon, the theme's stylesheet)."""

    path: str
    """Its path inside the output folder."""
    source: Path
    """The file to copy."""
