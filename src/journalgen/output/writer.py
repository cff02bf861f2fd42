"""The one place that writes the built site.

Every build makes the new site in a folder beside the output folder (starting from the
build before the last one, kept there; unchanged files are hard links to the previous
build's) and exchanges the two in one step, so the output folder
is always one whole build: a build that fails, is killed or runs out of disk leaves the
previous output exactly as it was. Unchanged files keep their inode and time, so deploy
tools skip them.
"""

from __future__ import annotations

import contextlib
import errno
import filecmp
import glob
import hashlib
import json
import os
import re
import shutil
import sys
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from stat import S_ISREG

from journalgen import faults
from journalgen.errors import JournalError
from journalgen.output.outputs import Copy, Kept, Output

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
    own = ("content", "static", "templates")
    if out == site or site.is_relative_to(out) or any(out.is_relative_to(site / f) for f in own):
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
    digest: bytes = b""
    """The digest of its bytes: tells that a file put back by a deploy's cache (another
    inode and time) holds the bytes the build wrote."""


OutputState = dict[str, FileState]
"""Every file of an output folder by its path there, as the last build left it."""


def intact(out_dir: Path, state: OutputState) -> OutputState:
    """The files of `state` still exactly as the last build left them: the same size, time
    and inode (not edited, replaced or deleted since), or, for a file put back as a copy
    (a deploy's cache), the same bytes."""
    found: OutputState = {}
    for rel, known in state.items():
        path = os.path.join(out_dir, rel)
        try:
            now = os.lstat(path)
        except OSError:
            continue
        if not S_ISREG(now.st_mode):
            continue
        if (now.st_size, now.st_mtime_ns, now.st_ino) == (known.size, known.mtime_ns, known.inode):
            found[rel] = known
        elif known.digest and now.st_size == known.size:
            try:
                same = file_digest(Path(path)) == known.digest
            except OSError:
                continue
            if same:
                found[rel] = FileState(
                    now.st_size, now.st_mtime_ns, now.st_ino, known.key, known.digest
                )
    return found


def spare_of(out_dir: Path) -> Path:
    """Where the build before the last one is kept, for the next build to start from."""
    target = Path(os.path.realpath(out_dir))
    return target.with_name(f".{target.name}.spare")


def file_digest(path: Path) -> bytes:
    """The digest a `FileState` holds of a file's bytes."""
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, _hash).digest()


def _hash() -> hashlib.blake2b:
    return hashlib.blake2b(digest_size=16)


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
    *,
    durable: bool = True,
) -> tuple[WriteReport, OutputState]:
    """Write the site; return what was written and the output folder's new state.

    The new site is made in a folder beside the output folder: files that did not change
    are hard links to the previous build's (they keep their inode and time, so deploy tools
    skip them), the others are written there as they are made (`outputs` may be a
    generator: a large site is never in memory whole). Only when all of it is written are
    the two folders exchanged in one step (`renameat2(RENAME_EXCHANGE)` on Linux; elsewhere
    two renames, between which there is no output folder at all, never a mixed one), and
    the previous build is kept beside it (`.output.spare`, mostly hard links) for the next
    build to start from: it then replaces only what changed. So at every moment a deploy
    or a crash could see it,
    the output folder holds the whole previous build or the whole new one. A symlinked
    output folder stays a link: the folder it points to receives the site.

    `previous`: the files the last build left intact (see `intact`). `durable`: flush the
    new site to the disk before the exchange, so that not even a power cut can leave empty
    files in it (a preview rebuilt on every save skips this).
    """
    target = Path(os.path.realpath(out_dir))
    remove_leftovers(target)
    staging = target.with_name(f".{target.name}.building-{os.getpid()}")
    spare = spare_of(target)
    _check_replaceable(target)
    present = _take_spare(spare, staging)
    if present is None:
        try:
            staging.mkdir(parents=True)
        except PermissionError as err:
            raise _cannot_replace(target, "you may not create folders beside it") from err
        present = {}
    state: OutputState = {}
    files = 0
    totals = [0]
    try:
        for number, (rel, item) in enumerate(
            _items(outputs, copies, previous or {}, target, totals), 1
        ):
            faults.point("write", number)
            files += rel != MANIFEST
            path = staging.joinpath(*PurePosixPath(rel).parts)
            there = present.pop(rel, None)
            if isinstance(item, FileState):
                if there != item.inode:  # the spare holds another version: link this one
                    _clear(path, staging, there)
                    _link_or_copy(target.joinpath(*PurePosixPath(rel).parts), path)
                state[rel] = _state_of(path, item.key, item.digest)
                continue
            _clear(path, staging, there)
            try:
                if isinstance(item.content, bytes):
                    if not _reuse(target, rel, item.content, path):
                        path.write_bytes(item.content)
                elif not _reuse_copy(target, Copy(rel, item.content), path):
                    _copy(item.content, path)
            except OSError as err:
                if err.filename is None:  # name the file being written (a full disk)
                    raise OSError(err.errno, err.strerror, str(path)) from err
                raise
            state[rel] = _state_of(path, item.key, item.digest or file_digest(path))
        _remove_extra(staging, present)
        if durable:
            _sync(staging)
        faults.point("exchange")
        try:
            _exchange(staging, target)
        except OSError as err:
            if err.errno in (errno.EBUSY, errno.EXDEV, errno.EACCES, errno.EPERM):
                raise _cannot_replace(target, os.strerror(err.errno).lower()) from err
            raise
        faults.point("exchanged")
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    # The previous build is kept beside as the spare the next build starts from: most of
    # its files are the same as this one's (hard links), so the next build only replaces
    # what changed instead of making every folder again.
    try:
        staging.rename(spare)
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)
    faults.point("cleaned")
    return WriteReport(files=files, bytes=totals[0]), state


