"""Writing a file of the journal whole or not at all."""

from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path

from journalgen import faults

_TEMPORARY = re.compile(r"^\..+\.journalgen-\d+\.tmp$|^\..+\.publishing$")
"""Names of the temporary files `write_whole` makes (and older versions' `.NAME.publishing`)."""


def write_whole(path: Path, data: bytes, *, exclusive: bool = False) -> None:
    """Write `data` to `path` so that a crash at any moment leaves either the old file (or
    none) or the whole new one: a temporary file beside it, flushed to the disk, then
    renamed over it, and the folder's entry flushed too. `exclusive`: fail with
    FileExistsError if `path` already exists."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.journalgen-{os.getpid()}.tmp")
    try:
        with open(temporary, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        faults.point("whole")
        if exclusive:
            _link_exclusive(temporary, path)
        else:
            os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise
    sync_folder(path.parent)


def write_text_whole(path: Path, text: str, *, exclusive: bool = False) -> None:
    write_whole(path, text.encode("utf-8"), exclusive=exclusive)


def sync_folder(folder: Path) -> None:
    """Flush a folder's entries (a rename in it) to the disk, where the system allows."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def _link_exclusive(temporary: Path, path: Path) -> None:
    """Give `temporary` the name `path` unless that name exists (in one step where the
    disk can link; else with a check just before, as one writer holds the journal)."""
    try:
        os.link(temporary, path)
    except FileExistsError:
        raise
    except OSError:
        if path.exists():
            raise FileExistsError(path) from None
        os.replace(temporary, path)
        return
    os.unlink(temporary)


def remove_temporaries(folder: Path) -> list[str]:
    """Delete the temporary files a killed journalgen command left in `folder` (only one
    command writes a journal at a time, so none is in use); their names."""
    removed = []
    with contextlib.suppress(OSError):
        for item in os.scandir(folder):
            if _TEMPORARY.match(item.name) and item.is_file(follow_symlinks=False):
                with contextlib.suppress(OSError):
                    os.unlink(item.path)
                    removed.append(item.name)
    return removed
