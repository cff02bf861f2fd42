"""`journalgen build`: read, parse, assemble, render, write. Each stage is one call here."""

from __future__ import annotations

import datetime as dt
import itertools
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from journalgen import config as config_module
from journalgen import scaffold
from journalgen.config import SiteConfig
from journalgen.errors import JournalError, Problem, printable
from journalgen.incremental import record, store
from journalgen.incremental.layer import Incremental, Run
from journalgen.output import imaging, writer
from journalgen.output.outputs import Copy, Kept, Output
from journalgen.output.writer import OutputState
from journalgen.parsing import photos, svgclean
from journalgen.parsing.entries import Entry, Page, parse_sources
from journalgen.publishing import CLOUDFLARE_WORKFLOW, schedule
from journalgen.reading import sources
from journalgen.rendering import book, feeds, render
from journalgen.structure import guestbook, redirects
from journalgen.structure.site import Selection, Site, assemble

STATIC_DIR = "static"
THEME_ASSETS = "assets"


@dataclass(frozen=True, slots=True)
class BuildOptions:
    """What the person running the build asked for."""

    site_dir: Path
    """The folder holding journalgen.yaml and content/."""
    out_dir: Path
    """Where the built site goes (replaced whole on success)."""
    selection: Selection = field(default_factory=Selection)
    """Include drafts / scheduled entries (previews only)."""
    force: bool = False
    """Replace an output folder that holds files journalgen did not write."""
    now: dt.datetime | None = None
    """The moment that decides which scheduled entries are due (tests pass a fixed one)."""
    strict: bool = False
    """Treat warnings (an image without alt text, a broken link) as errors."""
    photo_cache: Path | None = None
    """Where processed photos are kept between builds (default: .cache/journalgen/photos
    in the site folder)."""
    progress: bool = False
    """Show progress bars on the terminal (photos, and a build that takes a while)."""
    book: bool = True
    """Make the book page. `serve` leaves it out of each rebuild and makes it when it is
    asked for (the whole journal on one page is the slowest page to make)."""
    keepsake: bool = False
    """Pages for the keepsake (`journalgen keepsake`): read from a disk, so without
    forms, feeds or links to them (the settings' `keepsake`, which templates see)."""


@dataclass(frozen=True, slots=True)
class BuildReport:
    entries: int
    pages: int
    files: int
    bytes: int
    seconds: float
    warnings: tuple[Problem, ...]
    previews: int
    """Drafts and scheduled entries included because of --drafts/--future."""
    photos_encoded: int = 0
    """Photos (and static/ images) encoded by this build."""
    photos_reused: int = 0
    """Photos whose processed files were already in the cache."""
    site: Site | None = None
    """The site as assembled (the preview keeps it to make an edited entry's page first)."""


def build(options: BuildOptions, layer: Incremental | None = None) -> BuildReport:
    """Build the site. Raises `JournalError` (and writes nothing) when the site has mistakes.

    `layer` is what `journalgen serve`/`watch` keep between rebuilds; without one, the
    site's store (`.cache/journalgen/store.sqlite`) is what earlier builds kept.
    """
    started = time.perf_counter()
    plain = layer is None  # not a preview's rebuild: its record can make a build needless
    # Every file it may read, noted before reading any (an edit meanwhile is seen next time).
    inputs = record.scan_inputs(options.site_dir) if plain else {}
    layer = layer if layer is not None else Incremental(options.site_dir / store.FILE)
    try:
        try:
            return _build(options, layer, started, inputs if plain else None)
        except (JournalError, OSError):
            raise
        except Exception as err:
            if layer.store.file is None:
                raise
            # What the store held could not be used (altered, or from a journalgen that
            # stored it differently): a build never fails because of its cache. A bug
            # fails again, without it.
            layer.forget(f"what it holds could not be used: {type(err).__name__}")
            return _build(options, layer, started, inputs if plain else None)
    finally:
        layer.store.commit()  # what was kept so far, whatever happened
        if plain:
            layer.store.close()


