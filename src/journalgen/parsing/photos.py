"""Photos, planned: which sizes of which image are made, under which names, and the HTML
that shows them. Pure: nothing here reads or writes a file, and Pillow is not imported
(`imaging.py` reads the images, encodes the planned sizes and keeps them in a cache).

What a reader's browser gets for `![Finn in the garden](../photos/garden.jpg)`:

    <picture><source type="image/webp" srcset="/photos/garden-480.1f2e3d4c5b.webp 480w, …"
    sizes="…"><img src="/photos/garden-960.1f2e3d4c5b.jpg" srcset="… 480w, …" sizes="…"
    width="1600" height="1200" alt="Finn in the garden" loading="lazy" decoding="async">
    </picture>

The original file is never published: only sizes re-encoded without any metadata. Every
output name carries a hash of the original's bytes and of the settings, so a changed photo
gets a new address and browsers never show a stale copy.
"""

from __future__ import annotations

import hashlib
import html
import posixpath
import re
from collections.abc import Callable, Container, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal
from urllib.parse import quote, unquote

from journalgen.config import PhotoSettings
from journalgen.errors import Problem
from journalgen.parsing.gallery import GALLERY_CLASS
from journalgen.parsing.htmlrewrite import Attributes, replace_start_tags
from journalgen.parsing.markdown import CONTENT_LINK
from journalgen.parsing.slugs import slugify
from journalgen.reading.sources import Asset

PROCESSING_VERSION = "1"
"""Part of every cache key and output name: bump it when the encoding changes, so every
photo is made again (and readers' browsers fetch the new files)."""

PHOTO_SUFFIXES = frozenset(
    {".jpg", ".jpeg", ".jpe", ".jfif", ".png", ".gif", ".webp", ".tif", ".tiff", ".bmp"}
    | {".heic", ".heif", ".avif"}
)
"""Files under content/ that are photos: never copied as they are, only processed (HEIC and
AVIF are refused with a message when Pillow cannot read them)."""

IMAGE_SUFFIXES = PHOTO_SUFFIXES | {".svg"}
"""What counts as an image when a link to a missing file is an error rather than a warning."""

STATIC_FORMATS = {
    ".jpg": "JPEG",
    ".jpeg": "JPEG",
    ".png": "PNG",
    ".gif": "GIF",
    ".webp": "WEBP",
    ".tif": "TIFF",
    ".tiff": "TIFF",
}
"""Images under static/ that are re-saved, in the same format and at the same size, without
their metadata (unless the site sets `photos: {strip_static: false}`)."""

STATIC_REFUSED = frozenset({".heic", ".heif"})
"""Phone photos under static/ that cannot be re-saved: refused rather than published with
their location (and most browsers cannot show them anyway)."""

SHARE_WIDTH = 960
"""Feeds and link previews (Open Graph) use the largest size at most this wide."""

SIZES = "(min-width: 38rem) 36rem, calc(100vw - 2rem)"
"""How wide a photo is shown in the theme (its column is 38rem wide with 1rem padding)."""

GALLERY_SIZES = "(min-width: 38rem) 12rem, 45vw"
"""How wide a picture in a gallery grid is shown."""

Recipe = Literal["responsive", "animated", "same-format"]


@dataclass(frozen=True, slots=True)
class Probe:
    """What the header of an image file says (read by `imaging.probe`)."""

    path: str
    """Where the file is on disk."""
    rel: str
    """Its path inside content/ (or static/)."""
    digest: str
    """SHA-256 of its bytes."""
    width: int
    """Width as shown, with the camera's orientation flag applied."""
    height: int
    """Height as shown, with the camera's orientation flag applied."""
    format: str
    """Pillow's name of the file's format: JPEG, PNG, GIF, WEBP, TIFF, …"""
    alpha: bool
    """Whether it has transparency (then the fallback is a PNG, not a JPEG)."""
    frames: int
    """How many frames (more than one: an animation)."""


@dataclass(frozen=True, slots=True)
class Variant:
    """One file made from a photo."""

    path: str
    """Its path in the built site, e.g. `photos/garden-960.1f2e3d4c5b.jpg`."""
    file: str
    """Its name inside the photo's cache folder, e.g. `960.jpg`."""
    width: int
    height: int
    format: str
    """Pillow's format name: WEBP, JPEG, PNG, GIF, TIFF."""


