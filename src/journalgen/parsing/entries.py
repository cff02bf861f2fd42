"""Parse one Markdown source into an `Entry` or a `Page`. Pure: text in, dataclass out."""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Literal

from journalgen import parallel
from journalgen.config import Author, SiteConfig
from journalgen.errors import JournalError, Problem, excerpt
from journalgen.parsing import gallery
from journalgen.parsing.markdown import MAX_NESTING, MarkdownRenderer, Rendered, content_target
from journalgen.parsing.slugs import slugify
from journalgen.reading.fields import Fields
from journalgen.reading.sources import Source
from journalgen.reading.yamltext import load_mapping
from journalgen.structure.i18n import Language

EntryKind = Literal["entry", "farewell"]

ENTRY_KEYS = (
    "title",
    "date",
    "updated",
    "author",
    "tags",
    "summary",
    "slug",
    "draft",
    "publish_on",
    "kind",
    "pinned",
    "comments",
    "cover",
    "cover_alt",
    "series",
    "gallery",
)
PAGE_KEYS = ("title", "slug", "draft", "summary", "updated", "menu", "order")

_DATED_NAME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[-_](.*))?$")

UNDATED = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
"""The stand-in `date` of a held farewell written without one (see `Entry.undated`)."""


@dataclass(frozen=True, slots=True)
class Entry:
    """A diary entry or farewell post, parsed and rendered."""

    source: Source
    """The file it comes from."""
    title: str
    slug: str
    """The last part of its URL."""
    date: dt.datetime
    """When it was written (aware, in the site's time zone)."""
    updated: dt.datetime | None
    """When it was last changed, if the author says so."""
    author: Author
    tags: tuple[str, ...]
    summary_html: str
    """Front-matter summary, or the text before `<!-- more -->`, or the first paragraph."""
    body_html: str
    """The whole entry; links to other content files are still `journalgen:` links."""
    links: tuple[str, ...]
    """Content paths the entry links to."""
    draft: bool
    publish_on: dt.datetime | None
    """Not published before this moment."""
    kind: EntryKind
    pinned: bool
    """Shown first on the home page."""
    comments_open: bool
    cover: str | None
    """Content path of the cover image."""
    cover_alt: str
    series: str | None
    undated: bool = False
    """A held farewell (`kind: farewell`, `draft: true`) written without a date: its `date`
    is the stand-in `UNDATED` until `site.assemble` gives it the build's moment. It is a
    draft, so only previews ever include it; `journalgen farewell publish` dates it."""
    cover_html: str = ""
    """The cover as HTML (a `<picture>` of processed sizes), made when links are resolved;
    `cover` is then the site URL of its mid-size version (for feeds and old templates)."""
    share_image: str | None = None
    """Site URL of a mid-size processed photo for link previews (Open Graph): the cover,
    else the first photo of the entry."""
    share_image_alt: str = ""
    more: bool = True
    """The entry holds more than its summary shows (a list offers "Continue reading")."""
    notes: tuple[Problem, ...] = ()
    """Warnings about how it is written (an indented line become a code block)."""
    path: str = field(init=False, default="")
    """The folder of its page in the built site, e.g. `2026/11/round-two/` (made from its
    date and slug; pages ask for it so often that it is made once)."""

    def __post_init__(self) -> None:
        path = f"{self.date.year:04d}/{self.date.month:02d}/{self.slug}/"
        object.__setattr__(self, "path", path)

    def is_published(self, now: dt.datetime) -> bool:
        return not self.draft and (self.publish_on is None or self.publish_on <= now)


@dataclass(frozen=True, slots=True)
class Page:
    """A standalone page such as "About" or "Our story"."""

    source: Source
    title: str
    path: str
    """Its folder in the built site, e.g. `about/`."""
    body_html: str
    summary: str
    links: tuple[str, ...]
    draft: bool
    updated: dt.datetime | None
    menu: bool
    """Listed in the navigation."""
    order: int
    """Position in the navigation (smaller first; then by title)."""
    notes: tuple[Problem, ...] = ()
    """Warnings about how it is written (an indented line become a code block)."""


