"""What each page of the site is made from, as a short digest: when a page's key is the
same as in the previous build (and its file is still as that build wrote it), the page is
not rendered again. Pure, apart from reading journalgen's own files once (`code_digest`).

A key covers everything the page's template reads. Every key starts with the *site key*:
the code and theme of journalgen, the settings, the template overrides, the fingerprinted
assets, the navigation and anything else every page shows. Then each kind of page adds
what it shows: an entry page its entry (every field, through the entry's source bytes and
the fields made after parsing) and the titles of its neighbours; a list page the title,
date and guestbook count of each entry it lists; and so on.

A site that replaces theme templates (in `templates/`) may show anything on any page, so
its pages are rendered on every build (`PageKeys.enabled` is False) while the other savings
remain. Other files there (a README) change nothing.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Iterable
from pathlib import Path

from journalgen import __version__
from journalgen.parsing.entries import Entry
from journalgen.structure.guestbook import Message
from journalgen.structure.site import Group, HomePage, Site, content_digest

Key = bytes

_PACKAGE = Path(__file__).parents[1]
THEME_TEMPLATES = _PACKAGE / "theme" / "templates"


@functools.cache
def code_digest() -> str:
    """journalgen's own code and theme, and the versions of the libraries that shape pages.

    Any change to them (an upgrade, an edited theme file in a checkout) makes every key new.
    """
    import babel
    import feedgen
    import jinja2
    import markdown_it

    digest = hashlib.blake2b(digest_size=16)
    for part in (__version__, jinja2.__version__, babel.__version__, markdown_it.__version__):
        digest.update(part.encode() + b"\0")
    digest.update(str(getattr(feedgen, "__version__", "")).encode() + b"\0")
    for path in sorted(_PACKAGE.rglob("*")):
        if path.suffix in (".py", ".html", ".xml", ".txt", ".css", ".svg") and path.is_file():
            digest.update(path.relative_to(_PACKAGE).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _digest(parts: Iterable[object]) -> Key:
    """One digest of `parts`: digests (16 bytes) as they are, anything else as text."""
    data = b"\x1f".join(
        part if isinstance(part, bytes) else str(part).encode("utf-8", "surrogatepass")
        for part in parts
    )
    return hashlib.blake2b(data, digest_size=16).digest()


def message_parts(message: Message) -> tuple[object, ...]:
    return (message.id, message.name, message.date.isoformat(), message.html, message.location)


def overrides(templates: tuple[tuple[str, str], ...]) -> list[str]:
    """The files of the site's templates/ folder that replace a theme template (a README or
    a partial that no override includes changes no page)."""
    return [name for name, _digest in templates if (THEME_TEMPLATES / name).is_file()]


class PageKeys:
    """The keys of one build's pages (entry digests are made once and shared)."""

    def __init__(
        self, site: Site, templates: tuple[tuple[str, str], ...], enabled: bool = True
    ) -> None:
        """`templates`: the files of the site's templates/ folder with their digests."""
        self.site = site
        self.enabled = enabled and not overrides(templates)
        config = site.config
        memorial_photo = (
            site.catalog.photos.get(config.memorial.photo)
            if config.memorial is not None and config.memorial.photo is not None
            else None
        )
        self.site_key = _digest(
            (
                code_digest(),
                repr(config),
                repr(templates),
                repr(sorted(site.asset_paths.items())),
                repr([(p.title, p.path) for p in site.menu_pages]),
                site.book_path,
                repr(memorial_photo),
                site.guestbook.pages[0].path if site.guestbook.pages else "",
            )
        )
        self._entries: dict[str, Key] = {}
        self._items: dict[str, Key] = {}

    def entry(self, entry: Entry) -> Key:
        """Everything about one entry a page can show: its source bytes decide every parsed
        field (with the settings and code in the site key); the rest is made afterwards."""
        found = self._entries.get(entry.path)
        if found is None:
            site = self.site
            digest = site.digests.get(entry.path) or content_digest(entry)
            found = _digest(
                (
                    digest,
                    site.is_preview(entry),
                    *(p for m in site.guestbook.for_entry(entry) for p in message_parts(m)),
                )
            )
            self._entries[entry.path] = found
        return found

    def item(self, entry: Entry) -> Key:
        """What a list shows of an entry: title, address, date and guestbook count."""
        found = self._items.get(entry.path)
        if found is None:
            found = _digest(
                (
                    entry.title,
                    entry.path,
                    entry.date.isoformat(),
                    self.site.guestbook.count(entry),
                    self.site.is_preview(entry),
                )
            )
            self._items[entry.path] = found
        return found

    def page(self, kind: str, *parts: object) -> Key:
        return _digest((self.site_key, kind, *parts))

    def entry_page(self, entry: Entry) -> Key:
        neighbours = self.site.neighbours[entry.path]
        around = [(e.path, e.title) if e else None for e in (neighbours.older, neighbours.newer)]
        return self.page("entry", self.entry(entry), repr(around))

    def home(self, home: HomePage) -> Key:
        return self.page(
            "home",
            home.number,
            home.count,
            home.newer_path,
            home.older_path,
            *(self.entry(e) for e in home.entries),
        )

    def group(self, group: Group, kind: str) -> Key:
        return self.page(
            "group",
            kind,
            group.title,
            group.path,
            group.slug,
            repr(group.author),
            group.month,
            *(self.item(e) for e in group.entries),
        )

    def summary_of_groups(self, groups: Iterable[Group]) -> tuple[object, ...]:
        return tuple((g.title, g.path, g.month, len(g.entries)) for g in groups)

    def tags(self) -> Key:
        return self.page("tags", *self.summary_of_groups(self.site.tags))

    def archive(self) -> Key:
        site = self.site
        return self.page(
            "archive",
            bool(site.entries),
            *self.summary_of_groups(site.years),
            *self.summary_of_groups(site.months),
            *self.summary_of_groups(site.authors),
        )

    def feed(self, path: str, entries: Iterable[Entry], *parts: object) -> Key:
        listed = [self.entry(e) for e in entries]
        # An empty feed is dated with the build's moment.
        moment = "" if listed else self.site.now.isoformat()
        return self.page("feed", path, moment, *parts, *listed)

    def book(self) -> Key:
        """The book shows every entry and every guestbook message with the entry it answers."""
        site = self.site
        parts: list[object] = []
        for message in site.guestbook.messages:
            answered = site.guestbook.entry_of(message)
            parts += [*message_parts(message), answered.path if answered else None]
        return self.page("book", *(self.entry(e) for e in site.entries), *parts)

    def chapter(self, entry: Entry, inside: Iterable[tuple[str, str]]) -> Key:
        """A chapter of the book: its entry and, for each address it links to that is an
        entry's, that entry's anchor (such links become links within the page). A plain
        concatenation of digests (no new digest): made for every entry each build."""
        within = sorted(inside)
        tail = self.page("inside", repr(within)) if within else b""
        return b"chapter:" + self.site_key + self.entry(entry) + tail

    def contents_line(self, entry: Entry) -> Key:
        """An entry's line in the book's contents (its anchor comes from its address)."""
        return b"contents:" + self.site_key + self.item(entry)

    def of(self, shows: tuple[object, ...]) -> Key | None:
        """The key of a file from what its stage says it shows (`Planned.shows`: a kind of
        page and what it is made from); None when keys are off (template overrides)."""
        if not self.enabled:
            return None
        kind, *parts = shows
        makers: dict[object, Callable[..., Key]] = {
            "page": self.page,
            "entry": self.entry_page,
            "home": self.home,
            "group": self.group,
            "tags": self.tags,
            "archive": self.archive,
            "feed": self.feed,
            "book": self.book,
        }
        return makers[kind](*parts)
