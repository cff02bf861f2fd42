"""Photos, made: read each image's header, encode the sizes `photos.py` planned, and keep
them in a cache so that a rebuild encodes nothing that has not changed.

This is the one module besides sources.py that reads the site's files (the images' bytes)
and besides writer.py that writes files (only into the cache: the writer copies from it).

What is kept and what is dropped:
- The camera's orientation flag is applied to the pixels, then every piece of metadata is
  dropped: EXIF (with the GPS position, the camera, the date), XMP, IPTC, comments. Each
  output image is saved from a fresh `info`, with no `exif=`/`xmp=`/`comment=` argument.
- Colours: an image with an embedded colour profile (a phone's Display P3, a printer's
  CMYK) is converted to sRGB with littlecms and saved *without* a profile. Browsers show
  untagged images as sRGB, so colours stay right, and a profile (which may name the
  device) is not published.
- CMYK becomes RGB; 16-bit images become 8-bit (scaled, not clipped); palette images with
  transparency keep it (WebP with alpha and a PNG fallback).
- Animated GIFs (and animated WebP/PNG) stay animated, re-encoded frame by frame at their
  size without metadata.

Limits, so that a strange file cannot hang a build or exhaust memory:
- `MAX_PIXELS` (50 megapixels: a 48-megapixel phone photo fits; the 108- and
  200-megapixel modes of some phones are refused with a hint to export a smaller copy): a
  larger image, including a "decompression bomb" whose header claims a huge size, is
  refused before its pixels are decoded.
- `MAX_PHOTO_BYTES` (100 MB) per file; `MAX_ANIMATION_PIXELS` over all frames.
- A damaged (truncated) file, or one that is not an image, is refused with its name.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import json
import multiprocessing
import os
import shutil
import sys
import time
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image, ImageCms, ImageOps, ImageSequence, UnidentifiedImageError

from journalgen.config import PhotoSettings
from journalgen.errors import JournalError, Problem, printable
from journalgen.output.outputs import Copy
from journalgen.parsing.photos import (
    STATIC_FORMATS,
    STATIC_REFUSED,
    Catalog,
    Photo,
    Probe,
    Variant,
    plan,
    plan_static,
)
from journalgen.reading.sources import Asset

MAX_PIXELS = 50_000_000
"""Largest image accepted, in pixels (a 48-megapixel phone photo fits). Decoding an image
takes 3-4 bytes per pixel, so this also bounds memory: ~200 MB per image at most."""

MAX_ANIMATION_PIXELS = 60_000_000
"""Largest animation accepted, in pixels summed over its frames (all are held at once)."""

PARALLEL_PIXELS = 30_000_000
"""Below this many pixels to encode, photos are encoded one after the other in the build's
own process (starting worker processes would cost more than it saves)."""

MAX_PHOTO_BYTES = 100 * 1024 * 1024
"""Largest image file accepted: no camera writes a bigger JPEG."""

CACHE_FOLDER = Path(".cache") / "journalgen" / "photos"
"""Where processed photos are kept, inside the site folder. Safe to delete at any time."""

CACHE_MAX_AGE_DAYS = 60
"""A cached photo no build has used for this long is deleted (an old version of an
edited photo, a photo removed from the journal)."""

_MANIFEST = "done.json"
"""Written last into a cache folder: the files it holds and their sizes."""

_WEBP_METHOD = 4
"""libwebp's effort, 0-6: 4 is its default; 6 is ~2x slower for ~3% smaller files."""

_STATIC_QUALITY = 90
"""JPEG/WebP quality of re-saved static/ images (a logo or banner: keep it crisp)."""


@dataclass(frozen=True, slots=True)
class Processed:
    """What `process` hands to the writer, and what it did."""

    copies: tuple[Copy, ...]
    """Every file to copy into the site: the made photos (from the cache) and the given
    copies, with static images replaced by their stripped versions."""
    encoded: int
    """Images encoded in this build."""
    reused: int
    """Images whose files were already in the cache."""


# --- Reading headers ---------------------------------------------------------------------


