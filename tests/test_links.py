"""Links written in entries reach the right page when the site lives under a sub-path."""

from __future__ import annotations

from conftest import BASIC_CONFIG, SiteDir


def test_site_paths_and_content_links_get_the_base_path(site: SiteDir) -> None:
    site.write(
        "journalgen.yaml",
        BASIC_CONFIG.replace("https://journal.example.org/", "https://example.org/family/"),
    )
    site.write("content/photos/bear.svg", "<svg xmlns='http://www.w3.org/2000/svg'/>")
    site.page("about.md", 'title: "About"')
    site.entry(
        "2026-11-20-home.md",
        'title: "Home"\ncover: ../photos/bear.svg\ncover_alt: "A bear"',
        "See [about us](/about/), [the bear](../photos/bear.svg) and "
        "[elsewhere](https://example.com/x).\n",
    )
    site.build()
    page = site.read("2026/11/home/index.html")
    assert 'href="/family/about/"' in page
    assert 'href="/family/photos/bear.svg"' in page
    assert 'src="/family/photos/bear.svg"' in page
    assert 'href="https://example.com/x"' in page
    assert "journalgen:" not in page
    feed = site.read("feed.xml")
    assert "https://example.org/family/about/" in feed
    assert "https://example.org/family/photos/bear.svg" in feed


def test_a_link_that_leads_nowhere_is_encoded_as_commonmark_says_and_named_with_its_line(
    site: SiteDir,
) -> None:
    site.entry(
        "2026-11-01-links.md",
        'title: "Links"',
        "First line.\n\n[x](foo\\bar) and [y](a&b.pdf) and [z](<with space.pdf>)\n",
    )
    report = site.build()
    page = site.read("2026/11/links/index.html")
    assert 'href="/entries/foo%5Cbar"' in page  # never a raw backslash
    assert 'href="/entries/a&amp;b.pdf"' in page
    assert 'href="/entries/with%20space.pdf"' in page
    said = [(w.line, w.message) for w in report.warnings if "links to" in w.message]
    assert said == [
        (7, "links to entries/foo\\bar, which is not in content/ (or is a draft)"),
        (7, "links to entries/a&b.pdf, which is not in content/ (or is a draft)"),
        (7, "links to entries/with space.pdf, which is not in content/ (or is a draft)"),
    ]