def _take_spare(spare: Path, staging: Path) -> dict[str, int] | None:
    """The spare left by the last build, renamed to `staging`, with the inode of each of
    its files (by path); None when there is none to start from."""
    if not spare.is_dir() or spare.is_symlink():
        return None
    try:
        spare.rename(staging)
    except OSError:
        shutil.rmtree(spare, ignore_errors=True)
        return None
    found: dict[str, int] = {}
    for root, folders, names in os.walk(staging):
        for name in names:
            path = os.path.join(root, name)
            info = os.lstat(path)
            rel = os.path.relpath(path, staging).replace(os.sep, "/")
            found[rel] = info.st_ino if S_ISREG(info.st_mode) else -1
        for name in folders:
            if os.path.islink(os.path.join(root, name)):
                rel = os.path.relpath(os.path.join(root, name), staging).replace(os.sep, "/")
                found[rel] = -1
    return found


def _clear(path: Path, staging: Path, there: int | None) -> None:
    """Make way at `path` for a new file: the spare's file there (never written into: it
    may be a hard link to the output's), a folder in its place, or a file where one of its
    folders goes."""
    if there is not None:
        path.unlink()
        return
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    folder = path.parent
    missing = []
    while folder != staging and not folder.is_dir():
        if folder.is_symlink() or folder.exists():
            folder.unlink()
        missing.append(folder)
        folder = folder.parent
    for made in reversed(missing):
        made.mkdir(exist_ok=True)


def _remove_extra(staging: Path, extra: dict[str, int]) -> None:
    """Delete what the spare holds and this build does not (and folders left empty)."""
    folders: set[Path] = set()
    for rel in extra:
        path = staging.joinpath(*PurePosixPath(rel).parts)
        with contextlib.suppress(FileNotFoundError):
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()
        folders.update(p for p in path.parents if p.is_relative_to(staging) and p != staging)
    for folder in sorted(folders, key=lambda p: len(p.parts), reverse=True):
        with contextlib.suppress(OSError):
            folder.rmdir()  # only when empty


def _check_replaceable(target: Path) -> None:
    if target.exists() and os.path.ismount(target):
        raise _cannot_replace(target, "it is a mount point, which cannot be exchanged")


def _cannot_replace(target: Path, why: str) -> JournalError:
    return JournalError.at(
        target,
        f"journalgen makes each build beside the output folder and exchanges the two in one "
        f"step, but it cannot do that here: {why}",
        hint="Use a folder inside this one as the output (--output), or make the output a "
        "link to such a folder (ln -s /var/www/journal/site output).",
    )


def _sync(folder: Path) -> None:
    """Flush the new site to the disk before it is put in place, so a power cut cannot
    leave empty files in the output folder (one `syncfs` of its disk on Linux)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        if sys.platform == "linux":
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            if getattr(libc, "syncfs", None) is not None and libc.syncfs(descriptor) == 0:
                return
        os.sync()
    finally:
        os.close(descriptor)


def _copy(source: Path, target: Path) -> None:
    """Copy a file of static/ or content/; one that cannot be read is the journal's problem
    (named as such), not the output folder's."""
    try:
        reading = source.open("rb")
    except OSError as err:
        raise JournalError.at(
            source,
            f"cannot read this file: {err.strerror or err}",
            hint="Check that you (the account running journalgen) may read it.",
        ) from err
    with reading, target.open("wb") as writing:
        shutil.copyfileobj(reading, writing, 1024 * 1024)


def _link_or_copy(old: Path, new: Path) -> None:
    """A file of the previous build, unchanged, into the new one (copied, time kept, on
    disks that cannot link)."""
    try:
        os.link(old, new)
    except OSError:
        shutil.copy2(old, new)


