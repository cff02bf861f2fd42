"""What one `journalgen serve` or `watch` session keeps between rebuilds, so that saving one
entry re-parses one file instead of all of them.

Nothing is kept on disk and nothing is global: the session owns a `BuildCache` and passes
it to `build()`. Every lookup is keyed by what the result depends on, so a stale result is
never used: a parsed file by its path and the SHA-256 of its bytes (and the whole cache is
dropped when journalgen.yaml says anything different), the templates by the bytes of every
override in the site's templates/ folder.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import jinja2

from journalgen import render
from journalgen.config import SiteConfig
from journalgen.entries import Entry, Page
from journalgen.markdown import MarkdownRenderer
from journalgen.sources import Source

ParsedKey = tuple[str, str, str, str]
"""A source's path on disk, its path in content/, its kind and its digest."""


@dataclass(frozen=True, slots=True)
class CacheStats:
    """How much the last build could reuse (shown by `serve` and `watch`)."""

    parsed: int
    """Files parsed because they were new or changed."""
    reused: int
    """Files whose earlier parse was reused."""


class BuildCache:
    """Parsed entries and pages, and the template environment, between rebuilds.

    A fresh cache (what a plain `journalgen build` uses) simply parses everything.
    """

    def __init__(self) -> None:
        self.renderer = MarkdownRenderer()
        self._config: SiteConfig | None = None
        self._parsed: dict[ParsedKey, Entry | Page] = {}
        self._used: set[ParsedKey] = set()
        self._env_key: tuple[object, ...] | None = None
        self._env: jinja2.Environment | None = None
        self._misses = 0
        self.stats = CacheStats(parsed=0, reused=0)
        """What the last build parsed and reused."""

    def begin(self, config: SiteConfig) -> None:
        """Start a build with these settings; different settings make every parse stale."""
        if config != self._config:
            self._parsed.clear()
            self._config = config
        self._used = set()
        self._misses = 0

    def parsed(self, source: Source, parse: Callable[[Source], Entry | Page]) -> Entry | Page:
        """The parse of `source`: the earlier one if its bytes are unchanged, else `parse`'s."""
        key = (str(source.path), source.rel, source.kind, source.digest)
        self._used.add(key)
        found = self._parsed.get(key)
        if found is None:
            self._misses += 1
            found = parse(source)
            self._parsed[key] = found
        return found

    def end(self) -> CacheStats:
        """Forget files that are gone or changed, so memory stays the size of the site."""
        for key in self._parsed.keys() - self._used:
            del self._parsed[key]
        self.stats = CacheStats(parsed=self._misses, reused=len(self._used) - self._misses)
        return self.stats

    def environment(self, config: SiteConfig, site_dir: Path) -> jinja2.Environment:
        """The Jinja environment, reused (with its compiled templates) while the settings and
        every template override are unchanged: compiling the theme takes ~80 ms."""
        key = (config, str(site_dir.absolute()), _template_fingerprint(site_dir))
        if self._env is None or key != self._env_key:
            self._env = render.environment(config, site_dir)
            self._env_key = key
        return self._env


def _template_fingerprint(site_dir: Path) -> tuple[tuple[str, str], ...]:
    """Every file under the site's templates/ with the digest of its bytes.

    Bytes rather than modification times: times are too coarse on some disks, and a new
    override must replace a theme template Jinja has already compiled.
    """
    folder = site_dir / render.SITE_TEMPLATES
    if not folder.is_dir():
        return ()
    found: list[tuple[str, str]] = []
    for path in sorted(folder.rglob("*")):
        try:
            if path.is_file():
                digest = hashlib.sha256(path.read_bytes()).hexdigest()
                found.append((path.relative_to(folder).as_posix(), digest))
        except OSError:
            found.append((path.relative_to(folder).as_posix(), "unreadable"))
    return tuple(found)
