"""Which changes trigger a rebuild, and when: pure tests with a fake clock (no sleeps)."""

from __future__ import annotations

import errno
import itertools
from pathlib import Path, PurePosixPath
from typing import Any

import pytest
from watchdog.events import (
    DirModifiedEvent,
    FileClosedNoWriteEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileOpenedEvent,
    FileSystemEventHandler,
)

from journalgen.preview.changes import Batch, Change, ChangeFilter, Debouncer, classify
from journalgen.preview.watcher import POLLING_MESSAGE, Watcher

SITE = PurePosixPath("/home/clare/journal")


def kind(rel: str) -> str | None:
    return classify(tuple(rel.split("/")))


@pytest.mark.parametrize(
    ("rel", "expected"),
    [
        ("journalgen.yaml", "config"),
        ("content/entries/2026-11-20-hair.md", "content"),
        ("content/pages/about.md", "content"),
        ("content/photos/garden.webp", "content"),
        ("content/entries", "content"),
        ("templates/entry.html", "template"),
        ("static/favicon.ico", "static"),
        ("static/.well-known/security.txt", "static"),
    ],
)
def test_changes_that_matter(rel: str, expected: str) -> None:
    assert kind(rel) == expected


@pytest.mark.parametrize(
    "rel",
    [
        "output/index.html",
        ".output.building-123/index.html",
        ".journalgen/preview/index.html",
        ".git/index",
        ".git/objects/ab/cdef",
        ".cache/x",
        ".mypy_cache/3.11/x.json",
        ".venv/lib/site.py",
        "README.md",
        "netlify.toml",
        "content/entries/.2026-11-20-hair.md.swp",
        "content/entries/.2026-11-20-hair.md.swx",
        "content/entries/2026-11-20-hair.md~",
        "content/entries/.#2026-11-20-hair.md",
        "content/entries/#2026-11-20-hair.md#",
        "content/entries/4913",
        "content/entries/.goutputstream-ABC123",
        "content/entries/hair.md.tmp",
        "content/entries/hair.md.bak",
        "content/entries/hair.md.crswap",
        "content/entries/hair.md___jb_tmp___",
        "content/.DS_Store",
        "content/.git/HEAD",
        "templates/.entry.html.swp",
        "static/style.css~",
        "static/.DS_Store",
        "static/.#style.css",
        "static/4913",
        "static/.git/config",
        "",
    ],
)
def test_changes_that_are_ignored(rel: str) -> None:
    assert kind(rel) is None


def test_filter_gives_site_relative_paths() -> None:
    changes = ChangeFilter(SITE)
    assert changes.change(SITE / "content/entries/a.md") == Change(
        "content/entries/a.md", "content"
    )
    assert changes.change(SITE / "journalgen.yaml") == Change("journalgen.yaml", "config")
    assert changes.change(PurePosixPath("/elsewhere/content/a.md")) is None
    assert changes.change(SITE) is None


def test_filter_ignores_an_output_folder_inside_a_watched_folder() -> None:
    changes = ChangeFilter(SITE, ignored=(SITE / "static/site",))
    assert changes.change(SITE / "static/site/index.html") is None
    assert changes.change(SITE / "static/site") is None
    assert changes.change(SITE / "static/sitemap.txt") == Change("static/sitemap.txt", "static")


ENTRY = Change("content/entries/a.md", "content")
OTHER = Change("content/entries/b.md", "content")
CONFIG = Change("journalgen.yaml", "config")


def test_nothing_pending_means_no_batch_and_no_wait() -> None:
    debouncer = Debouncer(quiet=0.1)
    assert debouncer.wait_time(5.0) is None
    assert debouncer.take(5.0) is None
    assert not debouncer.pending


def test_several_events_of_one_save_make_one_batch_after_the_quiet_period() -> None:
    debouncer = Debouncer(quiet=0.1)
    for now in (10.000, 10.002, 10.004, 10.030):  # swap file, rename, write, close
        debouncer.add(ENTRY, now)
    assert debouncer.take(10.100) is None  # 0.07 s after the last event: not yet
    assert debouncer.wait_time(10.100) == pytest.approx(0.03)
    batch = debouncer.take(10.130)
    assert batch == Batch(("content/entries/a.md",), frozenset({"content"}))
    assert not debouncer.pending
    assert debouncer.take(20.0) is None


def test_every_new_event_restarts_the_quiet_period() -> None:
    debouncer = Debouncer(quiet=0.1, longest=5.0)
    debouncer.add(ENTRY, 0.0)
    debouncer.add(OTHER, 0.09)
    assert debouncer.take(0.15) is None
    batch = debouncer.take(0.19)
    assert batch is not None
    assert batch.paths == ("content/entries/a.md", "content/entries/b.md")


def test_a_steady_stream_of_changes_still_rebuilds_every_longest_seconds() -> None:
    debouncer = Debouncer(quiet=0.1, longest=2.0)
    batches = []
    for step in range(400):  # an event every 0.05 s for 20 s: never quiet
        now = step * 0.05
        debouncer.add(ENTRY if step % 2 else OTHER, now)
        batch = debouncer.take(now)
        if batch is not None:
            batches.append(now)
    assert batches[0] == pytest.approx(2.0)
    gaps = [later - earlier for earlier, later in itertools.pairwise(batches)]
    assert len(batches) >= 9
    # At most `longest` after the first change of the batch, which comes one step after.
    assert all(gap <= 2.0 + 2 * 0.05 + 1e-9 for gap in gaps)


