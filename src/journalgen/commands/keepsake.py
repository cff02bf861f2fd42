"""`journalgen keepsake [FOLDER]`: the whole published journal as a folder (and a zip of
it) that opens from any disk, a USB stick, in any browser, with no server and no network.

It is its own build (`BuildOptions.keepsake`: no forms, feeds or links to them), then
every address in its pages is made relative and pointed at a file (a folder's link ends in
`index.html`), since a page opened from a disk finds nothing at `/`. What needs the website
is left out: the feeds, the host's rules, the thank-you pages of forms, the subscribe page,
the addresses kept for an old blog. Names are ones Windows and USB sticks (FAT) accept.
The typeset book (`book.pdf`) is put beside the pages. Drafts, held farewells, pending
messages and followers are never in it: it is built as the website is.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import os
import posixpath
import re
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING
from urllib.parse import quote, unquote, urlsplit

from journalgen.errors import JournalError
from journalgen.output import files

if TYPE_CHECKING:
    from journalgen.structure.site import Site

DEFAULT_NAME = "keepsake"
STAGE = Path(".journalgen") / "keepsake-build"
"""Where the keepsake's own build is made (kept, so the next keepsake builds only what
changed)."""

LEFT_OUT = frozenset(
    {"_headers", "_redirects", "robots.txt", "sitemap.xml", "schedule.json", "feed.xsl"}
    | {".journalgen-output.json", "404.html"}
)
"""Files of the website that need the website (a host, a feed reader, a search engine)."""
LEFT_OUT_FOLDERS = ("subscribe/", "guestbook/thanks/")
FEEDS = ("feed.xml", "atom.xml")

_FORBIDDEN = re.compile(r'[<>:"\\|?*\x00-\x1f]')
"""Characters Windows and FAT-formatted USB sticks refuse in a name."""
_RESERVED = frozenset(
    {"con", "prn", "aux", "nul"}
    | {f"com{n}" for n in range(1, 10)}
    | {f"lpt{n}" for n in range(1, 10)}
)
MAX_PART = 100
MAX_PATH = 180
"""Characters of a path inside the keepsake: Windows' limit is 260 for the whole path,
which leaves room for where the folder is copied (`E:\\Family papers\\keepsake\\`)."""


@dataclass(frozen=True, slots=True)
class Made:
    folder: Path
    archive: Path
    pages: int
    files: int
    book: bool


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
    site: argparse.ArgumentParser,
) -> None:
    keepsake = commands.add_parser(
        "keepsake",
        parents=[common, site],
        help="a copy of the journal that opens from any disk (a USB stick), and its zip",
        description="Write the whole published journal (every page, photo, approved "
        "message and the book) as a folder that opens in any browser from a disk, with no "
        "internet, and the same folder as a zip file beside it.",
    )
    keepsake.add_argument(
        "folder",
        metavar="FOLDER",
        nargs="?",
        help=f"where to write it (default: {DEFAULT_NAME}/ in the journal's folder, and "
        f"{DEFAULT_NAME}.zip beside it)",
    )
    keepsake.add_argument(
        "--no-pdf", action="store_true", help="leave out the typeset book (book.pdf)"
    )
    keepsake.set_defaults(run=_run, locks="keepsake")


def safe_name(part: str) -> str:
    """A file or folder name Windows and FAT accept, as close to `part` as can be."""
    name = _FORBIDDEN.sub("-", part).rstrip(" .") or "-"
    if name.split(".")[0].lower() in _RESERVED:
        name = "_" + name
    if len(name) > MAX_PART:
        _, dot, suffix = name.rpartition(".")
        keep = suffix if dot and len(suffix) <= 8 else ""
        digest = hashlib.sha256(part.encode()).hexdigest()[:8]
        name = name[: MAX_PART - len(keep) - 10] + "-" + digest + ("." + keep if keep else "")
    return name


def _start(path: Path) -> bytes:
    """The head of a page, where a forwarding page says so."""
    with path.open("rb") as handle:
        return handle.read(4000)


def _kept(rel: str, data: bytes) -> bool:
    if rel in LEFT_OUT or rel.startswith(LEFT_OUT_FOLDERS) or rel.endswith(FEEDS):
        return False
    # An old blog's address, kept by a page that sends the browser on: the website's alone.
    return not (rel.endswith(".html") and b'http-equiv="refresh"' in data[:4000])


def relative_links(html: str, page: str, names: dict[str, str], base_url: str) -> str:
    """`html` (the page at `page`, a path in the keepsake's own names) with every address
    of the journal made relative and pointing at a file; a link to something left out
    loses its address (its words stay)."""
    from journalgen.parsing.htmlrewrite import rewrite_urls

    base_path = urlsplit(base_url).path or "/"
    here = posixpath.dirname(page)

    def local(tag: str, attribute: str, url: str) -> str | None:
        if url.startswith(base_url):
            url = base_path + url[len(base_url) :]
        if not url.startswith(base_path) or url.startswith("//"):
            return url  # another website, or a place in this page
        parts = urlsplit(url)
        path = unquote(parts.path[len(base_path) :])
        if path == "" or path.endswith("/"):
            path += "index.html"
        target = names.get(path) or names.get(path + "/index.html")  # `/about` as `/about/`
        if target is None:
            return None
        relative = posixpath.relpath(target, here or ".")
        return quote(relative) + (f"#{parts.fragment}" if parts.fragment else "")

    return rewrite_urls(html, local)


def make(site_dir: Path, folder: Path, *, pdf: bool = True) -> Made:
    """Build the keepsake of the journal in `site_dir` into `folder` and `folder`.zip,
    each written whole or not at all."""
    from journalgen.build import BuildOptions, build

    stage = site_dir / STAGE
    report = build(BuildOptions(site_dir=site_dir, out_dir=stage, keepsake=True))
    site = report.site
    assert site is not None
    found: dict[str, Path] = {}
    for path in sorted(p for p in stage.rglob("*") if p.is_file()):
        rel = path.relative_to(stage).as_posix()
        if _kept(rel, _start(path) if rel.endswith(".html") else b""):
            found[rel] = path
    names = {rel: "/".join(safe_name(part) for part in rel.split("/")) for rel in found}
    too_long = [rel for rel, name in names.items() if len(name) > MAX_PATH]
    if too_long:
        raise JournalError.at(
            stage / too_long[0],
            f"this file's path is longer than {MAX_PATH} characters, more than Windows and "
            "USB sticks take",
            hint="Give the file (or its folder in static/ or content/) a shorter name.",
        )
    clashing = _clashes(names)
    if clashing:
        raise JournalError.at(
            None,
            f"{clashing[0]} and {clashing[1]} would have the same name on a USB stick",
            hint="Rename one of them in the journal.",
        )
    book = b""
    if pdf and site.entries:
        from journalgen.commands.book import typeset_site

        book = typeset_site(site, stage, site_dir)
    building = folder.with_name(f".{folder.name}.journalgen-{os.getpid()}")
    shutil.rmtree(building, ignore_errors=True)
    try:
        pages = 0
        for rel, path in found.items():
            target = building.joinpath(*PurePosixPath(names[rel]).parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            if rel.endswith(".html"):
                text = path.read_text(encoding="utf-8")
                made = relative_links(text, names[rel], names, site.config.base_url)
                target.write_text(made, encoding="utf-8")
                pages += 1
            else:
                shutil.copyfile(path, target)
        if book:
            (building / "book.pdf").write_bytes(book)
        (building / HANDOVER_PAGE).write_text(_handover(site_dir, site, names), encoding="utf-8")
        archive = folder.with_name(folder.name + ".zip")
        _zip(building, archive, folder.name)
        _replace_folder(building, folder)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    return Made(folder, archive, pages, len(found) + bool(book), bool(book))


HANDOVER_PAGE = "how-this-journal-is-kept.html"
"""For whoever takes the journal over: what keeps it online and what will lapse
(`journalgen status --handover`)."""


def _handover(site_dir: Path, site: Site, names: dict[str, str]) -> str:
    import datetime as dt

    from journalgen.commands.status import handover_page

    style = next((n for n in names.values() if re.fullmatch(r"assets/style\.\w+\.css", n)), "")
    return handover_page(site_dir, dt.date.today(), site.title, site.config.language, style)


def _clashes(names: dict[str, str]) -> tuple[str, str] | None:
    """Two files whose keepsake names differ only in capitals (the same on FAT)."""
    seen: dict[str, str] = {}
    for rel, name in names.items():
        other = seen.setdefault(name.casefold(), rel)
        if other != rel:
            return other, rel
    return None


def _zip(folder: Path, archive: Path, top: str) -> None:
    """`folder` as a zip whose one top folder is `top`, written whole or not at all."""
    partial = archive.with_name(f".{archive.name}.journalgen-{os.getpid()}")
    try:
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as made:
            for path in sorted(p for p in folder.rglob("*") if p.is_file()):
                name = f"{top}/{path.relative_to(folder).as_posix()}"
                info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                with path.open("rb") as source, made.open(info, "w") as target:
                    shutil.copyfileobj(source, target, 1 << 20)
        with open(partial, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(partial, archive)
        files.sync_folder(archive.parent)
    except BaseException:
        with contextlib.suppress(OSError):
            partial.unlink()
        raise


def _replace_folder(made: Path, folder: Path) -> None:
    """Put `made` where `folder` is (the keepsake before it removed only once the new one
    is in place)."""
    old = folder.with_name(f".{folder.name}.old-{os.getpid()}")
    if folder.exists():
        folder.rename(old)
    made.rename(folder)
    shutil.rmtree(old, ignore_errors=True)
    files.sync_folder(folder.parent)


def _run(args: argparse.Namespace) -> int:
    site_dir = Path(args.site)
    folder = Path(args.folder).expanduser() if args.folder else site_dir / DEFAULT_NAME
    made = make(site_dir, folder, pdf=not args.no_pdf)
    print(
        f"The keepsake is in {made.folder} ({made.pages} pages, {made.files} files) and, "
        f"as one file, in {made.archive}. Open {made.folder / 'index.html'} in any browser; "
        "copy the folder or the zip to a USB stick and keep it with the family's papers."
    )
    return 0
