"""`journalgen serve` and `watch`: rebuild reports, the parse cache, a soak test of rapid
edits with the real watcher, and both commands run as real processes."""

from __future__ import annotations

import io
import re
import socket
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from watchdog.observers.polling import PollingObserver

from journalgen.build import BuildOptions
from journalgen.cli import main
from journalgen.preview.changes import Batch, ChangeFilter
from journalgen.preview.devserver import EVENTS_PATH, BuildState
from journalgen.preview.live import Rebuilder, ServeOptions, announce, preview_dir, run_loop
from journalgen.preview.watcher import Watcher
from journalgen.structure.site import Selection
from livehelpers import (
    CONFIG,
    ENTRY_URL,
    JournalgenProcess,
    atomic_write,
    entry_text,
    make_site,
    wait_until,
    write_entry,
)

ENTRY_BATCH = Batch(("content/entries/2026-11-20-hair.md",), frozenset({"content"}))
BROKEN_YAML = '---\ntitle: "Unclosed\ndate: 2026-11-20\n---\n\nText.\n'


def preview_options(site: Path) -> BuildOptions:
    return BuildOptions(
        site_dir=site,
        out_dir=preview_dir(site),
        selection=Selection(drafts=True, future=True),
        force=True,
    )


def test_each_problem_is_reported_once_and_the_next_good_save_fixes_it(tmp_path: Path) -> None:
    site = make_site(tmp_path / "journal")
    out, state = io.StringIO(), BuildState()
    rebuilder = Rebuilder(preview_options(site), state, out=out)
    assert rebuilder.rebuild().ok
    entry = site / "content/entries/2026-11-20-hair.md"
    atomic_write(entry, BROKEN_YAML)
    failed = rebuilder.rebuild(ENTRY_BATCH)
    assert not failed.ok and failed.error is not None
    assert re.search(r"content/entries/2026-11-20-hair\.md:\d+: invalid YAML", failed.error)
    assert state.snapshot().error == failed.error
    assert not rebuilder.rebuild(ENTRY_BATCH).ok  # saved again, still broken
    write_entry(site, "Repaired.")
    assert rebuilder.rebuild(ENTRY_BATCH).ok
    assert state.snapshot().error is None
    text = out.getvalue()
    assert text.count(failed.error) == 1
    assert "Still the same problem as above" in text
    assert "Fixed: built in" in text
    assert "Repaired." in (preview_dir(site) / ENTRY_URL / "index.html").read_text("utf-8")


def test_a_rebuild_after_one_edit_parses_one_file(tmp_path: Path) -> None:
    site = make_site(tmp_path / "journal")
    for day in range(1, 10):
        atomic_write(site / f"content/entries/2026-10-0{day}-day-{day}.md", entry_text("x"))
    rebuilder = Rebuilder(preview_options(site), out=io.StringIO())
    rebuilder.rebuild()
    total = rebuilder.layer.stats.parsed
    assert total == 12  # welcome, the long entry, 9 days, about
    write_entry(site, "Edited once.")
    rebuilder.rebuild(ENTRY_BATCH)
    assert (rebuilder.layer.stats.parsed, rebuilder.layer.stats.reused) == (1, total - 1)
    config = site / "journalgen.yaml"
    config.write_text(config.read_text("utf-8") + 'description: "Changed."\n', "utf-8")
    rebuilder.rebuild(Batch(("journalgen.yaml",), frozenset({"config"})))
    assert rebuilder.layer.stats.parsed == total  # settings changed: everything again
    assert "Edited once." in (preview_dir(site) / ENTRY_URL / "index.html").read_text("utf-8")


def test_a_new_template_override_is_used_at_once(tmp_path: Path) -> None:
    site = make_site(tmp_path / "journal")
    rebuilder = Rebuilder(preview_options(site), out=io.StringIO())
    rebuilder.rebuild()
    page = preview_dir(site) / ENTRY_URL / "index.html"
    assert "OVERRIDDEN" not in page.read_text("utf-8")
    (site / "templates/entry.html").write_text(
        '{% extends "base.html" %}{% block main %}OVERRIDDEN {{ entry.title }}{% endblock %}',
        "utf-8",
    )
    rebuilder.rebuild(Batch(("templates/entry.html",), frozenset({"template"})))
    assert "OVERRIDDEN On hair, and jars" in page.read_text("utf-8")
    (site / "templates/entry.html").write_text("{% block main %}{{ nope( }}", "utf-8")
    broken = rebuilder.rebuild(Batch(("templates/entry.html",), frozenset({"template"})))
    assert broken.error is not None and "templates/entry.html:1" in broken.error


