"""One writer at a time: every command that writes a journal or its output holds this
lock while it does.

The lock is the operating system's, through `filelock` (`flock` on Linux and macOS, the
file locking of Windows) on `.journalgen/lock` in the journal, so a process that is killed
gives it up at once: nothing stale is ever left to clear. Beside it, `.journalgen/holder`
says who holds it (the lock file itself cannot be read while it is locked on Windows), so a
second command can tell the person which one it waits for.
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

from filelock import FileLock, Timeout

from journalgen.errors import JournalError
from journalgen.output import files

LOCK_FILE = Path(".journalgen") / "lock"
HOLDER_FILE = Path(".journalgen") / "holder"
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
    path = site_dir / LOCK_FILE
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError:
        yield  # a read-only journal: nothing can be written, nothing to serialise
        return
    lock = FileLock(path, thread_local=False)
    deadline = time.monotonic() + wait
    told = False
    while True:
        try:
            lock.acquire(timeout=0)
            break
        except Timeout:
            pass
        except (OSError, NotImplementedError) as err:  # a disk without locks (some network disks)
            if not os.access(path.parent, os.W_OK):
                yield  # read-only: nothing to serialise
                return
            say(f"notice: {path} cannot be locked ({err}); going on without.")
            yield
            return
        holder = _holder(site_dir)
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
    try:
        record = {
            "command": command,
            "pid": os.getpid(),
            "since": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        }
        with contextlib.suppress(OSError):  # who holds it is only said, when it fits
            files.write_whole(site_dir / HOLDER_FILE, json.dumps(record).encode("utf-8"))
        yield
    finally:
        with contextlib.suppress(OSError):
            (site_dir / HOLDER_FILE).unlink()
        lock.release()


def _holder(site_dir: Path) -> str:
    """Who holds the lock, in words: "journalgen build (process 123, since 14:02:11)"."""
    try:
        record = json.loads((site_dir / HOLDER_FILE).read_text(encoding="utf-8"))
        since = dt.datetime.fromisoformat(record["since"]).strftime("%H:%M:%S")
        return f"{record['command']} (process {record['pid']}, since {since})"
    except (OSError, ValueError, KeyError, TypeError):
        return "another journalgen command"
