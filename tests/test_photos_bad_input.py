"""Strange image files: each is processed correctly or refused with an error naming it;
none crashes or hangs the build, and a refused build leaves output/ as it was."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image, ImageSequence

from conftest import SiteDir
from journalgen.errors import JournalError
from photofixtures import MARKER, gps_problems, phone_jpeg


def show(site: SiteDir, *names: str) -> None:
    """An entry showing content/photos/NAME for each name."""
    body = "\n\n".join(f"![Photo {n}](../photos/{name})" for n, name in enumerate(names))
    site.entry("2026-11-20-photos.md", 'title: "Photos"', body + "\n")


def photo(site: SiteDir, name: str) -> Path:
    """Where content/photos/NAME goes (the folder is made)."""
    path = site.root / "content/photos" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def refused(site: SiteDir, name: str) -> str:
    """Build, expecting the photo `name` to be refused; returns the message. Checks that
    the error names the file and that the earlier output is untouched."""
    before = site.output_files()
    with pytest.raises(JournalError) as caught:
        site.build()
    problems = caught.value.problems
    assert [p.path for p in problems] == [site.root / "content/photos" / name]
    assert site.output_files() == before
    return problems[0].message + "\n" + problems[0].hint


def published(site: SiteDir, stem: str) -> dict[str, Image.Image]:
    found = {}
    for rel in site.output_files():
        if rel.startswith(f"photos/{stem}"):
            with Image.open(site.out / rel) as image:
                image.load()
                found[rel] = image.copy()
    return found


@pytest.fixture
def built(site: SiteDir) -> SiteDir:
    """A site built once without photos, so refusals can be seen to keep output/."""
    site.entry("2026-11-01-first.md", 'title: "First"')
    site.build()
    return site


def test_truncated_jpeg_is_refused(built: SiteDir) -> None:
    whole = phone_jpeg(built.root / "content/photos/cut.jpg").read_bytes()
    (built.root / "content/photos/cut.jpg").write_bytes(whole[: len(whole) * 2 // 3])
    show(built, "cut.jpg")
    message = refused(built, "cut.jpg")
    assert "damaged or incomplete" in message
    assert "truncated" in message


def test_a_file_that_is_not_an_image_is_refused(built: SiteDir) -> None:
    built.write("content/photos/notes.jpg", "These are my notes, not a photo.\n")
    show(built, "notes.jpg")
    assert "not an image" in refused(built, "notes.jpg")


def test_heic_that_pillow_cannot_read_is_refused_with_advice(built: SiteDir) -> None:
    built.write("content/photos/IMG_0001.heic", b"\x00\x00\x00\x18ftypheic" + b"\x00" * 64)
    show(built, "IMG_0001.heic")
    message = refused(built, "IMG_0001.heic")
    assert "HEIC" in message and "JPEG" in message


def test_a_100_megapixel_image_is_refused_before_it_is_decoded(built: SiteDir) -> None:
    # 10000x10000 black-and-white pixels compress to a few kilobytes.
    Image.new("1", (10_000, 10_000)).save(photo(built, "huge.png"))
    assert (photo(built, "huge.png")).stat().st_size < 100_000
    show(built, "huge.png")
    message = refused(built, "huge.png")
    assert "too large" in message and "100 megapixels" in message and "at most 50" in message


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims `width`x`height` RGB pixels but holds almost none: a bomb."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00" * 1000)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def test_a_decompression_bomb_is_refused(built: SiteDir) -> None:
    built.write("content/photos/bomb.png", png_header_only(40_000, 40_000))
    show(built, "bomb.png")
    assert "too large" in refused(built, "bomb.png")


def test_cmyk_jpeg_becomes_rgb_with_the_right_colours(site: SiteDir) -> None:
    # Pure red in CMYK: no cyan, full magenta and yellow, no black.
    Image.new("CMYK", (800, 600), (0, 255, 255, 0)).save(photo(site, "print.jpg"))
    show(site, "print.jpg")
    site.build()
    made = published(site, "print")
    assert len(made) == 4  # 480 and 800 wide, as WebP and JPEG
    for rel, image in made.items():
        assert image.mode == "RGB", rel
        red, green, blue = image.getpixel((10, 10))  # type: ignore[misc]
        assert red > 200 and green < 60 and blue < 60, (rel, red, green, blue)


def test_16_bit_grey_png_is_scaled_not_clipped(site: SiteDir) -> None:
    grey = Image.new("I;16", (400, 300), 30000)  # 46% of 65535
    assert grey.getpixel((5, 5)) == 30000
    grey.save(photo(site, "scan.png"))
    show(site, "scan.png")
    site.build()
    made = published(site, "scan")
    assert made
    for rel, image in made.items():
        value = image.convert("L").getpixel((5, 5))
        assert isinstance(value, int) and 105 <= value <= 130, (rel, value)


def png_16_bit_rgb(width: int, height: int) -> bytes:
    pixel = struct.pack(">HHH", 65535, 32768, 0)
    rows = b"".join(b"\x00" + pixel * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 16, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def test_16_bit_colour_png_is_processed(site: SiteDir) -> None:
    site.write("content/photos/deep.png", png_16_bit_rgb(500, 200))
    show(site, "deep.png")
    site.build()
    made = published(site, "deep")
    assert len(made) == 4
    for rel, image in made.items():
        red, green, blue = image.convert("RGB").getpixel((3, 3))  # type: ignore[misc]
        assert red > 245 and 115 < green < 140 and blue < 10, (rel, red, green, blue)


def test_animated_gif_stays_animated_without_its_comment(site: SiteDir) -> None:
    frames = [Image.new("RGB", (120, 80), colour) for colour in ("red", "green", "blue")]
    frames[0].save(
        photo(site, "wave.gif"),
        save_all=True,
        append_images=frames[1:],
        duration=[100, 200, 300],
        loop=0,
        comment=MARKER.encode(),
    )
    show(site, "wave.gif")
    site.build()
    made = published(site, "wave")
    assert len(made) == 1
    (rel,) = made
    assert rel.endswith(".gif")
    with Image.open(site.out / rel) as gif:
        assert getattr(gif, "n_frames", 1) == 3
        assert [frame.info.get("duration") for frame in ImageSequence.Iterator(gif)] == [
            100,
            200,
            300,
        ]
    assert gps_problems(site.out) == []
    page = site.read("2026/11/photos/index.html")
    assert f'<img src="/{rel}" width="120" height="80" alt="Photo 0"' in page


def test_a_broken_image_no_page_shows_is_ignored(site: SiteDir) -> None:
    site.write("content/photos/junk.jpg", b"not a photo at all")
    site.entry("2026-11-01-first.md", 'title: "First"')
    site.build()
    assert not any("junk" in rel for rel in site.output_files())


def test_a_heic_photo_in_static_is_refused(site: SiteDir) -> None:
    heic = site.write("static/me.heic", b"\x00\x00\x00\x18ftypheic" + b"\x00" * 64)
    with pytest.raises(JournalError, match="HEIC photo in static/") as caught:
        site.build()
    assert caught.value.problems[0].path == heic


def test_a_broken_image_in_static_is_refused(site: SiteDir) -> None:
    logo = site.write("static/logo.png", b"\x89PNG\r\n\x1a\nnot really")
    with pytest.raises(JournalError) as caught:
        site.build()
    assert caught.value.problems[0].path == logo


def test_several_bad_photos_are_reported_together(site: SiteDir, tmp_path: Path) -> None:
    site.write("content/photos/a.jpg", "text")
    site.write("content/photos/b.png", png_header_only(40_000, 40_000))
    show(site, "a.jpg", "b.png")
    with pytest.raises(JournalError) as caught:
        site.build()
    assert {p.path.name for p in caught.value.problems if p.path} == {"a.jpg", "b.png"}
