"""RSS and Atom feeds, read back as a feed reader would (with feedparser)."""

from __future__ import annotations

import calendar
import time
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import feedparser
import pytest

from conftest import BASIC_CONFIG, SiteDir

BASE = "https://journal.example.org/family/"
FEEDS = ("feed.xml", "atom.xml")

CONFIG = (
    BASIC_CONFIG.replace("https://journal.example.org/", BASE).replace(
        "feed_size: 20", "feed_size: 4"
    )
    + "footer: Footer text.\n"
)


class UrlCollector(HTMLParser):
    """Every URL in href, src and srcset attributes, and every <link rel=alternate>."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.alternates: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        for name in ("href", "src"):
            value = found.get(name)
            if value is not None:
                self.urls.append(value)
        srcset = found.get("srcset")
        if srcset:
            self.urls += [part.strip().split()[0] for part in srcset.split(",") if part.strip()]
        if tag == "link" and found.get("rel") == "alternate":
            self.alternates.append(found)


def collect(html: str) -> UrlCollector:
    collector = UrlCollector()
    collector.feed(html)
    collector.close()
    return collector


def read_feed(path: Path) -> Any:
    """Parse a feed without feedparser's own URL resolving, so relative links would show."""
    parsed = feedparser.parse(path.read_bytes(), resolve_relative_uris=False, sanitize_html=False)
    assert not parsed.bozo, f"{path.name} is not well-formed: {parsed.get('bozo_exception')}"
    return parsed


def utc(struct: time.struct_time) -> tuple[int, int, int, int, int]:
    return struct.tm_year, struct.tm_mon, struct.tm_mday, struct.tm_hour, struct.tm_min


@pytest.fixture
def journal(site: SiteDir) -> SiteDir:
    """Six published entries (feed_size is 4), a draft and a scheduled one, in a site that
    lives below the domain's root."""
    site.write("journalgen.yaml", CONFIG)
    site.write("content/photos/garden.svg", '<svg xmlns="http://www.w3.org/2000/svg"/>\n')
    site.page("about.md", 'title: "About us"')
    site.entry(
        "2026-07-01-summer.md",
        'title: "Summer"\ndate: 2026-07-01 10:00\ntags: [garden]',
        "In summer we sat outside. See [the winter entry](2026-11-05-winter.md).\n",
    )
    site.entry(
        "2026-09-10-scans.md",
        'title: "Scans"\ntags: [hospital]',
        "Scan day.\n",
    )
    site.entry(
        "2026-10-02-tea.md",
        'title: "Tea"\nauthor: mark\ntags: [family]',
        "Tea with granny.\n",
    )
    site.entry(
        "2026-10-20-ward.md",
        'title: "Ward four"\ntags: [hospital, family]\n'
        'summary: "A fish tank, [drawn here](../photos/garden.svg)."',
        "Ward four has a fish tank.\n",
    )
    site.entry(
        "2026-11-05-winter.md",
        'title: "Winter"\ndate: 2026-11-05 10:00\ntags: [garden]\nauthor: mark',
        "First paragraph, the summary.\n\n"
        "<!-- more -->\n\n"
        "The rest of the story, only in the full text.\n\n"
        "![The garden](../photos/garden.svg)\n\n"
        '<img src="../photos/garden.svg" srcset="../photos/garden.svg 2x" alt="Again">\n\n'
        "Back to [summer](2026-07-01-summer.md), to [the notes](#notes) "
        "and to [about us](../pages/about.md).\n\n"
        "## Notes\n\nLast line of the body.\n",
    )
    site.entry(
        "2026-11-20-round-two.md",
        'title: "Round two"\ndate: 2026-11-20 21:15\ntags: [hospital]',
        "We pack the bag.\n",
    )
    site.entry(
        "2026-11-21-secret.md",
        'title: "Secret DRAFTMARK"\ntags: [hospital, drafty]\ndraft: true',
        "DRAFTMARK body.\n",
    )
    site.entry(
        "2026-11-21-later.md",
        'title: "Later FUTUREMARK"\ntags: [garden, futurey]\npublish_on: 2026-11-23 08:00',
        "FUTUREMARK body.\n",
    )
    site.build()
    return site


@pytest.mark.parametrize("name", FEEDS)
def test_feed_is_well_formed_newest_first_and_holds_feed_size_entries(
    journal: SiteDir, name: str
) -> None:
    feed = read_feed(journal.out / name)
    titles = [entry.title for entry in feed.entries]
    assert titles == ["Round two", "Winter", "Ward four", "Tea"]
    published = [calendar.timegm(entry.published_parsed) for entry in feed.entries]
    assert published == sorted(published, reverse=True)


@pytest.mark.parametrize("name", FEEDS)
def test_feed_carries_the_whole_entry_not_only_the_summary(journal: SiteDir, name: str) -> None:
    feed = read_feed(journal.out / name)
    winter = next(entry for entry in feed.entries if entry.title == "Winter")
    content = winter.content[0].value
    assert "First paragraph, the summary." in content
    assert "The rest of the story, only in the full text." in content
    assert "Last line of the body." in content
    assert "The rest of the story" not in winter.summary