Prober = Callable[[Path, str], Probe]
"""Reads what an image is (`probe`, or a memo of it: cache.py)."""


def inspect(
    assets: Iterable[Asset], settings: PhotoSettings, reader: Prober | None = None
) -> Catalog:
    """Read and plan each photo (with `reader`, by default `probe`); one that cannot be
    used is kept as a problem, reported only if a published page shows it."""
    read = reader or probe
    photos: dict[str, Photo] = {}
    problems: dict[str, Problem] = {}
    for asset in assets:
        try:
            photos[asset.rel] = plan(read(asset.path, asset.rel), settings)
        except JournalError as err:
            problems[asset.rel] = err.problems[0]
    return Catalog(photos, problems)


def probe(path: Path, rel: str) -> Probe:
    """What the image at `path` is, from its header (its pixels are not decoded)."""
    data = _read(path)
    with _opened(data, path) as image:
        width, height = image.size
        frames = _frame_count(image)
        if _is_rotated(image):
            width, height = height, width
        return Probe(
            path=str(path),
            rel=rel,
            digest=hashlib.sha256(data).hexdigest(),
            width=width,
            height=height,
            format=image.format or "",
            alpha=_has_alpha(image),
            frames=frames,
        )


def _read(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_PHOTO_BYTES:
            raise JournalError.at(
                path,
                f"this image is {size / 1024 / 1024:.0f} MB; a photo may be at most "
                f"{MAX_PHOTO_BYTES // 1024 // 1024} MB",
                hint="Export a smaller copy (a phone's 'share' or 'export' usually does).",
            )
        return path.read_bytes()
    except OSError as err:
        raise JournalError.at(path, f"cannot read this image: {err.strerror or err}") from err


class _opened:
    """`Image.open` on bytes, with every failure turned into an error naming the file."""

    def __init__(self, data: bytes, path: Path, *, quiet: bool = True) -> None:
        self.data = data
        self.path = path
        self.quiet = quiet
        """Silence Pillow's warning about large images (`_check_size` decides with its own
        limit). Only on the main thread: `warnings.catch_warnings` is not thread-safe, and
        images reaching the encoding threads were already checked."""
        self.image: Image.Image | None = None

    def __enter__(self) -> Image.Image:
        with warnings.catch_warnings() if self.quiet else contextlib.nullcontext():
            if self.quiet:
                warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            try:
                if _is_heif(self.data):
                    _read_heif()
                self.image = Image.open(io.BytesIO(self.data))
            except Image.DecompressionBombError as err:
                raise _too_large(self.path, None) from err
            except UnidentifiedImageError as err:
                raise JournalError.at(
                    self.path,
                    "this is not an image journalgen can read (or the file is damaged)",
                    hint="Use a photo as your phone or camera saved it (JPEG, HEIC, PNG, "
                    "GIF or WebP), or save it again as a JPEG.",
                ) from err
            except Exception as err:
                raise _damaged(self.path, err) from err
        _check_size(self.image, self.path)
        return self.image

    def __exit__(self, *exc: object) -> None:
        if self.image is not None:
            self.image.close()


_HEIF_BRANDS = (b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1")


def _is_heif(data: bytes) -> bool:
    """An iPhone's HEIC photo (or another HEIF file), by its first box, whatever its name."""
    return data[4:8] == b"ftyp" and data[8:12] in _HEIF_BRANDS


@functools.cache
def _read_heif() -> None:
    """Teach Pillow to open HEIF photos (pillow-heif, which bundles libheif: no system
    library needed). Once per process; only when a journal has such a photo."""
    import pillow_heif

    pillow_heif.register_heif_opener()


def _check_size(image: Image.Image, path: Path) -> None:
    width, height = image.size
    if width < 1 or height < 1:
        raise _damaged(path, ValueError(f"it says it is {width}×{height} pixels"))
    if width * height > MAX_PIXELS:
        raise _too_large(path, (width, height))


def _too_large(path: Path, size: tuple[int, int] | None) -> JournalError:
    said = f" ({size[0]}×{size[1]} = {size[0] * size[1] / 1e6:.0f} megapixels)" if size else ""
    return JournalError.at(
        path,
        f"this image is too large{said}; journalgen accepts at most "
        f"{MAX_PIXELS // 1_000_000} megapixels",
        hint="Export a smaller copy of it (4000 pixels wide is plenty). A small file that "
        "claims to be huge may be a deliberately broken image: delete it.",
    )


def _damaged(path: Path, err: BaseException) -> JournalError:
    reason = str(err).strip() or type(err).__name__
    return JournalError.at(
        path,
        f"this image is damaged or incomplete and cannot be read ({reason})",
        hint="Copy it again from the phone or camera, or open it in a photo program and "
        "save it as a new JPEG.",
    )


def _frame_count(image: Image.Image) -> int:
    frames = int(getattr(image, "n_frames", 1) or 1)
    return frames if getattr(image, "is_animated", frames > 1) else 1


def _is_rotated(image: Image.Image) -> bool:
    """True when the orientation flag turns the image a quarter turn (flags 5 to 8)."""
    try:
        orientation = image.getexif().get(0x0112)
    except Exception:  # a broken EXIF block: ignored, as browsers do
        return False
    return orientation in (5, 6, 7, 8)


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info


# --- Making the files --------------------------------------------------------------------


def process(
    photos: Sequence[Photo],
    copies: Sequence[Copy],
    settings: PhotoSettings,
    cache_dir: Path,
    *,
    workers: int | None = None,
    progress: bool = False,
) -> Processed:
    """Make every planned photo (or take it from `cache_dir`), and strip the images among
    `copies` (those of static/) unless `settings.strip_static` is off.

    Photos are encoded by `workers` processes (default: see `_worker_count`; 1 encodes
    them here, one after the other).
    """
    problems: list[Problem] = []
    statics: dict[str, Photo] = {}
    kept: list[Copy] = []
    for copy in copies:
        suffix = Path(copy.path).suffix.lower()
        if not settings.strip_static or (
            suffix not in STATIC_FORMATS and suffix not in STATIC_REFUSED
        ):
            kept.append(copy)
            continue
        if suffix in STATIC_REFUSED:
            problems.append(_refused_static(copy.source))
            continue
        try:
            statics[copy.path] = plan_static(probe(copy.source, copy.path), settings)
        except JournalError as err:
            problems.extend(err.problems)
    if problems:
        raise JournalError(problems)
    work = {photo.key: photo for photo in [*photos, *statics.values()]}
    cache = PhotoCache(cache_dir)
    todo = [photo for photo in work.values() if not cache.has(photo)]
    problems.extend(_run(todo, cache, settings, workers, progress))
    if problems:
        raise JournalError(problems)
    cache.prune(set(work))
    made: dict[str, Copy] = {}
    for photo in photos:
        for variant in photo.variants:
            made.setdefault(variant.path, Copy(variant.path, cache.file(photo, variant)))
    for path, photo in statics.items():
        made[path] = Copy(path, cache.file(photo, photo.variants[0]))
    return Processed(
        copies=(*kept, *made.values()),
        encoded=len(todo),
        reused=len(work) - len(todo),
    )


def _refused_static(path: Path) -> Problem:
    return Problem(
        path,
        None,
        "a HEIC photo in static/ would be published with its location and camera details, "
        "and most browsers cannot show it",
        "Convert it to JPEG, or put it in content/photos/ and show it in an entry. "
        "(`photos: {strip_static: false}` publishes static/ exactly as it is.)",
    )


def _run(
    todo: Sequence[Photo],
    cache: PhotoCache,
    settings: PhotoSettings,
    workers: int | None,
    progress: bool = False,
) -> list[Problem]:
    """Make each photo, in worker processes when there is enough work; every problem.

    Processes rather than threads: Pillow's WebP encoder keeps the interpreter lock, so
    threads were measured no faster than one. Workers are started with `spawn` (a fresh
    interpreter), never `fork`, which is unsafe in a program with threads (serve, watch).
    """
    count = _worker_count(todo) if workers is None else workers
    with _bar(len(todo), progress) as bar:
        if count > 1 and len(todo) > 1:
            try:
                context = multiprocessing.get_context("spawn")
                with ProcessPoolExecutor(min(count, len(todo)), mp_context=context) as pool:
                    jobs = {pool.submit(_make, cache.root, p, settings): p for p in todo}
                    found: list[Problem] = []
                    for job in as_completed(jobs):
                        found += job.result()
                        _advance(bar, jobs[job])
                    return found
            except (OSError, BrokenProcessPool):
                # No processes here (a locked-down system), or a worker died (out of
                # memory): make what is still missing one by one, which reports any real
                # problem.
                todo = [photo for photo in todo if not cache.has(photo)]
        problems: list[Problem] = []
        for photo in todo:
            problems += _make(cache.root, photo, settings)
            _advance(bar, photo)
        return problems


@contextlib.contextmanager
def _bar(total: int, shown: bool) -> Iterator[Any]:
    """A progress bar on the terminal (standard error) while photos are made: counts, the
    photo just made and the time left; nothing when not asked for (not a terminal)."""
    if not shown or not total:
        yield None
        return
    from tqdm import tqdm

    with tqdm(total=total, unit="photo", desc="Photos", file=sys.stderr, leave=False) as bar:
        yield bar


def _advance(bar: Any, photo: Photo) -> None:
    if bar is not None:
        bar.set_postfix_str(printable(Path(photo.source).name), refresh=False)
        bar.update(1)


def _worker_count(todo: Sequence[Photo]) -> int:
    """Processes worth starting: one per processor (at most 4, each may hold a 50-megapixel
    image), when there are more than `PARALLEL_PIXELS` to encode (starting one costs about
    a third of a second, as much as encoding a 12-megapixel photo)."""
    if sum(photo.width * photo.height for photo in todo) < PARALLEL_PIXELS:
        return 1
    try:
        processors = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux
        processors = os.cpu_count() or 1
    return max(1, min(4, processors))


def _make(root: Path, photo: Photo, settings: PhotoSettings) -> list[Problem]:
    """Make one photo into the cache at `root` (in a worker process, or not)."""
    try:
        PhotoCache(root).make(photo, settings)
    except JournalError as err:
        return list(err.problems)
    return []


class PhotoCache:
    """Folders of made files, one per photo, named by `Photo.key`.

    A folder is complete once it holds `done.json` (written last, then the whole folder is
    renamed into place), so an interrupted build never leaves a half-made photo behind.
    """

    def __init__(self, root: Path) -> None:
        self.root = root

    def folder(self, photo: Photo) -> Path:
        return self.root / photo.key

    def file(self, photo: Photo, variant: Variant) -> Path:
        return self.folder(photo) / variant.file

    def has(self, photo: Photo) -> bool:
        """True when every file of `photo` is in the cache, with the size it was made at."""
        folder = self.folder(photo)
        try:
            manifest = json.loads((folder / _MANIFEST).read_text(encoding="utf-8"))
            complete = all(
                (folder / variant.file).stat().st_size == manifest["files"][variant.file]
                for variant in photo.variants
            )
        except (OSError, ValueError, KeyError, TypeError):
            return False
        if complete:
            _touch(folder)
        return complete

    def make(self, photo: Photo, settings: PhotoSettings) -> None:
        """Encode `photo` into a fresh folder and move it into place."""
        folder = self.folder(photo)
        staging = self.root / f".{photo.key}.{os.getpid()}.{id(photo):x}.tmp"
        try:
            shutil.rmtree(staging, ignore_errors=True)
            staging.mkdir(parents=True)
        except OSError as err:
            raise JournalError.at(
                self.root,
                f"cannot write the photo cache: {err.strerror or err}",
                hint="journalgen keeps processed photos in .cache/ in the site folder: make "
                "that folder writable (it is safe to delete).",
            ) from err
        try:
            encode(photo, staging, settings)
            sizes = {v.file: (staging / v.file).stat().st_size for v in photo.variants}
            manifest = {"source": photo.rel, "files": sizes}
            (staging / _MANIFEST).write_text(json.dumps(manifest) + "\n", encoding="utf-8")
            shutil.rmtree(folder, ignore_errors=True)
            try:
                staging.rename(folder)
            except OSError:
                if not self.has(photo):  # another build did not just make it: a real error
                    raise
        finally:
            shutil.rmtree(staging, ignore_errors=True)

    def prune(self, used: set[str]) -> None:
        """Delete folders not used by any build for `CACHE_MAX_AGE_DAYS`, and leftovers of
        interrupted builds older than a day."""
        now = time.time()
        try:
            children = list(self.root.iterdir())
        except OSError:
            return
        for child in children:
            if child.name in used:
                continue
            try:
                age = now - child.stat().st_mtime
            except OSError:
                continue
            leftover = child.name.endswith(".tmp") and age > 86400
            if leftover or age > CACHE_MAX_AGE_DAYS * 86400:
                shutil.rmtree(child, ignore_errors=True)


def _touch(folder: Path) -> None:
    with contextlib.suppress(OSError):
        os.utime(folder)


# --- Encoding ----------------------------------------------------------------------------


def encode(photo: Photo, folder: Path, settings: PhotoSettings) -> None:
    """Write every variant of `photo` into `folder` (named by `Variant.file`)."""
    path = Path(photo.source)
    data = _read(path)
    if hashlib.sha256(data).hexdigest() != photo.digest:
        raise JournalError.at(
            path, "this image changed while the site was being built", hint="Build again."
        )
    with _opened(data, path, quiet=False) as image:
        try:
            if photo.recipe == "animated" or (
                photo.recipe == "same-format" and _frame_count(image) > 1
            ):
                _encode_animation(image, photo, folder, path)
            elif photo.recipe == "same-format":
                _encode_same_format(image, photo.variants[0], folder)
            else:
                _encode_sizes(image, photo, folder, settings)
        except JournalError:
            raise
        except (OSError, SyntaxError, ValueError, EOFError, TypeError, IndexError) as err:
            raise _damaged(path, err) from err


def _encode_sizes(image: Image.Image, photo: Photo, folder: Path, settings: PhotoSettings) -> None:
    widest = max(photo.variants, key=lambda v: v.width)
    if image.format in ("JPEG", "MPO"):
        # libjpeg can decode at 1/2, 1/4 or 1/8 scale: much faster for 12-megapixel photos.
        raw = (widest.height, widest.width) if _is_rotated(image) else (widest.width, widest.height)
        image.draft("RGB" if image.mode == "RGB" else None, raw)
    icc = image.info.get("icc_profile")
    image.load()
    ImageOps.exif_transpose(image, in_place=True)  # no copy of a 50-megapixel image
    base = _eight_bit(image)
    if base.size != (widest.width, widest.height):
        base = base.resize(
            (widest.width, widest.height), Image.Resampling.LANCZOS, reducing_gap=3.0
        )
    alpha = any(v.format == "PNG" for v in photo.variants)
    base = _srgb(base, icc if isinstance(icc, bytes) else None, alpha)
    made: dict[int, Image.Image] = {}
    for variant in sorted(photo.variants, key=lambda v: -v.width):
        sized = made.get(variant.width)
        if sized is None:
            sized = (
                base
                if variant.width == base.width
                else base.resize(
                    (variant.width, variant.height), Image.Resampling.LANCZOS, reducing_gap=3.0
                )
            )
            made[variant.width] = sized
        _save(sized, folder / variant.file, variant.format, settings.quality)


def _eight_bit(image: Image.Image) -> Image.Image:
    """16-bit and 32-bit images as 8-bit grey, scaled (a plain conversion would clip)."""
    if image.mode in ("I;16", "I;16B", "I;16L", "I;16N"):
        return image.convert("I").point(lambda v: v * (1 / 256)).convert("L")
    if image.mode in ("I", "F"):
        low, high = image.getextrema()
        if isinstance(high, (int, float)) and isinstance(low, (int, float)) and high > 255:
            return image.convert("I").point(lambda v: v * (1 / 256)).convert("L")
        return image.convert("L")
    if image.mode == "1":
        return image.convert("L")
    if image.mode == "P":
        return image.convert("RGBA" if "transparency" in image.info else "RGB")
    if image.mode in ("PA", "RGBa", "La"):
        return image.convert("RGBA")
    return image


def _srgb(image: Image.Image, icc: bytes | None, alpha: bool) -> Image.Image:
    """`image` in sRGB (RGB, or RGBA when `alpha`), converted from its colour profile."""
    mode = "RGBA" if alpha else "RGB"
    if icc:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            if "srgb" not in (ImageCms.getProfileDescription(source) or "").lower():
                target = ImageCms.createProfile("sRGB")
                converted = ImageCms.profileToProfile(image, source, target, outputMode=mode)
                if converted is not None:
                    return converted
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
            pass  # a profile littlecms cannot use: the plain conversion below
    if image.mode == "CMYK" and alpha:
        return image.convert("RGB").convert("RGBA")
    return image if image.mode == mode else image.convert(mode)


def _save(image: Image.Image, path: Path, fmt: str, quality: int) -> None:
    """Save without metadata: a fresh `info`, and no exif/xmp/icc/comment arguments."""
    image.info = {}
    if fmt == "WEBP":
        image.save(path, "WEBP", quality=quality, method=_WEBP_METHOD)
    elif fmt == "JPEG":
        rgb = image if image.mode in ("RGB", "L") else image.convert("RGB")
        rgb.info = {}
        rgb.save(path, "JPEG", quality=quality, optimize=True, progressive=True)
    elif fmt == "PNG":
        image.save(path, "PNG", compress_level=6)
    else:
        image.save(path, fmt)


def _encode_same_format(image: Image.Image, variant: Variant, folder: Path) -> None:
    """A static/ image re-saved as it was (same format and size), without metadata."""
    icc = image.info.get("icc_profile")
    transparency = image.info.get("transparency")
    image.load()
    ImageOps.exif_transpose(image, in_place=True)
    oriented = image
    fmt = variant.format
    target = folder / variant.file
    if fmt in ("PNG", "GIF") and oriented.mode in ("P", "L", "1"):
        # Palette and grey images stay small: keep their mode and transparency.
        oriented.info = {}
        extra = {} if transparency is None else {"transparency": transparency}
        oriented.save(target, fmt, **extra)
        return
    alpha = fmt in ("PNG", "WEBP", "TIFF") and _has_alpha(image)
    rgb = _srgb(_eight_bit(oriented), icc if isinstance(icc, bytes) else None, alpha)
    if fmt == "TIFF":
        rgb.info = {}
        rgb.save(target, "TIFF", compression="tiff_lzw")
    else:
        _save(rgb, target, fmt, _STATIC_QUALITY)


def _encode_animation(image: Image.Image, photo: Photo, folder: Path, path: Path) -> None:
    """An animation, frame by frame, at its size; its timing and looping are kept."""
    variant = photo.variants[0]
    frames = _frame_count(image)
    if frames * image.width * image.height > MAX_ANIMATION_PIXELS:
        raise JournalError.at(
            path,
            f"this animation is too large ({frames} frames of {image.width}×{image.height})",
            hint="Make it shorter or smaller, or use a video instead.",
        )
    loop = image.info.get("loop", 0)
    durations: list[int] = []
    pictures: list[Image.Image] = []
    for frame in ImageSequence.Iterator(image):
        durations.append(int(frame.info.get("duration", 100) or 100))
        pictures.append(ImageOps.exif_transpose(frame.convert("RGBA")))
    for picture in pictures:
        picture.info = {}
    first, rest = pictures[0], pictures[1:]
    options: dict[str, object] = {"save_all": True, "append_images": rest, "duration": durations}
    options["loop"] = loop if isinstance(loop, int) else 0
    if variant.format == "GIF":
        options["disposal"] = 2
    elif variant.format == "WEBP":
        options["quality"] = _STATIC_QUALITY
    first.save(folder / variant.file, variant.format, **options)
