"""Helpers for the serve/watch tests: a journalgen process in the background, editors'
ways of saving a file, and polling with a deadline instead of fixed sleeps."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

ENTRY_NAME = "2026-11-20-hair.md"
ENTRY_URL = "2026/11/hair/"


CONFIG = """\
title: "Test journal"
base_url: https://journal.example.org/
language: en
timezone: Europe/London
author: jenny
authors:
  jenny: {name: Jenny}
"""


def make_site(folder: Path, paragraphs: int = 40) -> Path:
    """A small journal with one long entry, an About page and empty templates/ and
    static/ folders (as `journalgen init` makes them), returned."""
    for sub in ("content/entries", "content/pages", "content/photos", "templates", "static"):
        (folder / sub).mkdir(parents=True)
    (folder / "journalgen.yaml").write_text(CONFIG, encoding="utf-8")
    (folder / "content/pages/about.md").write_text(
        '---\ntitle: "About"\n---\n\nAbout us.\n', encoding="utf-8"
    )
    (folder / "content/entries/2026-11-01-welcome.md").write_text(
        '---\ntitle: "Welcome"\n---\n\nHello.\n', encoding="utf-8"
    )
    write_entry(folder, "Original words.", paragraphs)
    return folder


def entry_text(marker: str, paragraphs: int = 40, title: str = "On hair, and jars") -> str:
    body = "\n\n".join(f"Paragraph {n}: the long middle of the day." for n in range(paragraphs))
    return (
        f'---\ntitle: "{title}"\ndate: 2026-11-20 18:30\ntags: [home]\n---\n\n{body}\n\n{marker}\n'
    )


def write_entry(site: Path, marker: str, paragraphs: int = 40) -> Path:
    path = site / "content" / "entries" / ENTRY_NAME
    atomic_write(path, entry_text(marker, paragraphs))
    return path


_counter = [0]


def atomic_write(path: Path, text: str) -> None:
    """Save as many editors do: write a temporary file beside it, then rename it over."""
    _counter[0] += 1
    temp = path.with_name(f".{path.name}.tmp{os.getpid()}-{_counter[0]}")
    temp.write_text(text, encoding="utf-8")
    os.replace(temp, path)


def wait_until(check: Callable[[], bool], timeout: float = 15.0, what: str = "") -> None:
    """Poll `check` until it is true; fail with `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or check}")
        time.sleep(0.02)


def _default_ctrl_c() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


class JournalgenProcess:
    """`journalgen ARGS` in the background, its output collected line by line."""

    def __init__(self, args: list[str], cwd: Path) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "journalgen", *args],
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            # Ctrl-C as a terminal delivers it, even when these tests run in the background
            # (a shell's background job starts with SIGINT ignored, and Python then keeps
            # ignoring it in the children).
            preexec_fn=_default_ctrl_c,
        )
        self.lines: list[str] = []
        self.errors: list[str] = []
        self._lock = threading.Lock()
        assert self.process.stdout is not None and self.process.stderr is not None
        self._readers = [
            threading.Thread(target=self._collect, args=(stream, into), daemon=True)
            for stream, into in (
                (self.process.stdout, self.lines),
                (self.process.stderr, self.errors),
            )
        ]
        for reader in self._readers:
            reader.start()

    def _collect(self, stream: object, into: list[str]) -> None:
        for line in stream:  # type: ignore[attr-defined]
            with self._lock:
                into.append(line.rstrip("\n"))

    @property
    def output(self) -> str:
        with self._lock:
            return "\n".join(self.lines)

    def wait_for_line(self, prefix: str, timeout: float = 30.0) -> str:
        found: list[str] = []

        def seen() -> bool:
            if self.process.poll() is not None:
                raise AssertionError(f"journalgen exited early:\n{self.output}\n{self.errors}")
            with self._lock:
                found.extend(line for line in self.lines if line.startswith(prefix))
            return bool(found)

        wait_until(seen, timeout, f"a line starting with {prefix!r}")
        return found[0]

    def count(self, prefix: str) -> int:
        with self._lock:
            return sum(1 for line in self.lines if line.startswith(prefix))

    def interrupt(self, timeout: float = 15.0) -> int:
        """Press Ctrl-C and wait for the exit code."""
        self.process.send_signal(signal.SIGINT)
        try:
            return self.process.wait(timeout)
        finally:
            self.kill()
            for reader in self._readers:
                reader.join(5)

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)
