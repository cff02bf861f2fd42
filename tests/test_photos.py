"""Photos: resized and re-encoded without any metadata, shown with <picture>, cached.

Every photo here is made by the test with Pillow, the way a phone writes one: the pixels
stored sideways with an orientation flag, a GPS position, XMP, a comment and a profile.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from PIL import Image

from conftest import NOW, SiteDir
from journalgen.build import BuildOptions, build
from journalgen.cli import main
from journalgen.errors import JournalError
from journalgen.structure.site import Selection
from photofixtures import (
    MARKER,
    gps_problems,
    halves,
    phone_heic,
    phone_jpeg,
    png_with_metadata,
)

REPO = Path(__file__).resolve().parents[1]


def images(site: SiteDir) -> dict[str, Image.Image]:
    """Every raster image of the built site, opened, by its path inside output/."""
    found = {}
    for rel in site.output_files():
        if rel.endswith((".jpg", ".jpeg", ".png", ".webp", ".gif")):
            with Image.open(site.out / rel) as image:
                image.load()
                found[rel] = image.copy()
    return found


def photo_entry(site: SiteDir, body: str, front: str = 'title: "Photos"') -> None:
    site.entry("2026-11-20-photos.md", front, body)


@pytest.fixture
def phone_site(site: SiteDir) -> SiteDir:
    phone_jpeg(site.root / "content/photos/garden.jpg")
    photo_entry(site, "In the garden.\n\n![Finn in the garden](../photos/garden.jpg)\n")
    return site


def test_no_published_image_has_exif_gps_xmp_or_a_profile(phone_site: SiteDir) -> None:
    png_with_metadata(phone_site.root / "content/photos/sticker.png")
    phone_jpeg(phone_site.root / "static/banner.jpg", size=(400, 200))
    photo_entry(
        phone_site,
        "![Finn in the garden](../photos/garden.jpg) ![A green sticker](../photos/sticker.png)",
    )
    phone_site.build()
    published = images(phone_site)
    assert len(published) >= 7  # 3 widths x 2 formats, the sticker's 2, the banner
    for rel, image in published.items():
        assert not image.getexif(), f"{rel} has EXIF"
        assert not image.getexif().get_ifd(0x8825), f"{rel} has a GPS position"
        for key in ("exif", "xmp", "XML:com.adobe.xmp", "comment", "icc_profile", "Comment"):
            assert key not in image.info, f"{rel} kept {key}"
    assert gps_problems(phone_site.out) == []


def test_orientation_is_applied_to_the_pixels(phone_site: SiteDir) -> None:
    phone_site.build()
    # Stored 2000x1000, left red and right blue, flag 6: shown 1000x2000, red above blue.
    for rel, image in images(phone_site).items():
        width, height = image.size
        assert height == 2 * width, f"{rel} is {image.size}: not turned upright"
        top = image.convert("RGB").getpixel((width // 2, height // 8))
        bottom = image.convert("RGB").getpixel((width // 2, height * 7 // 8))
        assert isinstance(top, tuple) and isinstance(bottom, tuple)
        assert top[0] > 150 and top[2] < 90, f"{rel}: top is {top}, expected red"
        assert bottom[2] > 150 and bottom[0] < 90, f"{rel}: bottom is {bottom}, expected blue"


def test_sizes_are_made_at_each_width_and_never_upscaled(site: SiteDir) -> None:
    phone_jpeg(site.root / "content/photos/wide.jpg", size=(3000, 2000), orientation=1)
    phone_jpeg(site.root / "content/photos/small.jpg", size=(300, 200), orientation=1)
    photo_entry(site, "![A wide one](../photos/wide.jpg) ![A small one](../photos/small.jpg)")
    site.build()
    sizes = {rel: image.size for rel, image in images(site).items()}
    wide = sorted(size for rel, size in sizes.items() if "/wide-" in rel)
    assert wide == [(480, 320), (480, 320), (960, 640), (960, 640), (1600, 1067), (1600, 1067)]
    small = [size for rel, size in sizes.items() if "/small-" in rel]
    assert small == [(300, 200), (300, 200)]
    assert {rel.rsplit(".", 1)[1] for rel in sizes} == {"jpg", "webp"}
    for rel in sizes:
        assert re.fullmatch(r"photos/(wide|small)-\d+\.[0-9a-f]{10}\.(jpg|webp)", rel), rel


def test_originals_are_never_published(phone_site: SiteDir) -> None:
    original = (phone_site.root / "content/photos/garden.jpg").read_bytes()
    unused = phone_jpeg(phone_site.root / "content/photos/unused.jpg", seed=7)
    phone_site.build()
    files = phone_site.output_files()
    assert "photos/garden.jpg" not in files
    assert not any("unused" in rel for rel in files), "a photo no page shows is published"
    # 24-byte windows of the original's compressed pixels appear in no output file.
    windows = [original[i : i + 24] for i in range(len(original) // 2, len(original) - 24, 997)]
    assert len(windows) > 5
    for rel, data in files.items():
        assert data != original and data != unused.read_bytes()
        assert not any(window in data for window in windows), f"{rel} holds original bytes"
        assert MARKER.encode() not in data, f"{rel} holds the original's metadata"


def test_html_has_picture_with_webp_srcset_sizes_and_lazy_loading(site: SiteDir) -> None:
    for name in ("a", "b", "c"):
        phone_jpeg(site.root / f"content/photos/{name}.jpg", size=(2000, 1500), orientation=1)
    photo_entry(
        site,
        "![First photo](../photos/a.jpg)\n\nText.\n\n![Second photo](../photos/b.jpg)\n\n"
        '<img src="../photos/c.jpg" alt="Third, in HTML" title="A title" width="300">\n',
    )
    site.build()
    page = site.read("2026/11/photos/index.html")
    pictures = re.findall(r"<picture>.*?</picture>", page)
    assert len(pictures) == 3
    first, second, third = pictures
    assert '<source type="image/webp" srcset="/photos/a-480.' in first
    assert re.search(r'srcset="[^"]*a-480\.\w+\.jpg 480w, [^"]*a-960\.\w+\.jpg 960w, ', first)
    assert 'sizes="(min-width: 38rem) 36rem, calc(100vw - 2rem)"' in first
    assert 'width="1600" height="1200" alt="First photo"' in first
    assert 'loading="lazy"' not in first and 'decoding="async"' in first
    assert 'loading="lazy"' in second
    assert 'width="300" height="225" alt="Third, in HTML" title="A title"' in third
    assert re.search(r'<img src="/photos/a-960\.\w+\.jpg"', first)


def test_a_cover_is_the_first_image_and_feeds_use_absolute_urls_of_one_size(
    site: SiteDir,
) -> None:
    phone_jpeg(site.root / "content/photos/cover.jpg", size=(2400, 1600), orientation=1)
    phone_jpeg(site.root / "content/photos/body.jpg", size=(2400, 1600), orientation=1)
    photo_entry(
        site,
        "Body text.\n\n![In the body](../photos/body.jpg)\n",
        'title: "Covered"\ncover: ../photos/cover.jpg\ncover_alt: "The cover photo"',
    )
    site.build()
    page = site.read("2026/11/photos/index.html")
    cover = re.search(r'<figure class="cover">(.*?)</figure>', page)
    assert cover is not None and "<picture>" in cover.group(1)
    assert 'loading="lazy"' not in cover.group(1)
    body = page[page.index('<div class="entry-body">') :]
    assert 'loading="lazy"' in body.split("</picture>")[0]
    og = re.search(r'<meta property="og:image" content="([^"]+)">', page)
    assert og is not None
    assert re.fullmatch(r"https://journal\.example\.org/photos/cover-960\.\w{10}\.jpg", og[1])
    feed = site.read("feed.xml")
    assert "<picture" not in feed and "srcset" not in feed
    feed_images = re.findall(r'<img src="([^"]+)"', feed)
    assert feed_images and all(
        re.fullmatch(r"https://journal\.example\.org/photos/(cover|body)-960\.\w{10}\.jpg", u)
        for u in feed_images
    ), feed_images
    assert (site.out / og[1].removeprefix("https://journal.example.org/")).is_file()


def test_gallery_block_and_front_matter_gallery_link_to_full_size(site: SiteDir) -> None:
    for name in ("beach", "cake", "dog"):
        phone_jpeg(site.root / f"content/photos/{name}.jpg", size=(2000, 1500), orientation=1)
    site.entry(
        "2026-11-19-holiday.md",
        'title: "Holiday"',
        "```gallery\n../photos/beach.jpg Rosa on the beach\n"
        "../photos/cake.jpg A birthday cake with seven candles\n```\n",
    )
    site.entry(
        "2026-11-18-dog.md",
        'title: "Dog"\ngallery:\n  - ../photos/dog.jpg The neighbours\' dog asleep\n'
        '  - {image: ../photos/beach.jpg, alt: "The beach again"}',
        "A gallery below.\n",
    )
    site.build()
    for path, count in (("2026/11/holiday/index.html", 2), ("2026/11/dog/index.html", 2)):
        page = site.read(path)
        grid = re.search(r'<ul class="gallery">(.*?)</ul>', page, re.DOTALL)
        assert grid is not None, path
        items = re.findall(r'<li><a href="([^"]+)"><picture>.*?alt="([^"]*)"', grid.group(1))
        assert len(items) == count
        for href, alt in items:
            assert re.fullmatch(r"/photos/\w+-1600\.\w{10}\.jpg", href), href
            assert (site.out / href.lstrip("/")).is_file()
            assert alt
        assert 'sizes="(min-width: 38rem) 12rem, 45vw"' in grid.group(1)
    assert "<script" not in site.read("2026/11/holiday/index.html")


def test_missing_alt_text_is_a_warning_and_an_error_with_strict(phone_site: SiteDir) -> None:
    photo_entry(phone_site, "Intro.\n\n![](../photos/garden.jpg)\n")
    report = phone_site.build()
    warning = next(w for w in report.warnings if "alt text" in w.message)
    assert warning.path == phone_site.root / "content/entries/2026-11-20-photos.md"
    assert warning.line == 7  # `---`, title, `---`, a blank line, "Intro.", a blank line
    assert "photos/garden.jpg" in warning.message
    options = BuildOptions(phone_site.root, phone_site.root / "strict-out", now=NOW, strict=True)
    with pytest.raises(JournalError, match="has no alt text"):
        build(options)
    assert not (phone_site.root / "strict-out").exists()
    code = main(["build", "--site", str(phone_site.root), "--strict", "--quiet"])
    assert code == 1


def test_missing_image_is_an_error_naming_the_entry_and_line(site: SiteDir) -> None:
    photo_entry(site, "Fine.")
    site.build()
    before = site.output_files()
    photo_entry(site, "One.\n\nTwo.\n\n![Finn](../photos/not-here.jpg)\n")
    with pytest.raises(JournalError) as caught:
        site.build()
    problem = caught.value.problems[0]
    assert problem.path == site.root / "content/entries/2026-11-20-photos.md"
    assert problem.line == 9
    assert "photos/not-here.jpg is not in content/" in problem.message
    assert site.output_files() == before, "a failed build changed output/"


def test_missing_cover_is_an_error_at_its_line(site: SiteDir) -> None:
    photo_entry(site, "Text.", 'title: "Cover"\ncover: ../photos/gone.jpg\ncover_alt: "Gone"')
    with pytest.raises(JournalError, match=r"cover image photos/gone\.jpg is not in content") as e:
        site.build()
    assert e.value.problems[0].line == 3


def test_rebuild_takes_every_photo_from_the_cache(phone_site: SiteDir) -> None:
    png_with_metadata(phone_site.root / "content/photos/sticker.png")
    phone_jpeg(phone_site.root / "static/banner.jpg", size=(400, 200))
    photo_entry(phone_site, "![Garden](../photos/garden.jpg) ![Sticker](../photos/sticker.png)")
    first = phone_site.build()
    assert (first.photos_encoded, first.photos_reused) == (3, 0)
    built = phone_site.output_files()
    second = phone_site.build()
    assert (second.photos_encoded, second.photos_reused) == (0, 3)
    assert phone_site.output_files() == built
    # A changed photo is made again (under a new name); the others come from the cache.
    phone_jpeg(phone_site.root / "content/photos/garden.jpg", seed=99)
    third = phone_site.build()
    assert (third.photos_encoded, third.photos_reused) == (1, 2)
    # The cache is safe to delete.
    shutil.rmtree(phone_site.root / ".cache")
    fourth = phone_site.build()
    assert (fourth.photos_encoded, fourth.photos_reused) == (3, 0)


def test_changed_settings_make_photos_again(phone_site: SiteDir) -> None:
    phone_site.build()
    config = (phone_site.root / "journalgen.yaml").read_text(encoding="utf-8")
    phone_site.write("journalgen.yaml", config + "photos:\n  widths: [300, 600]\n  quality: 70\n")
    report = phone_site.build()
    assert report.photos_encoded == 1
    widths = sorted(image.width for image in images(phone_site).values())
    assert widths == [300, 300, 600, 600]


def test_static_images_are_stripped_unless_the_site_opts_out(site: SiteDir) -> None:
    banner = phone_jpeg(site.root / "static/banner.jpg", size=(400, 200))
    png_with_metadata(site.root / "static/icons/badge.png")
    site.build()
    assert gps_problems(site.out) == []
    with Image.open(site.out / "banner.jpg") as image:
        assert image.size == (200, 400)  # upright, same size, same name
    config = (site.root / "journalgen.yaml").read_text(encoding="utf-8")
    site.write("journalgen.yaml", config + "photos:\n  strip_static: false\n")
    site.build()
    assert (site.out / "banner.jpg").read_bytes() == banner.read_bytes()


def test_photo_settings_are_checked(site: SiteDir) -> None:
    config = (site.root / "journalgen.yaml").read_text(encoding="utf-8")
    site.write("journalgen.yaml", config + "photos:\n  widths: [480]\n  strip: false\n")
    with pytest.raises(JournalError, match="unknown photos key `strip`") as caught:
        site.build()
    assert caught.value.problems[0].line == config.count("\n") + 3
    site.write("journalgen.yaml", config + "photos:\n  widths: [10, 99999]\n")
    with pytest.raises(JournalError, match="widths"):
        site.build()


def test_previews_do_not_publish_photos_of_drafts(site: SiteDir) -> None:
    phone_jpeg(site.root / "content/photos/secret.jpg")
    site.entry(
        "2026-11-21-draft.md", 'title: "Draft"\ndraft: true', "![Not yet](../photos/secret.jpg)\n"
    )
    photo_entry(site, "Nothing to see.")
    site.build()
    assert not any("secret" in rel for rel in site.output_files())
    site.build(drafts=True)
    assert any("secret" in rel for rel in site.output_files())


def test_link_to_a_photo_opens_its_largest_size(phone_site: SiteDir) -> None:
    photo_entry(phone_site, "See [the photo](../photos/garden.jpg).\n")
    phone_site.build()
    page = phone_site.read("2026/11/photos/index.html")
    href = re.search(r'<a href="(/photos/garden-[^"]+)">the photo</a>', page)
    assert href is not None and href[1].endswith(".jpg")
    with Image.open(phone_site.out / href[1].lstrip("/")) as image:
        assert image.size == (1000, 2000)


def test_file_names_with_spaces_and_capitals(site: SiteDir) -> None:
    phone_jpeg(site.root / "content/photos/Summer 2026/IMG 0001.JPG", orientation=1)
    photo_entry(
        site,
        "![At the lake](<../photos/Summer 2026/IMG 0001.JPG>) "
        "[big](../photos/Summer%202026/IMG%200001.JPG)",
    )
    report = site.build()
    assert report.warnings == ()
    assert any(rel.startswith("photos/summer-2026/img-0001-960.") for rel in site.output_files())
    page = site.read("2026/11/photos/index.html")
    assert 'href="/photos/summer-2026/img-0001-1600.' in page


def test_scan_finds_gps_in_an_unprocessed_copy(tmp_path: Path) -> None:
    """The scanner used below really finds location data (so a clean result means clean)."""
    phone_jpeg(tmp_path / "leaky.jpg")
    halves((10, 10)).save(tmp_path / "clean.png")
    assert any("GPS" in problem for problem in gps_problems(tmp_path))
    assert not [p for p in gps_problems(tmp_path) if p.startswith("clean.png")]


def test_every_file_of_the_built_example_site_is_free_of_location_data(tmp_path: Path) -> None:
    out = tmp_path / "example"
    cache = tmp_path / "cache"
    report = build(
        BuildOptions(REPO, out, now=NOW, selection=Selection(drafts=True), photo_cache=cache)
    )
    assert report.photos_encoded >= 3, "the example journal should show a few photos"
    assert any(rel.suffix == ".webp" for rel in out.rglob("*"))
    assert gps_problems(out) == []
    assert not [w for w in report.warnings if "alt text" in w.message or "cover" in w.message]


def test_worker_processes_make_the_same_files_as_one_process(tmp_path: Path) -> None:
    from journalgen.config import PhotoSettings
    from journalgen.output import imaging
    from journalgen.parsing import photos

    settings = PhotoSettings(widths=(200, 400))
    plans = []
    for n in range(3):
        path = phone_jpeg(tmp_path / f"p{n}.jpg", size=(600, 400), seed=n)
        plans.append(photos.plan(imaging.probe(path, f"photos/p{n}.jpg"), settings))
    made = {}
    for workers in (1, 2):
        result = imaging.process(plans, [], settings, tmp_path / f"cache{workers}", workers=workers)
        assert (result.encoded, result.reused) == (3, 0)
        made[workers] = {copy.path: copy.source.read_bytes() for copy in result.copies}
    assert len(made[1]) == 12
    assert made[1] == made[2]


def test_the_memorial_photo_is_processed_too(site: SiteDir) -> None:
    phone_jpeg(site.root / "content/photos/nan.jpg", size=(2400, 1800), orientation=1)
    config = (site.root / "journalgen.yaml").read_text(encoding="utf-8")
    site.write(
        "journalgen.yaml",
        config + "memorial:\n  name: Margaret Ellis\n  born: 1941-03-02\n  died: 2026-10-30\n"
        "  photo: photos/nan.jpg\n  photo_alt: Margaret laughing in her garden\n",
    )
    site.entry("2026-11-01-first.md", 'title: "First"')
    site.build()
    home = site.read("index.html")
    figure = re.search(r'<figure class="memorial-photo">(.*?)</figure>', home)
    assert figure is not None and "<picture>" in figure.group(1)
    assert 'alt="Margaret laughing in her garden"' in figure.group(1)
    og = re.search(r'<meta property="og:image" content="([^"]+)">', home)
    assert og is not None
    assert re.fullmatch(r"https://journal\.example\.org/photos/nan-960\.\w{10}\.jpg", og[1])
    assert "photos/nan.jpg" not in site.output_files()
    assert gps_problems(site.out) == []


def test_an_iphone_heic_photo_is_published_like_a_jpeg(site: SiteDir) -> None:
    """HEIC, an iPhone's default: read (pillow-heif), turned upright, published as JPEG and
    WebP that every browser shows, with no location or other metadata."""
    heic = phone_heic(site.root / "content/photos/IMG_0042.HEIC")
    assert heic.read_bytes()[4:12] == b"ftypheic"
    photo_entry(site, "From the phone.\n\n![Finn laughing](../photos/IMG_0042.HEIC)\n")
    site.build()
    published = images(site)
    assert published and all(rel.endswith((".jpg", ".webp")) for rel in published)
    assert not [rel for rel in site.output_files() if rel.lower().endswith((".heic", ".heif"))]
    for rel, image in published.items():
        width, height = image.size
        assert height == 2 * width, f"{rel} is {image.size}: not turned upright"
        assert not image.getexif(), f"{rel} has EXIF"
    assert gps_problems(site.out) == []
    page = site.read("2026/11/photos/index.html")
    assert 'alt="Finn laughing"' in page and ".jpg" in page


def test_a_phone_photo_name_with_spaces_works_in_a_gallery_and_a_wrong_one_is_an_error(
    site: SiteDir,
) -> None:
    """WhatsApp names photos `WhatsApp Image 2026-11-01 at 10.00.00.jpeg`: a gallery line
    written without `<…>` still means the whole name. A gallery photo that is not there is
    an error naming the line and the closest photo, never an image of nothing."""
    phone_jpeg(site.root / "content/photos/WhatsApp Image 2026-11-01 at 10.00.00.jpeg")
    block = "```gallery\n../photos/WhatsApp Image 2026-11-01 at 10.00.00.jpeg Finn on the swing\n"
    photo_entry(site, "At the park.\n\n" + block + "```\n")
    site.build()
    page = site.read("2026/11/photos/index.html")
    assert 'alt="Finn on the swing"' in page and 'src="/photos/WhatsApp' not in page
    photo_entry(site, "At the park.\n\n" + block + "../photos/WhatsApp Image 2026-11-02\n```\n")
    with pytest.raises(JournalError) as caught:
        site.build()
    problem = caught.value.problems[0]
    assert problem.line == 9, problem
    assert "photos/WhatsApp Image 2026-11-02 is not in content/" in problem.message
    assert "WhatsApp Image 2026-11-01 at 10.00.00.jpeg" in problem.hint
