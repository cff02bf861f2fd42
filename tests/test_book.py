"""The book (/book/): the whole journal on one page, oldest first, made for printing.

Checked by reading the built page as a browser would: every entry once and in order, a
table of contents that leads to each, ids that stay unique although every entry brings
its own footnotes and heading anchors, links that stay on the page, and a print
stylesheet. The page is also checked by the Nu HTML Checker (test_html_validity.py) and
printed to PDF in Chromium (test_book_pdf.py).
"""

from __future__ import annotations

import re
from collections import Counter
from html.parser import HTMLParser

from conftest import BASIC_CONFIG, SiteDir
from journalgen.rendering.book import chapter_html
from journalgen.rendering.render import THEME_STATIC


class BookReader(HTMLParser):
    """Ids, fragment links, headings, articles and the stylesheets of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.fragments: list[str] = []
        self.stylesheets: list[str] = []
        self.articles: list[str] = []
        self.headings: list[tuple[str, str]] = []
        self.body_class = ""
        self._heading: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        if "id" in found:
            self.ids.append(found["id"])
        href = found.get("href", "")
        if tag == "a" and href.startswith("#"):
            self.fragments.append(href[1:])
        if tag == "link" and found.get("rel") == "stylesheet":
            self.stylesheets.append(href)
        if tag == "article" and "book-entry" in found.get("class", ""):
            self.articles.append(found.get("id", ""))
        if tag == "body":
            self.body_class = found.get("class", "")
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self._heading, self._text = tag, []

    def handle_endtag(self, tag: str) -> None:
        if tag == self._heading:
            self.headings.append((tag, "".join(self._text).strip()))
            self._heading = None

    def handle_data(self, data: str) -> None:
        if self._heading:
            self._text.append(data)


def read(html: str) -> BookReader:
    reader = BookReader()
    reader.feed(html)
    reader.close()
    return reader


def journal(site: SiteDir) -> SiteDir:
    site.write("journalgen.yaml", BASIC_CONFIG.replace("page_size: 2", "page_size: 10"))
    site.write("content/photos/cover.svg", '<svg xmlns="http://www.w3.org/2000/svg"/>\n')
    for day, title in (("03", "Third"), ("01", "First"), ("02", "Second")):
        site.entry(
            f"2026-11-{day}-{title.lower()}.md",
            f'title: "{title}"\nauthor: {"mark" if day == "02" else "jenny"}',
            f"Body of {title}.[^1]\n\n## Plan\n\n### Details\n\nThe plan.[^1]\n\n"
            '<span id="mine">mine</span> <a href="#mine">to mine</a>\n\n'
            "[^1]: A note.\n",
        )
    site.entry(
        "2026-11-04-links.md",
        'title: "Links"\ncover: ../photos/cover.svg\ncover_alt: "A drawing"',
        "See [the plan of the first](2026-11-01-first.md#plan) and [the second]"
        "(2026-11-02-second.md), [the tags](/tags/) and [afar](https://example.org/).\n",
    )
    site.entry("2026-11-05-draft.md", 'title: "Draft"\ndraft: true', "DRAFTWORDS\n")
    site.build()
    return site


def test_every_entry_once_oldest_first_with_a_table_of_contents(site: SiteDir) -> None:
    html = journal(site).read("book/index.html")
    book = read(html)
    assert book.articles == [
        "e-2026-11-first",
        "e-2026-11-second",
        "e-2026-11-third",
        "e-2026-11-links",
    ]
    titles = [text for tag, text in book.headings if tag == "h2"]
    assert titles == ["Contents", "First", "Second", "Third", "Links"]
    assert [tag for tag, _ in book.headings].count("h1") == 1
    for article in book.articles:
        assert article in book.fragments  # the contents lead to it
    assert "DRAFTWORDS" not in html
    assert 'by <a href="/authors/mark/">Mark</a>' in html  # authors and dates are there
    assert '<img src="/photos/cover.svg" alt="A drawing">' in html
    assert "4 entries, from November 1, 2026 to November 4, 2026" in html


def test_ids_never_clash_and_every_fragment_link_has_its_target(site: SiteDir) -> None:
    book = read(journal(site).read("book/index.html"))
    repeated = [name for name, count in Counter(book.ids).items() if count > 1]
    assert not repeated, repeated
    assert set(book.fragments) <= set(book.ids), set(book.fragments) - set(book.ids)
    for entry in ("first", "second", "third"):
        prefix = f"e-2026-11-{entry}--"
        assert {prefix + name for name in ("plan", "details", "fn-1", "fnref-1", "mine")} <= set(
            book.ids
        )
    # An entry's own headings sit one level below its title.
    assert ("h3", "Plan") in book.headings and ("h4", "Details") in book.headings


def test_links_between_entries_stay_in_the_book(site: SiteDir) -> None:
    html = journal(site).read("book/index.html")
    assert '<a href="#e-2026-11-first--plan">the plan of the first</a>' in html
    assert '<a href="#e-2026-11-second">the second</a>' in html
    assert '<a href="/tags/">the tags</a>' in html
    assert '<a href="https://example.org/">afar</a>' in html
    entry_page = site.read("2026/11/links/index.html")  # the entry's own page is unchanged
    assert '<a href="/2026/11/first/#plan">' in entry_page


def test_the_print_stylesheet_breaks_pages_and_hides_the_navigation(site: SiteDir) -> None:
    book = read(journal(site).read("book/index.html"))
    assert [re.sub(r"\.[0-9a-f]{10}\.", ".", s) for s in book.stylesheets] == [
        "/assets/style.css",
        "/assets/book.css",
    ]
    assert book.body_class == "book"
    css = site.read(book.stylesheets[1].removeprefix("/"))
    assert css == (THEME_STATIC / "book.css").read_text(encoding="utf-8")
    print_rules = css[css.index("@media print") :]
    assert ".book-entry { break-before: page;" in print_rules
    assert ".book-title-page { break-after: page;" in print_rules
    assert ".book-toc { break-after: page;" in print_rules
    assert ".book .site-header" in print_rules and "display: none" in print_rules


def test_the_archive_links_to_the_book(site: SiteDir) -> None:
    archive = journal(site).read("archive/index.html")
    assert '<a href="/book/">The whole journal on one page, to read or print</a>' in archive


def test_a_page_of_the_site_at_book_keeps_its_address(site: SiteDir) -> None:
    site.entry("2026-11-01-first.md", 'title: "First"')
    site.page("book.md", 'title: "The book we wrote"', "OURBOOK\n")
    report = site.build()
    assert "OURBOOK" in site.read("book/index.html")
    assert any("the book (the whole journal" in w.message for w in report.warnings)
    assert "to read or print" not in site.read("archive/index.html")


def test_a_preview_book_marks_drafts(site: SiteDir) -> None:
    journal(site).build(drafts=True)
    html = site.read("book/index.html")
    draft = html[html.index('id="e-2026-11-draft"') :]
    assert "DRAFTWORDS" in draft and "badge-preview" in draft[: draft.index("DRAFTWORDS")]


def test_guestbook_messages_close_the_book(site: SiteDir) -> None:
    journal(site)
    site.write(
        "content/guestbook/2026-11-06-ruth.yaml",
        'name: "Ruth"\ndate: 2026-11-06 10:00\nentry: second\nmessage: "Thinking of you."\n',
    )
    site.build()
    html = site.read("book/index.html")
    section = html[html.index('class="book-guestbook"') :]
    assert "Thinking of you." in section and "Ruth" in section
    assert '<a href="#e-2026-11-second">' in section  # the entry it answers, in the book
    assert '<li><a href="#book-guestbook">Guestbook</a></li>' in html


def test_chapter_html_prefixes_references_and_leaves_the_rest_alone() -> None:
    body = (
        '<h2 id="a">A</h2><label for="x">L</label><input id="x" aria-describedby="x other">'
        '<a href="#a">to a</a><a href="#elsewhere">out</a><!-- <h2 id="c"> -->'
        '<pre><code>&lt;h2 id="d"&gt;</code></pre><h6>six</h6>'
    )
    assert chapter_html(body, "e-2026-11-x", {}) == (
        '<h3 id="e-2026-11-x--a">A</h3><label for="e-2026-11-x--x">L</label>'
        '<input id="e-2026-11-x--x" aria-describedby="e-2026-11-x--x other">'
        '<a href="#e-2026-11-x--a">to a</a><a href="#elsewhere">out</a><!-- <h3 id="c"> -->'
        '<pre><code>&lt;h2 id="d"&gt;</code></pre><h6>six</h6>'
    )
