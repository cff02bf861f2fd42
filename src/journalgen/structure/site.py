"""Assemble parsed entries and pages into a `Site`: what is published, in which order,
grouped by tag, author and month, with neighbours and resolved links. Pure."""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import html
import posixpath
import re
from collections.abc import Iterable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field, replace
from html import escape as escape_html
from html import unescape as unescape_html
from pathlib import Path
from urllib.parse import unquote

from journalgen.config import Author, SiteConfig
from journalgen.errors import JournalError, Problem
from journalgen.parsing.entries import Entry, Page
from journalgen.parsing.markdown import CONTENT_LINK, escape_path
from journalgen.parsing.photos import (
    EMPTY_CATALOG,
    Catalog,
    ImageUse,
    Photo,
    is_image,
    line_of,
    lookup,
    picture_html,
    rewrite_images,
)
from journalgen.parsing.slugs import slugify
from journalgen.reading.sources import Asset, Source
from journalgen.structure.guestbook import (
    GUESTBOOK_PATH,
    THANKS_PATH,
    Guestbook,
    Message,
    assemble_guestbook,
)
from journalgen.structure.i18n import Language
from journalgen.structure.paging import paginate

BOOK_PATH = "book/"
"""Where the book (the whole journal on one page, made for printing) is published."""


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
    book_path: str | None = BOOK_PATH
    """The folder of the book page; None when a page of the site already uses `book/`."""
    guestbook: Guestbook = field(default_factory=Guestbook)
    """Messages from readers, by entry and paginated for the guestbook page."""
    photos: tuple[Photo, ...] = ()
    """The photos the published pages show or link to: the only ones made (imaging.py)."""
    catalog: Catalog = EMPTY_CATALOG
    """Every photo entries and pages refer to, planned (for `picture` and `image_url`)."""
    digests: Mapping[str, bytes] = field(default_factory=dict)
    """Each entry's `content_digest`, by its path (for keys.py)."""
    asset_paths: dict[str, str] = field(default_factory=dict)
    """Theme files under `assets/` by their plain name, e.g. `assets/style.css`, mapped to
    the content-hashed name they are published under (`assets/style.3f9c2a41d0.css`), so
    browsers may cache them for a year."""

    def asset_url(self, name: str) -> str:
        """The site URL of the theme file `name` (e.g. `style.css`), fingerprinted."""
        rel = f"assets/{name}"
        return self.config.base_path + self.asset_paths.get(rel, rel)

    def picture(self, rel: str, alt: str, lazy: bool = False) -> str:
        """HTML showing the image at `rel` (a path inside content/) for a template: a
        `<picture>` of processed sizes for a photo. Mark it `| safe`."""
        photo = self.catalog.photos.get(rel)
        if photo is None:
            src = html.escape(self.config.base_path + rel)
            return f'<img src="{src}" alt="{html.escape(alt)}" decoding="async">'
        return picture_html(photo, alt, self.config.base_path, lazy=lazy)

    def image_url(self, rel: str) -> str:
        """The site URL of the image at `rel` (a path inside content/): for a photo, its
        mid-size processed version (feeds, link previews); the original is not published."""
        photo = self.catalog.photos.get(rel)
        if photo is None:
            return self.config.base_path + rel
        return self.config.base_path + photo.share.path

    def is_preview(self, entry: Entry) -> bool:
        """True for drafts and scheduled entries shown only because of --drafts/--future."""
        return not entry.is_published(self.now)

    @property
    def menu_pages(self) -> tuple[Page, ...]:
        return tuple(page for page in self.pages if page.menu)

    def tag_path(self, tag: str) -> str:
        return f"tags/{slugify(tag)}/"

    @property
    def language(self) -> Language:
        return Language(self.config.language)

    @property
    def title(self) -> str:
        """The site's name as readers see it (pages, feeds, link previews): the `title`
        setting, or "In loving memory of …" once the site is a memorial."""
        memorial = self.config.memorial
        if memorial is None:
            return self.config.title
        return self.language.label("in_memory_of", name=memorial.name)

    @property
    def lifespan(self) -> str:
        """A memorial's dates, e.g. `March 2, 1941 - October 30, 2026` with an en dash."""
        memorial = self.config.memorial
        if memorial is None:
            return ""
        return f"{self.language.date(memorial.born)} – {self.language.date(memorial.died)}"

    @property
    def description(self) -> str:
        """One sentence about the site for feeds and search engines; a memorial's names the
        person, their dates and the epitaph."""
        memorial = self.config.memorial
        if memorial is None:
            return self.config.description
        text = f"{self.title} ({self.lifespan})."
        return f"{text} {memorial.epitaph}" if memorial.epitaph else text

    @property
    def memorial_guestbook_title(self) -> str | None:
        """The guestbook's title on a memorial ("Memories and condolences"); None when the
        site is not a memorial, so the guestbook keeps its usual title."""
        if self.config.memorial is None:
            return None
        return self.language.label("memorial_guestbook_title")

    @property
    def memorial_guestbook_intro(self) -> str | None:
        """The line inviting memories on a memorial's guestbook; None otherwise."""
        memorial = self.config.memorial
        if memorial is None:
            return None
        return self.language.label("memorial_guestbook_intro", name=memorial.name)


