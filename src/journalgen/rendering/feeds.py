"""RSS 2.0 and Atom feeds with feedgen: full content, absolute URLs, stable ids."""

from __future__ import annotations

import datetime as dt
import functools
import html
from collections.abc import Sequence
from typing import TYPE_CHECKING
from urllib.parse import urljoin

from journalgen.output.outputs import Planned
from journalgen.parsing.entries import Entry
from journalgen.parsing.htmlrewrite import rewrite_urls
from journalgen.parsing.photos import for_feeds
from journalgen.structure.i18n import Language
from journalgen.structure.site import FEED_STYLE_PATH, Site

if TYPE_CHECKING:
    from feedgen.feed import FeedGenerator

RSS_NAME = "feed.xml"
ATOM_NAME = "atom.xml"


def render(site: Site) -> list[Planned]:
    """The site's feeds and one pair per tag, each with the newest `feed_size` entries."""
    config = site.config
    label = Language(config.language).label
    published = [e for e in site.entries if not site.is_preview(e)]
    made: dict[str, tuple[str, str]] = {}
    outputs = _pair(site, published, "", site.title, site.description or site.title, made)
    for tag in site.tags:
        entries = [e for e in tag.entries if not site.is_preview(e)]
        title = f"{site.title}: {label('feed_for_tag', tag=tag.title)}"
        outputs += _pair(site, entries, tag.path, title, title, made)
    return outputs


def absolute_html(fragment: str, page_url: str) -> str:
    """Make every link and image in `fragment` absolute, as feed readers need."""
    return rewrite_urls(fragment, lambda tag, attr, url: urljoin(page_url, url))


def _pair(
    site: Site,
    entries: Sequence[Entry],
    folder: str,
    title: str,
    subtitle: str,
    made: dict[str, tuple[str, str]],
) -> list[Planned]:
    """The RSS and Atom feeds of `entries`; `made` keeps each entry's summary and content
    HTML once made, as an entry is in several feeds (the site's and its tags')."""
    newest = list(entries[: site.config.feed_size])
    return [
        Planned(
            folder + name,
            functools.partial(_feed, site, newest, folder, title, subtitle, made, kind),
            ("feed", folder + name, newest, title, subtitle),
        )
        for name, kind in ((RSS_NAME, "rss"), (ATOM_NAME, "atom"))
    ]


def _feed(
    site: Site,
    newest: Sequence[Entry],
    folder: str,
    title: str,
    subtitle: str,
    made: dict[str, tuple[str, str]],
    kind: str,
) -> bytes:
    from feedgen.feed import FeedGenerator  # here: most rebuilds change no feed

    config = site.config
    name = RSS_NAME if kind == "rss" else ATOM_NAME
    updated = max((e.updated or e.date for e in newest), default=_epoch(site))
    feed = FeedGenerator()
    feed.load_extension("dc", atom=False, rss=True)
    feed_url = config.base_url + folder + name
    feed.id(config.base_url + folder)
    feed.title(title)
    feed.subtitle(subtitle)
    feed.description(subtitle)
    # feedgen takes the RSS <link> from the last link given: the site, not the feed.
    feed.link(href=feed_url, rel="self")
    feed.link(href=config.base_url + folder, rel="alternate")
    feed.language(config.language)
    feed.generator("journalgen")
    feed.updated(updated)
    feed.lastBuildDate(updated)
    for entry in newest:
        _add(feed, site, entry, made, cdata=kind == "rss")
    data: bytes = feed.rss_str(pretty=True) if kind == "rss" else feed.atom_str(pretty=True)
    data = _styled(data, config.base_path + FEED_STYLE_PATH)
    if not config.is_public:
        data = _not_for_search(data, kind)
    return data


def _add(
    feed: FeedGenerator,
    site: Site,
    entry: Entry,
    made: dict[str, tuple[str, str]],
    *,
    cdata: bool,
) -> None:
    config = site.config
    link = config.base_url + entry.path
    if link not in made:
        made[link] = entry_html(entry, link)
    summary, content = made[link]
    item = feed.add_entry(order="append")
    # The permalink comes from the date and file name, so editing a title keeps the id.
    item.id(link)
    item.guid(link, permalink=True)
    item.title(entry.title)
    item.link(href=link, rel="alternate")
    item.published(entry.date)
    item.updated(entry.updated or entry.date)
    item.author(name=entry.author.name)
    item.dc.dc_creator(entry.author.name)
    for tag in entry.tags:
        item.category(term=tag, label=tag)
    if summary.strip():
        item.summary(summary, type="html")
    # RSS readers expect HTML in a CDATA section; Atom needs type="html" (escaped).
    item.content(content, type="CDATA" if cdata else "html")


def entry_html(entry: Entry, link: str) -> tuple[str, str]:
    """An entry's summary and whole text for feeds and emails, with absolute links."""
    # Photos as one <img> of their mid-size version: feed readers mishandle <picture>.
    summary = absolute_html(for_feeds(entry.summary_html), link)
    body = entry.body_html
    if entry.cover:
        cover = entry.cover_html or (
            f'<img src="{html.escape(entry.cover)}" alt="{html.escape(entry.cover_alt)}">'
        )
        body = f"<p>{cover}</p>\n" + body
    return summary, absolute_html(for_feeds(body), link)


def _epoch(site: Site) -> dt.datetime:
    """An empty feed's date: the build's moment, so an empty site still has valid feeds."""
    return site.now


def _styled(data: bytes, href: str) -> bytes:
    """The feed with a stylesheet a browser applies (a page that says what a feed is); feed
    readers ignore it. The instruction goes right after the XML declaration."""
    declaration, newline, rest = data.partition(b"\n")
    assert declaration.startswith(b"<?xml"), declaration
    instruction = f'<?xml-stylesheet type="text/xsl" href="{html.escape(href)}"?>'.encode()
    return declaration + newline + instruction + b"\n" + rest


_ROBOTS_RSS = (
    b'<xhtml:meta xmlns:xhtml="http://www.w3.org/1999/xhtml" name="robots" content="noindex"/>'
)


def _not_for_search(data: bytes, kind: str) -> bytes:
    """Mark a private site's RSS feed as not for search engines (the convention Google
    reads); both feeds are also sent with an `X-Robots-Tag: noindex` header."""
    if kind != "rss":
        return data
    return data.replace(b"<channel>", b"<channel>\n    " + _ROBOTS_RSS, 1)
