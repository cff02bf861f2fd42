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