@dataclass(frozen=True, slots=True)
class Photo:
    """A planned photo: where it comes from and every file made from it."""

    rel: str
    """Its path inside content/ (or static/)."""
    source: str
    """The original file on disk."""
    digest: str
    """SHA-256 of the original's bytes."""
    width: int
    """Width as shown (orientation applied), before resizing."""
    height: int
    recipe: Recipe
    """`responsive`: WebP and JPEG/PNG sizes; `animated`: one re-encoded animation;
    `same-format`: an image of static/ re-saved as it was, minus its metadata."""
    variants: tuple[Variant, ...]
    """Smallest first; for `responsive`, each width as WebP then as the fallback."""
    key: str
    """The cache key: hash of the original's bytes, the recipe, settings and version."""

    @property
    def webp(self) -> tuple[Variant, ...]:
        return tuple(v for v in self.variants if v.format == "WEBP" and self.recipe == "responsive")

    @property
    def fallback(self) -> tuple[Variant, ...]:
        """The sizes every browser can show (JPEG, or PNG for transparent images)."""
        if self.recipe != "responsive":
            return self.variants
        return tuple(v for v in self.variants if v.format != "WEBP")

    @property
    def full(self) -> Variant:
        """The largest size every browser can show: what links to the photo open."""
        return self.fallback[-1]

    @property
    def share(self) -> Variant:
        """The size for feeds and link previews: the largest at most `SHARE_WIDTH` wide."""
        fitting = [v for v in self.fallback if v.width <= SHARE_WIDTH]
        return fitting[-1] if fitting else self.fallback[0]


@dataclass(frozen=True, slots=True)
class Catalog:
    """The photos entries and pages refer to, planned, and those that cannot be read."""

    photos: dict[str, Photo]
    """By path inside content/."""
    problems: dict[str, Problem]
    """Images that cannot be used, by path inside content/: reported only when a
    published page shows them."""


EMPTY_CATALOG = Catalog({}, {})


@dataclass(frozen=True, slots=True)
class ImageUse:
    """One `<img>` of an HTML fragment, as `rewrite_images` found it."""

    src: str
    """The content path (for a content link) or the address as written."""
    alt: str
    """Its alt text, as written."""
    alt_missing: bool
    """True when it has no alt text (or only spaces)."""
    photo: Photo | None
    """The photo it shows, when it is one of the catalog's."""


def is_photo(rel: str) -> bool:
    """True for a file under content/ that is processed, never copied as it is."""
    return posixpath.splitext(rel)[1].lower() in PHOTO_SUFFIXES


def is_image(path: str) -> bool:
    return posixpath.splitext(path.split("#", 1)[0])[1].lower() in IMAGE_SUFFIXES


# --- Which files and which sizes ---------------------------------------------------------


def lookup(path: str, source_rel: str, known: Container[str]) -> str | None:
    """The content file a link written in `source_rel` means, if `known` has it.

    `photos/a.jpg` written in entries/x.md means entries/photos/a.jpg if there is one,
    else photos/a.jpg (people often write paths from content/ itself).
    """
    path = path.split("#", 1)[0]
    if path in known:
        return path
    folder = posixpath.dirname(source_rel)
    if folder and path.startswith(folder + "/") and path[len(folder) + 1 :] in known:
        return path[len(folder) + 1 :]
    return None


def referenced(
    assets: Iterable[Asset], documents: Iterable[tuple[str, Sequence[str]]]
) -> tuple[Asset, ...]:
    """The photos among `assets` that some document links to.

    `documents` are (path inside content/, content paths it links to). Only these photos
    are read, so a folder of a thousand unused pictures costs nothing.
    """
    photos = {asset.rel: asset for asset in assets if is_photo(asset.rel)}
    wanted: dict[str, Asset] = {}
    for source_rel, links in documents:
        for link in links:
            key = lookup(link, source_rel, photos)
            if key is not None:
                wanted[key] = photos[key]
    return tuple(wanted[rel] for rel in sorted(wanted))


