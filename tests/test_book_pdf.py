"""The book printed to PDF by a real headless Chromium: a title page, the contents, then
every entry starting on a new sheet, and no navigation on paper."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from pypdf import PdfReader

from browserpages import TIMEOUT_MS, chromium, served
from conftest import NOW
from journalgen.build import BuildOptions, build

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "memorial"
TITLES = (
    "A notebook, because the telephone is tiring",
    "Eighty-eight",
    "Moving the piano",
    "Quieter days",
    "Before I go",
    "Thank you, from all of us",
)


def test_the_book_prints_one_entry_per_sheet_or_more(tmp_path: Path) -> None:
    out = tmp_path / "out"
    report = build(BuildOptions(site_dir=EXAMPLE, out_dir=out, now=NOW))
    assert report.entries == len(TITLES)
    with served(out) as address, chromium() as browser:
        page = browser.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        page.goto(address + "book/")
        pdf = page.pdf(format="A4", print_background=True)
    pages = [
        " ".join((sheet.extract_text() or "").split()) for sheet in PdfReader(BytesIO(pdf)).pages
    ]
    assert len(pages) >= len(TITLES) + 2, f"{len(pages)} pages for {len(TITLES)} entries"
    assert pages[0].startswith("In loving memory of Eleanor Whitcombe")
    assert pages[1].startswith("Contents")
    starts = [text[:80] for text in pages]
    found = [next(i for i, start in enumerate(starts) if start.startswith(t)) for t in TITLES]
    assert found == sorted(found) and len(set(found)) == len(TITLES), (
        starts
    )  # each on its own sheet
    everything = " ".join(pages)
    for navigation in ("Skip to content", "Subscribe", "Back to contents", "RSS feed"):
        assert navigation not in everything
    assert "She taught me piano when I was seven" in everything  # the guestbook, at the end