def test_the_reload_script_never_reaches_a_normal_build(tmp_path: Path) -> None:
    site = make_site(tmp_path / "journal")
    Rebuilder(preview_options(site), BuildState(), out=io.StringIO()).rebuild()
    assert main(["build", "--site", str(site), "--quiet"]) == 0
    for folder in (site / "output", preview_dir(site)):
        for path in folder.rglob("*"):
            if path.is_file():
                assert EVENTS_PATH.encode() not in path.read_bytes(), path


@pytest.fixture
def watching(tmp_path: Path) -> Iterator[tuple[Path, Watcher]]:
    """A journal and the real watcher (inotify here) watching it."""
    site = make_site(tmp_path / "journal").resolve()
    watcher = Watcher(ChangeFilter(site, ((site / "output"),)))
    watcher.start()
    try:
        yield site, watcher
    finally:
        watcher.stop()


def _next(watcher: Watcher) -> Batch:
    batch = watcher.next_batch(timeout=10)
    assert batch is not None, "no change seen"
    return batch


def test_the_real_watcher_sees_every_kind_of_change(watching: tuple[Path, Watcher]) -> None:
    site, watcher = watching
    entries = site / "content/entries"
    new, renamed = entries / "2026-11-21-new.md", entries / "2026-11-22-renamed.md"
    cases: list[tuple[Callable[[], object], str]] = [
        (lambda: new.write_text(entry_text("new"), "utf-8"), "content/entries/2026-11-21-new.md"),
        (lambda: new.rename(renamed), "content/entries/2026-11-22-renamed.md"),
        (renamed.unlink, "content/entries/2026-11-22-renamed.md"),
        (lambda: (site / "content/photos/a.webp").write_bytes(b"RIFF"), "content/photos/a.webp"),
        (lambda: (site / "static/notes.txt").write_text("x", "utf-8"), "static/notes.txt"),
        (lambda: (site / "templates/entry.html").write_text("x", "utf-8"), "templates/entry.html"),
        (lambda: atomic_write(site / "journalgen.yaml", CONFIG), "journalgen.yaml"),
    ]
    for action, rel in cases:
        action()
        assert rel in _next(watcher).paths


def test_a_vim_style_save_is_one_batch_naming_the_entry(watching: tuple[Path, Watcher]) -> None:
    site, watcher = watching
    entries = site / "content/entries"
    entry, backup = entries / "2026-11-20-hair.md", entries / "2026-11-20-hair.md~"
    swap = entries / ".2026-11-20-hair.md.swp"
    swap.write_bytes(b"swap")
    (entries / "4913").write_text("", "utf-8")
    (entries / "4913").unlink()
    entry.rename(backup)
    entry.write_text(entry_text("Saved by vim."), "utf-8")
    backup.unlink()
    assert _next(watcher).paths == ("content/entries/2026-11-20-hair.md",)
    swap.write_bytes(b"swap again")  # vim updating its swap file alone: nothing to do
    assert watcher.next_batch(timeout=0.5) is None


def test_builds_do_not_trigger_rebuilds(watching: tuple[Path, Watcher]) -> None:
    site, watcher = watching
    Rebuilder(preview_options(site), out=io.StringIO()).rebuild()  # .journalgen/preview
    Rebuilder(BuildOptions(site, site / "output"), out=io.StringIO()).rebuild()  # output/
    assert watcher.next_batch(timeout=0.5) is None


def test_polling_works_too(tmp_path: Path) -> None:
    site = make_site(tmp_path / "journal").resolve()
    watcher = Watcher(ChangeFilter(site), observer_factory=lambda: PollingObserver(timeout=0.1))
    watcher.start()
    try:
        write_entry(site, "Polled.")
        assert _next(watcher).paths == ("content/entries/2026-11-20-hair.md",)
    finally:
        watcher.stop()