@dataclass(frozen=True, slots=True)
class Selection:
    """Which unpublished entries a build includes (previews only)."""

    drafts: bool = False
    future: bool = False

    def includes(self, entry: Entry, now: dt.datetime) -> bool:
        if entry.draft and not self.drafts:
            return False
        return not (entry.publish_on and entry.publish_on > now and not self.future)


def _once(*warnings: Problem) -> tuple[Problem, ...]:
    """Each warning once (20,000 identical links to a missing page are one mistake), with
    the number of times it was found."""
    counts: dict[Problem, int] = {}
    for warning in warnings:
        counts[warning] = counts.get(warning, 0) + 1
    return tuple(
        warning
        if count == 1
        else Problem(warning.path, warning.line, f"{warning.message} ({count} times)", warning.hint)
        for warning, count in counts.items()
    )


def assemble(
    config: SiteConfig,
    entries: Sequence[Entry],
    pages: Sequence[Page],
    assets: Sequence[Asset],
    now: dt.datetime,
    selection: Selection = Selection(),
    messages: Sequence[Message] = (),
    catalog: Catalog = EMPTY_CATALOG,
    memo: MutableMapping[bytes, Linked] | None = None,
) -> Site:
    """Decide what is published and how it is grouped. Raises on URL collisions, missing
    images and photos that cannot be read (`catalog`: the photos, planned).

    `memo` keeps each entry with its links resolved (`Linked`) between builds, keyed by
    everything that resolution reads, so an unchanged entry is not resolved again."""
    chosen = sorted(
        (_dated(entry, now, config) for entry in entries if selection.includes(entry, now)),
        key=lambda e: (e.date, e.source.rel),
        reverse=True,
    )
    chosen_pages = sorted(
        (page for page in pages if selection.drafts or not page.draft),
        key=lambda p: (p.order, p.title.casefold(), p.path),
    )
    _check_collisions(chosen, chosen_pages)
    _check_memorial_photo(config, assets)
    book_page = next((p for p in chosen_pages if p.path.casefold() == BOOK_PATH), None)
    linker = _Linker(config, chosen, chosen_pages, assets, catalog)
    resolved = tuple(linker.entry_remembered(entry, memo) for entry in chosen)
    resolved_pages = tuple(linker.page(page) for page in chosen_pages)
    if config.memorial is not None and config.memorial.photo is not None:
        linker.use(config.memorial.photo)
    if linker.errors:
        raise JournalError(linker.errors)
    guestbook, guestbook_warnings = assemble_guestbook(
        messages, resolved, entries, config.guestbook.page_size
    )
    return Site(
        config=config,
        entries=resolved,
        home_pages=_home_pages(resolved, config.page_size, config.memorial is not None),
        tags=_tags(resolved),
        authors=_authors(resolved),
        years=_archive(resolved, "%Y", "{:%Y}/"),
        months=_archive(resolved, "%Y-%m", "{:%Y}/{:%m}/"),
        pages=resolved_pages,
        assets=tuple(assets),
        neighbours=_neighbours(resolved),
        now=now,
        warnings=_once(
            *(note for entry in chosen for note in entry.notes),
            *(note for page in chosen_pages for note in page.notes),
            *linker.warnings,
            *_book_warning(book_page),
            *guestbook_warnings,
        ),
        book_path=None if book_page else BOOK_PATH,
        guestbook=guestbook,
        photos=tuple(linker.used[rel] for rel in sorted(linker.used)),
        catalog=catalog,
        digests=linker.digests,
    )


