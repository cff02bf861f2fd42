"""The one place that writes the built site.

A first build writes a complete new folder and swaps it in. Later builds write only the
files whose bytes change, each first beside its place, and rename them in once all are
written; then the files of deleted or re-drafted entries are removed. A failed build leaves
the previous output exactly as it was, and unchanged files keep their time, so deploy tools
skip them.
"""

from __future__ import annotations

import contextlib
import filecmp
import hashlib
import json
import os
import re
import shutil
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from journalgen.errors import JournalError
from journalgen.outputs import Copy, Kept, Output

MANIFEST = ".journalgen-output.json"
"""Written into every output folder: the list of files journalgen wrote there."""


@dataclass(frozen=True, slots=True)
class WriteReport:
    files: int
    """How many files the output folder now holds."""
    bytes: int
    """Their total size."""


def check_output_dir(
    out_dir: Path, site_dir: Path, *, force: bool, untouched: bool = False
) -> bool:
    """Refuse an output folder that holds files journalgen did not write, unless `force`:
    then True when it does (the build must replace the folder whole to remove them).
    `untouched`: no file was added to or removed from it since the last build
    (`folders_unchanged`), so it holds only that build's files: no need to look."""
    out = out_dir.resolve()
    site = site_dir.resolve()
    if out == site or site.is_relative_to(out) or out.is_relative_to(site / "content"):
        raise JournalError.at(
            out_dir,
            "the output folder would overwrite your site's own files",
            hint="Choose a separate folder such as output/.",
        )
    if not out_dir.exists():
        return False
    if not out_dir.is_dir():
        raise JournalError.at(
            out_dir,
            "the output path exists and is not a folder",
            hint="Remove it or pass another --output.",
        )
    if untouched:
        return False
    written = _manifest(out_dir)
    found = _files(out_dir)
    _remove_leftovers(out_dir, found)
    foreign = sorted(
        rel
        for rel in found
        if rel != MANIFEST and (written is None or rel not in written) and not _leftover(rel)
    )
    if foreign and force:
        return True
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
    return False


@dataclass(frozen=True, slots=True)
class FileState:
    """A file as a build left it in the output folder, and what it was made from."""

    size: int
    mtime_ns: int
    inode: int
    key: bytes
    """The page's key (keys.py), the digest of its bytes, or the signature of a copied
    file: equal keys mean equal bytes."""


OutputState = dict[str, FileState]
"""Every file of an output folder by its path there, as the last build left it."""


def intact(out_dir: Path, state: OutputState) -> OutputState:
    """The files of `state` still exactly as the last build left them (same size, time and
    inode: not edited, replaced or deleted since)."""
    found: OutputState = {}
    for rel, known in state.items():
        try:
            now = os.stat(os.path.join(out_dir, rel))
        except OSError:
            continue
        if (now.st_size, now.st_mtime_ns, now.st_ino) == (known.size, known.mtime_ns, known.inode):
            found[rel] = known
    return found


Folders = tuple[tuple[str, int, int], ...]
"""Folders of an output folder with their modification times and inodes."""


def folder_times(out_dir: Path, state: OutputState) -> Folders:
    """Every folder holding the files of `state` (and `out_dir` itself), as it is now: a
    folder's time changes whenever a file or folder is added to it or removed from it."""
    names = {""}
    for rel in state:
        parent = rel.rpartition("/")[0]
        while parent not in names:
            names.add(parent)
            parent = parent.rpartition("/")[0]
    found = []
    for name in sorted(names):
        try:
            info = os.stat(os.path.join(out_dir, name) if name else out_dir)
        except OSError:
            return ()
        found.append((name, info.st_mtime_ns, info.st_ino))
    return tuple(found)


