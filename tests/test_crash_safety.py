"""Nothing lost, nothing leaked: a build killed at any moment (SIGKILL, in a subprocess, at
named points and at random moments), two commands at once, a full or read-only disk, and
caches someone tampered with. Afterwards output/ is, byte for byte, the whole previous
build or the whole new one, with no other file, and the next build equals a cold one."""

from __future__ import annotations

import contextlib
import os
import pickle
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from livehelpers import JournalgenProcess, wait_until

CONFIG = """\
title: "{title}"
base_url: https://journal.example.org/
privacy: public
language: en
timezone: Europe/London
author: jenny
authors:
  jenny: {{name: Jenny}}
page_size: 5
"""


def _write_journal(folder: Path, title: str, entries: int = 40, secret: str = "") -> None:
    (folder / "content" / "entries").mkdir(parents=True, exist_ok=True)
    (folder / "content" / "pages").mkdir(parents=True, exist_ok=True)
    (folder / "journalgen.yaml").write_text(CONFIG.format(title=title), encoding="utf-8")
    for n in range(entries):
        body = f"Day {n} of the treatment. " * 30
        if n == 3 and secret:
            body += f"\n\n{secret}\n"
        (
            folder / "content" / "entries" / f"2026-{1 + n // 28:02d}-{1 + n % 28:02d}-day-{n}.md"
        ).write_text(f'---\ntitle: "Day {n}"\ntags: [t{n % 4}]\n---\n\n{body}\n', encoding="utf-8")


