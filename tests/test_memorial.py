"""Memorial mode: the `memorial:` group turns the journal into a memorial.

What a visitor and a feed reader see (header, pinned farewell, page titles, Open Graph,
feed title and description), that no address changes, that mistakes in the settings are
reported with their line, and that the second example site (examples/memorial) builds.
"""

from __future__ import annotations

from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import feedparser
import pytest

from conftest import BASIC_CONFIG, NOW, SiteDir
from journalgen.build import BuildOptions, build
from journalgen.errors import JournalError

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "memorial"
MEMORIAL = """\
memorial:
  name: "Ada Byrne"
  born: 1950-02-03
  died: 2026-11-01
  photo: photos/ada.svg
  photo_alt: "Ada laughing in her garden"
  epitaph: "She kept the light on for everyone."
"""
TITLE = "In loving memory of Ada Byrne"
DATES = "February 3, 1950 – November 1, 2026"


class Head(HTMLParser):
    """The <title>, the meta and Open Graph tags, and the text of the site header."""

    def __init__(self) -> None:
        super().__init__()
        self.title = ""
        self.meta: dict[str, str] = {}
        self.header: list[str] = []
        self.classes: list[str] = []
        self._in_title = False
        self._header_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.classes += (found.get("class") or "").split()
        if tag == "title":
            self._in_title = True
        elif tag == "meta":
            key = found.get("property") or found.get("name")
            if key:
                self.meta[key] = found.get("content") or ""
        elif tag == "header" and "site-header" in (found.get("class") or ""):
            self._header_depth = 1
        elif tag == "header" and self._header_depth:
            self._header_depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        elif tag == "header" and self._header_depth:
            self._header_depth -= 1

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        if self._header_depth:
            self.header.append(data)

    @property
    def header_text(self) -> str:
        return " ".join(" ".join(self.header).split())


def head(html: str) -> Head:
    parsed = Head()
    parsed.feed(html)
    parsed.close()
    return parsed


def journal(site: SiteDir, *, memorial: bool) -> SiteDir:
    site.write("journalgen.yaml", BASIC_CONFIG + (MEMORIAL if memorial else ""))
    site.write("content/photos/ada.svg", '<svg xmlns="http://www.w3.org/2000/svg"/>\n')
    site.entry("2026-10-01-news.md", 'title: "The news"\ntags: [news]', "Hard news.\n")
    site.entry("2026-10-20-garden.md", 'title: "The garden"\npinned: true', "Sunshine.\n")
    site.entry(
        "goodbye.md",
        'title: "Before I go"\nkind: farewell\ndate: 2026-10-02 10:00\nauthor: mark',
        "My dears, thank you. LASTWORDS\n\n<!-- more -->\n\nThe rest of it. RESTWORDS\n",
    )
    site.entry("2026-11-03-thanks.md", 'title: "Thank you"\nauthor: mark', "From us all.\n")
    site.page("about.md", 'title: "About Ada"')
    site.build()
    return site


@pytest.fixture
def memorial_site(site: SiteDir) -> SiteDir:
    return journal(site, memorial=True)


def test_every_page_header_reads_in_loving_memory_with_the_dates(memorial_site: SiteDir) -> None:
    for page in ("index.html", "2026/11/thanks/index.html", "about/index.html", "tags/index.html"):
        parsed = head(memorial_site.read(page))
        assert parsed.header_text.startswith(f"{TITLE} {DATES}"), page
        assert "memorial" in parsed.classes
    assert "A journal for tests." not in head(memorial_site.read("index.html")).header_text


def test_the_farewell_is_pinned_in_full_above_everything(memorial_site: SiteDir) -> None:
    home = memorial_site.read("index.html")
    main = home[home.index("<main") :]
    assert main.index('class="farewell-pinned"') < main.index("The garden")  # before pinned
    assert "Thank you" not in main  # the newest entry moved down to page 2 (page_size 2)
    assert "RESTWORDS" in main  # the whole farewell, not its summary
    assert "Ada laughing in her garden" in main  # the photo, described
    assert '<p class="epitaph">She kept the light on for everyone.</p>' in main
    second = memorial_site.read("page/2/index.html")
    assert "Thank you" in second
    assert "farewell-pinned" not in second and "epitaph" not in second


def test_titles_and_open_graph_follow(memorial_site: SiteDir) -> None:
    home = head(memorial_site.read("index.html"))
    assert home.title == TITLE
    assert home.meta["og:site_name"] == TITLE
    assert home.meta["og:title"] == TITLE
    assert home.meta["description"].startswith(f"{TITLE} ({DATES}).")
    assert home.meta["og:description"] == home.meta["description"]
    assert home.meta["og:image"] == "https://journal.example.org/photos/ada.svg"
    assert home.meta["og:image:alt"] == "Ada laughing in her garden"
    entry = head(memorial_site.read("2026/10/goodbye/index.html"))
    assert entry.title == f"Before I go · {TITLE}"
    assert entry.meta["og:site_name"] == TITLE
    assert entry.meta["og:type"] == "article"
    assert head(memorial_site.read("guestbook/index.html")).title.startswith(
        f"Memories and condolences · {TITLE}"
    )


def test_the_guestbook_is_titled_for_memories_and_condolences(memorial_site: SiteDir) -> None:
    page = memorial_site.read("guestbook/index.html")
    assert "<h1>Memories and condolences" in page
    assert "Share a memory of Ada Byrne, or a few words for the family." in page