def folders_unchanged(out_dir: Path, folders: Folders) -> bool:
    """True when every folder of `folders` is as it was (so no file was added or removed)."""
    if not folders:
        return False
    for name, mtime, inode in folders:
        try:
            info = os.stat(os.path.join(out_dir, name) if name else out_dir)
        except OSError:
            return False
        if (info.st_mtime_ns, info.st_ino) != (mtime, inode):
            return False
    return True


def write(
    outputs: Iterable[Output | Kept],
    copies: Iterable[Copy],
    out_dir: Path,
    previous: OutputState | None = None,
) -> tuple[WriteReport, OutputState]:
    """Write the site into `out_dir`; return what was written and the folder's new state.

    `outputs` may be a generator: each file is written (under a temporary name) as soon as
    it is made, so a large site is never held in memory whole.

    `previous`: the files the last build left intact (see `intact`). With it, only files
    whose bytes change are written, each first into a temporary file beside it; only when
    every one of them is written are they renamed into place, and then the files the site
    no longer has are deleted. Without it (a first build, or a folder of unknown state),
    everything is written into a new folder which is swapped in whole. Either way, a build
    that fails (a template mistake half-way, a full disk) leaves the previous output as it
    was.
    """
    out_dir = out_dir.absolute()
    if previous and _manifest(out_dir) is not None:
        return _write_in_place(outputs, copies, out_dir, previous)
    return _write_staged(outputs, copies, out_dir, previous or {})


@dataclass(frozen=True, slots=True)
class _Write:
    """A file to write: its bytes (or the file to copy) and its key."""

    content: bytes | Path
    key: bytes


def _items(
    outputs: Iterable[Output | Kept],
    copies: Iterable[Copy],
    previous: OutputState,
    out_dir: Path,
    totals: list[int],
) -> Iterator[tuple[str, FileState | _Write]]:
    """Every file of the new output: kept as it is (its state) or to be written. Adds each
    file's size to `totals[0]`. The manifest comes last."""
    seen: dict[str, str] = {}
    folders: set[str] = set()
    rels: list[str] = []
    for output in outputs:
        _check_path(output.path, seen, folders, "journalgen")
        rels.append(output.path)
        old = previous.get(output.path)
        if isinstance(output, Kept):
            assert old is not None and old.key == output.key, output.path
            totals[0] += old.size
            yield output.path, old
            continue
        key = output.key if output.key is not None else _digest(output.data)
        totals[0] += len(output.data)
        if old is not None and (
            old.key == key or _same_bytes(out_dir, output.path, old, output.data)
        ):
            yield output.path, FileState(old.size, old.mtime_ns, old.inode, key)
        else:
            yield output.path, _Write(output.data, key)
    for copy in copies:
        _check_path(copy.path, seen, folders, str(copy.source))
        rels.append(copy.path)
        source = copy.source.stat()
        key = _digest(f"copy\0{copy.source}\0{source.st_size}\0{source.st_mtime_ns}".encode())
        totals[0] += source.st_size
        old = previous.get(copy.path)
        yield copy.path, old if old is not None and old.key == key else _Write(copy.source, key)
    manifest = {"generator": "journalgen", "files": sorted(rels)}
    data = (json.dumps(manifest, indent=0) + "\n").encode("utf-8")
    key = _digest(data)
    old = previous.get(MANIFEST)
    yield MANIFEST, old if old is not None and old.key == key else _Write(data, key)


def _put(content: bytes | Path, target: Path) -> None:
    if isinstance(content, bytes):
        target.write_bytes(content)
    else:
        shutil.copyfile(content, target)


def _digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


def _same_bytes(out_dir: Path, rel: str, old: FileState, data: bytes) -> bool:
    """True when the file in place already holds `data` (a page made from a new key that
    came out the same): it is then left alone, keeping its time."""
    if old.size != len(data):
        return False
    try:
        return (out_dir / rel).read_bytes() == data
    except OSError:
        return False


def _state_of(path: Path, key: bytes) -> FileState:
    found = path.stat()
    return FileState(found.st_size, found.st_mtime_ns, found.st_ino, key)


