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


def _content_bottoms(pdf: bytes, folder: Path) -> list[float]:
    """For each page, how far down its text and pictures reach (0 to 1), the page number's
    band at the foot left out: rendered by poppler's pdftoppm."""
    import shutil
    import subprocess

    from PIL import Image

    if shutil.which("pdftoppm") is None:
        import pytest

        pytest.fail("pdftoppm is needed (make system-packages, or apt-get install poppler-utils)")
    (folder / "book.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "30", "-gray", "book.pdf", "page"], cwd=folder, check=True)
    found = []
    for image_file in sorted(folder.glob("page-*.pgm"), key=lambda p: int(p.stem.split("-")[1])):
        with Image.open(image_file) as image:
            width, height = image.size
            pixels = image.load()
            assert pixels is not None
            rows = [
                y
                for y in range(int(height * 0.9))
                if any(int(pixels[x, y]) < 200 for x in range(0, width, 2))
            ]
        found.append(max(rows) / height if rows else 0.0)
    return found


def test_a_tall_photo_does_not_leave_half_a_sheet_blank_when_printed(tmp_path: Path) -> None:
    """Portrait photos from a phone, printed from the browser: each is at most a third of
    a sheet, so no sheet but an entry's last is more than half empty."""
    from conftest import SiteDir
    from photofixtures import phone_jpeg

    site = SiteDir(tmp_path / "journal")
    phone_jpeg(site.root / "content/photos/tall.jpg", size=(3000, 1500))  # shown 1500 x 3000
    words = " ".join(["We walked to the end of the corridor and back, twice."] * 12)
    body = "\n\n".join([words, "![Finn standing by the window](../photos/tall.jpg)", words] * 3)
    site.entry("2026-11-01-walk.md", 'title: "The walk"', body + "\n")
    site.build()
    with served(site.out) as address, chromium() as browser:
        page = browser.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        page.goto(address + "book/")
        pdf = page.pdf(format="A4", print_background=True)
    bottoms = _content_bottoms(pdf, tmp_path)
    sheets = bottoms[2:-1]  # after the title page and the contents; the entry's last sheet
    assert sheets and all(bottom > 0.5 for bottom in sheets), bottoms
