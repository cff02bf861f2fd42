"""What one `journalgen serve` or `watch` session keeps between rebuilds, so that saving one
entry re-parses one file instead of all of them.

Nothing is global: the session owns a `BuildCache` and passes it to `build()`. Every
lookup is keyed by what the result depends on, so a stale result is never used: a parsed
file by its path and the SHA-256 of its bytes (and the whole cache is dropped when
journalgen.yaml says anything different), the templates by the bytes of every override in
the site's templates/ folder.

Parsed files are also kept on disk (`.cache/journalgen/parsed/` in the site folder, in 32
shards), so a plain `journalgen build` re-parses only the files that changed since the last
one. Each is keyed by the file's bytes and place, the settings and the code that parses
it; the folder is safe to delete, and an unreadable or corrupt file in it is simply parsed
again. A file whose size, modification time and inode are those the last build's record
gives (record.py) is not even read again (`known_source`).

Besides, each output folder's record (what its last build read and wrote, record.py) and
the parts of pages that build rendered (the book's chapters, by key) are kept here.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import os
import shutil
from collections.abc import Callable, Iterator, Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import comrak
import jinja2
import markdown_it
import PIL

from journalgen.config import SiteConfig
from journalgen.incremental import record, safestore
from journalgen.incremental.keys import Key
from journalgen.output import imaging
from journalgen.parsing.entries import Entry, Page
from journalgen.parsing.markdown import MarkdownRenderer
from journalgen.parsing.photos import Probe
from journalgen.reading import sources
from journalgen.reading.sources import Source
from journalgen.rendering import render
from journalgen.structure.site import Linked

ParsedKey = tuple[str, str, str, str]
"""A source's path on disk, its path in content/, its kind and its digest."""

PARSED_CACHE = Path(".cache") / "journalgen" / "parsed"
"""Where a site's parsed files are kept between builds (inside the site folder)."""

PARSE_CACHE_FORMAT = "4"
"""Raise when `Entry` or `Page` change shape in a way the code digest below cannot see."""

SHARDS = 32
"""Parses are kept in this many files: one read per file is much faster than one per
entry, and a change rewrites only the file holding it."""


