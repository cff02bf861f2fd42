"""`journalgen book`: the journal typeset as a PDF (Typst), checked with poppler's own
tools as a reader's computer would read it: every font embedded (`pdffonts`), the text in
reading order (`pdftotext`), PDF/A identified in its metadata, every approved message in
it, nothing unpublished, photos sized so no sheet is left more than half blank."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from conftest import NOW, SiteDir
from journalgen.build import published_site
from journalgen.cli import main
from test_book_pdf import TITLES, _content_bottoms

REPO = Path(__file__).resolve().parents[1]
MEMORIAL = REPO / "examples" / "memorial"


def _poppler(tool: str, *args: str) -> str:
    if shutil.which(tool) is None:
        pytest.fail(f"{tool} is needed (make system-packages, or apt-get install poppler-utils)")
    return subprocess.run([tool, *args], capture_output=True, text=True, check=True).stdout


def _book(site: Path, tmp: Path, *extra: str) -> Path:
    journal = tmp / "journal"
    shutil.copytree(site, journal, ignore=shutil.ignore_patterns("output", ".cache", ".journal*"))
    assert main(["book", "--site", str(journal), *extra]) == 0
    return journal / "book.pdf"


def _fonts(pdf: Path) -> list[list[str]]:
    lines = _poppler("pdffonts", str(pdf)).splitlines()[2:]
    return [line.split() for line in lines if line.strip()]


def test_the_memorial_book_is_an_archival_pdf_with_every_message(tmp_path: Path) -> None:
    pdf = _book(MEMORIAL, tmp_path)
    fonts = _fonts(pdf)
    assert fonts and all(row[-5] == "yes" for row in fonts), fonts  # "emb" column
    reader = PdfReader(pdf)
    catalog: Any = reader.trailer["/Root"]
    metadata = catalog["/Metadata"].get_object().get_data()
    assert b'pdfaid:part="2"' in metadata or b"<pdfaid:part>2</pdfaid:part>" in metadata
    assert b"pdfaid:conformance" in metadata
    text = " ".join(_poppler("pdftotext", str(pdf), "-").split())
    assert text.startswith("Eleanor Whitcombe May 14, 1938 – October 9, 2026")
    assert "She taught half the town to sing" in text  # the epitaph
    listed = [text.index(title, text.index("Contents")) for title in TITLES]
    assert listed == sorted(listed), "contents out of order"
    places = [text.index(title, text.index(title) + 1) for title in TITLES]  # the chapters
    assert places == sorted(places) and places[0] > listed[-1], "entries out of order"
    site = published_site(MEMORIAL, NOW)
    for message in site.guestbook.messages:
        words = " ".join(message.text.split())[:40]
        assert words.replace("*", "").replace("_", "") in text.replace("’", "'"), words
    assert len(reader.pages) >= 4
    bottoms = _content_bottoms(pdf.read_bytes(), tmp_path)
    assert all(bottom > 0.5 for bottom in bottoms[2:-1]), bottoms


def test_photos_tables_footnotes_and_letter_paper(tmp_path: Path) -> None:
    site = SiteDir(tmp_path / "source")
    from photofixtures import phone_heic, phone_jpeg

    phone_jpeg(site.root / "content/photos/tall.jpg", size=(3000, 1500))  # portrait
    phone_heic(site.root / "content/photos/wide.heic", size=(1600, 1200), orientation=1)
    words = " ".join(["The corridor is long, and we walked it twice, slowly."] * 14)
    site.entry(
        "2026-11-01-walk.md",
        'title: "The walk"',
        f"{words}\n\n![Finn by the window](../photos/tall.jpg)\n\n{words}[^1]\n\n"
        "| Day | Steps |\n|---|---|\n| Monday | 120 |\n\n"
        f"![The ward at night](../photos/wide.heic)\n\n{words}\n\n[^1]: The nurse counted.\n",
    )
    site.entry(
        "2026-11-02-marks.md",
        'title: "Not #code, [brackets] and \\\\ backslashes"',
        'What #set page(paper: "a5") and ] or $x$ look like when someone types them.\n',
    )
    site.entry("2026-11-03-draft.md", 'title: "Secret draft"\ndraft: true', "Nobody reads this.\n")
    site.entry(
        "2026-11-02-pasted.md",
        'title: "Pasted"',
        '<table><tr><td colspan="two">odd</td><td colspan="1_000">big</td></tr></table>\n',
    )
    pdf = _book(site.root, tmp_path, "--paper", "letter")
    reader = PdfReader(pdf)
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)  # US Letter
    text = " ".join(_poppler("pdftotext", str(pdf), "-").split())
    assert "The nurse counted." in text and "Monday 120" in text
    assert "Not #code, [brackets] and \\ backslashes" in text
    assert 'What #set page(paper: "a5") and ] or $x$ look like' in text
    assert "Secret draft" not in text and "Nobody reads this" not in text
    listed = _poppler("pdfimages", "-list", str(pdf)).splitlines()[2:]
    assert len([row for row in listed if row.split()[2] == "image"]) == 2, listed
    bottoms = _content_bottoms(pdf.read_bytes(), tmp_path)
    assert all(bottom > 0.5 for bottom in bottoms[2:-1]), bottoms


def test_a_book_of_nothing_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = SiteDir(tmp_path / "journal")
    assert main(["book", "--site", str(site.root)]) == 1
    assert "there is no published entry to make a book of" in capsys.readouterr().err
    assert not (site.root / "book.pdf").exists()
