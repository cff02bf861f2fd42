"""The whole path a family walks, on a fresh account, with journalgen installed the way the
README tells them (the one line for macOS and most Linux systems, run as written): a fresh
wheel, a fresh HOME, nothing of this checkout. Then `init`, a week of entries pasted from
Word with an iPhone's HEIC photo and WhatsApp's photos, and `publish` to a git repository
(local and bare, standing in for GitHub). Every step succeeds, or stops with a message that
says what to do, which the family does."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
README = REPO / "README.md"

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


def _install_line() -> str:
    """The macOS line of the README's "Install journalgen" (also the one for Linux systems
    other than Debian's), exactly as written there."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index("### macOS") : text.index("### Linux")]
    (line,) = re.findall(r"^ {7}(python3 -m pip install .*)$", section, re.MULTILINE)
    return str(line)


def _wheel(folder: Path) -> Path:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--wheel-dir",
            str(folder),
            str(REPO),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = folder.glob("journalgen-*.whl")
    return wheel


def test_a_family_installs_writes_a_week_and_publishes(tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / "Downloads").mkdir(parents=True)
    wheel = _wheel(tmp_path / "dist")
    shutil.copy(wheel, home / "Downloads" / wheel.name)
    line = _install_line()
    assert wheel.name in line, (wheel.name, line)
    clean = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("VIRTUAL_ENV", "PYTHON", "PIPX", "JOURNALGEN"))
    }
    system_path = ":".join(
        p for p in clean.get("PATH", "/usr/bin:/bin").split(":") if ".venv" not in p
    )
    env = {**clean, "HOME": str(home), "PATH": system_path, "GIT_CONFIG_NOSYSTEM": "1"}
    installed = subprocess.run(
        ["sh", "-c", line], cwd=home, env=env, capture_output=True, text=True, timeout=900
    )
    assert installed.returncode == 0, installed.stdout + installed.stderr
    command = home / ".local" / "bin" / "journalgen"
    assert command.exists(), installed.stdout
    env["PATH"] = f"{home / '.local' / 'bin'}:{system_path}"

    def journalgen(*args: str, where: Path = home) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["journalgen", *args],
            cwd=where,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            stdin=subprocess.DEVNULL,
        )

    version = journalgen("--version")
    assert version.returncode == 0 and version.stdout.startswith("journalgen ")
    # The command is the installed one, not this checkout's.
    (python,) = home.glob(".local/*/pipx/venvs/journalgen/bin/python")
    found = subprocess.run(
        [str(python), "-c", "import journalgen; print(journalgen.__file__)"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert found.startswith(str(home)) and str(REPO) not in found, found

    # A mistyped time zone: plain words, nothing written; then the right one.
    wrong = journalgen("init", "cooper-journal", "--title", "Cooper's journal",
                       "--author", "Jenny", "--timezone", "London")  # fmt: skip
    assert wrong.returncode == 1 and "--timezone: unknown time zone 'London'" in wrong.stderr
    assert not (home / "cooper-journal").exists()
    made = journalgen("init", "cooper-journal", "--title", "Cooper's journal", "--author",
                      "Jenny", "--timezone", "Europe/London",
                      "--base-url", "https://cooper-journal.netlify.app/")  # fmt: skip
    assert made.returncode == 0, made.stderr
    journal = home / "cooper-journal"
    for starter in journal.glob("content/entries/*welcome.md"):
        starter.unlink()
    (journal / "content/pages/about.md").write_text(
        '---\ntitle: "About"\n---\n\nCooper is five and loves dinosaurs.\n', encoding="utf-8"
    )

    # Photos as phones make them.
    import pillow_heif
    from PIL import Image

    photos = journal / "content" / "photos"
    heic = pillow_heif.from_pillow(Image.new("RGB", (1600, 1200), (200, 90, 40)))
    heic.save(str(photos / "IMG_0042.HEIC"), quality=80)
    for day in (3, 4):
        Image.new("RGB", (1200, 900), (40, 120, 200)).save(
            photos / f"WhatsApp Image 2026-11-0{day} at 18.30.1{day}.jpeg"
        )

    # A week of entries, pasted from Word.
    for day in range(1, 8):
        new = journalgen("new", f"Day {day} on the ward", where=journal)
        assert new.returncode == 0, new.stderr
        entry = Path(new.stdout.strip())
        if not entry.is_absolute():
            entry = journal / entry
        body = (
            "Dear everyone,\n\n"
            f"Day {day}. Cooper ate some toast and watched two episodes of his dinosaur "
            "programme.\x0bThe nurses are wonderful.\n\n"
        )
        if day == 2:
            body += "![Cooper laughing at the nurse’s joke](../photos/IMG_0042.HEIC)\n\n"
        if day == 4:
            body += (
                "```gallery\n"
                "../photos/WhatsApp Image 2026-11-03 at 18.30.13.jpeg Grandma at the window\n"
                "../photos/WhatsApp Image 2026-11-04 at 18.30.14.jpeg Cooper’s new hat\n```\n\n"
            )
        if day == 7:
            body += "\tLove, Jenny\n"  # Word's tab: a code box, unless the family is told
        text = entry.read_text(encoding="utf-8")
        entry.write_text(text.replace(text.split("---\n")[-1], "\n" + body), encoding="utf-8")

    remote = tmp_path / "github.git"
    subprocess.run(["git", "init", "--bare", "--quiet", str(remote)], check=True)
    first = journalgen("publish", where=journal)
    assert first.returncode == 1 and "journalgen publish --to" in first.stderr
    refused = journalgen("publish", "--to", str(remote), where=journal)
    assert refused.returncode == 1, refused.stdout
    assert "tab or four spaces" in refused.stderr and "nothing was published" in refused.stderr
    assert "Traceback" not in refused.stderr
    # The family does what it says: the indent goes.
    seventh = next(journal.glob("content/entries/*day-7-on-the-ward.md"))
    seventh.write_text(seventh.read_text(encoding="utf-8").replace("\tLove", "Love"), "utf-8")
    sent = journalgen("publish", where=journal)
    assert sent.returncode == 0, sent.stdout + sent.stderr
    log = subprocess.run(
        ["git", "--git-dir", str(remote), "log", "--format=%s", "main"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "7 new entries" in log
    out = journal / "output"
    day2 = next(out.glob("20*/*/day-2-on-the-ward/index.html")).read_text(encoding="utf-8")
    assert "img-0042" in day2 and ".heic" not in day2.lower()
    day4 = next(out.glob("20*/*/day-4-on-the-ward/index.html")).read_text(encoding="utf-8")
    assert 'alt="Grandma at the window"' in day4 and 'alt="Cooper’s new hat"' in day4
    assert "The nurses are wonderful." in day4 and "<br>" in day4
    home_page = (out / "index.html").read_text(encoding="utf-8")
    assert "Dear everyone" not in home_page.split("<main")[1][:4000]
