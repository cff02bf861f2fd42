"""Theme stylesheets are published under content-hashed names, so a year-long cache is
safe: a changed stylesheet gets a new name."""

from __future__ import annotations

import re

from conftest import SiteDir


def _stylesheet(site: SiteDir) -> str:
    found = re.search(
        r'<link rel="stylesheet" href="/(assets/style\.[0-9a-f]{10}\.css)">',
        site.read("index.html"),
    )
    assert found, "no fingerprinted stylesheet link"
    return found.group(1)


def test_stylesheet_name_follows_its_content(site: SiteDir) -> None:
    site.entry("2026-11-20-news.md", 'title: "News"')
    site.build()
    first = _stylesheet(site)
    assert (site.out / first).is_file()
    assert not (site.out / "assets" / "style.css").exists()
    site.write("static/assets/style.css", "body { color: #111; }\n")  # the site's own look
    site.build()
    second = _stylesheet(site)
    assert second != first
    assert site.read(second) == "body { color: #111; }\n"