@dataclass(frozen=True, slots=True)
class _Write:
    """A file to write: its bytes (or the file to copy), its key and its bytes' digest
    (empty for a copy: taken once it is copied)."""

    content: bytes | Path
    key: bytes
    digest: bytes = b""


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
        digest = _digest(output.data)
        key = output.key if output.key is not None else digest
        totals[0] += len(output.data)
        # A file with the same key holds the same bytes; for a file whose key is its bytes'
        # digest, the digest it was checked against (`intact`) must be that too.
        same_key = old is not None and old.key == key and (output.key or old.digest == digest)
        if old is not None and (same_key or _same_bytes(out_dir, output.path, old, output.data)):
            yield output.path, FileState(old.size, old.mtime_ns, old.inode, key, digest)
        else:
            yield output.path, _Write(output.data, key, digest)
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
    kept = old is not None and old.key == key and old.digest == key
    yield MANIFEST, old if kept and old is not None else _Write(data, key, key)


def _digest(data: bytes) -> bytes:
    digest = _hash()
    digest.update(data)
    return digest.digest()


def _same_bytes(out_dir: Path, rel: str, old: FileState, data: bytes) -> bool:
    """True when the file in place already holds `data` (a page made from a new key that
    came out the same): it is then linked, keeping its time."""
    if old.size != len(data):
        return False
    try:
        return (out_dir / rel).read_bytes() == data
    except OSError:
        return False


def _state_of(path: Path, key: bytes, digest: bytes) -> FileState:
    found = path.stat()
    return FileState(found.st_size, found.st_mtime_ns, found.st_ino, key, digest)


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
    key = unicodedata.normalize("NFC", rel).casefold()
    if key in seen:
        raise JournalError.at(
            None,
            f"two files would be written at {rel} (names differing only in capital letters, "
            "or in how an accented letter is stored, are the same file on Mac and Windows)",
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


def _exchange(staging: Path, out_dir: Path) -> None:
    """Put `staging` where `out_dir` is, in one step where the system allows; afterwards
    `staging` holds the previous build (or nothing)."""
    if not out_dir.exists():
        staging.rename(out_dir)
        staging.mkdir()
        return
    if not faults.without("renameat2") and _rename_exchange(staging, out_dir):
        return
    retired = out_dir.with_name(f".{out_dir.name}.old-{os.getpid()}")
    out_dir.rename(retired)
    faults.point("exchange-half")
    try:
        staging.rename(out_dir)
    except BaseException:
        retired.rename(out_dir)
        raise
    retired.rename(staging)


_RENAME_EXCHANGE = 2


def _rename_exchange(first: Path, second: Path) -> bool:
    """Linux's renameat2(RENAME_EXCHANGE): swap two paths atomically. False where the
    system or the disk does not offer it."""
    if sys.platform != "linux":
        return False
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_uint,
    ]
    at_fdcwd = -100
    result = renameat2(
        at_fdcwd, os.fsencode(first), at_fdcwd, os.fsencode(second), _RENAME_EXCHANGE
    )
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(second))


def _manifest(out_dir: Path) -> set[str] | None:
    try:
        data = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
        return {str(name) for name in data["files"]}
    except (OSError, ValueError, KeyError, TypeError):
        return None


_LEFTOVER = re.compile(r"(^|/)(\.journalgen-parking-\d+/|\.[^/]*\.journalgen-\d+\.tmp$)")
"""Temporary files that versions of journalgen which wrote in place could leave."""


def _leftover(rel: str) -> bool:
    return _LEFTOVER.search(rel) is not None


def _remove_leftovers(out_dir: Path, found: list[str]) -> None:
    """Delete what an interrupted build of an earlier version left inside the folder."""
    for rel in found:
        if _leftover(rel):
            with contextlib.suppress(OSError):
                (out_dir / rel).unlink()
    for item in out_dir.glob(".journalgen-parking-*"):
        shutil.rmtree(item, ignore_errors=True)


def remove_leftovers(out_dir: Path) -> None:
    """Delete the folders a killed build left beside the output folder (its half-made new
    site, or the previous one it had not deleted yet). Only one build runs at a time in a
    journal (lock.py), so none of them is in use. A build killed between the two renames of
    the exchange without `renameat2` left no output folder: the previous build is put back
    first."""
    real = Path(os.path.realpath(out_dir))
    if not real.exists():
        retired = sorted(real.parent.glob(f".{glob.escape(real.name)}.old-*"))
        if retired:
            with contextlib.suppress(OSError):
                retired[-1].rename(real)
    with contextlib.suppress(OSError):
        for item in real.parent.glob(f".{glob.escape(real.name)}.*-*"):
            kind = item.name[len(real.name) + 2 :].split("-")[0]
            if kind in ("building", "old") and not item.is_symlink():
                shutil.rmtree(item, ignore_errors=True)


def _files(folder: Path) -> list[str]:
    found = []
    for root, _dirs, names in os.walk(folder):
        for name in names:
            found.append((Path(root) / name).relative_to(folder).as_posix())
    return found
