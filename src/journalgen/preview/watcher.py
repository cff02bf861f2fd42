"""Watch a site's folders with watchdog and hand out one batch of changes per save.

watchdog picks the native mechanism (inotify on Linux, FSEvents on macOS,
ReadDirectoryChangesW on Windows). Only what a build reads is watched: journalgen.yaml in
the site folder, and content/, templates/ and static/ with everything under them, so a
virtualenv or a big .git beside the journal costs nothing. When Linux runs out of inotify
watches the watcher falls back to polling, says so once, and keeps working.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Any, Protocol

from watchdog.events import (
    EVENT_TYPE_CLOSED,
    EVENT_TYPE_CREATED,
    EVENT_TYPE_DELETED,
    EVENT_TYPE_MODIFIED,
    EVENT_TYPE_MOVED,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.polling import PollingObserver

from journalgen.preview.changes import WATCHED_DIRS, Batch, Change, ChangeFilter, Debouncer


class ObserverLike(Protocol):
    """What the watcher uses of a watchdog observer (tests pass a fake one)."""

    def schedule(
        self, event_handler: FileSystemEventHandler, path: str, *, recursive: bool = False
    ) -> Any: ...

    def unschedule(self, watch: Any) -> None: ...

    def unschedule_all(self) -> None: ...

    def start(self) -> None: ...

    def stop(self) -> None: ...

    def is_alive(self) -> bool: ...

    def join(self, timeout: float | None = None) -> None: ...


ObserverFactory = Callable[[], ObserverLike]

RELEVANT_EVENTS = frozenset(
    {
        EVENT_TYPE_CREATED,
        EVENT_TYPE_DELETED,
        EVENT_TYPE_MODIFIED,
        EVENT_TYPE_MOVED,
        EVENT_TYPE_CLOSED,
    }
)
"""Opening and reading a file (which every build does) must never trigger a rebuild."""

LIMIT_ERRNOS = frozenset({errno.ENOSPC, errno.EMFILE})
"""What inotify raises when the system's watch or instance limit is reached."""

POLLING_MESSAGE = (
    "Note: this computer's limit on watched folders is reached ({reason}), so journalgen "
    "now checks your files for changes every second instead; rebuilds may start a moment "
    "later. To raise the limit (Linux): sudo sysctl fs.inotify.max_user_watches=524288 "
    "fs.inotify.max_user_instances=512, and add those two settings to /etc/sysctl.conf "
    "to keep them."
)


def _print_stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@dataclass(frozen=True, slots=True)
class _Watched:
    watch: Any
    """watchdog's handle for the watch (to unschedule it)."""
    inode: int
    """The folder's inode when it was scheduled: a new one means it was deleted and re-created."""