def _code_digest() -> str:
    """What the parse of a file depends on besides the file and the settings: journalgen's
    own code (the one fingerprint of it, `keys.code_digest`, which every cached thing
    uses: a hand-kept list of modules once left out the sanitizer) and the Markdown
    engines' versions."""
    from journalgen.incremental.keys import code_digest

    digest = hashlib.sha256()
    # comrak's binding has no version attribute, so the name of its installed metadata
    # folder says it (importlib.metadata takes 30 ms).
    installed = Path(comrak.__file__).parent.parent
    comrak_version = ",".join(sorted(p.name for p in installed.glob("comrak-*.dist-info")))
    for part in (PARSE_CACHE_FORMAT, markdown_it.__version__, comrak_version, code_digest()):
        digest.update(part.encode() + b"\0")
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
        self._renderer: MarkdownRenderer | None = None
        self.folder = folder
        """Where parses are also kept on disk (None: in memory only)."""
        self._disk_prefix = ""
        self._code = _code_digest() if folder is not None else ""
        self._config: SiteConfig | None = None
        self._parsed: dict[ParsedKey, Entry | Page] = {}
        self._linked: dict[bytes, Linked] = {}
        self._disk: dict[ParsedKey, tuple[Entry | Page, tuple[bytes, Linked] | None]] = {}
        """Parses (and resolved links) kept on disk, by key: read once per build."""
        self._dirty: set[int] = set()
        """Shards of `_disk` to write."""
        self._used: set[ParsedKey] = set()
        self._env_key: tuple[object, ...] | None = None
        self._env: jinja2.Environment | None = None
        self.templates: tuple[tuple[str, str], ...] = ()
        """The site's template overrides (path, digest) at the last `environment` call."""
        self._records: dict[str, tuple[record.BuildRecord, Mapping[Key, str]]] = {}
        """Each output folder's record and page parts (kept in memory by a session)."""
        self._misses = 0
        self._probes: dict[str, Probe] | None = None
        """What each photo read so far is (its size, format...), by the digest of its bytes."""
        self._probe_code = f"{self._code}\0{PIL.__version__}"
        """What a probe gives depends on journalgen's code (imaging.py) and Pillow's."""
        self._probes_used: dict[str, Probe] = {}
        self.probed: dict[str, record.InputState] = {}
        """The photos read by the last build, by their path in the site folder: their size,
        time and inode before they were read, and their digest."""
        self.stats = CacheStats(parsed=0, reused=0)
        """What the last build parsed and reused."""

    @property
    def renderer(self) -> MarkdownRenderer:
        """The Markdown parser, made when a file is first parsed (not when none is)."""
        if self._renderer is None:
            self._renderer = MarkdownRenderer()
        return self._renderer

    def begin(self, config: SiteConfig) -> None:
        """Start a build with these settings; different settings make every parse stale.
        (Call before `sources.discover`, which asks `known_source`.)"""
        if config != self._config:
            self._parsed.clear()
            self._linked.clear()
            self._config = config
            if self.folder is not None:
                self._disk_prefix = self._code + hashlib.sha256(repr(config).encode()).hexdigest()
                self._load_disk()
        self._used = set()
        self._misses = 0

    def known_source(self, last: record.BuildRecord) -> sources.KnownSource:
        """The sources the last build read (`last`) that have not changed since (the same
        size, time and inode) and whose parse is kept: they are not read again."""

        def known(path: str, rel: str, kind: str, stat: os.stat_result) -> Source | None:
            digest = last.known(f"{sources.CONTENT_DIR}/{rel}", stat)
            if digest is None:
                return None
            key = (path, rel, kind, digest)
            parsed = self._parsed.get(key)
            if parsed is None and key in self._disk:
                parsed = self._disk[key][0]
            return parsed.source if parsed is not None else None

        return known

    def prober(self, last: record.BuildRecord) -> imaging.Prober:
        """`imaging.probe`, remembering what it found: a photo whose size, time and inode
        are those the last build (`last`) read it with is not read again (a journal's
        photos are hundreds of megabytes)."""
        if self._probes is None:
            kept = safestore.load(self.folder / "probes.store") if self.folder else None
            fits = isinstance(kept, tuple) and len(kept) == 2 and kept[0] == self._probe_code
            probes = kept[1] if isinstance(kept, tuple) and fits else None
            self._probes = probes if isinstance(probes, dict) else {}
        known = self._probes
        self._probes_used = {}
        self.probed = {}

        def read(path: Path, rel: str) -> Probe:
            label = f"{sources.CONTENT_DIR}/{rel}"
            try:
                stat = os.stat(path)
            except OSError:
                return imaging.probe(path, rel)  # which says what is wrong
            digest = last.known(label, stat)
            found = known.get(digest) if digest else None
            if isinstance(found, Probe):
                found = dataclasses.replace(found, path=str(path), rel=rel)
            else:
                found = imaging.probe(path, rel)
            self._probes_used[found.digest] = found
            self.probed[label] = (stat.st_size, stat.st_mtime_ns, stat.st_ino, found.digest)
            return found

        return read

    def parsed(self, source: Source, parse: Callable[[Source], Entry | Page]) -> Entry | Page:
        """The parse of `source`: the earlier one if its bytes are unchanged, else `parse`'s."""
        key = _key(source)
        self._used.add(key)
        found = self._parsed.get(key)
        if found is None:
            kept = self._disk.get(key)
            if kept is None:
                self._misses += 1
                found = parse(source)
                self._put(key, (found, None))
            else:
                found = self._take(kept)
            self._parsed[key] = found
        return found

    def _take(self, kept: tuple[Entry | Page, tuple[bytes, Linked] | None]) -> Entry | Page:
        parsed, linked = kept
        if linked is not None:
            self._linked[linked[0]] = linked[1]
        return parsed

    def missing(self, sources: Sequence[Source]) -> list[Source]:
        """The sources neither in memory nor on disk (call after `begin`); those on disk are
        taken into memory on the way."""
        found: list[Source] = []
        for source in sources:
            key = _key(source)
            if key in self._parsed:
                continue
            kept = self._disk.get(key)
            if kept is None:
                found.append(source)
            else:
                self._parsed[key] = self._take(kept)
        return found

    def links(self) -> LinkMemo:
        """The entries as their links were last resolved (site.assemble's `memo`); call
        `keep_links` with it once the site is assembled."""
        return LinkMemo(self._linked)

    def keep_links(self, memo: LinkMemo) -> None:
        """Keep what this build resolved (and forget entries it no longer has); on disk,
        each beside its entry's parse."""
        self._linked = dict(memo.used)
        for link_key, linked in memo.made.items():
            key = _key(linked.entry.source)
            parsed = self._parsed.get(key)
            if parsed is not None and self.folder is not None:
                self._put(key, (parsed, (link_key, linked)))
        self.flush()

    def end(self, *, write: bool = True) -> CacheStats:
        """Forget files that are gone or changed, so memory stays the size of the site;
        `write`: keep the parses on disk now (else `keep_links` does, with the links)."""
        for key in self._parsed.keys() - self._used:
            del self._parsed[key]
        for key in self._disk.keys() - self._used:
            del self._disk[key]
            self._dirty.add(_shard(key))
        self.stats = CacheStats(parsed=self._misses, reused=len(self._used) - self._misses)
        if write:
            self.flush()
        return self.stats

    def _put(self, key: ParsedKey, value: tuple[Entry | Page, tuple[bytes, Linked] | None]) -> None:
        if self.folder is not None:
            self._disk[key] = value
            self._dirty.add(_shard(key))

    def _load_disk(self) -> None:
        """Read every shard kept by earlier builds with these settings and this code."""
        self._disk = {}
        self._dirty = set()
        assert self.folder is not None
        for number in range(SHARDS):
            kept = safestore.load(self.folder / f"shard-{number:02d}.store")
            if isinstance(kept, tuple) and len(kept) == 2 and kept[0] == self._disk_prefix:
                if isinstance(kept[1], dict):
                    self._disk.update(kept[1])
            else:
                self._dirty.add(number)  # stale or missing: rewrite it
        _remove_pickles(self.folder.parent)

    def flush(self) -> None:
        """Write the shards that changed (each written beside and renamed, so a reader never
        sees half of one); a disk that refuses is no reason to fail the build."""
        if self.folder is None:
            return
        if self._dirty:
            shards: dict[int, dict[ParsedKey, object]] = {n: {} for n in self._dirty}
            for key, value in self._disk.items():
                shard = shards.get(_shard(key))
                if shard is not None:
                    shard[key] = value
            for number, content in shards.items():
                safestore.store(
                    self.folder / f"shard-{number:02d}.store", (self._disk_prefix, content)
                )
            self._dirty = set()
            _remove_old_layout(self.folder)

    def environment(self, config: SiteConfig, site_dir: Path) -> jinja2.Environment:
        """The Jinja environment, reused (with its compiled templates) while the settings and
        every template override are unchanged: compiling the theme takes ~80 ms."""
        self.templates = _template_fingerprint(site_dir)
        key = (config, str(site_dir.absolute()), self.templates)
        if self._env is None or key != self._env_key:
            # Compiled templates are kept in memory only: Jinja's files of compiled templates
            # are Python code that would run when loaded.
            self._env = render.environment(config, site_dir)
            self._env_key = key
        return self._env

    def last_build(
        self, site_dir: Path, out_dir: Path
    ) -> tuple[record.BuildRecord, Mapping[Key, str]]:
        """The record of the last build into `out_dir` and the page parts it rendered
        (empty when unknown)."""
        name = str(out_dir.absolute())
        found = self._records.get(name)
        if found is None and self.folder is not None:
            found = (record.load(site_dir, out_dir), _load_parts(self._parts_file(name)))
            self._records[name] = found
        return found if found is not None else (record.BuildRecord(), {})

    def keep(
        self, site_dir: Path, out_dir: Path, made: record.BuildRecord, parts: Mapping[Key, str]
    ) -> None:
        """Keep the record of this build into `out_dir` and the page parts it rendered, in
        memory and on disk (the parts in shards, each written only when its parts
        changed)."""
        name = str(out_dir.absolute())
        before = self._records.get(name, (record.BuildRecord(), {}))[1]
        self._records[name] = (made, parts)
        if self._probes is not None and self._probes_used.keys() != self._probes.keys():
            self._probes = dict(self._probes_used)
            if self.folder is not None:
                safestore.store(self.folder / "probes.store", (self._probe_code, self._probes))
        if self.folder is None:
            return
        record.store(site_dir, out_dir, made)
        file = self._parts_file(name)
        old_parts, new_parts = _part_shards(before), _part_shards(parts)
        for number in range(PART_SHARDS):
            new = new_parts.get(number, {})
            if new.keys() != old_parts.get(number, {}).keys():
                safestore.store(file.with_name(f"{file.stem}-{number:02d}.store"), new)

    def _parts_file(self, name: str) -> Path:
        assert self.folder is not None
        digest = hashlib.sha256(name.encode()).hexdigest()[:32]
        return self.folder.parent / "parts" / f"v{PARTS_FORMAT}-{digest}"