def _build(
    options: BuildOptions,
    layer: Incremental,
    started: float,
    inputs: dict[str, record.InputState] | None,
) -> BuildReport:
    site_dir, out_dir = options.site_dir, options.out_dir
    config = config_module.load(site_dir)
    if options.keepsake:
        config = replace(config, keepsake=True)
    run = layer.start(out_dir, config)
    foreign = writer.check_output_dir(
        out_dir,
        site_dir,
        force=options.force,
        untouched=writer.folders_unchanged(out_dir, run.last.folders),
    )
    # 1. Read, 2. parse.
    tree = sources.discover(site_dir, run.known_source)
    entries, pages = run.parse(tree.sources, config)
    messages = guestbook.parse_messages(tree.messages, config)
    now = options.now or dt.datetime.now(dt.UTC)
    wanted = photos.referenced(tree.assets, _documents(entries, pages, config))
    catalog = imaging.inspect(wanted, config.photos, run.probe)
    # 3. Assemble.
    site = assemble(
        config, entries, pages, tree.assets, now, options.selection, messages, catalog, run.links
    )
    moved, moved_warnings = redirects.resolve(
        tree.redirects, site, frozenset(source.rel for source in tree.sources)
    )
    site = _with_warnings(site, tree, moved_warnings)
    if options.strict and site.warnings:
        raise JournalError(site.warnings)
    copies, asset_paths = sources.fingerprint(static_copies(site_dir, site))
    site = replace(site, asset_paths=asset_paths)
    # 4. Render (each page planned; the layer keeps what would not change).
    env = layer.environment(config, site_dir)
    # Other files in the folder (--force): replace the whole folder to remove them.
    run.keep_from({} if foreign else writer.intact(out_dir, run.last.outputs))
    cloudflare = _on_cloudflare(site_dir)
    # Made one by one as the writer asks for them, so the site is never in memory whole.
    outputs: Iterable[Output | Kept] = _joined(
        itertools.chain(
            _later(lambda: run.outputs(site, render.pages(site, env))),
            _later(lambda: run.outputs(site, book.render(site, env, run.chapters)))
            if options.book
            else (),
            _later(lambda: run.outputs(site, feeds.render(site))),
            (schedule.schedule_file(entries, now),),
            _later(lambda: redirects.render(moved, site, cloudflare=cloudflare)),
            _later(lambda: drawings(site)),
        ),
        own_rules(site_dir),
    )
    # 5. Write.
    photo_cache = options.photo_cache or site_dir / imaging.CACHE_FOLDER
    made = imaging.process(
        site.photos, copies, config.photos, photo_cache, progress=options.progress
    )
    if options.progress:
        outputs = _counted(outputs)
    written, files = writer.write(
        outputs, made.copies, out_dir, run.previous, durable=inputs is not None
    )
    report = BuildReport(
        entries=len(site.entries),
        pages=len(site.pages),
        files=written.files,
        bytes=written.bytes,
        seconds=time.perf_counter() - started,
        warnings=site.warnings,
        previews=sum(1 for entry in site.entries if site.is_preview(entry)),
        photos_encoded=made.encoded,
        photos_reused=made.reused,
        site=site,
    )
    run.finish(_record(options, tree, run, inputs, files, entries, site, report))
    return report


def _with_warnings(site: Site, tree: sources.Tree, moved: Sequence[Problem]) -> Site:
    """The site with the warnings of reading (files, redirects, unfinished settings)."""
    found = [w for source in (*tree.sources, *tree.messages) for w in source.warnings]
    found += [*tree.warnings, *moved]
    found += scaffold.unfinished(
        site.config, (*(e.source for e in site.entries), *(p.source for p in site.pages))
    )
    return replace(site, warnings=(*found, *site.warnings)) if found else site


