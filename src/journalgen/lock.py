"""One writer at a time: every command that writes a journal or its output holds this
lock while it does.

The lock is the operating system's (`flock`) on `.journalgen/lock` in the journal, so a
process that is killed gives it up at once: nothing stale is ever left to clear. The file
also says who holds it, so a second command can tell the person which one it waits for.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from journalgen.errors import JournalError

LOCK_FILE = Path(".journalgen") / "lock"
WAIT_SECONDS = 600.0
"""How long a command waits for another to finish before giving up with a message."""


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


@contextlib.contextmanager
def held(
    site_dir: Path,
    command: str,
    *,
    wait: float = WAIT_SECONDS,
    say: Callable[[str], None] = _say,
) -> Iterator[None]:
    """Hold the journal's lock for `command` (e.g. "journalgen build"), waiting up to
    `wait` seconds for whoever holds it."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: no flock; commands are not serialised
        yield
        return
    path = site_dir / LOCK_FILE
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError:
        descriptor = -1  # a read-only journal: nothing can be written, nothing to serialise
    if descriptor < 0:
        yield
        return
    try:
        deadline = time.monotonic() + wait
        told = False
        lockable = True
        while True:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                pass
            except OSError as err:  # a disk without locks (some network disks)
                say(f"notice: {path} cannot be locked ({err.strerror}); going on without.")
                lockable = False
                break
            holder = _holder(descriptor)
            if time.monotonic() >= deadline:
                raise JournalError.at(
                    site_dir,
                    f"{holder} is still working on this journal",
                    hint="Wait for it to finish (or stop it), then run this again.",
                )
            if not told:
                say(f"Waiting: {holder} is working on this journal…")
                told = True
            time.sleep(0.1)
        if not lockable:
            yield
            return
        record = {
            "command": command,
            "pid": os.getpid(),
            "since": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        }
        with contextlib.suppress(OSError):  # who holds it is only said, when it fits
            os.ftruncate(descriptor, 0)
            os.pwrite(descriptor, json.dumps(record).encode("utf-8"), 0)
        try:
            yield
        finally:
            with contextlib.suppress(OSError):
                os.ftruncate(descriptor, 0)
            fcntl.flock(descriptor, fcntl.LOCK_UN)
    finally:
        os.close(descriptor)


def _holder(descriptor: int) -> str:
    """Who holds the lock, in words: "journalgen build (process 123, since 14:02:11)"."""
    try:
        record = json.loads(os.pread(descriptor, 4096, 0).decode("utf-8"))
        since = dt.datetime.fromisoformat(record["since"]).strftime("%H:%M:%S")
        return f"{record['command']} (process {record['pid']}, since {since})"
    except (OSError, ValueError, KeyError, TypeError):
        return "another journalgen command"