def _write_in_place(
    outputs: Iterable[Output | Kept], copies: Iterable[Copy], out_dir: Path, previous: OutputState
) -> tuple[WriteReport, OutputState]:
    """Write the changed files beside their places, rename them in, delete stale files.

    A file whose place is taken by something of the previous build (a folder where a file
    goes, or a file where a folder goes) is written into a parking folder and moved in
    once the stale things are deleted."""
    old_files = _manifest(out_dir) or set()
    suffix = f".journalgen-{os.getpid()}.tmp"
    parking = out_dir / f".journalgen-parking-{os.getpid()}"
    temps: list[tuple[Path, Path, bytes]] = []
    parked: list[tuple[Path, Path, bytes]] = []
    made_dirs: list[Path] = []
    state: OutputState = {}
    rels: list[str] = []
    totals = [0]
    try:
        for rel, item in _items(outputs, copies, previous, out_dir, totals):
            if rel != MANIFEST:
                rels.append(rel)
            if isinstance(item, FileState):
                state[rel] = item
                continue
            target = out_dir.joinpath(*PurePosixPath(rel).parts)
            try:
                if target.is_dir():
                    raise _Conflict(rel)
                _make_parents(target.parent, out_dir, made_dirs)
                temp = target.with_name(f".{target.name}{suffix}")
                temps.append((temp, target, item.key))
            except _Conflict:
                parking.mkdir(exist_ok=True)
                temp = parking / str(len(parked))
                parked.append((temp, target, item.key))
            _put(item.content, temp)
    except BaseException:
        for temp, _target, _key in temps:
            with contextlib.suppress(OSError):
                temp.unlink()
        shutil.rmtree(parking, ignore_errors=True)
        for folder in reversed(made_dirs):
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise
    for temp, target, key in temps:
        os.replace(temp, target)
        state[target.relative_to(out_dir).as_posix()] = _state_of(target, key)
    _delete_stale(out_dir, old_files - {*rels, MANIFEST})
    for temp, target, key in parked:
        _clear_way(target, out_dir)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(temp, target)
        state[target.relative_to(out_dir).as_posix()] = _state_of(target, key)
    shutil.rmtree(parking, ignore_errors=True)
    return WriteReport(files=len(rels), bytes=totals[0]), state


class _Conflict(Exception):
    """A folder stands where a file goes, or a file where a folder goes."""


def _clear_way(target: Path, out_dir: Path) -> None:
    """Remove what stands in `target`'s way: only leftovers of the previous build can (the
    stale files are already deleted; a folder left here held only stale files)."""
    if target.is_dir():
        shutil.rmtree(target)
    for folder in reversed(target.parents):
        if folder.is_relative_to(out_dir) and folder != out_dir and folder.is_file():
            folder.unlink()


def _make_parents(folder: Path, out_dir: Path, made: list[Path]) -> None:
    """Make `folder` and the folders above it (inside `out_dir`), remembering new ones."""
    missing: list[Path] = []
    while folder != out_dir and not folder.is_dir():
        if folder.exists():
            raise _Conflict(str(folder))
        missing.append(folder)
        folder = folder.parent
    for new in reversed(missing):
        new.mkdir()
        made.append(new)


def _delete_stale(out_dir: Path, stale: set[str]) -> None:
    """Delete what the previous build wrote and this one did not (and emptied folders)."""
    folders: set[Path] = set()
    for rel in stale:
        if ".." in PurePosixPath(rel).parts or PurePosixPath(rel).is_absolute():
            continue
        target = out_dir.joinpath(*PurePosixPath(rel).parts)
        with contextlib.suppress(FileNotFoundError, IsADirectoryError, NotADirectoryError):
            target.unlink()
        folders.update(p for p in target.parents if p.is_relative_to(out_dir) and p != out_dir)
    for folder in sorted(folders, key=lambda p: len(p.parts), reverse=True):
        with contextlib.suppress(OSError):
            folder.rmdir()  # only when empty