def _record(
    options: BuildOptions,
    tree: sources.Tree,
    run: Run,
    inputs: dict[str, record.InputState] | None,
    files: OutputState,
    entries: Sequence[Entry],
    site: Site,
    report: BuildReport,
) -> record.BuildRecord:
    """What this build read and wrote, for the next one."""
    read = {
        f"{sources.CONTENT_DIR}/{source.rel}": (*signature, source.digest)
        for source in tree.sources
        if (signature := tree.signatures.get(source.path)) is not None
    }
    read.update(run.probed)  # the photos, with the digest of what was read
    if inputs is not None:  # every file it may have read, with the digest of what it read
        read = record.settle(options.site_dir, {**inputs, **read}, run.last.inputs)
    summary = record.Summary(
        report.entries, report.pages, report.files, report.previews, report.warnings
    )
    return record.BuildRecord(
        ident=record.identity(
            options.site_dir,
            options.out_dir,
            drafts=options.selection.drafts,
            future=options.selection.future,
            strict=options.strict,
            photos=options.photo_cache,
        ),
        inputs=read,
        outputs=files,
        folders=writer.folder_times(options.out_dir, files),
        valid_until=_valid_until(entries, site),
        summary=summary if inputs is not None else None,
    )


def published_site(site_dir: Path, now: dt.datetime) -> Site:
    """The journal as a build at `now` publishes it (no drafts, no held farewells, nothing
    scheduled later), read without writing anything: for commands that act on what is
    published, such as `journalgen notify`."""
    config = config_module.load(site_dir)
    tree = sources.discover(site_dir)
    entries, pages = parse_sources(tree.sources, config)
    wanted = photos.referenced(tree.assets, _documents(entries, pages, config))
    catalog = imaging.inspect(wanted, config.photos)
    return assemble(config, entries, pages, tree.assets, now, Selection(), (), catalog)


def _counted(outputs: Iterable[Output | Kept]) -> Iterator[Output | Kept]:
    """The pages as they are made, counted on the terminal once it takes over 2 seconds."""
    import sys

    from tqdm import tqdm

    tqdm.monitor_interval = 0  # no watching thread: pages are rendered on two cores by forking
    with tqdm(outputs, unit=" files", desc="Pages", delay=2, file=sys.stderr, leave=False) as bar:
        for output in bar:
            bar.set_postfix_str(printable(output.path), refresh=False)
            yield output


HOST_FILES = ("_redirects", "_headers")
"""Netlify's files of rules, which journalgen writes: a journal's own (in static/, from
the site it came from, or written by hand) are joined to them, not copied over them."""


def own_rules(site_dir: Path) -> dict[str, bytes]:
    """The journal's own `static/_redirects` and `static/_headers`."""
    found: dict[str, bytes] = {}
    for name in HOST_FILES:
        path = site_dir / STATIC_DIR / name
        if path.is_file():
            found[name] = sources.read_bytes_of(path).rstrip(b"\n") + b"\n"
    return found


def _joined(outputs: Iterable[Output | Kept], own: dict[str, bytes]) -> Iterator[Output | Kept]:
    """`outputs`, with the journal's own rules joined to journalgen's: its redirects
    first (Netlify follows the first rule that matches, and the family's own say what
    they meant), its headers after (Netlify sends every rule that matches)."""
    left = dict(own)
    for output in outputs:
        mine = left.pop(output.path, None)
        if mine is None or not isinstance(output, Output):
            yield output
        elif output.path == "_redirects":
            yield Output(output.path, mine + b"\n" + output.data)
        else:
            yield Output(output.path, output.data + b"\n" + mine)
    for path, data in left.items():
        yield Output(path, data)


def _later(make: Callable[[], Iterable[Output | Kept]]) -> Iterator[Output | Kept]:
    """`make()`'s outputs, made only when the first one is asked for."""
    yield from make()


def _valid_until(entries: Sequence[Entry], site: Site) -> dt.datetime | None:
    """Until when this build's output stays right if no file changes: the moment the next
    scheduled entry comes due (the build's own moment when it shows that moment: a held
    farewell previewed as if published now, or feeds dated now for want of entries)."""
    published = [entry for entry in site.entries if not site.is_preview(entry)]
    empty_tag_feed = any(all(site.is_preview(e) for e in tag.entries) for tag in site.tags)
    if any(entry.undated for entry in site.entries) or not published or empty_tag_feed:
        return site.now
    due = [e.publish_on for e in entries if e.publish_on is not None and e.publish_on > site.now]
    return min(due, default=None)


