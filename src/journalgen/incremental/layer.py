"""The incremental layer: what lets a build reuse the work of the one before, wrapped around
the stages, which know nothing of it.

`build()` goes through one `Incremental` (a plain `journalgen build` opens the site's store;
`serve` and `watch` keep one for the whole session, so that saving one entry re-parses one
file). For each build it starts a `Run`, which gives the stages what they call instead of
doing the work again:

- `known_source`: a file whose size, time and inode are those the last build read it with
  is not read again (the record's digest finds its parse);
- `parse`: the parse of each file whose bytes, place, settings and code are unchanged is
  taken from the store; the others go to `parsing.entries.parse_each`;
- `links`: each entry with its links resolved, by everything resolving them reads;
- `probe`: what each photo is, by the digest of its bytes (a journal's photos are hundreds
  of megabytes, and are read only when they changed);
- `outputs`: every file a stage plans (`Planned`) gets the key of what it shows
  (`PageKeys.of`); one the previous build made from the same key, and that is still as it
  was written, is kept (`Kept`), the others are made, on both cores where it pays;
- `chapters`: the book's chapters, each by the key of its entry.

`finish` keeps the record of the build (record.py) and commits the store, whole. Every key
is a digest of everything that made the value, so nothing stale is ever found; a value is
never trusted for more than its key says.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
from collections.abc import Iterable, Iterator, Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import jinja2

from journalgen import parallel
from journalgen.config import SiteConfig
from journalgen.incremental import record
from journalgen.incremental.keys import Key, PageKeys, code_digest
from journalgen.incremental.store import Store
from journalgen.output import imaging
from journalgen.output.outputs import Kept, Output, Planned
from journalgen.output.writer import OutputState
from journalgen.parsing.entries import Entry, Page, Parsed, parse_each, split_parsed
from journalgen.parsing.markdown import MarkdownRenderer
from journalgen.parsing.photos import Probe
from journalgen.reading import sources
from journalgen.reading.sources import Source
from journalgen.rendering import book, render
from journalgen.structure.site import Linked, Site

PARSE_FORMAT = "5"
"""Raise when `Entry` or `Page` change shape in a way the code digest cannot see."""


LIBRARIES = ("comrak", "markdown_it_py", "nh3", "pyyaml", "pillow", "pillow_heif")
"""What a parse or a probe is made with besides journalgen: the Markdown engines, the
sanitizer, YAML, and the image libraries."""


def _code() -> bytes:
    """What a parse or a probe depends on besides its file and the settings: journalgen's
    own code (its one fingerprint, `keys.code_digest`) and the installed versions of
    `LIBRARIES` (the names of their metadata folders: importing them all, or asking
    importlib.metadata, would cost more than a rebuild)."""
    import comrak

    installed = Path(comrak.__file__).parent.parent
    versions = sorted(
        item.name
        for item in installed.glob("*.dist-info")
        if item.name.split("-", 1)[0].lower().replace(".", "_") in LIBRARIES
    )
    return _digest(PARSE_FORMAT, *versions, code_digest())


def _digest(*parts: object) -> bytes:
    text = "\0".join(p.hex() if isinstance(p, bytes) else str(p) for p in parts)
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


@dataclass(frozen=True, slots=True)
class CacheStats:
    """How much the last build could reuse (shown by `serve` and `watch`)."""

    parsed: int
    """Files parsed because they were new or changed."""
    reused: int
    """Files whose earlier parse was reused."""


class Incremental:
    """What builds keep for the next one: in a store on disk (`file`), or, without one,
    in memory for as long as this object lives."""

    def __init__(self, file: Path | None = None) -> None:
        self.store = Store(file)
        self._code = _code()
        self._renderer: MarkdownRenderer | None = None
        self._config: SiteConfig | None = None
        self._prefix = b""
        self._parsed: dict[bytes, Entry | Page] = {}
        """Parses with the current settings and code, by key (all of them: a build needs
        every file's)."""
        self._linked: dict[bytes, Linked] | None = None
        self._probes: dict[bytes, Probe] | None = None
        self._records: dict[str, tuple[record.BuildRecord, dict[bytes, str]]] = {}
        """Each output folder's record and page parts, once read."""
        self._env: jinja2.Environment | None = None
        self._env_key: tuple[object, ...] | None = None
        self.templates: tuple[tuple[str, str], ...] = ()
        """The site's template overrides (path, digest) at the last `environment` call."""
        self.stats = CacheStats(parsed=0, reused=0)

    @property
    def renderer(self) -> MarkdownRenderer:
        """The Markdown parser, made when a file is first parsed (not when none is)."""
        if self._renderer is None:
            self._renderer = MarkdownRenderer()
        return self._renderer

    def environment(self, config: SiteConfig, site_dir: Path) -> jinja2.Environment:
        """The Jinja environment, reused (with its compiled templates) while the settings and
        every template override are unchanged: compiling the theme takes ~80 ms. Compiled
        templates stay in memory: Jinja's files of them are code that would run."""
        self.templates = render.template_fingerprint(site_dir)
        key = (config, str(site_dir.absolute()), self.templates)
        if self._env is None or key != self._env_key:
            self._env = render.environment(config, site_dir)
            self._env_key = key
        return self._env

    def forget(self, why: str) -> None:
        """Start again from nothing: what was kept could not be used (`why`)."""
        self.store.reset(why)
        self._config, self._parsed, self._linked, self._probes = None, {}, None, None
        self._records = {}

    def start(self, out_dir: Path, config: SiteConfig) -> Run:
        """One build into `out_dir` with these settings."""
        if config != self._config:
            self._config = config
            # A parse does not depend on the keepsake's templates: one set for both.
            self._prefix = _digest(self._code, repr(dataclasses.replace(config, keepsake=False)))
            self.store.drop_others("parses", self._prefix)
            found = self.store.prefixed("parses", self._prefix)
            self._parsed = {k: v for k, v in found.items() if isinstance(v, Entry | Page)}
            self._linked = None
        name = str(out_dir.absolute())
        if name not in self._records:
            self._records[name] = (record.load_from(self.store, out_dir), {})
        last, parts = self._records[name]
        return Run(self, out_dir, last, parts)

    def _keep(self, table: str, before: Iterable[bytes], now: Mapping[bytes, object]) -> None:
        """Write `now`'s values that are new, and forget those no longer used."""
        old = set(before)
        self.store.drop(table, old - now.keys())
        self.store.put(table, ((key, value) for key, value in now.items() if key not in old))


class Run:
    """One build through the layer: what the stages call instead of redoing work."""

    def __init__(
        self,
        layer: Incremental,
        out_dir: Path,
        last: record.BuildRecord,
        parts: dict[bytes, str],
    ) -> None:
        self.layer = layer
        self.out_dir = out_dir
        self.last = last
        """The record of the last build into this output folder."""
        self.previous: OutputState = {}
        """The files of the last build still exactly as it wrote them (`keep_from`)."""
        self._parts = parts
        self._parts_used: dict[bytes, str] | None = None
        self._keys: PageKeys | None = None
        self._memo: LinkMemo | None = None
        self._probes_used: dict[bytes, Probe] = {}
        self.probed: dict[str, record.InputState] = {}
        """The photos this build read, by their path in the site folder: their size, time
        and inode before they were read, and their digest."""

    def known_source(self, path: str, rel: str, kind: str, stat: os.stat_result) -> Source | None:
        """`sources.KnownSource`: the source as last read, when the file is unchanged since
        (the same size, time and inode) and its parse is kept."""
        digest = self.last.known(f"{sources.CONTENT_DIR}/{rel}", stat)
        if digest is None:
            return None
        parsed = self.layer._parsed.get(self._parse_key(path, rel, kind, digest))
        return parsed.source if parsed is not None else None

    def _parse_key(self, path: str, rel: str, kind: str, digest: str) -> bytes:
        return self.layer._prefix + _digest(path, rel, kind, digest)

    def parse(self, found: Sequence[Source], config: SiteConfig) -> tuple[list[Entry], list[Page]]:
        """Every source parsed (`parsing.entries.parse_each`), or its earlier parse; every
        file's problem is raised together. Parses are kept even when one file fails."""
        layer = self.layer
        keys = [self._parse_key(str(s.path), s.rel, s.kind, s.digest) for s in found]
        missing = [index for index, key in enumerate(keys) if key not in layer._parsed]
        made = dict(
            zip(
                missing,
                parse_each([found[i] for i in missing], config, layer.renderer),
                strict=True,
            )
        )
        results: list[Parsed] = []
        now: dict[bytes, Entry | Page] = {}
        for index, key in enumerate(keys):
            parsed = made[index] if index in made else layer._parsed[key]
            results.append(parsed)
            if not isinstance(parsed, tuple):
                now[key] = parsed
        # Kept even when a file fails (the next build parses only what changed), and
        # forgotten when gone, so the store stays the size of the journal.
        layer._keep("parses", layer._parsed, now)
        layer.store.commit()
        layer._parsed = now
        layer.stats = CacheStats(parsed=len(missing), reused=len(found) - len(missing))
        return split_parsed(results)

    @property
    def links(self) -> LinkMemo:
        """The entries as their links were last resolved (`assemble`'s `memo`)."""
        if self._memo is None:
            layer = self.layer
            if layer._linked is None:
                # Resolved with these settings and this code (the prefix): an entry's
                # parse, which resolving starts from, depends on them.
                prefix = layer._prefix
                layer.store.drop_others("linked", prefix)
                loaded = layer.store.prefixed("linked", prefix)
                layer._linked = {
                    k[len(prefix) :]: v for k, v in loaded.items() if isinstance(v, Linked)
                }
            self._memo = LinkMemo(layer._linked)
        return self._memo

    def probe(self, path: Path, rel: str) -> Probe:
        """`imaging.Prober`: what the photo is; one whose size, time and inode are those the
        last build read it with is not read again."""
        layer = self.layer
        if layer._probes is None:
            loaded = layer.store.prefixed("probes")
            layer._probes = {k: v for k, v in loaded.items() if isinstance(v, Probe)}
        label = f"{sources.CONTENT_DIR}/{rel}"
        try:
            stat = os.stat(path)
        except OSError:
            return imaging.probe(path, rel)  # which says what is wrong
        digest = self.last.known(label, stat)
        found = layer._probes.get(self._probe_key(digest)) if digest else None
        if found is not None and found.digest == digest:
            found = dataclasses.replace(found, path=str(path), rel=rel)
        else:
            found = imaging.probe(path, rel)
        self._probes_used[self._probe_key(found.digest)] = found
        self.probed[label] = (stat.st_size, stat.st_mtime_ns, stat.st_ino, found.digest)
        return found

    def _probe_key(self, digest: str) -> bytes:
        return _digest(self.layer._code, digest)

    def keep_from(self, previous: OutputState) -> None:
        """The files of the last build that may be kept (those still as it wrote them)."""
        self.previous = previous

    def outputs(self, site: Site, plans: Iterable[Planned | Output]) -> Iterator[Output | Kept]:
        """Each planned file kept when the last build made it from the same key, else
        made (on both cores where it pays); files already made pass through."""
        keys = self._keys_for(site)
        batch: list[tuple[Planned, Key | None]] = []
        for item in plans:
            if isinstance(item, Output):
                yield item
                continue
            key = keys.of(item.shows) if item.shows is not None else None
            before = self.previous.get(item.path)
            if key is not None and before is not None and before.key == key:
                yield Kept(item.path, key)
            else:
                batch.append((item, key))
        for index, data in parallel.spread([item.make for item, _ in batch]):
            item, key = batch[index]
            yield Output(item.path, data, key)

    def _keys_for(self, site: Site) -> PageKeys:
        if self._keys is None or self._keys.site is not site:
            self._keys = PageKeys(site, self.layer.templates)
        return self._keys

    def chapters(
        self, site: Site, env: jinja2.Environment, entries: Sequence[Entry]
    ) -> list[tuple[str, str]]:
        """`book.ChapterMaker`: each chapter and contents line made by an earlier build from
        the same entry (and the same entries to link to) is taken, the others made."""
        keys = self._keys_for(site)
        if not keys.enabled:
            return book.make_chapters(site, env, entries)
        if not self._parts and self.layer.store.file is not None:
            prefix = self._parts_prefix()
            loaded = self.layer.store.prefixed("parts", prefix)
            self._parts.update(
                (k[len(prefix) :], v) for k, v in loaded.items() if isinstance(v, str)
            )
        known = self._parts
        used: dict[bytes, str] = {}
        base = site.config.base_path
        anchors = {base + entry.path: book.anchor(entry) for entry in site.entries}
        wanted: list[tuple[Key, Key]] = []
        for entry in entries:
            inside = [(a, anchors[a]) for a in self._addresses(entry, keys, used) if a in anchors]
            wanted.append((keys.chapter(entry, inside), keys.contents_line(entry)))
        missing = [i for i, (c, line) in enumerate(wanted) if c not in known or line not in known]
        made = dict(
            zip(missing, book.make_chapters(site, env, [entries[i] for i in missing]), strict=True)
        )
        result: list[tuple[str, str]] = []
        for index, (chapter_key, line_key) in enumerate(wanted):
            html, line = made[index] if index in made else (known[chapter_key], known[line_key])
            used[chapter_key], used[line_key] = html, line
            result.append((html, line))
        self._parts_used = used
        return result

    def _addresses(self, entry: Entry, keys: PageKeys, used: dict[bytes, str]) -> list[str]:
        """`book.addresses`, kept for each version of the entry (searching every body on
        every rebuild takes a quarter of a second for 4,000 entries)."""
        digest = keys.site.digests.get(entry.path)
        if digest is None:
            return book.addresses(entry)
        memo_key = b"addresses:" + keys.site_key + digest
        known = self._parts.get(memo_key)
        if known is None:
            known = "\n".join(book.addresses(entry))
        used[memo_key] = known
        return known.split("\n") if known else []

    def _parts_prefix(self) -> bytes:
        return _digest("parts", str(self.out_dir.absolute()))

    def finish(self, made: record.BuildRecord) -> None:
        """Keep this build's record, the links, photos and page parts it used, and commit
        the store (whole or not at all)."""
        layer = self.layer
        name = str(self.out_dir.absolute())
        if self._memo is not None and layer._linked is not None:
            prefix = layer._prefix
            layer._keep(
                "linked",
                (prefix + key for key in layer._linked),
                {prefix + key: value for key, value in self._memo.used.items()},
            )
            layer._linked = dict(self._memo.used)
        if layer._probes is not None and self._probes_used.keys() != layer._probes.keys():
            layer._keep("probes", layer._probes, self._probes_used)
            layer._probes = dict(self._probes_used)
        parts = self._parts
        if self._parts_used is not None:  # the book was made: keep what it used
            prefix = self._parts_prefix()
            layer._keep(
                "parts",
                (prefix + key for key in parts),
                {prefix + key: value for key, value in self._parts_used.items()},
            )
            parts = self._parts_used
        layer._records[name] = (made, parts)
        record.store(layer.store, self.out_dir, made)
        layer.store.commit()


class LinkMemo(MutableMapping[bytes, Linked]):
    """Resolved entries by key, noting which ones a build used (those are kept)."""

    def __init__(self, known: Mapping[bytes, Linked]) -> None:
        self.known = known
        self.used: dict[bytes, Linked] = {}

    def __getitem__(self, key: bytes) -> Linked:
        found = self.used.get(key) or self.known[key]
        self.used[key] = found
        return found

    def __setitem__(self, key: bytes, value: Linked) -> None:
        self.used[key] = value

    def __delitem__(self, key: bytes) -> None:
        self.used.pop(key, None)

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.used)

    def __len__(self) -> int:
        return len(self.used)