def test_a_batch_remembers_kinds_and_describes_itself() -> None:
    debouncer = Debouncer(quiet=0.1)
    for index, change in enumerate([ENTRY, CONFIG, OTHER, ENTRY]):
        debouncer.add(change, index * 0.01)
    debouncer.add(Change("static/x.css", "static"), 0.05)
    batch = debouncer.take(1.0)
    assert batch is not None
    assert batch.config_changed
    assert batch.kinds == frozenset({"content", "config", "static"})
    assert len(batch.paths) == 4
    assert batch.describe() == (
        "content/entries/a.md, journalgen.yaml, content/entries/b.md and 1 more"
    )


# --- The watcher, with fake observers and a fake clock ------------------------------------


class FakeObserver:
    """Records what the watcher schedules; optionally fails like inotify at its limit."""

    def __init__(self, fail: int | None = None) -> None:
        self.fail = fail
        self.scheduled: list[tuple[str, bool]] = []
        self.handler: FileSystemEventHandler | None = None
        self.started = False

    def schedule(
        self, event_handler: FileSystemEventHandler, path: str, *, recursive: bool = False
    ) -> str:
        self.handler = event_handler
        self.scheduled.append((path, recursive))
        return path

    def unschedule(self, watch: Any) -> None:
        self.scheduled = [item for item in self.scheduled if item[0] != watch]

    def unschedule_all(self) -> None:
        self.scheduled = []

    def start(self) -> None:
        if self.fail is not None:
            raise OSError(self.fail, "inotify watch limit reached")
        self.started = True

    def is_alive(self) -> bool:
        return self.started

    def stop(self) -> None:
        self.started = False

    def join(self, timeout: float | None = None) -> None:
        pass


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def make_site(tmp_path: Path) -> Path:
    for folder in ("content/entries", "templates", "static"):
        (tmp_path / folder).mkdir(parents=True)
    return tmp_path.resolve()


def test_watches_only_what_a_build_reads(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    (site / ".venv").mkdir()
    observer = FakeObserver()
    watcher = Watcher(ChangeFilter(site), observer_factory=lambda: observer)
    watcher.start()
    assert sorted(observer.scheduled) == sorted(
        [
            (str(site), False),
            (str(site / "content"), True),
            (str(site / "templates"), True),
            (str(site / "static"), True),
        ]
    )
    assert not watcher.polling


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EMFILE])
def test_inotify_limit_falls_back_to_polling_with_a_clear_message(
    tmp_path: Path, code: int
) -> None:
    site = make_site(tmp_path)
    said: list[str] = []
    native, polling = FakeObserver(fail=code), FakeObserver()
    watcher = Watcher(
        ChangeFilter(site),
        observer_factory=lambda: native,
        fallback_factory=lambda: polling,
        say=said.append,
    )
    watcher.start()
    assert watcher.polling
    assert polling.started and len(polling.scheduled) == 4
    assert native.scheduled == []  # what it had started is stopped
    assert said == [POLLING_MESSAGE.format(reason="inotify watch limit reached")]
    assert "fs.inotify.max_user_watches" in said[0]


def test_other_os_errors_are_not_hidden(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    watcher = Watcher(ChangeFilter(site), observer_factory=lambda: FakeObserver(fail=errno.EACCES))
    with pytest.raises(PermissionError):
        watcher.start()


def test_events_become_one_batch_of_relevant_paths(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    observer, clock = FakeObserver(), FakeClock()
    watcher = Watcher(ChangeFilter(site), observer_factory=lambda: observer, clock=clock)
    watcher.start()
    handler = observer.handler
    assert handler is not None
    entries = site / "content/entries"
    # What an editor that writes a temporary file and renames it produces, plus reads.
    for event in [
        FileCreatedEvent(str(entries / ".hair.md.swp")),
        FileCreatedEvent(str(entries / "hair.md.tmp")),
        FileModifiedEvent(str(entries / "hair.md.tmp")),
        DirModifiedEvent(str(entries)),
        FileMovedEvent(str(entries / "hair.md.tmp"), str(entries / "hair.md")),
        FileOpenedEvent(str(entries / "hair.md")),
        FileClosedNoWriteEvent(str(entries / "hair.md")),
        FileDeletedEvent(str(entries / ".hair.md.swp")),
        FileModifiedEvent(str(site / ".journalgen/preview/index.html")),
    ]:
        handler.dispatch(event)
    assert watcher.next_batch(timeout=0) is None  # the quiet period has not passed
    clock.now += 1.0
    batch = watcher.next_batch(timeout=0)
    assert batch is not None
    assert batch.paths == ("content/entries/hair.md",)
    assert watcher.next_batch(timeout=0) is None


def test_reading_files_never_makes_a_batch(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    observer, clock = FakeObserver(), FakeClock()
    watcher = Watcher(ChangeFilter(site), observer_factory=lambda: observer, clock=clock)
    watcher.start()
    assert observer.handler is not None
    observer.handler.dispatch(FileOpenedEvent(str(site / "content/entries/a.md")))
    observer.handler.dispatch(FileClosedNoWriteEvent(str(site / "content/entries/a.md")))
    clock.now += 10
    assert watcher.next_batch(timeout=0) is None


def test_a_folder_created_later_is_watched_before_the_rebuild(tmp_path: Path) -> None:
    site = tmp_path.resolve()
    (site / "content").mkdir()
    observer, clock = FakeObserver(), FakeClock()
    watcher = Watcher(ChangeFilter(site), observer_factory=lambda: observer, clock=clock)
    watcher.start()
    assert (str(site / "templates"), True) not in observer.scheduled
    (site / "templates").mkdir()
    assert observer.handler is not None
    observer.handler.dispatch(FileCreatedEvent(str(site / "templates")))
    clock.now += 1
    assert watcher.next_batch(timeout=0) is not None
    assert (str(site / "templates"), True) in observer.scheduled
