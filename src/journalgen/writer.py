"""The one place that writes the built site: into a temporary folder, swapped in whole.

A failed build leaves the previous output exactly as it was; pages of deleted or re-drafted
entries never linger, because every build writes a complete new folder.
"""

from __future__ import annotations

import filecmp
import json
import os
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from journalgen.errors import JournalError
from journalgen.outputs import Copy, Output

MANIFEST = ".journalgen-output.json"
"""Written into every output folder: the list of files journalgen wrote there."""


@dataclass(frozen=True, slots=True)
class WriteReport:
    files: int
    """How many files the output folder now holds."""
    bytes: int
    """Their total size."""


def check_output_dir(out_dir: Path, site_dir: Path, *, force: bool) -> None:
    """Refuse an output folder that holds files journalgen did not write (unless `force`)."""
    out = out_dir.resolve()
    site = site_dir.resolve()
    if out == site or site.is_relative_to(out) or out.is_relative_to(site / "content"):
        raise JournalError.at(
            out_dir,
            "the output folder would overwrite your site's own files",
            hint="Choose a separate folder such as output/.",
        )
    if not out_dir.exists():
        return
    if not out_dir.is_dir():
        raise JournalError.at(
            out_dir,
            "the output path exists and is not a folder",
            hint="Remove it or pass another --output.",
        )
    if force:
        return
    written = _manifest(out_dir)
    foreign = sorted(
        rel
        for rel in _files(out_dir)
        if rel != MANIFEST and (written is None or rel not in written)
    )
    if foreign:
        shown = ", ".join(foreign[:5]) + (
            f" and {len(foreign) - 5} more" if len(foreign) > 5 else ""
        )
        raise JournalError.at(
            out_dir,
            f"this folder holds files journalgen did not write ({shown}); a build replaces "
            "the whole folder, so they would be lost",
            hint="Move those files into static/ (to publish them) or elsewhere, choose another "
            "--output, or pass --force to replace the folder anyway.",
        )


def write(outputs: Iterable[Output], copies: Iterable[Copy], out_dir: Path) -> WriteReport:
    """Write everything into a fresh folder beside `out_dir`, then swap it into place."""
    out_dir = out_dir.absolute()
    staging = out_dir.with_name(f".{out_dir.name}.building-{os.getpid()}")
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    try:
        written: dict[str, str] = {}
        total = 0
        for output in outputs:
            target = _target(staging, output.path, written, "journalgen")
            if not _reuse(out_dir, output.path, output.data, target):
                target.write_bytes(output.data)
            total += len(output.data)
        for copy in copies:
            target = _target(staging, copy.path, written, str(copy.source))
            if not _reuse_copy(out_dir, copy, target):
                shutil.copyfile(copy.source, target)
            total += target.stat().st_size
        manifest = {"generator": "journalgen", "files": sorted(written.values())}
        data = (json.dumps(manifest, indent=0) + "\n").encode("utf-8")
        if not _reuse(out_dir, MANIFEST, data, staging / MANIFEST):
            (staging / MANIFEST).write_bytes(data)
        _swap(staging, out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return WriteReport(files=len(written), bytes=total)


def _reuse(out_dir: Path, rel: str, data: bytes, target: Path) -> bool:
    """Hard-link the previous output's file at `rel` into the new folder when it holds
    exactly `data`, so an unchanged file keeps its inode and modification time (rsync and
    deploy tools then skip it). False (write it) when there is none, it differs, or the
    disk cannot link."""
    old = out_dir.joinpath(*PurePosixPath(rel).parts)
    try:
        if old.stat().st_size != len(data) or old.read_bytes() != data:
            return False
        os.link(old, target)
    except OSError:
        return False
    return True


def _reuse_copy(out_dir: Path, copy: Copy, target: Path) -> bool:
    """Like `_reuse`, for a file copied as is: linked when its bytes equal the source's."""
    old = out_dir.joinpath(*PurePosixPath(copy.path).parts)
    try:
        old_stat, new_stat = old.stat(), copy.source.stat()
        if old_stat.st_size != new_stat.st_size:
            return False
        if not filecmp.cmp(old, copy.source, shallow=False):
            return False
        os.link(old, target)
    except OSError:
        return False
    return True


def _target(staging: Path, rel: str, written: dict[str, str], origin: str) -> Path:
    """The file to write for `rel`, refusing paths that would escape or collide."""
    pure = PurePosixPath(rel)
    if pure.is_absolute() or ".." in pure.parts or not pure.parts or "\\" in rel or "\x00" in rel:
        raise JournalError.at(None, f"refusing to write outside the output folder: {rel!r}")
    key = rel.casefold()
    if key in written:
        raise JournalError.at(
            None,
            f"two files would be written at {rel} (names differing only in capital letters "
            "are the same file on Mac and Windows)",
            hint=f"Rename one of them (one comes from {origin}).",
        )
    written[key] = rel
    target = staging.joinpath(*pure.parts)
    target.parent.mkdir(parents=True, exist_ok=True)
    return target


def _swap(staging: Path, out_dir: Path) -> None:
    if not out_dir.exists():
        staging.rename(out_dir)
        return
    retired = out_dir.with_name(f".{out_dir.name}.old-{os.getpid()}")
    if retired.exists():
        shutil.rmtree(retired)
    out_dir.rename(retired)
    try:
        staging.rename(out_dir)
    except BaseException:
        retired.rename(out_dir)
        raise
    shutil.rmtree(retired, ignore_errors=True)


def _manifest(out_dir: Path) -> set[str] | None:
    try:
        data = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
        return {str(name) for name in data["files"]}
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _files(folder: Path) -> list[str]:
    found = []
    for root, _dirs, names in os.walk(folder):
        for name in names:
            found.append((Path(root) / name).relative_to(folder).as_posix())
    return found
