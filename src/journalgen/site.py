"""Assemble parsed entries and pages into a `Site`: what is published, in which order,
grouped by tag, author and month, with neighbours and resolved links. Pure."""

from __future__ import annotations

import datetime as dt
import posixpath
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from journalgen.config import Author, SiteConfig
from journalgen.entries import Entry, Page
from journalgen.errors import JournalError, Problem
from journalgen.markdown import CONTENT_LINK
from journalgen.slugs import slugify
from journalgen.sources import Asset


@dataclass(frozen=True, slots=True)
class Group:
    """Entries sharing a tag, an author, a year or a month, newest first."""

    title: str
    """The tag, the author's name, or the year/month as a date."""
    path: str
    """Its page's folder, e.g. `tags/hospital/`."""
    entries: tuple[Entry, ...]
    slug: str = ""
    """The tag or author key (for tags: also the per-tag feed folder)."""
    author: Author | None = None
    month: dt.date | None = None
    """The first day of the year or month, for archive groups."""


@dataclass(frozen=True, slots=True)
class HomePage:
    """One page of the paginated home page."""

    number: int
    path: str
    entries: tuple[Entry, ...]
    newer_path: str | None
    older_path: str | None
    count: int
    """How many home pages there are."""


@dataclass(frozen=True, slots=True)
class Neighbours:
    older: Entry | None
    newer: Entry | None


@dataclass(frozen=True, slots=True)
class Site:
    """The whole journal as readers will see it."""

    config: SiteConfig
    entries: tuple[Entry, ...]
    """Entries in the build, newest first (drafts and scheduled ones only in previews)."""
    home_pages: tuple[HomePage, ...]
    tags: tuple[Group, ...]
    """One group per tag, by name."""
    authors: tuple[Group, ...]
    years: tuple[Group, ...]
    """One group per year, newest first."""
    months: tuple[Group, ...]
    """One group per month, newest first."""
    pages: tuple[Page, ...]
    """Standalone pages, in navigation order."""
    assets: tuple[Asset, ...]
    neighbours: dict[str, Neighbours]
    """Keyed by entry path."""
    now: dt.datetime
    """The moment of the build: entries scheduled after it are not published."""
    warnings: tuple[Problem, ...]

    def is_preview(self, entry: Entry) -> bool:
        """True for drafts and scheduled entries shown only because of --drafts/--future."""
        return not entry.is_published(self.now)

    @property
    def menu_pages(self) -> tuple[Page, ...]:
        return tuple(page for page in self.pages if page.menu)

    def tag_path(self, tag: str) -> str:
        return f"tags/{slugify(tag)}/"


@dataclass(frozen=True, slots=True)
class Selection:
    """Which unpublished entries a build includes (previews only)."""

    drafts: bool = False
    future: bool = False

    def includes(self, entry: Entry, now: dt.datetime) -> bool:
        if entry.draft and not self.drafts:
            return False
        return not (entry.publish_on and entry.publish_on > now and not self.future)


def assemble(
    config: SiteConfig,
    entries: Sequence[Entry],
    pages: Sequence[Page],
    assets: Sequence[Asset],
    now: dt.datetime,
    selection: Selection = Selection(),
) -> Site:
    """Decide what is published and how it is grouped. Raises on URL collisions."""
    chosen = sorted(
        (entry for entry in entries if selection.includes(entry, now)),
        key=lambda e: (e.date, e.source.rel),
        reverse=True,
    )
    chosen_pages = sorted(
        (page for page in pages if selection.drafts or not page.draft),
        key=lambda p: (p.order, p.title.casefold(), p.path),
    )
    _check_collisions(chosen, chosen_pages)
    linker = _Linker(config, chosen, chosen_pages, assets)
    resolved = tuple(linker.entry(entry) for entry in chosen)
    resolved_pages = tuple(linker.page(page) for page in chosen_pages)
    return Site(
        config=config,
        entries=resolved,
        home_pages=_home_pages(resolved, config.page_size),
        tags=_tags(resolved),
        authors=_authors(resolved),
        years=_archive(resolved, "%Y", "{:%Y}/"),
        months=_archive(resolved, "%Y-%m", "{:%Y}/{:%m}/"),
        pages=resolved_pages,
        assets=tuple(assets),
        neighbours=_neighbours(resolved),
        now=now,
        warnings=tuple(linker.warnings),
    )


def _check_collisions(entries: Iterable[Entry], pages: Iterable[Page]) -> None:
    """Two sources may not write the same URL; case-insensitively, as macOS/Windows disks."""
    owners: dict[str, Entry | Page] = {}
    problems: list[Problem] = []
    reserved = {"", "tags/", "authors/", "archive/", "page/"}
    items: list[Entry | Page] = [*entries, *pages]
    for item in items:
        key = item.path.casefold()
        if isinstance(item, Page) and (
            key in reserved or re.match(r"^(\d{4}|page|tags|authors)/", key)
        ):
            problems.append(
                Problem(
                    item.source.path,
                    None,
                    f"this page would replace journalgen's own page at /{item.path}",
                    "Give it another file name or a `slug:`.",
                )
            )
            continue
        other = owners.get(key)
        if other is not None:
            problems.append(
                Problem(
                    item.source.path,
                    None,
                    f"this writes the same page /{item.path} as content/{other.source.rel}",
                    "Give one of them a different `slug:` (URLs that differ only in capital "
                    "letters count as the same on Mac and Windows disks).",
                )
            )
        owners[key] = item
    if problems:
        raise JournalError(problems)