@dataclass(frozen=True, slots=True)
class FrontMatter:
    fields: Fields
    body: str
    body_line: int
    """File line where the body starts."""


def split_front_matter(source: Source, known_keys: tuple[str, ...]) -> FrontMatter:
    """Separate the `---` fenced YAML header from the Markdown body."""
    text = source.text
    example = '---\ntitle: "Round two starts Monday"\ndate: 2026-11-22\n---'
    if not text.strip():
        raise JournalError.at(
            source.path,
            "this file is empty",
            hint=f"Start it with front matter such as:\n{example}",
        )
    lines = text.splitlines(keepends=True)
    if lines[0].rstrip() != "---":
        raise JournalError.at(
            source.path,
            "the file does not start with front matter (a `---` line)",
            line=1,
            hint=f"Begin the file with:\n{example}",
        )
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            yaml_text = "".join(lines[1:index])
            body = "".join(lines[index + 1 :])
            mapping = load_mapping(yaml_text, source.path, first_line=2)
            fields = Fields(mapping, source.path, "front-matter")
            fields.reject_unknown(known_keys)
            return FrontMatter(fields, body, index + 2)
    raise JournalError.at(
        source.path,
        "the front matter has no closing `---` line",
        line=1,
        hint="Add a line with just `---` after the title, date and tags.",
    )


def _scroll_labels(config: SiteConfig) -> tuple[str, str]:
    label = Language(config.language).label
    return label("scroll_code"), label("scroll_table")


def _file_name(path: str) -> str:
    """The last part of a path written on Windows, a Mac or Linux, or as a file:// URL."""
    return re.split(r"[\\/]", path.rstrip("\\/"))[-1] or "photo.jpg"


def _render(
    renderer: MarkdownRenderer,
    front: FrontMatter,
    source: Source,
    raw_html: bool,
    labels: tuple[str, str] = ("Code", "Table"),
) -> Rendered:
    rendered = renderer.render(front.body, source.rel, raw_html=raw_html, labels=labels)
    if rendered.local_paths:
        raise JournalError(
            [
                Problem(
                    source.path,
                    front.body_line + line - 1,
                    f"{path} is a file on your own computer, which no reader can open",
                    "Copy the photo into content/photos/ and write ../photos/NAME instead "
                    f"(here: ../photos/{_file_name(path)}).",
                )
                for line, path in rendered.local_paths
            ]
        )
    if rendered.too_deep_at is not None:
        raise JournalError.at(
            source.path,
            f"lists or quotes are nested more than {MAX_NESTING} levels deep",
            line=front.body_line + rendered.too_deep_at - 1,
            hint="Reduce the indentation; readers cannot follow that many levels anyway.",
        )
    return rendered


