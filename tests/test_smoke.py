"""The example journal in this repository builds, and a fixture site shows its entry."""

from __future__ import annotations

from pathlib import Path

from conftest import SiteDir
from journalgen.cli import main

REPO = Path(__file__).resolve().parents[1]


def test_entry_page_shows_title_body_author_and_tags(site: SiteDir) -> None:
    site.entry(
        "2026-11-20-round-two.md",
        'title: "Round two starts Monday"\ntags: [hospital]',
        "We pack the *blue* bag tonight.\n",
    )
    site.build()
    page = site.read("2026/11/round-two/index.html")
    assert "<h1>Round two starts Monday</h1>" in page
    assert "We pack the <em>blue</em> bag tonight." in page
    assert ">Jenny</a>" in page
    assert 'href="/tags/hospital/"' in page
    assert "Friday, November 20, 2026" in page


def test_example_site_builds(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert main(["build", "--site", str(REPO), "--output", str(out), "--quiet"]) == 0
    assert (out / "index.html").is_file()
    assert (out / "feed.xml").is_file()
    assert "Halfway" in (out / "index.html").read_text(encoding="utf-8")