@pytest.mark.parametrize("name", FEEDS)
def test_every_link_and_image_in_feed_content_is_absolute_and_exists(
    journal: SiteDir, name: str
) -> None:
    feed = read_feed(journal.out / name)
    urls: list[str] = []
    for entry in feed.entries:
        urls += collect(entry.content[0].value).urls + collect(entry.summary).urls
    assert len(urls) >= 7
    for url in urls:
        assert url.startswith(BASE), f"{url!r} in {name} is not absolute under {BASE}"
        path = urlsplit(url).path[len(urlsplit(BASE).path) :]
        target = journal.out / (path + "index.html" if path.endswith("/") or not path else path)
        assert target.is_file(), f"{url!r} in {name} points to nothing in the built site"
    winter = next(entry for entry in feed.entries if entry.title == "Winter")
    winter_urls = collect(winter.content[0].value).urls
    assert BASE + "photos/garden.svg" in winter_urls
    assert BASE + "2026/07/summer/" in winter_urls
    assert BASE + "2026/11/winter/#notes" in winter_urls
    assert BASE + "about/" in winter_urls
    ward = next(entry for entry in feed.entries if entry.title == "Ward four")
    assert collect(ward.summary).urls == [BASE + "photos/garden.svg"]


@pytest.mark.parametrize("name", FEEDS)
def test_published_dates_are_in_the_site_time_zone(journal: SiteDir, name: str) -> None:
    """10:00 in London is 09:00 UTC in summer (BST) and 10:00 UTC in winter (GMT)."""
    journal.write("journalgen.yaml", CONFIG.replace("feed_size: 4", "feed_size: 20"))
    journal.build()
    feed = read_feed(journal.out / name)
    by_title = {entry.title: entry for entry in feed.entries}
    assert utc(by_title["Summer"].published_parsed) == (2026, 7, 1, 9, 0)
    assert utc(by_title["Winter"].published_parsed) == (2026, 11, 5, 10, 0)
    assert utc(by_title["Round two"].published_parsed) == (2026, 11, 20, 21, 15)
    raw = (journal.out / name).read_text(encoding="utf-8")
    assert (
        "01 Jul 2026 10:00:00 +0100" if name == "feed.xml" else "2026-07-01T10:00:00+01:00"
    ) in raw


def feed_ids(site: SiteDir) -> dict[str, list[str]]:
    return {name: [entry.id for entry in read_feed(site.out / name).entries] for name in FEEDS}


def test_ids_stay_the_same_when_a_title_is_edited(journal: SiteDir) -> None:
    before = feed_ids(journal)
    path = journal.root / "content/entries/2026-11-20-round-two.md"
    path.write_text(
        path.read_text(encoding="utf-8").replace('"Round two"', '"Round two starts Monday"'),
        encoding="utf-8",
    )
    journal.build()
    assert feed_ids(journal) == before
    assert read_feed(journal.out / "feed.xml").entries[0].title == "Round two starts Monday"
    assert all(len(set(ids)) == len(ids) for ids in before.values())
    assert before["feed.xml"][0] == BASE + "2026/11/round-two/"


def test_drafts_and_scheduled_entries_are_in_no_feed(journal: SiteDir) -> None:
    feeds = sorted(journal.out.rglob("*.xml"))
    assert len(feeds) > 4
    for path in feeds:
        text = path.read_text(encoding="utf-8")
        assert "DRAFTMARK" not in text, path
        assert "FUTUREMARK" not in text, path
    assert not (journal.out / "tags" / "drafty").exists()
    assert not (journal.out / "tags" / "futurey").exists()


def test_each_tag_feed_holds_exactly_that_tags_entries(journal: SiteDir) -> None:
    expected = {
        "garden": ["Winter", "Summer"],
        "hospital": ["Round two", "Ward four", "Scans"],
        "family": ["Ward four", "Tea"],
    }
    found = sorted(path.name for path in (journal.out / "tags").iterdir() if path.is_dir())
    assert found == sorted(expected)
    for tag, titles in expected.items():
        for name in FEEDS:
            feed = read_feed(journal.out / "tags" / tag / name)
            assert [entry.title for entry in feed.entries] == titles, (tag, name)
            for entry in feed.entries:
                assert tag in [category.term for category in entry.tags]


def test_every_html_page_announces_the_feeds(journal: SiteDir) -> None:
    pages = sorted(journal.out.rglob("*.html"))
    assert len(pages) > 10
    for page in pages:
        alternates = collect(page.read_text(encoding="utf-8")).alternates
        hrefs = {(link.get("type"), link.get("href")) for link in alternates}
        assert ("application/rss+xml", BASE + "feed.xml") in hrefs, page
        assert ("application/atom+xml", BASE + "atom.xml") in hrefs, page
    tag_page = collect((journal.out / "tags/garden/index.html").read_text(encoding="utf-8"))
    assert BASE + "tags/garden/feed.xml" in [link.get("href") for link in tag_page.alternates]


@pytest.mark.parametrize("language", ["en", "fr", "de", "es"])
def test_subscribe_leads_to_a_page_that_explains_how(site: SiteDir, language: str) -> None:
    """The menu's Subscribe opens a page in the journal's language with the feed's
    address to copy and apps named in plain words, not the raw XML."""
    from journalgen.structure.i18n import Language

    site.write("journalgen.yaml", BASIC_CONFIG.replace("language: en", f"language: {language}"))
    site.entry("2026-11-20-home.md", 'title: "Home"')
    site.build()
    label = Language(language).label
    home = site.read("index.html")
    assert f'<a href="/subscribe/">{label("subscribe")}</a>' in home
    assert f'href="/feed.xml">{label("subscribe")}<' not in home
    page = site.read("subscribe/index.html")
    assert f"<h1>{label('subscribe_title')}</h1>" in page
    assert "<code>https://journal.example.org/feed.xml</code>" in page
    assert "NetNewsWire" in page