class LinkMemo(MutableMapping[bytes, Linked]):
    """Resolved entries by key, noting which ones a build used and which it made."""

    def __init__(self, known: Mapping[bytes, Linked]) -> None:
        self.known = known
        self.used: dict[bytes, Linked] = {}
        self.made: dict[bytes, Linked] = {}

    def __getitem__(self, key: bytes) -> Linked:
        found = self.used.get(key) or self.known[key]
        self.used[key] = found
        return found

    def __setitem__(self, key: bytes, value: Linked) -> None:
        self.used[key] = value
        self.made[key] = value

    def __delitem__(self, key: bytes) -> None:
        self.used.pop(key, None)
        self.made.pop(key, None)

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.used)

    def __len__(self) -> int:
        return len(self.used)


PARTS_FORMAT = "1"
"""Raise when the page parts change shape."""

PART_SHARDS = 16
"""Page parts (the book's chapters) are kept in this many files."""


def _part_shards(fragments: Mapping[Key, str]) -> dict[int, dict[Key, str]]:
    shards: dict[int, dict[Key, str]] = {}
    for key, value in fragments.items():
        shards.setdefault(key[-1] % PART_SHARDS if key else 0, {})[key] = value
    return shards


def _load_parts(file: Path) -> dict[Key, str]:
    fragments: dict[Key, str] = {}
    for number in range(PART_SHARDS):
        part = safestore.load(file.with_name(f"{file.stem}-{number:02d}.store"))
        if isinstance(part, dict):
            fragments.update(part)
    return fragments