def cache_key(digest: str, recipe: Recipe, settings: PhotoSettings, extra: str = "") -> str:
    """Everything the files made from a photo depend on, hashed."""
    parts = [
        PROCESSING_VERSION,
        recipe,
        digest,
        ",".join(map(str, settings.widths)),
        str(settings.quality),
        extra,
    ]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def plan(probe: Probe, settings: PhotoSettings) -> Photo:
    """The files to make from a photo under content/.

    A still image gets each of `settings.widths` that is narrower than the original, plus
    the original width when it is narrower than the widest setting: never upscaled. An
    animation keeps its size and stays animated.
    """
    folder, stem = _output_name(probe.rel)
    if probe.frames > 1 and probe.format in ("GIF", "WEBP", "PNG"):
        # (A multi-page TIFF, or a phone's JPEG with a depth map (MPO), is a still photo.)
        fmt = probe.format
        key = cache_key(probe.digest, "animated", settings, fmt)
        ext = _EXTENSIONS[fmt]
        variant = Variant(
            f"{folder}{stem}.{key[:10]}.{ext}", f"full.{ext}", probe.width, probe.height, fmt
        )
        return _photo(probe, "animated", (variant,), key)
    key = cache_key(probe.digest, "responsive", settings)
    fallback = "PNG" if probe.alpha else "JPEG"
    variants: list[Variant] = []
    for width in sorted({min(width, probe.width) for width in settings.widths}):
        height = max(1, round(probe.height * width / probe.width))
        for fmt in ("WEBP", fallback):
            ext = _EXTENSIONS[fmt]
            path = f"{folder}{stem}-{width}.{key[:10]}.{ext}"
            variants.append(Variant(path, f"{width}.{ext}", width, height, fmt))
    return _photo(probe, "responsive", tuple(variants), key)


def plan_static(probe: Probe, settings: PhotoSettings) -> Photo:
    """An image of static/: the same name, format and size, without its metadata."""
    fmt = STATIC_FORMATS.get(posixpath.splitext(probe.rel)[1].lower(), probe.format)
    key = cache_key(probe.digest, "same-format", settings, fmt)
    ext = _EXTENSIONS.get(fmt, "img")
    variant = Variant(probe.rel, f"static.{ext}", probe.width, probe.height, fmt)
    return _photo(probe, "same-format", (variant,), key)


_EXTENSIONS = {"WEBP": "webp", "JPEG": "jpg", "PNG": "png", "GIF": "gif", "TIFF": "tif"}


def _photo(probe: Probe, recipe: Recipe, variants: tuple[Variant, ...], key: str) -> Photo:
    return Photo(
        rel=probe.rel,
        source=probe.path,
        digest=probe.digest,
        width=probe.width,
        height=probe.height,
        recipe=recipe,
        variants=variants,
        key=key,
    )


def _output_name(rel: str) -> tuple[str, str]:
    """(`folder/`, stem) for the files made from `rel`: URL-safe, lower-case names, so no
    address needs escaping (`Summer 2026/IMG_0001.JPG` -> `summer-2026/`, `img-0001`)."""
    folder, name = posixpath.split(rel)
    parts = [slugify(part) or "photos" for part in folder.split("/") if part]
    stem = slugify(posixpath.splitext(name)[0]) or "photo"
    return "".join(part + "/" for part in parts), stem


# --- The HTML that shows them ------------------------------------------------------------


def picture_html(
    photo: Photo,
    alt: str,
    base_path: str,
    *,
    lazy: bool,
    sizes: str = SIZES,
    attributes: str = "",
    width: int | None = None,
) -> str:
    """A `<picture>` (WebP sizes, then JPEG/PNG sizes) for a still photo, or an `<img>` for
    an animation. `attributes` (already escaped, each starting with a space) are added to
    the `<img>`; `width` is a display width the author asked for."""
    full = photo.full
    shown_width = width or full.width
    shown_height = max(1, round(full.height * shown_width / full.width))
    loading = ' loading="lazy" decoding="async"' if lazy else ' decoding="async"'
    common = (
        f' width="{shown_width}" height="{shown_height}" alt="{html.escape(alt)}"'
        f"{attributes}{loading}"
    )
    if photo.recipe != "responsive":
        return f'<img src="{_url(base_path, photo.full)}"{common}>'
    webp = ", ".join(f"{_url(base_path, v)} {v.width}w" for v in photo.webp)
    fallback = ", ".join(f"{_url(base_path, v)} {v.width}w" for v in photo.fallback)
    return (
        f'<picture><source type="image/webp" srcset="{webp}" sizes="{sizes}">'
        f'<img src="{_url(base_path, photo.share)}" srcset="{fallback}" sizes="{sizes}"'
        f"{common}></picture>"
    )


