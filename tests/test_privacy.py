"""`privacy:` decides whether search engines may index the journal."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import feedparser
import pytest

from conftest import BASIC_CONFIG, SiteDir
from journalgen.errors import JournalError


class _RobotsMeta(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.robots: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "meta" and values.get("name") == "robots":
            self.robots.append(values.get("content") or "")


def _robots_of(html: str) -> list[str]:
    parser = _RobotsMeta()
    parser.feed(html)
    return parser.robots


def _with_privacy(site: SiteDir, lines: str) -> None:
    site.write("journalgen.yaml", BASIC_CONFIG.replace("privacy: public\n", lines))
    site.entry("2026-11-20-news.md", 'title: "News"\ntags: [home]')


def test_a_journal_is_private_unless_it_says_public(site: SiteDir) -> None:
    _with_privacy(site, "")
    site.build()
    files = site.output_files()
    pages = [path for path in files if path.endswith(".html")]
    assert pages
    for path in pages:
        assert _robots_of(files[path].decode()) == ["noindex, nofollow"], path
    assert "sitemap.xml" not in files
    robots = site.read("robots.txt")
    assert "Disallow" not in robots  # crawlers must reach the pages to see the noindex
    assert "Sitemap" not in robots
    assert "X-Robots-Tag: noindex, nofollow" in site.read("_headers")
    feed = feedparser.parse(site.read("feed.xml"))
    assert not feed.bozo
    assert 'name="robots" content="noindex"' in site.read("feed.xml")


def test_public_journal_is_indexed_and_has_a_sitemap(site: SiteDir) -> None:
    _with_privacy(site, "privacy: public\n")
    site.build()
    files = site.output_files()
    assert _robots_of(site.read("index.html")) == []
    assert "sitemap.xml" in files
    assert "X-Robots-Tag" not in site.read("_headers")  # the security headers only
    assert "Sitemap: https://journal.example.org/sitemap.xml" in site.read("robots.txt")


def test_password_privacy_asks_netlify_for_basic_auth(
    site: SiteDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JOURNALGEN_PASSWORD", "family:blue-kite-morning")
    _with_privacy(site, "privacy: password\n")
    site.build()
    headers = site.read("_headers")
    assert "Basic-Auth: family:blue-kite-morning" in headers
    assert "X-Robots-Tag: noindex, nofollow" in headers


def test_password_privacy_without_a_password_is_a_clear_error(
    site: SiteDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("JOURNALGEN_PASSWORD", raising=False)
    _with_privacy(site, "privacy: password\n")
    with pytest.raises(JournalError) as caught:
        site.build()
    message = caught.value.format()
    assert "journalgen.yaml" in message
    assert "JOURNALGEN_PASSWORD" in message


def test_init_keeps_a_new_journal_private_unless_told(tmp_path: Path) -> None:
    from journalgen.cli import main

    assert main(["init", str(tmp_path / "quiet")]) == 0  # stdin is not a terminal here
    assert "privacy: private" in (tmp_path / "quiet" / "journalgen.yaml").read_text()
    assert main(["init", str(tmp_path / "open"), "--privacy", "public"]) == 0
    assert "privacy: public" in (tmp_path / "open" / "journalgen.yaml").read_text()


@pytest.mark.parametrize(
    ("privacy", "setting", "entry_shares", "farewell_shares"),
    [
        ("public", "", True, False),
        ("private", "", False, False),
        ("password", "", False, False),
        ("private", "share_links: true\n", True, True),
        ("public", "share_links: false\n", False, False),
    ],
)
def test_share_links_only_where_the_journal_is_public_or_the_settings_ask(
    site: SiteDir,
    monkeypatch: pytest.MonkeyPatch,
    privacy: str,
    setting: str,
    entry_shares: bool,
    farewell_shares: bool,
) -> None:
    """A private journal, a password one and a farewell post carry no links to Facebook
    or X; every page's footer leads to the page that says how to follow."""
    monkeypatch.setenv("JOURNALGEN_PASSWORD", "family:a-long-phrase")
    settings = site.root / "journalgen.yaml"
    text = settings.read_text().replace("privacy: public", f"privacy: {privacy}")
    settings.write_text(text + setting)
    site.entry("2026-11-01-news.md", 'title: "News"')
    site.entry("2026-11-02-goodbye.md", 'title: "Goodbye"\nkind: farewell')
    site.build()
    for page, shares in (
        ("2026/11/news/index.html", entry_shares),
        ("2026/11/goodbye/index.html", farewell_shares),
    ):
        html = site.read(page)
        assert ("facebook.com" in html) == shares, page
        assert ("x.com/intent" in html) == shares, page
        assert 'href="/subscribe/">Follow this journal by email' in html