def _documents(
    entries: Sequence[Entry], pages: Sequence[Page], config: SiteConfig
) -> list[tuple[str, Sequence[str]]]:
    """Each source with the content files it links to (and the memorial's photo)."""
    found: list[tuple[str, Sequence[str]]] = [(e.source.rel, e.links) for e in entries]
    found += [(p.source.rel, p.links) for p in pages]
    if config.memorial is not None and config.memorial.photo is not None:
        found.append(("", (config.memorial.photo,)))
    return found


def static_copies(site_dir: Path, site: Site) -> list[Copy]:
    """The theme's assets, the site's `static/` (which may replace them) and content files
    (photos excepted: only their processed sizes are published, see imaging.process)."""
    chosen: dict[str, Copy] = {}
    for path in sorted(render.THEME_STATIC.iterdir()):
        if path.is_file():
            rel = f"{THEME_ASSETS}/{path.name}"
            chosen[rel] = Copy(rel, path)
    for parts, item in sources.scan_folder(site_dir / STATIC_DIR, site_dir, sources.is_leftover):
        rel = "/".join(parts)
        if rel not in HOST_FILES:  # joined to journalgen's own (own_rules)
            chosen[rel] = Copy(rel, Path(item.path))
    linked = linked_files(site)
    runnable: list[Problem] = []
    for asset in site.assets:
        if photos.is_photo(asset.rel) or asset.rel not in linked:
            continue
        suffix = Path(asset.rel).suffix.lower()
        if suffix in RUNNABLE:
            runnable.append(_runnable(site, asset.rel))
        elif suffix != ".svg":  # drawings are published cleaned (drawings)
            chosen.setdefault(asset.rel, Copy(asset.rel, asset.path))
    if runnable:
        raise JournalError(runnable)
    return list(chosen.values())


def _on_cloudflare(site_dir: Path) -> bool:
    """The journal is published on Cloudflare Pages (its workflow is there)."""
    return (site_dir / CLOUDFLARE_WORKFLOW).is_file()


def linked_files(site: Site) -> set[str]:
    """Other files of content/ (a PDF) are published only when a built entry or page links
    to them: a file dropped into content/ by mistake never is."""
    linked = {link for entry in site.entries for link in entry.links}
    linked |= {link for page in site.pages for link in page.links}
    if site.config.memorial is not None and site.config.memorial.photo is not None:
        linked.add(site.config.memorial.photo)
    return linked


RUNNABLE = frozenset(
    {".js", ".mjs", ".html", ".htm", ".shtml", ".xhtml", ".xht", ".xml", ".xsl", ".xslt"}
    | {".svgz", ".swf"}
)
"""Files from content/ that a browser opening them runs as a program on the journal's own
address: never published from there (static/ is the place for what the family means to
run)."""


def _runnable(site: Site, rel: str) -> Problem:
    path: Path | None = None
    line: int | None = None
    documents: list[Entry | Page] = [*site.entries, *site.pages]
    for document in documents:
        if rel in document.links:
            path = document.source.path
            line = photos.line_of(document.source.text, rel, document.source.rel)
            break
    return Problem(
        path,
        line,
        f"links to content/{rel}, a file a browser would run as a program on the journal's "
        "own address: journalgen does not publish it from content/",
        "Link to a PDF or a photo instead. If the journal really needs this file, put it "
        "in static/ (published exactly as it is) and link to it there.",
    )


def drawings(site: Site) -> Iterator[Output]:
    """The SVG drawings of content/ that a built entry or page links to, cleaned of
    anything that could run (svgclean)."""
    linked = linked_files(site)
    for asset in site.assets:
        if asset.rel in linked and Path(asset.rel).suffix.lower() == ".svg":
            try:
                yield Output(asset.rel, svgclean.clean(sources.read_bytes_of(asset.path)))
            except svgclean.NotADrawing as err:
                raise JournalError.at(
                    asset.path,
                    f"this SVG cannot be published: {err}",
                    hint="Save it again from a drawing program as a plain SVG, or as a PNG.",
                ) from err