def _url(base_path: str, variant: Variant) -> str:
    """The site URL of a made file (names are URL-safe; quoted all the same)."""
    return base_path + quote(variant.path, safe="/")


_KEPT_ATTRIBUTES = ("title", "class", "id")
"""Attributes of an author's `<img>` carried over to the `<img>` of its `<picture>`."""


def rewrite_images(
    fragment: str,
    find: Callable[[str], Photo | None],
    base_path: str,
    *,
    eager_first: bool,
) -> tuple[str, tuple[ImageUse, ...]]:
    """Replace each `<img>` of a photo (its `src` a `journalgen:` content link that `find`
    knows) by a `<picture>`; every other `<img>` gets `loading`/`decoding` attributes.

    Every image but the first (when `eager_first`) loads lazily. Returns the new fragment
    and every `<img>` found, for the alt-text and missing-file checks.
    """
    uses: list[ImageUse] = []

    def replace(tag: str, attributes: Attributes, written: str) -> str:
        values = {name: value for name, value in attributes}
        src = values.get("src") or ""
        alt = values.get("alt")
        content = unquote(src[len(CONTENT_LINK) :]) if src.startswith(CONTENT_LINK) else None
        photo = find(content) if content is not None else None
        uses.append(
            ImageUse(
                content if content is not None else src, alt or "", not (alt or "").strip(), photo
            )
        )
        lazy = not (eager_first and len(uses) == 1)
        if photo is None:
            return _with_loading(written, values, lazy)
        kept = "".join(
            f' {name}="{html.escape(values[name] or "")}"'
            for name in _KEPT_ATTRIBUTES
            if name in values
        )
        classes = (values.get("class") or "").split()
        sizes = GALLERY_SIZES if GALLERY_CLASS in classes else SIZES
        return picture_html(
            photo,
            alt or "",
            base_path,
            lazy=lazy,
            sizes=sizes,
            attributes=kept,
            width=_display_width(values.get("width"), photo),
        )

    return replace_start_tags(fragment, frozenset({"img"}), replace), tuple(uses)


def _display_width(value: str | None, photo: Photo) -> int | None:
    """A `width="300"` the author wrote, when it is a plausible number of pixels."""
    if value is None or not value.strip().isdigit():
        return None
    width = int(value.strip())
    return width if 0 < width <= photo.full.width else None


def _with_loading(written: str, values: dict[str, str | None], lazy: bool) -> str:
    """An `<img>` as the author wrote it, plus `loading`/`decoding` unless it has them."""
    extra = ""
    if lazy and "loading" not in values:
        extra += ' loading="lazy"'
    if "decoding" not in values:
        extra += ' decoding="async"'
    if not extra:
        return written
    end = len(written) - 2 if written.endswith("/>") else len(written) - 1
    return written[:end].rstrip() + extra + written[end:]


_PICTURE = re.compile(r'<picture><source type="image/webp" [^>]*>(<img [^>]*>)</picture>')
_RESPONSIVE_ATTRIBUTE = re.compile(r' (?:srcset|sizes|loading|decoding|width|height)="[^"]*"')


def for_feeds(fragment: str) -> str:
    """Each `<picture>` made by `picture_html` as a plain `<img>` of the share size: feed
    readers drop `<picture>`, `srcset` and lazy loading, or get them wrong (and the width
    and height are those of the largest size, not of this one)."""
    return _PICTURE.sub(lambda match: _RESPONSIVE_ATTRIBUTE.sub("", match.group(1)), fragment)


def line_of(text: str, content_path: str, source_rel: str) -> int | None:
    """The first line of `text` (the file at `source_rel`) that mentions `content_path`:
    as written relative to the file, from content/, or at least by its file name."""
    path = content_path.split("#", 1)[0]
    if not path:
        return None  # `<img src="#">`: nothing to look for
    folder = posixpath.dirname(source_rel)
    candidates = [posixpath.relpath(path, folder or "."), path, posixpath.basename(path)]
    lines = text.splitlines()
    for candidate in candidates:
        for form in dict.fromkeys((candidate, quote(candidate, safe="/"))):
            for number, line in enumerate(lines, start=1):
                if form in line:
                    return number
    return None
