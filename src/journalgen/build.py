"""`journalgen build`: read, parse, assemble, render, write. Each stage is one call here."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from journalgen import config as config_module
from journalgen import feeds, render, sources, writer
from journalgen.config import SiteConfig
from journalgen.entries import Entry, Page, parse_entry, parse_page
from journalgen.errors import JournalError, Problem
from journalgen.markdown import MarkdownRenderer
from journalgen.outputs import Copy
from journalgen.site import Selection, Site, assemble

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


def build(options: BuildOptions) -> BuildReport:
    """Build the site. Raises `JournalError` (and writes nothing) when the site has mistakes."""
    started = time.perf_counter()
    config = config_module.load(options.site_dir)
    writer.check_output_dir(options.out_dir, options.site_dir, force=options.force)
    tree = sources.discover(options.site_dir)
    entries, pages = parse_sources(tree.sources, config)
    now = options.now or dt.datetime.now(dt.UTC)
    site = assemble(config, entries, pages, tree.assets, now, options.selection)
    env = render.environment(config, options.site_dir)
    outputs = [*render.pages(site, env), *feeds.render(site)]
    written = writer.write(outputs, static_copies(options.site_dir, site), options.out_dir)
    return BuildReport(
        entries=len(site.entries),
        pages=len(site.pages),
        files=written.files,
        bytes=written.bytes,
        seconds=time.perf_counter() - started,
        warnings=site.warnings,
        previews=sum(1 for entry in site.entries if site.is_preview(entry)),
    )


def parse_sources(
    found: Sequence[sources.Source], config: SiteConfig
) -> tuple[list[Entry], list[Page]]:
    """Parse every source, collecting every file's problem before failing."""
    renderer = MarkdownRenderer()
    entries: list[Entry] = []
    pages: list[Page] = []
    problems: list[Problem] = []
    for source in found:
        try:
            if source.kind == "entry":
                entries.append(parse_entry(source, config, renderer))
            else:
                pages.append(parse_page(source, config, renderer))
        except JournalError as err:
            problems.extend(err.problems)
    if problems:
        raise JournalError(problems)
    return entries, pages


def static_copies(site_dir: Path, site: Site) -> list[Copy]:
    """The theme's assets, the site's `static/` (which may replace them) and content files."""
    chosen: dict[str, Copy] = {}
    for path in sorted(render.THEME_STATIC.iterdir()):
        if path.is_file():
            rel = f"{THEME_ASSETS}/{path.name}"
            chosen[rel] = Copy(rel, path)
    static = site_dir / STATIC_DIR
    if static.is_dir():
        for path in sorted(static.rglob("*")):
            rel_parts = path.relative_to(static).parts
            if path.is_file() and not any(_is_junk(part) for part in rel_parts):
                rel = "/".join(rel_parts)
                chosen[rel] = Copy(rel, path)
    for asset in site.assets:
        chosen.setdefault(asset.rel, Copy(asset.rel, asset.path))
    return list(chosen.values())


def _is_junk(name: str) -> bool:
    """Editor and system leftovers in static/ (dot-folders like .well-known are published)."""
    return name in (".git", ".DS_Store", "Thumbs.db", "4913") or name.endswith(
        ("~", ".swp", ".swx", ".swo")
    )