def _dated(entry: Entry, now: dt.datetime, config: SiteConfig) -> Entry:
    """A held farewell written without a date is shown (in previews only: it is a draft)
    with the build's moment, as if it were published now."""
    if not entry.undated:
        return entry
    assert entry.draft, "an undated entry is always a held farewell"
    return replace(entry, date=now.astimezone(config.zone))


def _check_memorial_photo(config: SiteConfig, assets: Sequence[Asset]) -> None:
    memorial = config.memorial
    if memorial is None or memorial.photo is None:
        return
    if not any(asset.rel == memorial.photo for asset in assets):
        raise JournalError.at(
            config.path,
            f"`memorial: photo:` content/{memorial.photo} does not exist",
            line=memorial.photo_line,
            hint="Put the photo in content/photos/ and check the spelling (capital letters "
            "count), e.g. `photo: photos/margaret.jpg`.",
        )


def _book_warning(page: Page | None) -> tuple[Problem, ...]:
    if page is None:
        return ()
    return (
        Problem(
            page.source.path,
            None,
            f"this page uses the address /{BOOK_PATH}, so the book (the whole journal on one "
            "page, for printing) is not made",
            "Give the page another `slug:` if you would like the book.",
        ),
    )


@dataclass(frozen=True, slots=True)
class OwnPage:
    """A page journalgen writes by itself (not an entry's, a list's or a page of the
    journal's), declared once: rendering (`rendering.render.pages`), what it shows (its
    key, `PageKeys.of`) and the addresses pages and old addresses may not take all read
    it from `OWN_PAGES`. A new one is one line here, one template and its labels."""

    path: str
    """Its address, e.g. `tags/` (a folder: its index.html), or a file, `404.html`."""
    template: str
    label: str
    """The label (i18n.py) of its title."""
    shows: tuple[str, ...]
    """What it shows besides what every page does: `("page", name)` for nothing else, or
    the `PageKeys` method that says what (`("tags",)`: every tag and its count)."""
    form: str = ""
    """Written only when the journal's settings post this form to the site itself
    (`guestbook`, `follow`)."""

    def wanted(self, config: SiteConfig) -> bool:
        if self.form == "guestbook":
            return config.guestbook.provider == "netlify"
        if self.form == "follow":
            return config.email.follow_form == "netlify"
        return True


SUBSCRIBE_PATH = "subscribe/"
"""How to follow the journal, in words (the menu's "Subscribe" leads here, not to XML)."""
FEED_STYLE_PATH = "feed.xsl"
"""The stylesheet that shows a feed opened in a browser as a page (feeds.py links it)."""
FOLLOW_THANKS_PATH = "subscribe/thanks/"
"""Where the follow form leads once sent."""

OWN_PAGES = (
    OwnPage("tags/", "tags.html", "tags", ("tags",)),
    OwnPage(SUBSCRIBE_PATH, "subscribe.html", "subscribe_title", ("page", "subscribe")),
    OwnPage(FEED_STYLE_PATH, "feed.xsl", "rss_feed", ("page", "feed.xsl")),
    OwnPage("archive/", "archive.html", "archive", ("archive",)),
    OwnPage("404.html", "404.html", "not_found_title", ("page", "404")),
    OwnPage(THANKS_PATH, "guestbook_thanks.html", "gb_thanks", ("page", "thanks"), "guestbook"),
    OwnPage(
        FOLLOW_THANKS_PATH,
        "follow_thanks.html",
        "follow_thanks",
        ("page", "follow-thanks"),
        "follow",
    ),
)

