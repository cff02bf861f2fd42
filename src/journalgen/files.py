"""Writing a file of the journal whole or not at all."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path


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
        if exclusive:
            os.link(temporary, path)  # atomic, and refuses an existing name
            os.unlink(temporary)
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
