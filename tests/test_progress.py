"""What the person at the keyboard sees: a progress bar in a terminal (driven here through
a pseudo-terminal), nothing of it when the output goes to a file or a pipe, sizes in human
units, and `serve` saying where to look before its first build is done."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest
from PIL import Image

from livehelpers import JournalgenProcess, make_site


def _journal_with_photos(root: Path, count: int = 4) -> Path:
    site = make_site(root)
    lines = []
    for n in range(count):
        image = Image.effect_noise((1600, 1200), 60 + n).convert("RGB")
        image.save(site / "content/photos" / f"park-{n}.jpg", quality=90)
        lines.append(f"![The park, photo {n}](../photos/park-{n}.jpg)")
    (site / "content/entries/2026-11-02-park.md").write_text(
        '---\ntitle: "The park"\n---\n\n' + "\n\n".join(lines) + "\n", encoding="utf-8"
    )
    return site


def _in_terminal(args: list[str]) -> tuple[int, str]:
    """Run journalgen with a pseudo-terminal as its output; everything it showed there."""
    controller, terminal = pty.openpty()
    # A terminal 120 characters wide, as a real one has (a new pseudo-terminal has none).
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 120, 0, 0))
    process = subprocess.Popen(
        [sys.executable, "-m", "journalgen", *args],
        stdin=subprocess.DEVNULL,
        stdout=terminal,
        stderr=terminal,
    )
    os.close(terminal)
    shown = b""
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        ready, _, _ = select.select([controller], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(controller, 65536)
            except OSError:  # the terminal closed: the program ended
                break
            if not chunk:
                break
            shown += chunk
        elif process.poll() is not None:
            break
    os.close(controller)
    return process.wait(30), shown.decode("utf-8", errors="replace")


def test_photos_show_a_progress_bar_in_a_terminal_only(tmp_path: Path) -> None:
    site = _journal_with_photos(tmp_path / "a")
    code, shown = _in_terminal(["build", "--site", str(site)])
    assert code == 0, shown
    assert re.search(r"Photos:.*\d+/4", shown), shown
    assert "park-" in shown  # the photo being made
    assert re.search(r"Built 3 entries and 1 page \(\d+ files, [\d.]+ (KB|MB)\)", shown)

    piped_site = _journal_with_photos(tmp_path / "b")
    piped = subprocess.run(
        [sys.executable, "-m", "journalgen", "build", "--site", str(piped_site)],
        capture_output=True,
        text=True,
    )
    assert piped.returncode == 0, piped.stderr
    assert "Photos" not in piped.stderr and "\r" not in piped.stderr + piped.stdout


def test_quiet_shows_no_bar_even_in_a_terminal(tmp_path: Path) -> None:
    site = _journal_with_photos(tmp_path / "a", count=2)
    code, shown = _in_terminal(["build", "--quiet", "--site", str(site)])
    assert code == 0 and "Photos" not in shown, shown


def test_serve_says_where_to_look_before_its_first_build(tmp_path: Path) -> None:
    site = _journal_with_photos(tmp_path / "a", count=6)
    server = JournalgenProcess(["serve", "--port", "0", "--site", str(site)], site)
    try:
        server.wait_for_line("Serving a preview at", timeout=60)
        lines = list(server.lines)
        assert not any(line.startswith("Built") for line in lines), lines
        server.wait_for_line("Building the preview", timeout=10)
        server.wait_for_line("Built", timeout=120)
        order = [line for line in server.lines if line.startswith(("Serving", "Built"))]
        assert order[0].startswith("Serving"), order
    finally:
        server.kill()


@pytest.mark.parametrize(
    ("count", "shown"),
    [(950, "950 bytes"), (49_152, "48 KB"), (75_323_392, "71.8 MB"), (1.3e9, "1.2 GB")],
)
def test_sizes_read_as_people_read_them(count: float, shown: str) -> None:
    from journalgen.commands.build import human_size

    assert human_size(count) == shown
