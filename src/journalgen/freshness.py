"""Is the output already what a build would write? Then `journalgen build` has nothing to do.

After each successful `journalgen build`, what it read is noted in the site's cache: every
file of the site (journalgen.yaml, content/, templates/, static/) and of journalgen itself,
with its size, modification time and inode; the options and the password setting; the
moment the next scheduled entry comes due; and what the build reported. The next build with
the same options first looks (`check`): when no file changed, the output folder is exactly
as that build left it (no file or folder in it changed) and no scheduled entry came due,
the output is up to date and the build stops there, printing the same report.

This module imports only the standard library, so that answer takes a few milliseconds.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from journalgen import safestore
from journalgen.errors import Problem

CACHE = Path(".cache") / "journalgen" / "fresh"
"""Inside the site folder."""

FORMAT = "3"
INPUT_FOLDERS = ("content", "templates", "static")
CONFIG_NAME = "journalgen.yaml"
PASSWORD_VARIABLE = "JOURNALGEN_PASSWORD"

Signature = tuple[str, int, int, int]
"""A file's path, size, modification time (ns) and inode."""


@dataclass(frozen=True, slots=True)
class Summary:
    """What a build reported, to report again when nothing changed."""

    entries: int
    pages: int
    files: int
    previews: int
    warnings: tuple[Problem, ...]


@dataclass(frozen=True, slots=True)
class Record:
    inputs: tuple[Signature, ...]
    outputs: tuple[Signature, ...]
    """Every file and folder of the output folder, as the build left them."""
    valid_until: dt.datetime | None
    """When the next scheduled entry comes due (None: no entry is scheduled)."""
    summary: Summary


def identity(
    site_dir: Path, out_dir: Path, *, drafts: bool, future: bool, strict: bool, photos: Path | None
) -> str:
    """What, besides the files, decides the output: the options, the password and the
    installed libraries."""
    password = os.environ.get(PASSWORD_VARIABLE, "")
    parts = (
        FORMAT,
        _installed(),
        str(site_dir.absolute()),
        str(out_dir.absolute()),
        repr((drafts, future, strict, str(photos))),
        hashlib.sha256(password.encode()).hexdigest(),
    )
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def _installed() -> str:
    """The libraries installed beside journalgen, with their versions (as the names of
    their `.dist-info` folders): an upgraded library may change the pages."""
    found: list[str] = []
    for folder in sys.path:
        if os.path.basename(folder) in ("site-packages", "dist-packages"):
            with contextlib.suppress(OSError):
                found += sorted(n for n in os.listdir(folder) if n.endswith(".dist-info"))
    return "\n".join(found)


def _record_file(site_dir: Path, ident: str) -> Path:
    return site_dir / CACHE / f"{ident[:32]}.store"


def scan_inputs(site_dir: Path) -> tuple[Signature, ...]:
    """Every file a build may read: the site's, and journalgen's own code and theme."""
    found: list[Signature] = []
    for name in (CONFIG_NAME, *INPUT_FOLDERS):
        found.extend(_walk(site_dir / name, name))
    found.extend(_walk(Path(__file__).parent, "journalgen:"))
    return tuple(found)


def scan_outputs(out_dir: Path) -> tuple[Signature, ...]:
    """Every file and folder of the output folder (a folder's time changes when a file is
    added to or removed from it)."""
    return tuple(_walk(out_dir, "", folders=True))


def _walk(top: Path, label: str, *, folders: bool = False) -> Iterator[Signature]:
    try:
        info = os.stat(top)
    except OSError:
        yield (label, -1, 0, 0)
        return
    if not os.path.isdir(top):
        yield (label, info.st_size, info.st_mtime_ns, info.st_ino)
        return
    if folders:
        yield (label + "/", 0, info.st_mtime_ns, info.st_ino)
    stack = [(str(top), label)]
    seen = {(info.st_dev, info.st_ino)}  # folders reached twice (links, loops): walked once
    while stack:
        folder, prefix = stack.pop()
        try:
            items = sorted(os.scandir(folder), key=lambda item: item.name)
        except OSError:
            yield (prefix + "?", -1, 0, 0)
            continue
        for item in items:
            rel = f"{prefix}/{item.name}" if prefix else item.name
            if item.name == "__pycache__":
                continue
            stat = item.stat(follow_symlinks=True) if not item.is_symlink() else _stat(item)
            if stat is None:
                yield (rel, -1, 0, 0)
            elif item.is_dir():
                if folders:
                    yield (rel + "/", 0, stat.st_mtime_ns, stat.st_ino)
                if (stat.st_dev, stat.st_ino) not in seen:
                    seen.add((stat.st_dev, stat.st_ino))
                    stack.append((item.path, rel))
            else:
                yield (rel, stat.st_size, stat.st_mtime_ns, stat.st_ino)


def _stat(item: os.DirEntry[str]) -> os.stat_result | None:
    try:
        return os.stat(item.path)
    except OSError:
        return None


def check(site_dir: Path, out_dir: Path, ident: str, now: dt.datetime) -> Summary | None:
    """The last build's summary when its output is still what a build would write now;
    None when something changed (or there is no record)."""
    record = safestore.load(_record_file(site_dir, ident))
    if not isinstance(record, Record):  # no record, or an unreadable one: build
        return None
    if record.valid_until is not None and now >= record.valid_until:
        return None
    # Inputs first: fewer files, and what an edit changes.
    if scan_inputs(site_dir) != record.inputs or scan_outputs(out_dir) != record.outputs:
        return None
    return record.summary


def keep(
    site_dir: Path,
    out_dir: Path,
    ident: str,
    inputs: tuple[Signature, ...],
    valid_until: dt.datetime | None,
    summary: Summary,
) -> None:
    """Note what a successful build read (`inputs`, scanned before it read anything) and
    left in `out_dir`. A disk that refuses is no reason to fail the build."""
    record = Record(inputs, scan_outputs(out_dir), valid_until, summary)
    safestore.store(_record_file(site_dir, ident), record)


def forget(site_dir: Path, ident: str) -> None:
    """Drop the record (a build is starting: until it succeeds, nothing is up to date)."""
    with contextlib.suppress(OSError):
        _record_file(site_dir, ident).unlink()