class Watcher:
    """Feeds file-system events through a `ChangeFilter` into a `Debouncer`.

    watchdog calls `_on_event` on its own thread; `next_batch` is called by the thread that
    rebuilds, and blocks until a save is complete.
    """

    def __init__(
        self,
        change_filter: ChangeFilter,
        *,
        debouncer: Debouncer | None = None,
        observer_factory: ObserverFactory = Observer,
        fallback_factory: ObserverFactory = PollingObserver,
        say: Callable[[str], None] = _print_stderr,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.site_dir = Path(change_filter.site_dir)
        self.change_filter = change_filter
        self.debouncer = debouncer or Debouncer()
        self._fallback_factory = fallback_factory
        self._observer_factory = observer_factory
        self._say = say
        self._clock = clock
        self._cond = threading.Condition()
        self._handler = _Handler(self._on_event)
        self._observer: ObserverLike | None = None
        self._watched: dict[str, _Watched] = {}
        self._stopped = False
        self.polling = False
        """True once the watcher fell back to polling."""

    def start(self) -> None:
        """Start watching (call it before the first build, so no change is missed)."""
        try:
            self._observer = self._observer_factory()
            self._watch_all()
            self._observer.start()
        except OSError as err:
            if err.errno not in LIMIT_ERRNOS:
                raise
            self._fall_back(err)

    def stop(self) -> None:
        """Stop watching and wake up `next_batch`."""
        with self._cond:
            self._stopped = True
            self._cond.notify_all()
        self._stop_observer()

    def next_batch(self, timeout: float) -> Batch | None:
        """The next complete batch of changes, or None after `timeout` seconds without one.

        Folders created since the last batch are watched before the batch is returned, so
        the rebuild that follows cannot miss a change made inside them.
        """
        batch = self._wait_for_batch(timeout)
        if batch is not None:
            self.refresh_watches()
        return batch

    def _wait_for_batch(self, timeout: float) -> Batch | None:
        deadline = self._clock() + timeout
        with self._cond:
            while not self._stopped:
                now = self._clock()
                batch = self.debouncer.take(now)
                if batch is not None:
                    return batch
                wait = self.debouncer.wait_time(now)
                remaining = deadline - now
                if remaining <= 0:
                    return None
                self._cond.wait(remaining if wait is None else min(wait, remaining))
        return None

    def refresh_watches(self) -> None:
        """Watch content/, templates/ and static/ if they appeared or were re-created."""
        try:
            self._watch_all()
        except OSError as err:
            if err.errno not in LIMIT_ERRNOS or self.polling:
                raise
            self._fall_back(err)

    def _on_event(self, event: FileSystemEvent) -> None:
        if event.event_type not in RELEVANT_EVENTS:
            return
        if event.is_directory and event.event_type in (EVENT_TYPE_MODIFIED, EVENT_TYPE_CLOSED):
            return  # a folder "changes" whenever a swap file appears in it
        found = self._changes(event)
        if not found:
            return
        with self._cond:
            now = self._clock()
            for change in found:
                self.debouncer.add(change, now)
            self._cond.notify_all()

    def _changes(self, event: FileSystemEvent) -> list[Change]:
        """The changes an event stands for. A file renamed onto a name that matters counts
        under that name only: an editor's temporary file is not worth mentioning, and a
        renamed entry is reported by its new name (the rebuild drops the old page anyway)."""
        source = self.change_filter.change(PurePath(os.fsdecode(event.src_path)))
        if event.event_type != EVENT_TYPE_MOVED:
            return [source] if source is not None else []
        target = self.change_filter.change(PurePath(os.fsdecode(event.dest_path)))
        if target is not None:
            return [target]
        return [source] if source is not None else []

    def _watch_all(self) -> None:
        observer = self._observer
        if observer is None:
            return
        if "" not in self._watched:
            root = observer.schedule(self._handler, str(self.site_dir), recursive=False)
            self._watched[""] = _Watched(root, self.site_dir.stat().st_ino)
        for name in WATCHED_DIRS:
            self._watch_folder(observer, name)

    def _watch_folder(self, observer: ObserverLike, name: str) -> None:
        folder = self.site_dir / name
        try:
            inode = folder.stat().st_ino if folder.is_dir() else None
        except OSError:
            inode = None
        current = self._watched.get(name)
        if current is not None and current.inode == inode:
            return
        if current is not None:
            del self._watched[name]
            # watchdog may already have dropped the watch of a deleted folder.
            with contextlib.suppress(KeyError):
                observer.unschedule(current.watch)
        if inode is not None:
            watch = observer.schedule(self._handler, str(folder), recursive=True)
            self._watched[name] = _Watched(watch, inode)

    def _fall_back(self, err: OSError) -> None:
        self._stop_observer()
        self._say(POLLING_MESSAGE.format(reason=err.strerror or err))
        self.polling = True
        self._watched = {}
        self._observer = self._fallback_factory()
        self._watch_all()
        self._observer.start()

    def _stop_observer(self) -> None:
        observer = self._observer
        if observer is None:
            return
        # Emitters may run even when the observer never started (it failed part-way).
        observer.unschedule_all()
        if observer.is_alive():
            observer.stop()
            observer.join(timeout=5)


class _Handler(FileSystemEventHandler):
    def __init__(self, callback: Callable[[FileSystemEvent], None]) -> None:
        super().__init__()
        self._callback = callback

    def on_any_event(self, event: FileSystemEvent) -> None:
        self._callback(event)