def _template_fingerprint(site_dir: Path) -> tuple[tuple[str, str], ...]:
    """Every file under the site's templates/ with the digest of its bytes.

    Bytes rather than modification times: times are too coarse on some disks, and a new
    override must replace a theme template Jinja has already compiled.
    """
    found: list[tuple[str, str]] = []
    # The same rules as content/: a link to a file outside the journal is refused.
    for parts, item in sources.scan_folder(site_dir / render.SITE_TEMPLATES, site_dir):
        try:
            digest = hashlib.sha256(Path(item.path).read_bytes()).hexdigest()
        except OSError:
            digest = "unreadable"
        found.append(("/".join(parts), digest))
    return tuple(found)


def _key(source: Source) -> ParsedKey:
    return (str(source.path), source.rel, source.kind, source.digest)


def _remove_pickles(folder: Path) -> None:
    """Earlier versions kept pickles here (and Jinja's compiled templates, which are code),
    and kept what a build read and wrote in three places: never loaded again, so removed."""
    for name in ("templates", "outputs", "fresh", "output"):
        shutil.rmtree(folder / name, ignore_errors=True)
    with contextlib.suppress(OSError):
        (folder / "parsed" / "index.store").unlink()
    with contextlib.suppress(OSError):
        for path in folder.glob("*/*.pickle"):
            with contextlib.suppress(OSError):
                path.unlink()


def _shard(key: ParsedKey) -> int:
    return int(key[3][:4], 16) % SHARDS if key[3] else 0


def _remove_old_layout(folder: Path) -> None:
    """Earlier versions kept one file per parse in sub-folders: remove them."""
    with contextlib.suppress(OSError):
        for item in os.scandir(folder):
            if item.is_dir() and len(item.name) == 2:
                shutil.rmtree(item.path, ignore_errors=True)