def parse_entry(source: Source, config: SiteConfig, renderer: MarkdownRenderer) -> Entry:
    """Parse a diary entry. Errors name the file, the line and the key."""
    front = split_front_matter(source, ENTRY_KEYS)
    fields = front.fields
    zone = config.zone
    title = fields.required_text("title", hint='Add a line such as `title: "Home at last"`.')
    stem = PurePosixPath(source.rel).stem
    name_match = _DATED_NAME.match(stem)
    date = fields.moment("date", zone)
    kind = fields.choice("kind", ("entry", "farewell"), "entry")
    draft = fields.boolean("draft")
    publish_on = fields.moment("publish_on", zone)
    undated = False
    if date is None and name_match:
        year, month, day = (int(part) for part in name_match.group(1, 2, 3))
        try:
            date = dt.datetime(year, month, day, tzinfo=zone)
        except ValueError as err:
            raise JournalError.at(
                source.path,
                f"the file name starts with an impossible date ({err})",
                hint="Rename the file to start with a real date, e.g. 2026-11-22-title.md.",
            ) from err
    if date is None and kind == "farewell":
        date, undated = _farewell_date(source, draft, publish_on)
    if date is None:
        raise JournalError.at(
            source.path,
            "the entry has no date",
            hint="Add `date: 2026-11-22` to the front matter, or start the file name with "
            "the date, e.g. 2026-11-22-home-at-last.md.",
        )
    slug = _slug(
        fields, name_match.group(4) if name_match and name_match.group(4) else stem, source
    )
    author_name = fields.text("author", config.default_author)
    tags = fields.text_list("tags")
    for tag in tags:
        if not slugify(tag):
            raise fields.error("tags", f"the tag {excerpt(tag)} has no letters or digits")
    rendered = _render(renderer, front, source, config.allow_unsafe_html, _scroll_labels(config))
    body_html, body_links = _with_gallery(fields, renderer, source, rendered)
    summary_text = fields.text("summary")
    summary: str = rendered.summary_html
    summary_links: tuple[str, ...] = ()
    if summary_text:
        # Links in a front-matter summary are resolved like the body's (../photos/x.jpg).
        summary_inline, summary_links = renderer.render_summary(
            summary_text, source.rel, raw_html=config.allow_unsafe_html
        )
        summary = f"<p>{summary_inline}</p>\n"
    comments = fields.raw("comments")
    if isinstance(comments, bool):
        comments_open = comments
    else:
        comments_open = fields.choice("comments", ("open", "closed"), "open") == "open"
    cover = fields.text("cover")
    cover_path = content_target(cover, source.rel) if cover else None
    if cover and cover_path is None:
        raise fields.error(
            "cover", "must be a path to an image inside content/, e.g. ../photos/garden.jpg"
        )
    return Entry(
        source=source,
        title=title,
        slug=slug,
        date=date,
        updated=fields.moment("updated", zone),
        author=config.author(author_name) if author_name else Author("family", "The family"),
        tags=tags,
        summary_html=summary,
        body_html=body_html,
        links=(*body_links, *summary_links, *((cover_path,) if cover_path else ())),
        draft=draft,
        publish_on=publish_on,
        kind="farewell" if kind == "farewell" else "entry",
        pinned=fields.boolean("pinned"),
        comments_open=comments_open,
        cover=cover_path,
        cover_alt=fields.text("cover_alt", "") or "",
        series=fields.text("series"),
        undated=undated,
        more=more_to_read(body_html, summary),
        notes=_notes(source, front, rendered),
    )


def _farewell_date(
    source: Source, draft: bool, publish_on: dt.datetime | None
) -> tuple[dt.datetime, bool]:
    """The date of a farewell written without one, and whether it stays undated.

    A scheduled farewell is dated by its `publish_on` (the moment it appears); a held one
    (`draft: true`) needs no date until `journalgen farewell publish` gives it one."""
    if publish_on is not None:
        return publish_on, False
    if draft:
        return UNDATED, True
    raise JournalError.at(
        source.path,
        "this farewell has no date and is not held back",
        hint="To keep it off the website until the family publishes it, add `draft: true` "
        "(then `journalgen farewell publish` dates it). To publish it now, add a date such "
        "as `date: 2026-11-22`; to publish it later by itself, add "
        "`publish_on: 2026-12-01 09:00`.",
    )


def parse_page(source: Source, config: SiteConfig, renderer: MarkdownRenderer) -> Page:
    """Parse a standalone page from `content/pages/`."""
    front = split_front_matter(source, PAGE_KEYS)
    fields = front.fields
    title = fields.required_text("title", hint='Add a line such as `title: "About us"`.')
    rel = PurePosixPath(source.rel).relative_to("pages")
    slug = _slug(fields, rel.stem, source)
    folders = [slugify(part) for part in rel.parent.parts]
    if any(not part for part in folders):
        raise JournalError.at(source.path, "a folder name under content/pages has no letters")
    path = "/".join([*folders, slug]) + "/"
    if rel.stem == "index" and not fields.has("slug"):
        path = "/".join(folders) + "/" if folders else ""
    rendered = _render(renderer, front, source, config.allow_unsafe_html, _scroll_labels(config))
    return Page(
        source=source,
        title=title,
        path=path,
        body_html=rendered.html,
        summary=fields.text("summary", "") or "",
        links=rendered.links,
        draft=fields.boolean("draft"),
        updated=fields.moment("updated", config.zone),
        menu=fields.boolean("menu", True),
        order=fields.integer("order", 100, minimum=-1000),
        notes=_notes(source, front, rendered),
    )