def _run(
    site: Path, *args: str, kill_at: str | None = None, without: str = ""
) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.pop("JOURNALGEN_KILL_AT", None)
    env["JOURNALGEN_WITHOUT"] = without
    if kill_at is not None:
        env["JOURNALGEN_KILL_AT"] = kill_at
    return subprocess.run(
        [sys.executable, "-m", "journalgen", *args, "--site", str(site)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _cold(tmp: Path, site: Path) -> dict[str, bytes]:
    """What a build from nothing makes of `site` as it is now."""
    cold = tmp / f"cold-{time.monotonic_ns()}"
    shutil.copytree(site, cold, ignore=shutil.ignore_patterns("output", ".cache", ".journalgen"))
    done = _run(cold, "build", "--quiet")
    assert done.returncode == 0, done.stderr
    return _tree(cold / "output")


def _no_leftovers(site: Path) -> None:
    """Nothing beside output/ but the spare the next build starts from (the build before)."""
    beside = [p.name for p in site.iterdir() if p.name.startswith(".output")]
    assert beside in ([], [".output.spare"]), beside


@pytest.fixture(scope="module")
def trees(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, dict[str, bytes], dict[str, bytes]]:
    """A journal template (already built once), its old tree and the tree after the edit
    every test makes (every page changes: the title)."""
    tmp = tmp_path_factory.mktemp("crash")
    site = tmp / "site"
    _write_journal(site, "Before")
    assert _run(site, "build", "--quiet").returncode == 0
    return _before_and_after(tmp, site)


def _before_and_after(tmp: Path, site: Path) -> tuple[Path, dict[str, bytes], dict[str, bytes]]:
    """`site`, its output as it is, and what a cold build makes after the edit every test
    makes (the title: every page changes)."""
    old = _tree(site / "output")
    edited = tmp / "edited"
    shutil.copytree(site, edited)
    _write_journal(edited, "After")
    return site, old, _cold(tmp, edited)


@pytest.fixture(scope="module")
def trees_built_twice(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, dict[str, bytes], dict[str, bytes]]:
    """As `trees`, but the journal was built twice, with one entry changed between: its
    output and the spare the next build starts from share most of their files (hard
    links), so a build killed now is a journal's third."""
    tmp = tmp_path_factory.mktemp("crash-twice")
    site = tmp / "site"
    _write_journal(site, "Before")
    assert _run(site, "build", "--quiet").returncode == 0
    first = next((site / "content/entries").glob("*-day-5.md"))
    first.write_text(first.read_text() + "\nOne more line.\n", encoding="utf-8")
    assert _run(site, "build", "--quiet").returncode == 0
    spare = site / ".output.spare"
    spared = {p.stat().st_ino for p in spare.rglob("*") if p.is_file()}
    shared = spared & {p.stat().st_ino for p in (site / "output").rglob("*") if p.is_file()}
    assert len(shared) > len(spared) * 0.8, "the spare should share most files with output/"
    return _before_and_after(tmp, site)


def _fresh_copy(template: Path, tmp: Path) -> Path:
    """A copy of `template` with its hard links kept (between output/ and the spare)."""
    site = tmp / "site"
    tmp.mkdir(parents=True, exist_ok=True)
    subprocess.run(["cp", "-a", str(template), str(site)], check=True)
    _write_journal(site, "After")
    return site


def _check_after_kill(site: Path, old: dict[str, bytes], new: dict[str, bytes], where: str) -> str:
    found = _tree(site / "output")
    state = "old" if found == old else "new" if found == new else "mixed"
    assert state != "mixed", (where, sorted(set(found) ^ set(old)), sorted(set(found) ^ set(new)))
    done = _run(site, "build", "--quiet")
    assert done.returncode == 0, (where, done.stderr)
    assert "Traceback" not in done.stderr
    assert _tree(site / "output") == new, where
    _no_leftovers(site)
    return state


POINTS = ["write:1", "write:2", "write:middle", "write:last", "exchange", "exchanged", "cleaned"]
"""Every file written counts as one `write` point; the last is the list of files."""


@pytest.mark.parametrize("point", POINTS)
def test_a_build_killed_at_each_point_leaves_one_whole_build(
    trees: tuple[Path, dict[str, bytes], dict[str, bytes]], tmp_path: Path, point: str
) -> None:
    template, old, new = trees
    site = _fresh_copy(template, tmp_path)
    point = point.replace("middle", str(len(new) // 2)).replace("last", str(len(new)))
    done = _run(site, "build", "--quiet", kill_at=point)
    assert done.returncode == -signal.SIGKILL, (point, done.returncode, done.stderr)
    state = _check_after_kill(site, old, new, point)
    assert state == ("old" if point.startswith("write") or point == "exchange" else "new")


@pytest.mark.parametrize("point", ["write:1", "write:middle", "write:last", "exchange"])
def test_a_third_build_killed_leaves_the_output_as_it_was(
    trees_built_twice: tuple[Path, dict[str, bytes], dict[str, bytes]],
    tmp_path: Path,
    point: str,
) -> None:
    """The build starts from the spare, whose files are hard links to output/'s: it must
    never write into one of them, or a kill would leave output/ changed."""
    template, old, new = trees_built_twice
    site = _fresh_copy(template, tmp_path)
    point = point.replace("middle", str(len(new) // 2)).replace("last", str(len(new)))
    done = _run(site, "build", "--quiet", kill_at=point)
    assert done.returncode == -signal.SIGKILL, (point, done.returncode, done.stderr)
    assert _tree(site / "output") == old, point
    assert _check_after_kill(site, old, new, point) == "old"


@pytest.mark.parametrize("point", ["write:2", "exchange", "exchange-half", "exchanged"])
def test_without_renameat2_a_killed_build_leaves_no_mix_and_the_next_one_recovers(
    trees: tuple[Path, dict[str, bytes], dict[str, bytes]], tmp_path: Path, point: str
) -> None:
    """macOS and Windows have no one-step exchange: two renames, between which a kill
    leaves no output folder at all (never a mixed one); the next build puts things right."""
    template, old, new = trees
    site = _fresh_copy(template, tmp_path)
    done = _run(site, "build", "--quiet", kill_at=point, without="renameat2")
    assert done.returncode == -signal.SIGKILL, done.stderr
    if (site / "output").exists():
        assert _tree(site / "output") in (old, new), point
    else:
        assert point == "exchange-half"
    done = _run(site, "build", "--quiet", without="renameat2")
    assert done.returncode == 0, done.stderr
    assert _tree(site / "output") == new
    _no_leftovers(site)


def test_builds_killed_at_random_moments_leave_one_whole_build(
    trees: tuple[Path, dict[str, bytes], dict[str, bytes]],
    trees_built_twice: tuple[Path, dict[str, bytes], dict[str, bytes]],
    tmp_path: Path,
) -> None:
    """Killed at a random moment of its run (second and third builds alike), every build
    leaves the old output or the new one. Each kill must land while the build runs (it
    did not finish: nearly all must), and some while it was writing (its new folder
    beside output/)."""
    chance = random.Random(20261201)
    seen = {"old": 0, "new": 0, "killed": 0, "while writing": 0}
    timing = _fresh_copy(trees[0], tmp_path / "timing")
    started = time.monotonic()
    assert _run(timing, "build", "--quiet").returncode == 0
    whole = time.monotonic() - started
    for attempt in range(10):
        template, old, new = trees if attempt % 2 else trees_built_twice
        site = _fresh_copy(template, tmp_path / str(attempt))
        process = subprocess.Popen(
            [sys.executable, "-m", "journalgen", "build", "--quiet", "--site", str(site)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(chance.uniform(0.2, 0.8) * whole)
        writing = any(p.name.startswith(".output.building-") for p in site.iterdir())
        process.kill()
        seen["killed"] += process.wait() == -signal.SIGKILL
        seen["while writing"] += writing
        seen[_check_after_kill(site, old, new, f"random kill {attempt}")] += 1
    print(f"random kills: {seen}")
    assert seen["killed"] >= 8 and seen["while writing"] >= 2, seen


def test_a_drafted_text_never_survives_a_killed_build(tmp_path: Path) -> None:
    """Build A starts with a secret paragraph and dies; the author marks the entry a draft
    and builds again: the secret is in no file of output/, and deploy-check agrees."""
    site = tmp_path / "site"
    _write_journal(site, "Journal", secret="SECRET-PARAGRAPH")
    done = _run(site, "build", "--quiet", kill_at="write:60")
    assert done.returncode == -signal.SIGKILL
    entry = next((site / "content" / "entries").glob("*-day-3.md"))
    entry.write_text(entry.read_text().replace("---\n\n", "draft: true\n---\n\n", 1))
    assert _run(site, "build", "--quiet").returncode == 0
    for rel, data in _tree(site / "output").items():
        assert b"SECRET-PARAGRAPH" not in data, rel
    _no_leftovers(site)
    assert _run(site, "deploy-check").returncode == 0


def test_two_builds_started_together(tmp_path: Path) -> None:
    site = tmp_path / "site"
    _write_journal(site, "Together")
    assert _run(site, "build", "--quiet").returncode == 0
    _write_journal(site, "Together again")
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "journalgen", "build", "--site", str(site)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    results = [(run.wait(120), *run.communicate()) for run in runs]
    for code, _out, err in results:
        assert code == 0, err
        assert "Traceback" not in err and "did not expect" not in err
    assert _tree(site / "output") == _cold(tmp_path, site)
    _no_leftovers(site)


def test_a_second_command_waits_and_says_for_whom(tmp_path: Path) -> None:
    from journalgen.output import lock

    site = tmp_path / "site"
    _write_journal(site, "Waiting", entries=3)
    with lock.held(site, "journalgen guestbook import"):
        process = subprocess.Popen(
            [sys.executable, "-m", "journalgen", "build", "--site", str(site)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        time.sleep(3)
        assert process.poll() is None, "the build did not wait"
        assert not (site / "output").exists()
    _out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    assert f"Waiting: journalgen guestbook import (process {os.getpid()}, since " in err
    assert (site / "output" / "index.html").is_file()


def test_a_build_while_serve_previews(tmp_path: Path) -> None:
    site = tmp_path / "site"
    _write_journal(site, "Served")
    (site / "templates").mkdir()
    (site / "static").mkdir()
    server = JournalgenProcess(["serve", "--port", "0", "--site", str(site)], tmp_path)
    try:
        server.wait_for_line("Serving", timeout=60) if False else wait_until(
            lambda: (site / ".journalgen" / "preview" / "index.html").exists(), 60, "preview"
        )
        for n in range(3):
            _write_journal(site, f"Served {n}")
            done = _run(site, "build", "--quiet")
            assert done.returncode == 0, done.stderr
            assert "Traceback" not in done.stderr
        assert _tree(site / "output") == _cold(tmp_path, site)
    finally:
        server.kill()
    assert not any("Traceback" in line for line in server.errors), server.errors


# --- Other commands that write the journal -----------------------------------------------

EXPORT = (
    "\n".join(
        ["name,email,message,date,entry"]
        + [
            f"Friend {n},f{n}@example.org,Thinking of you all {n},2026-11-{1 + n:02d}T10:00:00Z,"
            for n in range(12)
        ]
    )
    + "\n"
)


def _guestbook_site(tmp: Path) -> Path:
    site = tmp / "site"
    _write_journal(site, "Messages", entries=2)
    (tmp / "export.csv").write_text(EXPORT, encoding="utf-8")
    return site


def _pending(site: Path) -> dict[str, bytes]:
    return _tree(site / "content" / "guestbook")


def test_guestbook_import_killed_then_run_again_imports_each_message_once(tmp_path: Path) -> None:
    once = _guestbook_site(tmp_path / "once")
    assert _run(once, "guestbook", "import", str(tmp_path / "once" / "export.csv")).returncode == 0
    expected = _pending(once)
    assert len(expected) == 12
    for point in ("import:1", "import:5", "import:12"):
        site = _guestbook_site(tmp_path / point.replace(":", "-"))
        export = str(site.parent / "export.csv")
        done = _run(site, "guestbook", "import", export, kill_at=point)
        assert done.returncode == -signal.SIGKILL
        done = _run(site, "guestbook", "import", export)
        assert done.returncode == 0, done.stderr
        assert _pending(site) == expected, point


def test_guestbook_approve_killed_then_run_again(tmp_path: Path) -> None:
    site = _guestbook_site(tmp_path)
    assert _run(site, "guestbook", "import", str(tmp_path / "export.csv")).returncode == 0
    done = _run(site, "guestbook", "approve", "--all", kill_at="approve:6")
    assert done.returncode == -signal.SIGKILL
    assert _run(site, "guestbook", "approve", "--all").returncode == 0
    published = [p for p in (site / "content" / "guestbook").iterdir() if p.is_file()]
    assert len(published) == 12
    assert not list((site / "content" / "guestbook" / "pending").iterdir())


FAREWELL = """\
---
title: "Goodbye, and thank you"
kind: farewell
draft: true
---

If you are reading this, I have gone. Thank you for everything.
"""


@pytest.mark.parametrize("point", ["whole", "farewell-replace"])
def test_farewell_publish_killed_then_run_again(tmp_path: Path, point: str) -> None:
    site = tmp_path / "site"
    _write_journal(site, "Memorial", entries=2)
    farewell = site / "content" / "entries" / "goodbye.md"
    farewell.write_text(FAREWELL, encoding="utf-8")
    done = _run(site, "farewell", "publish", "goodbye", kill_at=point)
    assert done.returncode == -signal.SIGKILL, done.stderr
    assert (
        farewell.read_text(encoding="utf-8") in (FAREWELL,) or "draft" not in farewell.read_text()
    )
    done = _run(site, "farewell", "publish", "goodbye")
    assert done.returncode == 0, done.stderr
    text = farewell.read_text(encoding="utf-8")
    assert "draft: true" not in text and "If you are reading this" in text
    backups = [p for p in (site / "content").rglob("*before-publish*")]
    assert len(backups) == 1, backups
    assert backups[0].read_text(encoding="utf-8") == FAREWELL
    leftovers = [p.name for p in site.rglob(".*") if p.is_file() and ".journalgen" not in p.parts]
    assert leftovers == []


def test_guestbook_list_into_a_closed_pipe(tmp_path: Path) -> None:
    site = _guestbook_site(tmp_path)
    assert _run(site, "guestbook", "import", str(tmp_path / "export.csv")).returncode == 0
    done = subprocess.run(
        f"{sys.executable} -m journalgen guestbook list --debug --site {site} | head -1",
        shell=True,
        capture_output=True,
        text=True,
    )
    assert "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr, done.stderr


# --- The disk as it is -------------------------------------------------------------------


@contextmanager
def _mounted(folder: Path, options: str) -> Iterator[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)], capture_output=True
    )
    if done.returncode != 0:
        message = "mounting a small tmpfs needs root: " + done.stderr.decode(errors="replace")
        if os.environ.get("CI", "").lower() in ("true", "1"):
            pytest.fail(message)
        pytest.skip(message)
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def test_a_full_disk_is_a_plain_message_and_the_output_stays(tmp_path: Path) -> None:
    with _mounted(tmp_path / "disk", "size=3m") as disk:
        site = disk / "site"
        _write_journal(site, "Small disk", entries=10)
        assert _run(site, "build", "--quiet").returncode == 0
        before = _tree(site / "output")
        # Fill the disk, then change every page.
        filler = disk / "filler"
        with filler.open("wb") as handle:
            try:
                while True:
                    handle.write(b"\0" * 65536)
                    handle.flush()
            except OSError:
                pass
        _write_journal(site, "Small disk, renamed", entries=10)
        done = _run(site, "build")
        assert done.returncode == 1, done.stderr
        assert "the disk is full" in done.stderr, done.stderr
        assert f"could not write in {site / 'output'}" in done.stderr, done.stderr
        assert "did not expect" not in done.stderr and "Traceback" not in done.stderr
        assert _tree(site / "output") == before
        _no_leftovers(site)


def test_a_read_only_output_is_a_plain_message(tmp_path: Path) -> None:
    with _mounted(tmp_path / "disk", "size=20m") as disk:
        site = disk / "site"
        _write_journal(site, "Read only", entries=5)
        assert _run(site, "build", "--quiet").returncode == 0
        before = _tree(site / "output")
        _write_journal(site, "Read only, renamed", entries=5)
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        done = _run(site, "build")
        assert done.returncode == 1, done.stderr
        assert "read-only" in done.stderr, done.stderr
        assert "did not expect" not in done.stderr and "Traceback" not in done.stderr
        assert _tree(site / "output") == before


def test_a_symlinked_output_stays_a_link_and_receives_the_site(tmp_path: Path) -> None:
    site = tmp_path / "site"
    _write_journal(site, "Linked", entries=5)
    elsewhere = tmp_path / "www" / "journal"
    elsewhere.mkdir(parents=True)
    (site / "output").symlink_to(elsewhere)
    for title in ("Linked", "Linked again"):
        _write_journal(site, title, entries=5)
        assert _run(site, "build", "--quiet").returncode == 0
        assert (site / "output").is_symlink()
        assert os.readlink(site / "output") == str(elsewhere)
        assert title in (elsewhere / "index.html").read_text(encoding="utf-8")
    assert sorted(p.name for p in elsewhere.parent.iterdir()) == [".journal.spare", "journal"]
    _no_leftovers(site)


# --- Caches ------------------------------------------------------------------------------


class _Runs:
    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, (f"touch {self.marker}",))


def test_a_pickle_in_the_cache_never_runs(tmp_path: Path) -> None:
    site = tmp_path / "site"
    _write_journal(site, "Cached", entries=5)
    assert _run(site, "build", "--quiet").returncode == 0
    expected = _tree(site / "output")
    marker = tmp_path / "ran"
    payload = pickle.dumps(_Runs(str(marker)))
    cache = site / ".cache" / "journalgen"
    stored = cache / "store.sqlite"
    with contextlib.closing(sqlite3.connect(stored)) as db:  # every value kept, a pickle
        planted = sum(
            db.execute(f"UPDATE {table} SET value = ?", (payload,)).rowcount
            for table in ("parses", "linked", "probes", "parts", "builds")
        )
        db.commit()
    for name in ("parsed/shard-00.pickle", "fresh/x.pickle", "templates/__jinja2_x.cache"):
        (cache / name).parent.mkdir(parents=True, exist_ok=True)
        (cache / name).write_bytes(payload)
    assert planted > 3
    _write_journal(site, "Cached", entries=5)  # same text, newer files: a real build runs
    done = _run(site, "build")
    assert done.returncode == 0, done.stderr
    assert not marker.exists(), "a pickle in the cache ran"
    assert _tree(site / "output") == expected
    # The whole store a pickle, then cut short.
    for damage in (payload, stored.read_bytes()[:40]):
        stored.write_bytes(damage)
        _write_journal(site, "Cached", entries=5)
        done = _run(site, "build")
        assert done.returncode == 0, done.stderr
        assert "notice: ignoring" in done.stderr
        assert not marker.exists(), "a pickle in the cache ran"
        assert _tree(site / "output") == expected


def test_an_output_that_is_a_mount_point_is_a_plain_message(tmp_path: Path) -> None:
    site = tmp_path / "site"
    _write_journal(site, "Mounted", entries=3)
    with _mounted(site / "output", "size=20m"):
        done = _run(site, "build")
        assert done.returncode == 1, done.stderr
        assert "mount point" in done.stderr and "did not expect" not in done.stderr


def test_an_unreadable_static_file_is_named_as_unreadable(tmp_path: Path) -> None:
    """A file journalgen may not read is named. As root (who may read anything), the build
    runs without root's powers (no capabilities), so the checkout may sit anywhere, even
    in a home folder other users cannot enter."""
    site = tmp_path / "site"
    _write_journal(site, "Static", entries=3)
    secret = site / "static" / "extra.css"
    secret.parent.mkdir()
    secret.write_text("body {}", encoding="utf-8")
    secret.chmod(0)
    powerless: list[str] = []
    if os.geteuid() == 0:
        powerless = ["setpriv", "--bounding-set=-all", "--inh-caps=-all"]
        probe = subprocess.run([*powerless, "cat", str(secret)], capture_output=True)
        if probe.returncode == 0:
            secret.chmod(0o644)
            pytest.skip("root keeps its powers here: setpriv cannot drop them")
    try:
        done = subprocess.run(
            [*powerless, sys.executable, "-m", "journalgen", "build", "--site", str(site)],
            capture_output=True,
            text=True,
        )
    finally:
        secret.chmod(0o644)
    assert done.returncode == 1, done.stderr
    assert "extra.css: cannot read this file" in done.stderr, done.stderr