OWN_ADDRESSES = (
    frozenset(page.path.split("/", 1)[0] for page in OWN_PAGES)
    # Lists (tags/, authors/, archive's years are `2026/`), the home page's pages, the
    # guestbook's, the theme's files, and the files of feeds and hosts.
    | {"tags", "authors", "page", GUESTBOOK_PATH.rstrip("/"), "assets"}
    | {"feed.xml", "atom.xml", "_headers", "_redirects", "robots.txt", "sitemap.xml"}
    | {"schedule.json", "index.html"}
)
"""The first part of every address journalgen writes itself (besides the home page and
the years, `2026/`): the one list that pages (`_check_collisions`) and an old blog's
addresses (redirects.py) are checked against. (`book/` is journalgen's too, but a page of
the journal may take it: then the book is left out.)"""


def is_own_address(path: str) -> bool:
    """`path` (a site path, `subscribe/`) is one journalgen itself writes, or inside one."""
    first = path.casefold().split("/", 1)[0]
    return path == "" or first in OWN_ADDRESSES or re.fullmatch(r"\d{4}", first) is not None


def _check_collisions(entries: Iterable[Entry], pages: Iterable[Page]) -> None:
    """Two sources may not write the same URL; case-insensitively, as macOS/Windows disks."""
    owners: dict[str, Entry | Page] = {}
    problems: list[Problem] = []
    items: list[Entry | Page] = [*entries, *pages]
    for item in items:
        key = item.path.casefold()
        if isinstance(item, Page) and is_own_address(key):
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


@dataclass(frozen=True, slots=True)
class Linked:
    """An entry with its links resolved and photos placed, and what resolving them found."""

    entry: Entry
    warnings: tuple[Problem, ...]
    used: tuple[tuple[str, Photo], ...]
    """The photos it shows or links to, by path inside content/."""
    digest: bytes = b""
    """`content_digest(entry)`, made once."""


def content_digest(entry: Entry) -> bytes:
    """A digest of everything an entry holds once its links are resolved: its source's
    bytes decide every parsed field (given the settings and code), the rest is made by
    `assemble` (keys.py adds what else a page shows of it)."""
    parts = (
        entry.source.digest,
        entry.source.rel,
        entry.path,
        entry.date.isoformat(),
        entry.body_html,
        entry.summary_html,
        entry.cover or "",
        entry.cover_html,
        entry.share_image or "",
        entry.share_image_alt,
    )
    text = "\x1f".join(parts)
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def linker_for(site: Site) -> _Linker:
    """The link resolver of an assembled site, to resolve one entry again (earlypage.py)."""
    return _Linker(site.config, site.entries, site.pages, site.assets, site.catalog)


