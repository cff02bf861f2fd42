"""`journalgen keepsake`: the journal on a USB stick. Debian's Chromium opens every page
of it from `file://` with the network off: no request fails, nothing is written to the
console, every link and picture leads to a file of the keepsake. Unzipped elsewhere, it
opens the same. Nothing unpublished is in it, and its names suit Windows and FAT."""

from __future__ import annotations

import re
import shutil
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from browserpages import chromium
from journalgen.cli import main

REPO = Path(__file__).resolve().parents[1]
MEMORIAL = REPO / "examples" / "memorial"


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src", "poster", "action") and value:
                self.found.append(value)
            elif name == "srcset" and value:
                self.found += [part.split()[0] for part in value.split(",") if part.strip()]


def _journal(source: Path, tmp: Path) -> Path:
    journal = tmp / "journal"
    shutil.copytree(source, journal, ignore=shutil.ignore_patterns("output", ".cache", ".journal*"))
    return journal


def _check_links(folder: Path) -> int:
    """Every address in every page: another website, a place in the page, or a file of
    the keepsake (never the disk's root). Returns how many pages were read."""
    pages = sorted(folder.rglob("*.html"))
    for page in pages:
        parser = _Links()
        parser.feed(page.read_text(encoding="utf-8"))
        for url in parser.found:
            parts = urlsplit(url)
            if parts.scheme in ("http", "https", "mailto") or url.startswith("#"):
                continue
            assert not url.startswith("/"), (page, url)
            target = (page.parent / unquote(parts.path)).resolve()
            assert target.is_file(), (page.relative_to(folder), url)
            assert target.is_relative_to(folder.resolve()), (page, url)
    return len(pages)


def _open_every_page(folder: Path) -> None:
    """Chromium, offline, from file://: zero failed requests, zero console messages."""
    with chromium() as browser:
        context = browser.new_context(offline=True)
        page = context.new_page()
        failed: list[str] = []
        said: list[str] = []
        page.on("requestfailed", lambda r: failed.append(f"{r.url} {r.failure}"))
        page.on("console", lambda message: said.append(f"{message.type}: {message.text}"))
        page.on("pageerror", lambda error: said.append(str(error)))
        for html in sorted(folder.rglob("*.html")):
            response = page.goto(html.as_uri())
            assert response is None or response.ok, html
            page.wait_for_load_state("load")
            # Every stylesheet applied and every picture shown.
            assert page.evaluate("() => document.styleSheets.length") >= 1, html
            # (Photos further down load lazily: each is asked for now and decoded.)
            broken = page.evaluate(
                """async () => {
                    const broken = [];
                    for (const image of document.images) {
                        image.loading = 'eager';
                        try { await image.decode(); }
                        catch (error) { broken.push(image.currentSrc || image.src); }
                    }
                    return broken;
                }"""
            )
            assert broken == [], (html, broken)
        context.close()
    # (The favicon's request is cut short when the next page opens: ERR_ABORTED. A file
    # that is not there fails with ERR_FILE_NOT_FOUND.)
    assert [f for f in failed if "ERR_ABORTED" not in f] == [], failed
    assert said == [], said


def _names_suit_windows(folder: Path) -> None:
    for path in folder.rglob("*"):
        rel = path.relative_to(folder).as_posix()
        assert len(rel) <= 180, rel
        for part in rel.split("/"):
            assert not re.search(r'[<>:"\\|?*\x00-\x1f]', part), rel
            assert part == part.rstrip(" ."), rel