def test_soak_200_rapid_edits_end_in_one_correct_state_and_few_rebuilds(tmp_path: Path) -> None:
    site = make_site(tmp_path / "journal", paragraphs=3)
    paths = [site / f"content/entries/2026-10-{n + 1:02d}-note-{n}.md" for n in range(20)]
    for path in paths:
        atomic_write(path, entry_text("start", 3))
    options = BuildOptions(site_dir=site, out_dir=site / "output")
    out = io.StringIO()
    rebuilder = Rebuilder(options, out=out)
    watcher = Watcher(ChangeFilter(site.resolve(), (options.out_dir.resolve(),)))
    watcher.start()
    rebuilder.rebuild()
    stop = threading.Event()
    loop = threading.Thread(target=run_loop, args=(watcher, rebuilder, stop), daemon=True)
    loop.start()
    try:
        started = time.monotonic()
        for edit in range(200):
            atomic_write(paths[edit % 20], entry_text(f"edit-{edit}-done", 3))
            time.sleep(0.01)
        assert time.monotonic() - started < 6

        def final() -> bool:
            try:  # output/ is briefly missing while a finished build is swapped in
                pages = [site / f"output/2026/11/note-{n}/index.html" for n in range(20)]
                return all(
                    f"edit-{180 + n}-done" in p.read_text("utf-8") for n, p in enumerate(pages)
                )
            except FileNotFoundError:
                return False

        wait_until(final, 20, "the last edit of every file in output/")
        time.sleep(0.4)  # a rebuild still to come would have started by now
    finally:
        stop.set()
        loop.join(10)
        watcher.stop()
    assert final()
    assert 2 <= rebuilder.builds <= 6, out.getvalue()  # the first build + a few


def test_serve_runs_until_ctrl_c(tmp_path: Path) -> None:
    site = make_site(tmp_path / "journal")
    serve = JournalgenProcess(["serve", "--port", "0", "--site", str(site)], tmp_path)
    try:
        url = serve.wait_for_line("Serving a preview at ").split(" at ", 1)[1]
        with urllib.request.urlopen(url + ENTRY_URL, timeout=10) as reply:
            assert "Original words." in reply.read().decode("utf-8")
        write_entry(site, "Saved from a test.")

        def updated() -> bool:
            with urllib.request.urlopen(url + ENTRY_URL, timeout=10) as reply:
                return "Saved from a test." in reply.read().decode("utf-8")

        wait_until(updated, 15, "the edited entry to be served")
        assert serve.interrupt() == 0
    finally:
        serve.kill()
    assert "Stopped." in serve.output
    assert "Traceback" not in "\n".join(serve.errors)
    assert not (site / "output").exists()  # previews never go where the site is published


def test_watch_rebuilds_output_until_ctrl_c(tmp_path: Path) -> None:
    site = make_site(tmp_path / "journal")
    watch = JournalgenProcess(["watch", "--site", str(site)], tmp_path)
    page = site / "output" / ENTRY_URL / "index.html"
    try:
        watch.wait_for_line("Watching ")
        assert "Original words." in page.read_text("utf-8")
        write_entry(site, "Watched edit.")
        wait_until(lambda: "Watched edit." in page.read_text("utf-8"), 15, "output/ rebuilt")
        atomic_write(site / "journalgen.yaml", "title: [broken\n")
        wait_until(lambda: watch.count("Rebuild failed") == 1, 15, "the error")
        assert re.search(r"error: journalgen.yaml:\d+: invalid YAML", watch.output)
        assert watch.interrupt() == 0
    finally:
        watch.kill()
    assert "Traceback" not in "\n".join(watch.errors)
    assert EVENTS_PATH.encode() not in page.read_bytes()


def test_serve_says_when_the_port_is_taken(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site(tmp_path / "journal")
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert main(["serve", "--site", str(site), "--port", str(port)]) == 1
    assert f"cannot serve on 127.0.0.1 port {port}" in capsys.readouterr().err


def test_serve_refuses_a_folder_that_is_not_a_journal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["serve", "--site", str(tmp_path), "--port", "0"]) == 1
    assert "no settings file here" in capsys.readouterr().err


def test_sharing_on_the_network_prints_a_warning(tmp_path: Path) -> None:
    out = io.StringIO()
    options = ServeOptions(preview_options(tmp_path), host="0.0.0.0", port=8000)
    announce(options, 8000, "/", out)
    assert "Warning: --host 0.0.0.0 lets other computers on your network" in out.getvalue()
    local = io.StringIO()
    announce(ServeOptions(preview_options(tmp_path)), 8000, "/", local)
    assert "Warning" not in local.getvalue()
    assert "http://127.0.0.1:8000/" in local.getvalue()