class _Linker:
    """Turns `journalgen:` content links into site URLs, warning about broken ones."""

    _LINK = re.compile(re.escape(CONTENT_LINK) + r"([^\"'\s]*)")

    def __init__(
        self,
        config: SiteConfig,
        entries: Sequence[Entry],
        pages: Sequence[Page],
        assets: Sequence[Asset],
    ) -> None:
        self.base = config.base_path
        self.targets: dict[str, str] = {asset.rel: asset.rel for asset in assets}
        self.targets.update({entry.source.rel: entry.path for entry in entries})
        self.targets.update({page.source.rel: page.path for page in pages})
        self.warnings: list[Problem] = []

    def entry(self, entry: Entry) -> Entry:
        has_links = CONTENT_LINK in entry.body_html or CONTENT_LINK in entry.summary_html
        if not has_links and entry.cover is None:
            return entry
        return replace(
            entry,
            body_html=self._resolve(entry.body_html, entry.source.rel, entry.source.path),
            summary_html=self._resolve(entry.summary_html, entry.source.rel, None),
            cover=self.target(entry.cover, entry.source.rel)[0] if entry.cover else None,
        )

    def page(self, page: Page) -> Page:
        if CONTENT_LINK not in page.body_html:
            return page
        return replace(
            page, body_html=self._resolve(page.body_html, page.source.rel, page.source.path)
        )

    def target(self, content_path: str, source_rel: str) -> tuple[str, bool]:
        """The site path for a content path, and whether it exists."""
        if content_path.startswith("/"):  # a site path written as /about/
            return self.base + content_path[1:], True
        path, _, fragment = content_path.partition("#")
        suffix = f"#{fragment}" if fragment else ""
        found = self.targets.get(path)
        if found is None:
            # `photos/a.jpg` written in entries/x.md: also try it from content/ itself.
            folder = posixpath.dirname(source_rel)
            if folder and path.startswith(folder + "/"):
                found = self.targets.get(path[len(folder) + 1 :])
        if found is None:
            return self.base + path + suffix, False
        return self.base + found + suffix, True

    def _resolve(self, html: str, source_rel: str, report: Path | None) -> str:
        """`report` is the file to name in warnings (None: already warned for this text)."""

        def swap(match: re.Match[str]) -> str:
            url, exists = self.target(match.group(1), source_rel)
            if not exists and report is not None:
                self.warnings.append(
                    Problem(
                        report,
                        None,
                        f"links to {match.group(1).split('#')[0]}, which is not in content/ "
                        "(or is a draft)",
                        "Check the spelling; paths are relative to the entry's own file, e.g. "
                        "../photos/garden.jpg.",
                    )
                )
            return url

        return self._LINK.sub(swap, html)


def _home_pages(entries: tuple[Entry, ...], size: int) -> tuple[HomePage, ...]:
    ordered = [e for e in entries if e.pinned] + [e for e in entries if not e.pinned]
    chunks = [tuple(ordered[i : i + size]) for i in range(0, len(ordered), size)] or [()]
    count = len(chunks)

    def path(number: int) -> str:
        return "" if number == 1 else f"page/{number}/"

    return tuple(
        HomePage(
            number=n,
            path=path(n),
            entries=chunk,
            newer_path=path(n - 1) if n > 1 else None,
            older_path=path(n + 1) if n < count else None,
            count=count,
        )
        for n, chunk in enumerate(chunks, start=1)
    )


def _tags(entries: tuple[Entry, ...]) -> tuple[Group, ...]:
    names: dict[str, str] = {}
    members: dict[str, list[Entry]] = {}
    for entry in entries:
        for tag in entry.tags:
            slug = slugify(tag)
            names.setdefault(slug, tag)
            members.setdefault(slug, []).append(entry)
    return tuple(
        Group(title=names[slug], path=f"tags/{slug}/", entries=tuple(members[slug]), slug=slug)
        for slug in sorted(names, key=lambda s: (names[s].casefold(), s))
    )


def _authors(entries: tuple[Entry, ...]) -> tuple[Group, ...]:
    authors: dict[str, Author] = {}
    members: dict[str, list[Entry]] = {}
    for entry in entries:
        authors.setdefault(entry.author.key, entry.author)
        members.setdefault(entry.author.key, []).append(entry)
    return tuple(
        Group(
            title=authors[key].name,
            path=f"authors/{key}/",
            entries=tuple(members[key]),
            slug=key,
            author=authors[key],
        )
        for key in sorted(authors, key=lambda k: authors[k].name.casefold())
    )


def _archive(entries: tuple[Entry, ...], key_format: str, path_format: str) -> tuple[Group, ...]:
    members: dict[str, list[Entry]] = {}
    for entry in entries:
        members.setdefault(entry.date.strftime(key_format), []).append(entry)
    groups = []
    for key in sorted(members, reverse=True):
        first = members[key][0].date
        month = dt.date(first.year, first.month if "%m" in key_format else 1, 1)
        groups.append(
            Group(
                title=key,
                path=path_format.format(month, month),
                entries=tuple(members[key]),
                month=month,
            )
        )
    return tuple(groups)


def _neighbours(entries: tuple[Entry, ...]) -> dict[str, Neighbours]:
    result: dict[str, Neighbours] = {}
    for index, entry in enumerate(entries):
        newer = entries[index - 1] if index > 0 else None
        older = entries[index + 1] if index + 1 < len(entries) else None
        result[entry.path] = Neighbours(older=older, newer=newer)
    return result
