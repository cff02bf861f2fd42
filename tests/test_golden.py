"""The golden journal in tests/golden/site builds to exactly the files in tests/golden/expected.

The site is built with the fixed clock `conftest.NOW`, so the comparison is byte for byte:
the same set of files, each with the same bytes. On a mismatch the test shows a unified diff
of the first file that differs.

When a change to the output is intended, regenerate the expected files and review the diff
before committing it:

    JOURNALGEN_REGEN_GOLDEN=1 .venv/bin/pytest tests/test_golden.py
    git diff tests/golden/expected
"""

from __future__ import annotations

import difflib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import NOW
from journalgen.build import BuildOptions, build

GOLDEN = Path(__file__).parent / "golden"
SITE = GOLDEN / "site"
EXPECTED = GOLDEN / "expected"
REGEN = os.environ.get("JOURNALGEN_REGEN_GOLDEN") == "1"


def build_golden(out: Path) -> None:
    build(BuildOptions(site_dir=SITE, out_dir=out, now=NOW))


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` (hidden ones included), by its `/`-separated path."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def describe_difference(expected: dict[str, bytes], actual: dict[str, bytes]) -> str | None:
    """None when both trees are equal, else what differs (with a diff of the first file)."""
    missing = sorted(expected.keys() - actual.keys())
    extra = sorted(actual.keys() - expected.keys())
    if missing or extra:
        return f"files missing from the build: {missing}\nfiles not expected: {extra}"
    for name in sorted(expected):
        if expected[name] == actual[name]:
            continue
        old = expected[name].decode("utf-8", "replace").splitlines(keepends=True)
        new = actual[name].decode("utf-8", "replace").splitlines(keepends=True)
        diff = "".join(difflib.unified_diff(old, new, f"expected/{name}", f"built/{name}", n=2))
        return f"{name} differs from the expected file:\n{diff or '(differs only in bytes)'}"
    return None


def test_golden_site_builds_to_the_expected_files(tmp_path: Path) -> None:
    out = tmp_path / "out"
    build_golden(out)
    if REGEN:
        shutil.rmtree(EXPECTED, ignore_errors=True)
        shutil.copytree(out, EXPECTED)
        pytest.skip("regenerated tests/golden/expected: review `git diff` before committing")
    assert EXPECTED.is_dir(), "no expected output: run with JOURNALGEN_REGEN_GOLDEN=1"
    problem = describe_difference(tree(EXPECTED), tree(out))
    if problem is not None:
        pytest.fail(problem + "\n(If the change is intended, see this module's docstring.)")


def test_build_is_deterministic_across_processes(tmp_path: Path) -> None:
    """Another interpreter, with another hash seed and another output folder, writes the
    same bytes: nothing depends on set order, the clock, or where the output goes."""
    here = tmp_path / "here"
    build_golden(here)
    there = tmp_path / "elsewhere" / "site-output"
    script = (
        "import sys; sys.path.insert(0, sys.argv[1]);"
        "from pathlib import Path; from conftest import NOW;"
        "from journalgen.build import BuildOptions, build;"
        "build(BuildOptions(site_dir=Path(sys.argv[2]), out_dir=Path(sys.argv[3]), now=NOW))"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345", "TZ": "America/Los_Angeles"}
    subprocess.run(
        [sys.executable, "-c", script, str(Path(__file__).parent), str(SITE), str(there)],
        check=True,
        env=env,
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )
    assert describe_difference(tree(here), tree(there)) is None


def test_expected_output_shows_what_readers_should_see() -> None:
    """A check of the committed files themselves, so a wrong regeneration is noticed."""
    files = tree(EXPECTED)
    everything = b"\n".join(files.values())
    assert b"DRAFTMARKER" not in everything  # the draft
    assert b"FUTUREMARKER" not in everything  # scheduled after NOW
    assert b"PENDINGMARKER" not in everything  # a guestbook message not yet approved
    assert "photos/x.svg" in files
    assert "2026/10/the-news/index.html" in files
    news = files["2026/10/the-news/index.html"].decode()
    assert "<table>" in news
    assert 'class="footnotes"' in news
    assert "<del>Do not bring flowers</del>" in news
    cafe = files["2026/10/cafe/index.html"].decode()
    assert "<h1>Café, crème brûlée &amp; Grüße from Zoë</h1>" in cafe
    garden = files["2026/11/garden/index.html"].decode()
    assert '<img src="/lea/photos/x.svg"' in garden
    assert '<a href="/lea/2026/10/the-news/">the news</a>' in garden
    assert "1 message from friends" in garden and "Zoë &amp; the café" in garden
    guestbook = files["guestbook/index.html"].decode()
    assert "&lt;b&gt;Not bold&lt;/b&gt;, and [not a link](javascript:alert(1))." in guestbook
    assert 'action="/lea/guestbook/thanks/"' in guestbook and "guestbook/thanks/index.html" in files
    home = files["index.html"].decode()
    # The pinned entry comes first although it is the oldest.
    assert home.index("The news") < home.index("Round two starts Monday")
