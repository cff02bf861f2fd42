"""What one `journalgen serve` or `watch` session keeps between rebuilds, so that saving one
entry re-parses one file instead of all of them.

Nothing is global: the session owns a `BuildCache` and passes it to `build()`. Every
lookup is keyed by what the result depends on, so a stale result is never used: a parsed
file by its path and the SHA-256 of its bytes (and the whole cache is dropped when
journalgen.yaml says anything different), the templates by the bytes of every override in
the site's templates/ folder.

Parsed files are also kept on disk (`.cache/journalgen/parsed/` in the site folder), so a
plain `journalgen build` re-parses only the files that changed since the last one. Each is
keyed by the file's bytes and place, the settings and the code that parses it; the folder
is safe to delete, and an unreadable or corrupt file in it is simply parsed again.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
import markdown_it
import mdit_py_plugins

from journalgen import __version__, render
from journalgen.config import SiteConfig
from journalgen.entries import Entry, Page
from journalgen.keys import Key
from journalgen.markdown import MarkdownRenderer
from journalgen.sources import Source
from journalgen.writer import OutputState

ParsedKey = tuple[str, str, str, str]
"""A source's path on disk, its path in content/, its kind and its digest."""

PARSED_CACHE = Path(".cache") / "journalgen" / "parsed"
"""Where a site's parsed files are kept between builds (inside the site folder)."""

PARSE_CACHE_FORMAT = "1"
"""Raise when `Entry` or `Page` change shape in a way the code digest below cannot see."""

_PARSING_MODULES = (
    "cache.py",
    "config.py",
    "entries.py",
    "fields.py",
    "gallery.py",
    "htmlrewrite.py",
    "markdown.py",
    "slugs.py",
    "sources.py",
    "yamltext.py",
)
"""The modules whose code decides what a parse gives: their bytes are part of every key."""