def _notes(source: Source, front: FrontMatter, rendered: Rendered) -> tuple[Problem, ...]:
    return tuple(
        Problem(
            source.path,
            front.body_line + line - 1,
            "this line starts with a tab or four spaces, so it shows as a grey code box "
            "that scrolls sideways (text pasted from a word processor often does)",
            "Remove the spaces or tab at the start of the line. If it really is code, put a "
            "line of three backticks (```) before and after it.",
        )
        for line in rendered.indented_code
    )


_MEDIA = re.compile(r"<(?:img|picture|video|audio|table|figure|iframe)\b")


def more_to_read(body_html: str, summary_html: str) -> bool:
    """Whether the entry holds more than its summary: a few more words (a greeting, a
    signature) or a photo or table the summary does not show."""
    extra_words = len(_words(body_html)) - len(_words(summary_html))
    return extra_words >= 8 or len(_MEDIA.findall(body_html)) > len(_MEDIA.findall(summary_html))


def _words(html: str) -> list[str]:
    return re.sub(r"<[^>]*>", " ", html).split()


def _with_gallery(
    fields: Fields, renderer: MarkdownRenderer, source: Source, rendered: Rendered
) -> tuple[str, tuple[str, ...]]:
    """The body, with the front matter's `gallery:` (if any) as a grid at its end."""
    raw = fields.raw("gallery")
    if raw is None:
        return rendered.html, rendered.links
    items = gallery.from_front_matter(raw)
    if isinstance(items, str):
        raise fields.error(
            "gallery",
            items,
            hint="For example:\n    gallery:\n      - ../photos/beach.jpg Rosa on the beach",
        )
    grid = renderer.render(gallery.fence(items), source.rel)
    return rendered.html + grid.html, tuple(dict.fromkeys((*rendered.links, *grid.links)))


def _slug(fields: Fields, fallback: str, source: Source) -> str:
    wanted = fields.text("slug")
    slug = slugify(wanted if wanted is not None else fallback)
    if not slug:
        if wanted is not None:
            raise fields.error(
                "slug", f"{excerpt(wanted)} has no letters or digits to make a URL from"
            )
        raise JournalError.at(
            source.path,
            "cannot make a URL from this file name",
            hint="Rename the file with some letters, or add `slug: a-short-name`.",
        )
    return slug


Parsed = Entry | Page | tuple[Problem, ...]
"""A file parsed, or what is wrong with it."""


def parse_each(
    found: Sequence[Source], config: SiteConfig, renderer: MarkdownRenderer | None = None
) -> list[Parsed]:
    """Each source parsed (on both cores where it pays), or its problems, in order."""
    markdown = renderer if renderer is not None else MarkdownRenderer()

    def attempt(source: Source) -> Parsed:
        try:
            if source.kind == "entry":
                return parse_entry(source, config, markdown)
            return parse_page(source, config, markdown)
        except JournalError as err:
            return tuple(err.problems)

    made: list[Parsed] = [()] * len(found)
    for index, parsed in parallel.spread([functools.partial(attempt, s) for s in found]):
        made[index] = parsed
    return made


def parse_sources(
    found: Sequence[Source], config: SiteConfig, renderer: MarkdownRenderer | None = None
) -> tuple[list[Entry], list[Page]]:
    """Every source parsed, collecting every file's problem before failing."""
    return split_parsed(parse_each(found, config, renderer))


def split_parsed(parsed: Sequence[Parsed]) -> tuple[list[Entry], list[Page]]:
    """The entries and the pages; raises every problem found, in order."""
    problems = [problem for item in parsed if isinstance(item, tuple) for problem in item]
    if problems:
        raise JournalError(problems)
    entries = [item for item in parsed if isinstance(item, Entry)]
    return entries, [item for item in parsed if isinstance(item, Page)]