def test_feeds_carry_the_memorial_title_and_description(memorial_site: SiteDir) -> None:
    for name in ("feed.xml", "atom.xml"):
        feed = feedparser.parse(memorial_site.read(name))
        assert not feed.bozo, name
        assert feed.feed.title == TITLE
        assert feed.feed.subtitle.startswith(f"{TITLE} ({DATES}).")
        assert feed.feed.subtitle.endswith("She kept the light on for everyone.")
        assert "Before I go" in [e.title for e in feed.entries]
    tag_feed = feedparser.parse(memorial_site.read("tags/news/feed.xml"))
    assert tag_feed.feed.title.startswith(f"{TITLE}: ")


def test_turning_memorial_mode_on_changes_no_address(
    make_site: Callable[[str], SiteDir],
) -> None:
    before = journal(make_site("before"), memorial=False)
    after = journal(make_site("after"), memorial=True)
    # Every address stays; the memorial's photo is published once the memorial shows it
    # (a file of content/ nothing shows is never published).
    assert set(after.output_files()) - set(before.output_files()) == {"photos/ada.svg"}
    assert set(before.output_files()) <= set(after.output_files())
    assert before.read("sitemap.xml") == after.read("sitemap.xml")
    plain = head(before.read("index.html"))
    assert plain.title == "Test journal"
    assert "farewell-pinned" not in before.read("index.html")


def test_the_held_farewell_is_not_pinned_on_the_published_site(site: SiteDir) -> None:
    site.write("journalgen.yaml", BASIC_CONFIG + MEMORIAL.split("  photo:")[0])
    site.entry("2026-10-01-news.md", 'title: "The news"')
    site.entry("goodbye.md", 'title: "Before I go"\nkind: farewell\ndraft: true', "HELD\n")
    site.build()
    assert "HELD" not in site.read("index.html")
    assert "farewell-pinned" not in site.read("index.html")
    site.build(drafts=True)
    assert "farewell-pinned" in site.read("index.html")
    assert "HELD" in site.read("index.html")


def test_memorial_labels_in_french(site: SiteDir) -> None:
    config = BASIC_CONFIG.replace("language: en", "language: fr") + MEMORIAL
    site.write("journalgen.yaml", config)
    site.write("content/photos/ada.svg", '<svg xmlns="http://www.w3.org/2000/svg"/>\n')
    site.entry("2026-10-01-news.md", 'title: "Nouvelles"')
    site.build()
    parsed = head(site.read("index.html"))
    assert parsed.title == "À la mémoire de Ada Byrne"
    assert parsed.header_text.startswith(
        "À la mémoire de Ada Byrne 3 février 1950 – 1 novembre 2026"
    )


@pytest.mark.parametrize(
    ("group", "message", "offset"),
    [
        ("memorial: Ada", "expected a group of settings", 0),
        (
            "memorial:\n  name: Ada\n  born: 1950-02-03\n  dide: 2026-11-01",
            "unknown memorial key `dide`",
            3,
        ),
        ("memorial:\n  born: 1950-02-03\n  died: 2026-11-01", "`memorial:` needs `name`", 0),
        ("memorial:\n  name: Ada\n  died: 2026-11-01", "`memorial:` needs `born`", 0),
        ("memorial:\n  name: Ada\n  born: 3 Feb 1950\n  died: 2026-11-01", "`born`: not a date", 2),
        (
            "memorial:\n  name: Ada\n  born: 1950-02-03\n  died: 1949-11-01",
            "before the date of birth",
            3,
        ),
        (
            "memorial:\n  name: Ada\n  born: 1950-02-03\n  died: 2026-11-01\n  photo: photos/a.jpg",
            "needs a description in `photo_alt`",
            4,
        ),
        (
            "memorial:\n  name: Ada\n  born: 1950-02-03\n  died: 2026-11-01\n"
            "  photo: https://example.org/a.jpg\n  photo_alt: Ada",
            "must be a file inside content/",
            4,
        ),
        (
            "memorial:\n  name: Ada\n  born: 1950-02-03\n  died: 2026-11-01\n"
            "  photo: photos/missing.jpg\n  photo_alt: Ada",
            "content/photos/missing.jpg does not exist",
            4,
        ),
        (
            "memorial:\n  name: Ada\n  born: 1950-02-03\n  died: 2026-11-01\n  epitaph: "
            + "x" * 301,
            "may be at most 300",
            4,
        ),
    ],
)
def test_mistakes_in_the_memorial_settings_name_the_line(
    site: SiteDir, group: str, message: str, offset: int
) -> None:
    config = BASIC_CONFIG + group + "\n"
    memorial_line = len(BASIC_CONFIG.splitlines()) + 1
    site.write("journalgen.yaml", config)
    site.entry("2026-10-01-news.md", 'title: "News"')
    site.write("output/index.html", "old")
    with pytest.raises(JournalError, match=message) as caught:
        site.build(force=True)
    problem = caught.value.problems[0]
    assert problem.path is not None and problem.path.name == "journalgen.yaml"
    assert problem.line == memorial_line + offset
    assert (site.out / "index.html").read_text() == "old"  # a failed build changes nothing


def test_the_memorial_example_builds_as_a_memorial(tmp_path: Path) -> None:
    out = tmp_path / "out"
    report = build(BuildOptions(site_dir=EXAMPLE, out_dir=out, now=NOW))
    assert report.previews == 0 and not report.warnings
    home = (out / "index.html").read_text(encoding="utf-8")
    assert head(home).title == "In loving memory of Eleanor Whitcombe"
    assert "farewell-pinned" in home and "If you are reading this" in home
    book = (out / "book" / "index.html").read_text(encoding="utf-8")
    assert book.count('class="book-entry') == report.entries == 6
    assert "Memories and condolences" in book