@pytest.mark.parametrize("source", [MEMORIAL, REPO], ids=["memorial", "example"])
def test_the_keepsake_opens_from_a_disk_in_chromium(tmp_path: Path, source: Path) -> None:
    journal = _journal(source, tmp_path)
    assert main(["keepsake", "--site", str(journal)]) == 0
    folder = journal / "keepsake"
    assert (folder / "index.html").is_file() and (folder / "book" / "index.html").is_file()
    assert (folder / "book.pdf").read_bytes().startswith(b"%PDF")
    letter = (folder / "how-this-journal-is-kept.html").read_text(encoding="utf-8")
    assert "<h1>How this journal is kept</h1>" in letter and "Published at" in letter
    assert _check_links(folder) >= 10
    _names_suit_windows(folder)
    everything = "\n".join(p.read_text(encoding="utf-8") for p in folder.rglob("*.html"))
    assert "<form" not in everything and "feed.xml" not in everything
    assert not list(folder.rglob("*.xml")) and not (folder / "_headers").exists()
    _open_every_page(folder)
    # Unzipped somewhere else, it opens just the same.
    elsewhere = tmp_path / "usb-stick"
    with zipfile.ZipFile(journal / "keepsake.zip") as archive:
        assert all(name.startswith("keepsake/") for name in archive.namelist())
        archive.extractall(elsewhere)
    assert _check_links(elsewhere / "keepsake") >= 10
    _open_every_page(elsewhere / "keepsake")


def test_nothing_unpublished_is_ever_in_a_keepsake(tmp_path: Path) -> None:
    """A draft, a held farewell, a scheduled entry, a pending message and a follower,
    each with a word of its own: none of the words is in any file of the keepsake."""
    journal = _journal(MEMORIAL, tmp_path)
    secrets = {
        "DRAFTWORD": "content/entries/2026-10-20-draft.md",
        "HELDWORD": "content/entries/held.md",
        "LATERWORD": "content/entries/2026-10-21-later.md",
    }
    (journal / secrets["DRAFTWORD"]).write_text(
        '---\ntitle: "DRAFTWORD"\ndraft: true\n---\n\nDRAFTWORD body.\n'
    )
    (journal / secrets["HELDWORD"]).write_text(
        '---\ntitle: "HELDWORD"\nkind: farewell\ndraft: true\n---\n\nHELDWORD body.\n'
    )
    (journal / secrets["LATERWORD"]).write_text(
        '---\ntitle: "LATERWORD"\npublish_on: 2099-01-01 09:00\n---\n\nLATERWORD body.\n'
    )
    pending = journal / "content/guestbook/pending"
    pending.mkdir(parents=True, exist_ok=True)
    (pending / "2026-10-20-someone-0000abcd.yaml").write_text(
        'name: "PENDINGWORD"\ndate: 2026-10-20 10:00\nmessage: "PENDINGWORD text"\n'
    )
    assert main(["followers", "add", "FOLLOWERWORD", "follower@example.org",
                 "--site", str(journal)]) == 0  # fmt: skip
    assert main(["keepsake", "--site", str(journal), "--no-pdf"]) == 0
    keepsake = journal / "keepsake"
    for path in [*keepsake.rglob("*")]:
        if path.is_file():
            data = path.read_bytes()
            for word in ("DRAFTWORD", "HELDWORD", "LATERWORD", "PENDINGWORD", "FOLLOWERWORD"):
                assert word.encode() not in data, (path, word)
            assert b"follower@example.org" not in data
    with zipfile.ZipFile(journal / "keepsake.zip") as archive:
        for name in archive.namelist():
            assert b"DRAFTWORD" not in archive.read(name), name
    assert not (keepsake / "book.pdf").exists()


def test_a_link_written_without_its_last_slash_still_leads_to_the_page(tmp_path: Path) -> None:
    journal = _journal(MEMORIAL, tmp_path)
    entry = next((journal / "content/entries").glob("*.md"))
    entry.write_text(entry.read_text() + "\nSee [the about page](/about) too.\n")
    assert main(["keepsake", "--site", str(journal), "--no-pdf"]) == 0
    page = next((journal / "keepsake").rglob(f"*/{entry.stem[11:]}/index.html"))
    assert 'href="../../../about/index.html">the about page</a>' in page.read_text()