def _code_digest() -> str:
    """What the parse of a file depends on besides the file and the settings."""
    digest = hashlib.sha256()
    for part in (PARSE_CACHE_FORMAT, __version__, markdown_it.__version__):
        digest.update(part.encode() + b"\0")
    digest.update(str(getattr(mdit_py_plugins, "__version__", "")).encode() + b"\0")
    here = Path(__file__).parent
    for name in _PARSING_MODULES:
        digest.update((here / name).read_bytes())
    return digest.hexdigest()


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

    def __init__(self, folder: Path | None = None) -> None:
        self.renderer = MarkdownRenderer()
        self.folder = folder
        """Where parses are also kept on disk (None: in memory only)."""
        self._disk_prefix = ""
        self._code = _code_digest() if folder is not None else ""
        self._config: SiteConfig | None = None
        self._parsed: dict[ParsedKey, Entry | Page] = {}
        self._used: set[ParsedKey] = set()
        self._env_key: tuple[object, ...] | None = None
        self._env: jinja2.Environment | None = None
        self.templates: tuple[tuple[str, str], ...] = ()
        """The site's template overrides (path, digest) at the last `environment` call."""
        self._outputs: dict[str, SavedOutput] = {}
        self._misses = 0
        self.stats = CacheStats(parsed=0, reused=0)
        """What the last build parsed and reused."""

    def begin(self, config: SiteConfig) -> None:
        """Start a build with these settings; different settings make every parse stale."""
        if config != self._config:
            self._parsed.clear()
            self._config = config
            if self.folder is not None:
                self._disk_prefix = self._code + hashlib.sha256(repr(config).encode()).hexdigest()
        self._used = set()
        self._misses = 0

    def parsed(self, source: Source, parse: Callable[[Source], Entry | Page]) -> Entry | Page:
        """The parse of `source`: the earlier one if its bytes are unchanged, else `parse`'s."""
        key = _key(source)
        self._used.add(key)
        found = self._parsed.get(key)
        if found is None:
            disk = self._disk_file(key)
            found = _load(disk) if disk is not None else None
            if found is None:
                self._misses += 1
                found = parse(source)
                if disk is not None:
                    _store(disk, found)
            self._parsed[key] = found
        return found

    def missing(self, sources: Sequence[Source]) -> list[Source]:
        """The sources neither in memory nor on disk (call after `begin`); those on disk are
        read into memory on the way."""
        found: list[Source] = []
        for source in sources:
            key = _key(source)
            if key in self._parsed:
                continue
            disk = self._disk_file(key)
            kept = _load(disk) if disk is not None else None
            if kept is None:
                found.append(source)
            else:
                self._parsed[key] = kept
        return found

    def _disk_file(self, key: ParsedKey) -> Path | None:
        if self.folder is None:
            return None
        name = hashlib.sha256("\0".join((self._disk_prefix, *key)).encode()).hexdigest()
        return self.folder / name[:2] / f"{name}.pickle"

    def end(self) -> CacheStats:
        """Forget files that are gone or changed, so memory stays the size of the site."""
        for key in self._parsed.keys() - self._used:
            del self._parsed[key]
        if self._misses and self.folder is not None:
            self._prune()
        self.stats = CacheStats(parsed=self._misses, reused=len(self._used) - self._misses)
        return self.stats

    def _prune(self) -> None:
        """Delete the files on disk this build did not use (changed, removed, or made with
        other settings), so the folder stays the size of the site."""
        keep = {file for key in self._used if (file := self._disk_file(key)) is not None}
        assert self.folder is not None
        with contextlib.suppress(OSError):
            for shard in os.scandir(self.folder):
                if not shard.is_dir():
                    continue
                for item in os.scandir(shard.path):
                    if Path(item.path) not in keep:
                        with contextlib.suppress(OSError):
                            os.unlink(item.path)

    def environment(self, config: SiteConfig, site_dir: Path) -> jinja2.Environment:
        """The Jinja environment, reused (with its compiled templates) while the settings and
        every template override are unchanged: compiling the theme takes ~80 ms."""
        self.templates = _template_fingerprint(site_dir)
        key = (config, str(site_dir.absolute()), self.templates)
        if self._env is None or key != self._env_key:
            self._env = render.environment(config, site_dir)
            self._env_key = key
        return self._env

    def saved_output(self, out_dir: Path) -> SavedOutput:
        """What the last build into `out_dir` left there (empty when unknown)."""
        name = str(out_dir.absolute())
        found = self._outputs.get(name)
        if found is None and self.folder is not None:
            found = _load_output(self._output_file(name))
            if found is not None:
                self._outputs[name] = found
        return found if found is not None else SavedOutput()

    def keep_output(self, out_dir: Path, saved: SavedOutput) -> None:
        """Remember what this build left in `out_dir` (on disk too, for plain builds)."""
        name = str(out_dir.absolute())
        before = self._outputs.get(name)
        self._outputs[name] = saved
        if self.folder is None or before == saved:
            return
        file = self._output_file(name)
        temp = file.with_name(f".{file.name}.{os.getpid()}.tmp")
        try:
            file.parent.mkdir(parents=True, exist_ok=True)
            temp.write_bytes(pickle.dumps(saved, protocol=pickle.HIGHEST_PROTOCOL))
            os.replace(temp, file)
        except OSError:
            with contextlib.suppress(OSError):
                temp.unlink()

    def _output_file(self, name: str) -> Path:
        assert self.folder is not None
        digest = hashlib.sha256(f"{OUTPUT_FORMAT}\0{name}".encode()).hexdigest()[:32]
        return self.folder.parent / "outputs" / f"{digest}.pickle"


@dataclass(frozen=True, slots=True)
class SavedOutput:
    """What a build left in an output folder, for the next build into it."""

    files: OutputState = field(default_factory=dict)
    """Every file it wrote, with what it was made from (writer.py)."""
    fragments: Mapping[Key, str] = field(default_factory=dict)
    """Parts of pages it rendered (the book's chapters), by key."""


OUTPUT_FORMAT = "1"
"""Raise when `SavedOutput` or `FileState` change shape."""


def _load_output(file: Path) -> SavedOutput | None:
    try:
        with file.open("rb") as handle:
            found = pickle.load(handle)
    except Exception:  # missing or unreadable: the next build renders everything
        return None
    return found if isinstance(found, SavedOutput) else None


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


def _key(source: Source) -> ParsedKey:
    return (str(source.path), source.rel, source.kind, source.digest)


def _load(file: Path) -> Entry | Page | None:
    """An earlier parse kept on disk; None when there is none or it cannot be read."""
    try:
        with file.open("rb") as handle:
            found = pickle.load(handle)
    except Exception:  # missing, truncated, corrupt or from another version: parse again
        return None
    return found if isinstance(found, Entry | Page) else None


def _store(file: Path, parsed: Entry | Page) -> None:
    """Keep a parse on disk (written beside and renamed, so a reader never sees half of
    it); a disk that refuses is no reason to fail the build."""
    temp = file.with_name(f".{file.name}.{os.getpid()}.tmp")
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        temp.write_bytes(pickle.dumps(parsed, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(temp, file)
    except OSError:
        with contextlib.suppress(OSError):
            temp.unlink()
