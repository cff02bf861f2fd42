"""The subscribe page and the feeds as a relative who has never heard of RSS meets them:
the page with its follow form (found by Netlify's form detection like the guestbook's), and
a feed opened in a real browser, under the site's own Content-Security-Policy, shown as a
page that says what a feed is; feed readers read exactly what they read before."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import feedparser
import pytest

from browserpages import chromium
from journalgen.cli import main
from journalgen.structure.i18n import Language
from test_guestbook import netlify_form
from test_netlify import REPO, _headers_for, _served_with, _settings

STYLESHEET = re.compile(rb'<\?xml-stylesheet type="text/xsl" href="[^"]+"\?>\n')


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("subscribe") / "output"
    assert main(["build", "--site", str(REPO), "--output", str(out), "--quiet"]) == 0
    return out


def test_the_follow_form_is_a_netlify_form_with_a_honeypot_and_no_script(built: Path) -> None:
    text = (built / "subscribe/index.html").read_text(encoding="utf-8")
    attrs, fields, _ = netlify_form(text)
    assert attrs["name"] == "follow" and attrs["data-netlify"] == "true"
    assert str(attrs["method"]).upper() == "POST" and attrs["action"] == "/subscribe/thanks/"
    by_name = {f[1].get("name"): f for f in fields}
    assert by_name["form-name"][1]["value"] == "follow"
    assert by_name["email"][1]["type"] == "email" and "required" in by_name["email"][1]
    assert by_name["name"][1].get("autocomplete") == "name"
    honeypot = attrs["data-netlify-honeypot"]
    assert honeypot in by_name
    assert "<script" not in text
    assert (built / "subscribe/thanks/index.html").is_file()


def test_feed_readers_read_the_same_feeds_as_before(built: Path) -> None:
    feeds = [built / "feed.xml", built / "atom.xml", *sorted(built.glob("tags/*/feed.xml"))]
    for path in feeds:
        data = path.read_bytes()
        assert len(STYLESHEET.findall(data)) == 1, path
        styled = feedparser.parse(data)
        plain = feedparser.parse(STYLESHEET.sub(b"", data))
        assert not styled.bozo, (path, styled.get("bozo_exception"))
        assert styled.feed == plain.feed
        assert styled.entries == plain.entries
        assert styled.version == plain.version and styled.entries


@pytest.mark.parametrize("path", ["feed.xml", "atom.xml", "tags/home/feed.xml"])
def test_a_feed_opened_in_a_browser_is_a_page_saying_how_to_follow(built: Path, path: str) -> None:
    settings = _settings(REPO / "netlify.toml")
    csp = _headers_for(settings, "/*")["Content-Security-Policy"]
    expected = feedparser.parse((built / path).read_bytes())
    with _served_with(built, {"Content-Security-Policy": csp}) as address, chromium() as browser:
        page = browser.new_page()
        console: list[str] = []
        page.on("console", lambda message: console.append(message.text))
        response = page.goto(address + path)
        assert response is not None and response.ok
        assert page.locator("h1").inner_text() == expected.feed.title
        links = page.locator("main li a").evaluate_all("links => links.map(a => a.href)")
        assert links == [entry.link for entry in expected.entries]
        # Each title, a space, then its date as the journal's pages write it.
        english = Language("en")
        assert page.locator("main li").all_inner_texts() == [
            f"{entry.title} {english.date(dt.date(*entry.published_parsed[:3]))}"
            for entry in expected.entries
        ]
        how = page.locator("main p a").first
        assert how.get_attribute("href") == "/subscribe/"
        assert "feed reader" in page.locator("main").inner_text()
        # The site's own stylesheet applied (blocked, the page would be unstyled).
        assert page.evaluate("() => getComputedStyle(document.body).maxWidth") != "none"
        # Nothing the journal wrote breaks the policy. Chromium adds a warning banner of its
        # own to pages made with XSLT (it is retiring XSLT, see the README), whose inline
        # style and handler the policy blocks: no other element may have either.
        own = page.evaluate(
            """() => [...document.querySelectorAll('*')]
                .filter(e => !e.closest('xslt-warning-banner'))
                .filter(e => [...e.attributes].some(a => a.name === 'style'
                                                      || a.name.startsWith('on')))
                .map(e => e.outerHTML.slice(0, 200))"""
        )
        assert own == []
        violations = [text for text in console if "Content Security Policy" in text]
        from_banner = ("Applying inline style", "Executing inline event handler")
        assert [text for text in violations if not text.startswith(from_banner)] == []


def test_a_feed_page_is_dated_in_the_journals_language(tmp_path: Path) -> None:
    from conftest import SiteDir

    site = SiteDir(tmp_path / "journal")
    settings = site.root / "journalgen.yaml"
    settings.write_text(settings.read_text().replace("language: en", "language: fr"))
    site.entry("2026-12-06-avant.md", 'title: "Avant de partir"\ndate: 2026-12-06 10:00')
    site.entry("2026-08-15-ete.md", 'title: "L’été"\ndate: 2026-08-15 10:00')
    site.build()
    with _served_with(site.out, {}) as address, chromium() as browser:
        page = browser.new_page()
        for path in ("feed.xml", "atom.xml"):
            page.goto(address + path)
            assert page.locator("main li").all_inner_texts() == [
                "Avant de partir 6 décembre 2026",
                "L’été 15 août 2026",
            ], path