def _write_staged(
    outputs: Iterable[Output | Kept], copies: Iterable[Copy], out_dir: Path, previous: OutputState
) -> tuple[WriteReport, OutputState]:
    """Write everything into a fresh folder beside `out_dir`, then swap it into place."""
    staging = out_dir.with_name(f".{out_dir.name}.building-{os.getpid()}")
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    state: OutputState = {}
    files = 0
    totals = [0]
    try:
        for rel, item in _items(outputs, copies, previous, out_dir, totals):
            files += rel != MANIFEST
            target = staging.joinpath(*PurePosixPath(rel).parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(item, FileState):
                os.link(out_dir.joinpath(*PurePosixPath(rel).parts), target)
                state[rel] = _state_of(target, item.key)
                continue
            if isinstance(item.content, bytes):
                if not _reuse(out_dir, rel, item.content, target):
                    target.write_bytes(item.content)
            elif not _reuse_copy(out_dir, Copy(rel, item.content), target):
                shutil.copyfile(item.content, target)
            state[rel] = _state_of(target, item.key)
        _swap(staging, out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return WriteReport(files=files, bytes=totals[0]), state


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


def _check_path(rel: str, seen: dict[str, str], folders: set[str], origin: str) -> None:
    """Refuse paths that would escape the output folder or collide with another: the same
    name (capitals aside), or a file where another path needs a folder (`folders`: the
    folders of the paths seen so far, case-folded)."""
    simple = (
        rel not in ("", ".")
        and not rel.startswith("/")
        and "\\" not in rel
        and "\x00" not in rel
        and ".." not in rel.split("/")
    )
    if not simple:  # the careful check (most paths are simple: it is not needed)
        pure = PurePosixPath(rel)
        if (
            pure.is_absolute()
            or ".." in pure.parts
            or not pure.parts
            or "\\" in rel
            or "\x00" in rel
        ):
            raise JournalError.at(None, f"refusing to write outside the output folder: {rel!r}")
    key = rel.casefold()
    if key in seen:
        raise JournalError.at(
            None,
            f"two files would be written at {rel} (names differing only in capital letters "
            "are the same file on Mac and Windows)",
            hint=f"Rename one of them (one comes from {origin}).",
        )
    above = key.split("/")[:-1]
    prefixes = ["/".join(above[: n + 1]) for n in range(len(above))]
    clash = next((p for p in prefixes if p in seen), None)
    if clash is not None or key in folders:
        other = seen[clash] if clash is not None else rel
        because = f" (because of {rel})" if clash is not None else ""
        raise JournalError.at(
            None,
            f"{other} would be both a file and a folder of the site{because}",
            hint=f"Rename the file {other} (one of them comes from {origin}); a file in "
            "static/ may not have the name of one of the site's folders, such as a year.",
        )
    seen[key] = rel
    folders.update(prefixes)


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


_LEFTOVER = re.compile(r"(^|/)(\.journalgen-parking-\d+/|\.[^/]*\.journalgen-\d+\.tmp$)")
"""Temporary files of a build that was killed before it could clean up (`_write_in_place`)."""


def _leftover(rel: str) -> bool:
    return _LEFTOVER.search(rel) is not None


def _remove_leftovers(out_dir: Path, found: list[str]) -> None:
    """Delete what an interrupted build left behind: it is journalgen's own, never a page."""
    for rel in found:
        if _leftover(rel):
            with contextlib.suppress(OSError):
                (out_dir / rel).unlink()
    for item in out_dir.glob(".journalgen-parking-*"):
        shutil.rmtree(item, ignore_errors=True)


def _files(folder: Path) -> list[str]:
    found = []
    for root, _dirs, names in os.walk(folder):
        for name in names:
            found.append((Path(root) / name).relative_to(folder).as_posix())
    return found