class _Linker:
    """Turns `journalgen:` content links into site URLs, warning about broken ones, and
    photos into `<picture>`s of their processed sizes (a missing image is an error)."""

    _TAG = re.compile(r"<[A-Za-z][^<>]*>")
    _LINK = re.compile(r"(?:(?<=[\"'])|(?<=, ))" + re.escape(CONTENT_LINK) + r"([^\"'\s]*)")
    """A `journalgen:` link where markdown.py put one: at the start of an attribute's value
    (or of a `srcset` candidate), never in text or code that mentions the word."""

    def __init__(
        self,
        config: SiteConfig,
        entries: Sequence[Entry],
        pages: Sequence[Page],
        assets: Sequence[Asset],
        catalog: Catalog = EMPTY_CATALOG,
    ) -> None:
        self.base = config.base_path
        self.catalog = catalog
        self.targets: dict[str, str] = {asset.rel: asset.rel for asset in assets}
        self._plain_targets: dict[str, str] | None = None
        self._near_misses: dict[tuple[str, bool], str | None] = {}
        # A link to a photo opens its largest processed size: originals are never published.
        self.targets.update({rel: photo.full.path for rel, photo in catalog.photos.items()})
        self.targets.update({entry.source.rel: entry.path for entry in entries})
        self.targets.update({page.source.rel: page.path for page in pages})
        self.warnings: list[Problem] = []
        self.errors: dict[Problem, None] = {}
        """Missing images and unreadable photos (each once, in order)."""
        self.used: dict[str, Photo] = {}
        """Photos shown or linked to, by path inside content/."""
        self.digests: dict[str, bytes] = {}
        """Each resolved entry's `content_digest`, by its path."""

    def entry_remembered(self, entry: Entry, memo: MutableMapping[bytes, Linked] | None) -> Entry:
        """`entry(entry)`, taken from `memo` when nothing it reads changed."""
        if memo is None:
            linked = self.entry(entry)
            self.digests[linked.path] = content_digest(linked)
            return linked
        key = self._key(entry)
        found = memo.get(key)
        if found is not None:
            self.warnings.extend(found.warnings)
            self.used.update(found.used)
            self.digests[found.entry.path] = found.digest
            return found.entry
        warnings, used, errors = self.warnings, self.used, self.errors
        self.warnings, self.used, self.errors = [], {}, {}
        try:
            linked = self.entry(entry)
            digest = content_digest(linked)
            self.digests[linked.path] = digest
            made = Linked(linked, tuple(self.warnings), tuple(self.used.items()), digest)
            if not self.errors:  # a build with errors stops; nothing to keep
                memo[key] = made
        finally:
            warnings.extend(self.warnings)
            used.update(self.used)
            errors.update(self.errors)
            self.warnings, self.used, self.errors = warnings, used, errors
        return linked

    def _key(self, entry: Entry) -> bytes:
        """Everything `entry()` reads: the entry (its file's bytes and place, its date) and,
        for each content file it links to, what that file is in this build."""
        source = entry.source
        folder = posixpath.dirname(source.rel)
        parts: list[object] = [
            source.digest,
            source.rel,
            str(source.path),
            entry.date.isoformat(),
            self.base,
        ]
        for link in entry.links:
            parts.append(link)
            for candidate in (link, link[len(folder) + 1 :] if folder else None):
                if candidate is None:
                    continue
                target = self.targets.get(candidate)
                parts.append(target)
                if target is not None:
                    parts.append(repr(self.catalog.photos.get(candidate)))
                    parts.append(repr(self.catalog.problems.get(candidate)))
        text = "\x1f".join("" if part is None else str(part) for part in parts)
        return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()

    def entry(self, entry: Entry) -> Entry:
        text = entry.body_html + entry.summary_html
        if CONTENT_LINK not in text and "<img" not in text.lower() and entry.cover is None:
            return entry
        source = entry.source
        cover, cover_html, cover_photo = self._cover(entry) if entry.cover else (None, "", None)
        # The cover is the page's first image; without one, the body's first image is.
        body, uses = self._pictures(entry.body_html, source, eager_first=cover is None)
        summary, _ = self._pictures(entry.summary_html, source, eager_first=False, check=False)
        first = next((use for use in uses if use.photo is not None), None)
        share = cover_photo or (first.photo if first else None)
        return replace(
            entry,
            body_html=self._resolve(body, source.rel, source.path, source.text),
            summary_html=self._resolve(summary, source.rel, None),
            cover=cover,
            cover_html=cover_html,
            share_image=self.base + share.share.path if share else None,
            share_image_alt=entry.cover_alt if cover_photo else first.alt if first else "",
        )

    def page(self, page: Page) -> Page:
        if CONTENT_LINK not in page.body_html and "<img" not in page.body_html.lower():
            return page
        body, _ = self._pictures(page.body_html, page.source, eager_first=True)
        return replace(
            page,
            body_html=self._resolve(body, page.source.rel, page.source.path, page.source.text),
        )

    def use(self, rel: str) -> None:
        """Publish the photo at `rel` (a path inside content/) for a template to show."""
        if rel in self.catalog.problems:
            self.errors[self.catalog.problems[rel]] = None
        elif rel in self.catalog.photos:
            self.used[rel] = self.catalog.photos[rel]

    def _photo(self, content_path: str, source_rel: str) -> Photo | None:
        key = lookup(content_path, source_rel, self.targets)
        photo = self.catalog.photos.get(key) if key is not None else None
        if photo is not None:
            self.used[photo.rel] = photo
        return photo

    def _cover(self, entry: Entry) -> tuple[str, str, Photo | None]:
        """The cover's URL (its mid-size version for a photo), its HTML and its photo."""
        assert entry.cover is not None
        source = entry.source
        url, exists = self.target(entry.cover, source.rel)
        if not exists:
            self._missing(entry.cover, source.path, source.text, source.rel, "the cover image")
            return url, "", None
        key = lookup(entry.cover, source.rel, self.targets)
        if key is not None and key in self.catalog.problems:
            self.errors[self.catalog.problems[key]] = None
            return url, "", None
        alt = entry.cover_alt
        if not alt.strip():
            self.warnings.append(
                Problem(
                    source.path,
                    line_of(source.text, entry.cover, source.rel),
                    f"the cover image {entry.cover} has no description (`cover_alt`)",
                    'Add a line such as `cover_alt: "Finn in his red hat, laughing"` so that '
                    "people who cannot see the photo know what it shows.",
                )
            )
        photo = self._photo(entry.cover, source.rel)
        if photo is None:
            return url, f'<img src="{html.escape(url)}" alt="{html.escape(alt)}">', None
        return self.base + photo.share.path, picture_html(photo, alt, self.base, lazy=False), photo

    def _pictures(
        self, fragment: str, source: Source, *, eager_first: bool, check: bool = True
    ) -> tuple[str, tuple[ImageUse, ...]]:
        """Photos as `<picture>`s; `check`: warn about images without alt text."""
        rewritten, uses = rewrite_images(
            fragment,
            lambda path: self._photo(path, source.rel),
            self.base,
            eager_first=eager_first,
        )
        for use in uses if check else ():
            if use.alt_missing:
                self.warnings.append(
                    Problem(
                        source.path,
                        line_of(source.text, use.src, source.rel),
                        f"the image {use.src} has no alt text (a description of what it shows)",
                        "Describe it between the square brackets, e.g. "
                        "![Finn in his red hat, laughing](../photos/garden.jpg), so that "
                        "people who cannot see it know what it shows.",
                    )
                )
        return rewritten, uses

    def _missing(
        self, content_path: str, file: Path, text: str, source_rel: str, what: str
    ) -> None:
        """An image that is not there: an error naming the file and the line."""
        path = content_path.split("#", 1)[0]
        near = self._near_miss(path)
        hint = (
            f"Did you mean {posixpath.relpath(near, posixpath.dirname(source_rel) or '.')}? "
            "The name must match exactly, capital letters and ending (.jpg, .jpeg) included."
            if near is not None
            else "Check the spelling, capital letters and folder; paths are relative to the "
            "entry's own file, e.g. ../photos/garden.jpg."
        )
        self.errors[
            Problem(
                file, line_of(text, path, source_rel), f"{what} {path} is not in content/", hint
            )
        ] = None

    def _near_miss(self, path: str, fuzzy: bool = True) -> str | None:
        """The file of content/ someone probably meant: the same name in other capitals, or
        with .jpeg for .jpg (or the reverse), else (`fuzzy`) the closest name in the same
        folder. Worked out once per missing path."""
        key = (path, fuzzy)
        if key not in self._near_misses:
            if self._plain_targets is None:
                self._plain_targets = {}
                for known in self.targets:
                    self._plain_targets.setdefault(_plain_name(known), known)
            found = self._plain_targets.get(_plain_name(path))
            if found is None and fuzzy:
                folder = posixpath.dirname(path)
                neighbours = [k for k in self.targets if posixpath.dirname(k) == folder]
                close = difflib.get_close_matches(path, neighbours, n=1, cutoff=0.75)
                found = close[0] if close else None
            self._near_misses[key] = found
        return self._near_misses[key]

    def target(self, content_path: str, source_rel: str) -> tuple[str, bool]:
        """The site path for a content path, and whether it exists."""
        if content_path.startswith("/"):  # a site path written as /about/
            return self.base + content_path[1:], True
        path, _, fragment = content_path.partition("#")
        path = unquote(path)  # markdown.escape_path escaped `%` and spaces
        suffix = f"#{fragment}" if fragment else ""
        found = self.targets.get(path)
        if found is None:
            # `photos/a.jpg` written in entries/x.md: also try it from content/ itself.
            folder = posixpath.dirname(source_rel)
            if folder and path.startswith(folder + "/"):
                found = self.targets.get(path[len(folder) + 1 :])
        if found is None:
            return self.base + escape_path(path) + suffix, False
        return self.base + escape_path(found) + suffix, True

    def _resolve(self, html: str, source_rel: str, report: Path | None, text: str = "") -> str:
        """`report` is the file to name in warnings (None: already warned for this text);
        `text` is that file's text, to find the line of a missing image."""

        def swap(match: re.Match[str], displayed: bool) -> str:
            written = unescape_html(match.group(1))  # as the writer typed it: `a&b`
            url, exists = self.target(written, source_rel)
            content = unquote(written.split("#", 1)[0])
            key = lookup(content, source_rel, self.targets) if exists else None
            if key is not None and key in self.catalog.problems:
                self.errors[self.catalog.problems[key]] = None
            elif key is not None and key in self.catalog.photos:
                self.used[key] = self.catalog.photos[key]
            # A picture is an error whatever its name ends with (a phone's photo written
            # without its ending) when it points into another folder of the journal, as
            # photos/ is; `<img src="x">` beside the entry (as pasted HTML has) is not.
            elsewhere = posixpath.dirname(content) != posixpath.dirname(source_rel)
            if (
                not exists
                and report is not None
                and (is_image(content) or (displayed and elsewhere))
            ):
                self._missing(content, report, text, source_rel, "the image")
            elif not exists and report is not None:
                near = self._near_miss(content, fuzzy=False)
                shown = (
                    posixpath.relpath(near, posixpath.dirname(source_rel) or ".") if near else ""
                )
                self.warnings.append(
                    Problem(
                        report,
                        line_of(text, content, source_rel) if text else None,
                        f"links to {content}, which is not in content/ (or is a draft)",
                        f"Did you mean {shown}?"
                        if near
                        else "Check the spelling; a link to another entry names its file, "
                        "relative to this one: [the day we came home](2026-11-20-home.md).",
                    )
                )
            return escape_html(url)

        def in_tag(tag: re.Match[str]) -> str:
            written = tag.group(0)
            return self._LINK.sub(
                lambda link: swap(link, _SHOWN.search(written, 0, link.start()) is not None),
                written,
            )

        # Only inside tags: text and code may mention `journalgen:` (nh3 leaves `"` in text).
        return self._TAG.sub(in_tag, html)


_SHOWN = re.compile(r"""\s(?:src|srcset|poster)=["']?$""")
"""The attribute a link stands in shows the file in the page (a picture, a video's
poster): one that is missing is an error, whatever its name ends with."""


def _plain_name(path: str) -> str:
    """A path as a near miss sees it: capitals and .jpeg/.jpg aside."""
    stem, suffix = posixpath.splitext(path.casefold())
    return stem + (".jpg" if suffix == ".jpeg" else suffix)


def _home_pages(entries: tuple[Entry, ...], size: int, memorial: bool) -> tuple[HomePage, ...]:
    """Pinned entries first; on a memorial, its farewell posts before them."""

    def rank(entry: Entry) -> int:
        if memorial and entry.kind == "farewell":
            return 0
        return 1 if entry.pinned else 2

    ordered = sorted(entries, key=rank)  # stable: newest first within each rank
    return tuple(
        HomePage(
            number=slot.number,
            path=slot.path,
            entries=slot.items,
            newer_path=slot.newer_path,
            older_path=slot.older_path,
            count=slot.count,
        )
        for slot in paginate(ordered, size, "")
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
