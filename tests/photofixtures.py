"""Photos made by the tests, as a phone would write them (EXIF with a GPS position and an
orientation flag, XMP, a comment, a colour profile), and a scanner that finds location
data in a built site."""

from __future__ import annotations

import io
import random
from pathlib import Path

from PIL import Image, ImageCms, ImageDraw

MARKER = "JOURNALGEN-SECRET-MARKER"
"""Written into every piece of metadata of the test photos: it must never be published."""

GPS_IFD = 0x8825
ORIENTATION = 0x0112

HOME = {1: "N", 2: (51.0, 30.0, 26.5), 3: "W", 4: (0.0, 7.0, 39.2)}
"""A GPS position (degrees, minutes, seconds): where the family lives."""


def exif_with_gps(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    exif[0x010E] = MARKER  # ImageDescription
    exif[0x010F] = "PhoneMaker"  # Make
    gps = exif.get_ifd(GPS_IFD)
    gps.update(HOME)
    return exif


def halves(size: tuple[int, int], seed: int = 1) -> Image.Image:
    """Left half red, right half blue, with a little texture so JPEG data is not trivial."""
    width, height = size
    image = Image.new("RGB", size, (220, 20, 20))
    image.paste((20, 20, 220), (width // 2, 0, width, height))
    draw = ImageDraw.Draw(image)
    rng = random.Random(seed)
    for _ in range(200):
        x, y = rng.randrange(width), rng.randrange(height)
        shade = rng.randrange(-15, 15)
        base = (220, 20, 20) if x < width // 2 else (20, 20, 220)
        colour = tuple(max(0, min(255, c + shade)) for c in base)
        draw.ellipse((x, y, x + 6, y + 6), fill=colour)
    return image


def srgb_profile() -> bytes:
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
    data: bytes = profile.tobytes()
    return data


def phone_jpeg(
    path: Path, size: tuple[int, int] = (2000, 1000), orientation: int = 6, seed: int = 1
) -> Path:
    """A JPEG as a phone writes it: the pixels stored sideways with an orientation flag
    (6: turn 90° clockwise to show), GPS, a maker, XMP, a comment and an ICC profile."""
    path.parent.mkdir(parents=True, exist_ok=True)
    halves(size, seed).save(
        path,
        "JPEG",
        quality=90,
        exif=exif_with_gps(orientation),
        xmp=f'<x:xmpmeta xmlns:x="adobe:ns:meta/">{MARKER}</x:xmpmeta>'.encode(),
        comment=MARKER.encode(),
        icc_profile=srgb_profile(),
    )
    return path


def png_with_metadata(path: Path, size: tuple[int, int] = (300, 200), alpha: bool = True) -> Path:
    """A PNG with transparency, an eXIf chunk with GPS and a text chunk."""
    from PIL import PngImagePlugin

    path.parent.mkdir(parents=True, exist_ok=True)
    image = Image.new("RGBA" if alpha else "RGB", size, (30, 160, 60, 128) if alpha else "green")
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", MARKER)
    image.save(path, "PNG", pnginfo=info, exif=exif_with_gps())
    return path


def gps_problems(folder: Path) -> list[str]:
    """Every file under `folder` that carries EXIF (GPS or not), XMP or the test marker.

    Each file is opened with Pillow when it is an image (its EXIF read back, GPS IFD
    included), and every file's bytes are searched for an EXIF header and the marker."""
    found: list[str] = []
    for path in sorted(folder.rglob("*")):
        if not path.is_file():
            continue
        rel = path.relative_to(folder).as_posix()
        data = path.read_bytes()
        if b"Exif\x00\x00" in data:
            found.append(f"{rel}: EXIF header in the bytes")
        if MARKER.encode() in data:
            found.append(f"{rel}: the test marker is in the bytes")
        try:
            image = Image.open(io.BytesIO(data))
        except Exception:
            continue  # not an image (HTML, CSS, feeds…)
        with image:
            exif = image.getexif()
            if exif.get_ifd(GPS_IFD) or GPS_IFD in exif:
                found.append(f"{rel}: GPS position in its EXIF")
            if len(exif):
                found.append(f"{rel}: EXIF tags {sorted(exif)}")
            for key in ("exif", "xmp", "XML:com.adobe.xmp", "comment", "icc_profile"):
                if image.info.get(key):
                    found.append(f"{rel}: {key} kept")
    return found


def phone_heic(path: Path, size: tuple[int, int] = (2000, 1000), orientation: int = 6) -> Path:
    """An iPhone's HEIC photo (encoded with pillow-heif's own libheif): GPS, a maker and an
    orientation flag, as the camera writes them."""
    import pillow_heif

    path.parent.mkdir(parents=True, exist_ok=True)
    image = pillow_heif.from_pillow(halves(size))
    image.info["exif"] = exif_with_gps(orientation).tobytes()
    image.save(str(path), quality=85)
    return path
