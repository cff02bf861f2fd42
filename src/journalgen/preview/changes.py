"""Which file-system changes call for a rebuild, and when: pure, with the clock passed in.

Editors emit several events per save (a swap file, a backup, a temporary file renamed over
the original), and a build itself writes files. Rebuilding once per save, and never because
of our own output, comes down to two decisions kept here so they can be tested without
threads, sockets or sleeps: `ChangeFilter.change` and `Debouncer`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Literal

from journalgen.build import STATIC_DIR
from journalgen.config import CONFIG_NAME
from journalgen.reading.sources import CONTENT_DIR, is_ignored_name, is_leftover
from journalgen.rendering.render import SITE_TEMPLATES

ChangeKind = Literal["config", "content", "template", "static"]

PREVIEW_DIR = ".journalgen"
"""journalgen's own folder inside a site (the dev server's preview lives in it)."""

WATCHED_DIRS: dict[str, ChangeKind] = {
    CONTENT_DIR: "content",
    SITE_TEMPLATES: "template",
    STATIC_DIR: "static",
}
"""Top-level folders of a site whose files change what a build writes."""


def is_noise_name(name: str) -> bool:
    """A name under content/ or templates/ whose changes never call for a rebuild: exactly
    the names the build skips there (`sources.is_ignored_name`)."""
    return is_ignored_name(name)


def is_static_noise_name(name: str) -> bool:
    """A name under static/ whose changes never call for a rebuild: static/ publishes
    dot-folders such as .well-known, so only leftovers are skipped, as the build skips
    them (`sources.is_leftover`), and journalgen's own folder."""
    return is_leftover(name) or name == PREVIEW_DIR


@dataclass(frozen=True, slots=True)
class Change:
    """One changed path that matters."""

    rel: str
    """Its path inside the site folder, with `/` separators."""
    kind: ChangeKind


@dataclass(frozen=True, slots=True)
class ChangeFilter:
    """Decides whether a changed path inside a site matters, and how."""

    site_dir: PurePath
    """The site folder, absolute and resolved (as the watcher reports paths)."""
    ignored: tuple[PurePath, ...] = ()
    """Absolute folders to ignore besides the usual ones: the output folder we write into
    (it matters only when someone puts it inside static/ or templates/)."""

    def change(self, path: PurePath) -> Change | None:
        """What changed at `path`, or None when it cannot change the built site."""
        if any(path.is_relative_to(folder) for folder in self.ignored):
            return None
        try:
            parts = path.relative_to(self.site_dir).parts
        except ValueError:
            return None  # outside the site (the target of a symlinked folder, say)
        kind = classify(parts)
        return None if kind is None else Change("/".join(parts), kind)


def classify(parts: tuple[str, ...]) -> ChangeKind | None:
    """The kind of change for a path given as its parts relative to the site folder."""
    if not parts:
        return None
    if parts == (CONFIG_NAME,):
        return "config"
    kind = WATCHED_DIRS.get(parts[0])
    noise = is_static_noise_name if kind == "static" else is_noise_name
    if kind is None or any(noise(part) for part in parts):
        return None
    return kind


@dataclass(frozen=True, slots=True)
class Batch:
    """The changes a rebuild answers: every path seen since the previous rebuild."""

    paths: tuple[str, ...]
    """Changed paths, in the order first seen, each once."""
    kinds: frozenset[ChangeKind]

    @property
    def config_changed(self) -> bool:
        return "config" in self.kinds

    def describe(self, limit: int = 3) -> str:
        """A short human description such as `content/entries/x.md and 2 more`."""
        shown = ", ".join(self.paths[:limit])
        more = len(self.paths) - limit
        return shown + (f" and {more} more" if more > 0 else "")


@dataclass(slots=True)
class Debouncer:
    """Collects changes until nothing has happened for `quiet` seconds.

    Every method takes the current time, so tests drive it with a fake clock. A steady
    stream of changes (a sync tool copying a folder) still triggers a rebuild every
    `longest` seconds, so the preview never falls far behind.
    """

    quiet: float = 0.03
    """Seconds without a change that end a save: editors write a file (or a temporary file
    and rename it) within a few milliseconds, and every millisecond here is one more before
    the preview shows the change."""
    longest: float = 2.0
    """Most seconds a change may wait while changes keep arriving."""
    _paths: dict[str, ChangeKind] = field(default_factory=dict)
    _first: float | None = None
    _last: float | None = None

    def add(self, change: Change, now: float) -> None:
        """Record a change seen at `now`."""
        self._paths.setdefault(change.rel, change.kind)
        if self._first is None:
            self._first = now
        self._last = now

    @property
    def pending(self) -> bool:
        return self._first is not None

    def wait_time(self, now: float) -> float | None:
        """Seconds until a batch is due (0 when it is), or None when nothing is pending."""
        if self._first is None or self._last is None:
            return None
        due = min(self._last + self.quiet, self._first + self.longest)
        return max(0.0, due - now)

    def take(self, now: float) -> Batch | None:
        """The batch of changes when it is due (and forget them), else None."""
        wait = self.wait_time(now)
        if wait is None or wait > 0:
            return None
        batch = Batch(tuple(self._paths), frozenset(self._paths.values()))
        self._paths = {}
        self._first = self._last = None
        return batch
