"""The book: the whole journal on one page, oldest entry first, made to be printed.

Families print these. The page has a title page, a table of contents and every entry with
its date, author, photos and footnotes; its stylesheet (theme `book.css`) starts each entry
on a new sheet and leaves out the navigation.

Each entry's HTML was written to stand alone on its own page. Here they share one page, so
every id inside an entry (heading anchors, footnotes, the author's own) gets the entry's
anchor as a prefix, the links and labels pointing at those ids follow, links to other
entries of the book become links within the page, and headings move one level down (the
entry's title is an `<h2>` here). Pure: the assembled `Site` in, one planned page out.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from urllib.parse import unquote

import jinja2
from markupsafe import Markup

from journalgen import parallel
from journalgen.output.outputs import Planned
from journalgen.parsing.entries import Entry
from journalgen.parsing.htmlrewrite import rewrite_attributes, rewrite_urls
from journalgen.rendering.render import render_template
from journalgen.structure.guestbook import Message
from journalgen.structure.site import Site

TEMPLATE = "book.html"

ID_ATTRIBUTES = frozenset({"id"})
REFERENCE_ATTRIBUTES = frozenset(
    {"for", "headers", "list", "aria-labelledby", "aria-describedby", "aria-controls"}
)
"""Attributes whose value is a space-separated list of ids in the same document."""

_HREF = re.compile(r"""href\s*=\s*["']?([^"'\s>]+)""", re.IGNORECASE)
"""Link targets in an entry's HTML (for the chapter's key: a superset is harmless)."""
_HEADING_TAG = re.compile(r"<(/?)[hH]([1-5])(?=[\s/>])")
_SEPARATOR = "--"
"""Between an entry's anchor and its own ids. Slugs never contain two dashes in a row, so
a prefixed id can never equal another entry's anchor or another entry's prefixed id."""


CHAPTER_TEMPLATE = "_book_chapter.html"
CONTENTS_TEMPLATE = "_book_contents_item.html"


@dataclass(frozen=True, slots=True)
class Chapter:
    """One entry as the book shows it."""

    entry: Entry
    anchor: str
    """The entry's id on the book page, e.g. `e-2026-11-round-two` (unique, as its URL)."""
    html: str
    """The whole chapter (`_book_chapter.html`): its title, date, author and body, with ids
    that cannot clash with other entries' and headings one level lower (see above)."""
    contents_html: str = ""
    """Its line in the table of contents (`_book_contents_item.html`)."""


@dataclass(frozen=True, slots=True)
class BookMessage:
    """A guestbook message, in the book's last section."""

    message: Message
    answers: Chapter | None
    """The chapter of the entry it answers, if that entry is in the book."""


ChapterMaker = Callable[[Site, jinja2.Environment, Sequence[Entry]], list[tuple[str, str]]]
"""Makes the given entries' chapters and their lines in the contents (`make_chapters`, or
the incremental layer's memo of it)."""


def render(
    site: Site, env: jinja2.Environment, chapters: ChapterMaker | None = None
) -> list[Planned]:
    """The book page, or nothing when a page of the site already uses its address.
    `chapters` makes the chapters (default: `make_chapters`)."""
    if site.book_path is None:
        return []
    make = partial(_page, site, env, chapters or make_chapters)
    return [Planned(site.book_path + "index.html", make, ("book",))]


def _page(site: Site, env: jinja2.Environment, make: ChapterMaker) -> bytes:
    assert site.book_path is not None
    chapters = book_chapters(site, env, make)
    text = render_template(
        env,
        TEMPLATE,
        site=site,
        chapters=chapters,
        # Stand-ins, replaced below by every chapter's parts: a template loop over thousands
        # of chapters is slow, and joining them into one string first would hold the book
        # in memory one more time.
        contents_html=Markup(_CONTENTS_MARK),
        chapters_html=Markup(_CHAPTERS_MARK),
        messages=book_messages(site, chapters),
        current=site.book_path,
        extra_feeds=(),
        description=site.description,
    )
    return _fill(text, chapters)


_CONTENTS_MARK = "\x00journalgen-book-contents\x00"
_CHAPTERS_MARK = "\x00journalgen-book-chapters\x00"
_MARKS = re.compile(f"({re.escape(_CONTENTS_MARK)}|{re.escape(_CHAPTERS_MARK)})")


def _fill(text: str, chapters: Sequence[Chapter]) -> bytes:
    """The book page's bytes: `text` with the stand-ins replaced by the chapters' parts."""
    out = io.BytesIO()
    for piece in _MARKS.split(text):
        if piece == _CONTENTS_MARK:
            for chapter in chapters:
                out.write(chapter.contents_html.encode("utf-8"))
        elif piece == _CHAPTERS_MARK:
            for chapter in chapters:
                out.write(chapter.html.encode("utf-8"))
        else:
            out.write(piece.encode("utf-8"))
    return out.getvalue()


def addresses(entry: Entry) -> list[str]:
    """The addresses (without #fragment) the entry's body links to."""
    return sorted({href.partition("#")[0] for href in _HREF.findall(entry.body_html)})


def anchor(entry: Entry) -> str:
    """`e-2026-11-round-two`: unique on the page because the entry's URL is unique."""
    return f"e-{entry.date:%Y-%m}-{entry.slug}"


def book_chapters(
    site: Site, env: jinja2.Environment, make: ChapterMaker | None = None
) -> tuple[Chapter, ...]:
    """Every entry of the build, oldest first."""
    book_entries = list(reversed(site.entries))
    made = (make or make_chapters)(site, env, book_entries)
    return tuple(
        Chapter(entry, anchor(entry), html, line)
        for entry, (html, line) in zip(book_entries, made, strict=True)
    )


def make_chapters(
    site: Site, env: jinja2.Environment, entries: Sequence[Entry]
) -> list[tuple[str, str]]:
    """Each of `entries`' chapter and line in the contents (on both cores where it pays)."""
    base = site.config.base_path
    anchors = {base + entry.path: anchor(entry) for entry in site.entries}

    def chapter(entry: Entry) -> tuple[str, str]:
        name = anchor(entry)
        body = chapter_html(entry.body_html, name, anchors)
        html = render_template(
            env, CHAPTER_TEMPLATE, site=site, entry=entry, anchor=name, body_html=body
        )
        line = render_template(env, CONTENTS_TEMPLATE, site=site, entry=entry, anchor=name)
        return html, line

    made: list[tuple[str, str]] = [("", "")] * len(entries)
    for index, parts in parallel.spread([partial(chapter, entry) for entry in entries]):
        made[index] = parts
    return made


def book_messages(site: Site, chapters: tuple[Chapter, ...]) -> tuple[BookMessage, ...]:
    """Every guestbook message, oldest first, with the chapter it answers."""
    by_path = {chapter.entry.path: chapter for chapter in chapters}
    result = []
    for message in reversed(site.guestbook.messages):
        answered = site.guestbook.entry_of(message)
        result.append(BookMessage(message, by_path.get(answered.path) if answered else None))
    return tuple(result)


def chapter_html(body: str, prefix: str, anchors: dict[str, str]) -> str:
    """`body` made fit to share a page with other entries.

    `anchors` maps the site URL of each entry in the book (e.g. `/2026/11/home/`) to its
    anchor, so links between entries stay on the page.
    """
    own_ids: set[str] = set()
    # A printed book needs every photo loaded, not only those scrolled to.
    body = body.replace(' loading="lazy"', "")

    def prefixed(value: str) -> str:
        return f"{prefix}{_SEPARATOR}{value}"

    def rename_id(tag: str, attribute: str, value: str) -> str:
        own_ids.add(value)
        return prefixed(value)

    body = rewrite_attributes(body, ID_ATTRIBUTES, rename_id)

    def follow_reference(tag: str, attribute: str, value: str) -> str:
        return " ".join(prefixed(token) if token in own_ids else token for token in value.split())

    body = rewrite_attributes(body, REFERENCE_ATTRIBUTES, follow_reference)
    body = rewrite_urls(body, _link_follower(own_ids, prefixed, anchors))
    return _HEADING_TAG.sub(lambda m: f"<{m.group(1)}h{int(m.group(2)) + 1}", body)


def _link_follower(
    own_ids: set[str], prefixed: Callable[[str], str], anchors: dict[str, str]
) -> Callable[[str, str, str], str]:
    def follow(tag: str, attribute: str, url: str) -> str:
        if attribute != "href":
            return url
        page, hash_mark, fragment = url.partition("#")
        if not page:
            target = unquote(fragment)
            return "#" + prefixed(target) if target in own_ids else url
        other = anchors.get(page)
        if other is None:
            return url  # a page that is not in the book: the link leaves the book
        if not hash_mark or not fragment:
            return "#" + other
        return f"#{other}{_SEPARATOR}{unquote(fragment)}"

    return follow
