"""Property: an incremental build is byte for byte the build made from nothing.

A journal goes through a random sequence of edits (an entry's body or title, a new entry,
a deleted one, drafted or published again, a tag changed, journalgen.yaml changed). After
each step it is built three ways:

- as `journalgen build` does it: the parses kept on disk in .cache/ and the previous
  output/ (whose unchanged files are linked into the new folder, not written again);
- as `journalgen serve`/`watch` do it: one `BuildCache` kept in memory across every step;
- cold: the same content copied into a fresh folder, with no cache and no earlier output.

Every output file of the first two must hold exactly the bytes of the cold build's.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conftest import BASIC_CONFIG, NOW
from journalgen import parallel
from journalgen.build import BuildOptions, build
from journalgen.cache import PARSED_CACHE, BuildCache
from journalgen.errors import JournalError

TAGS = ("home", "hospital", "school")


@dataclass
class Journal:
    """The content of the journal under test, written out in full after every step."""

    entries: dict[int, tuple[str, str, str, bool]] = field(default_factory=dict)
    """Entry number -> (title, body, tag, draft)."""
    page_size: int = 2
    title: str = "Test journal"
    author: str = "jenny"
    next_number: int = 0

    def add(self) -> None:
        number = self.next_number
        self.next_number += 1
        self.entries[number] = (
            f"Entry {number}",
            f"The *first* words of entry {number}.",
            "home",
            False,
        )

    def write(self, root: Path) -> None:
        config = BASIC_CONFIG.replace('title: "Test journal"', f'title: "{self.title}"')
        config = config.replace("page_size: 2", f"page_size: {self.page_size}")
        config = config.replace("author: jenny", f"author: {self.author}")
        root.mkdir(parents=True, exist_ok=True)
        (root / "journalgen.yaml").write_text(config, encoding="utf-8")
        folder = root / "content" / "entries"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        (root / "content" / "pages").mkdir(parents=True, exist_ok=True)
        (root / "content" / "pages" / "about.md").write_text(
            '---\ntitle: "About"\n---\n\nAbout this journal.\n', encoding="utf-8"
        )
        for number, (title, body, tag, draft) in self.entries.items():
            lines = [
                "---",
                f'title: "{title}"',
                f"date: 2026-0{1 + number % 9}-1{number % 10} 10:00",
                f"tags: [{tag}]",
                *(["draft: true"] if draft else []),
                "---",
                "",
                body,
                "",
            ]
            (folder / f"e{number}.md").write_text("\n".join(lines), encoding="utf-8")


Step = tuple[str, int, int]
"""An edit: what to do, which entry (an index into the existing ones), a variant number."""

STEPS = st.tuples(
    st.sampled_from(["body", "title", "add", "delete", "draft", "tag", "config"]),
    st.integers(0, 20),
    st.integers(0, 5),
)


def apply(journal: Journal, step: Step) -> None:
    action, which, variant = step
    if action == "add" or not journal.entries:
        journal.add()
        return
    number = sorted(journal.entries)[which % len(journal.entries)]
    title, body, tag, draft = journal.entries[number]
    if action == "body":
        body += f"\n\nAnother line, [variant {variant}](https://example.org/{variant})."
    elif action == "title":
        title = f"Entry {number} retitled {variant}"
    elif action == "delete":
        del journal.entries[number]
        return
    elif action == "draft":
        draft = not draft
    elif action == "tag":
        tag = TAGS[variant % len(TAGS)]
    elif variant % 3 == 0:
        journal.page_size = 1 + variant % 2
    elif variant % 3 == 1:
        journal.title = f"Test journal {variant}"
    else:  # what entries are parsed with: who writes the entries that name nobody
        journal.author = "mark" if journal.author == "jenny" else "jenny"
    journal.entries[number] = (title, body, tag, draft)


def files(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def assert_same(built: Path, cold: Path, how: str) -> None:
    got, expected = files(built), files(cold)
    assert sorted(got) == sorted(expected), f"{how}: different files"
    different = [rel for rel in expected if got[rel] != expected[rel]]
    assert not different, f"{how}: these files differ from a cold build: {different}"


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(st.lists(STEPS, min_size=1, max_size=5))
@example([("config", 0, 2), ("config", 0, 0), ("draft", 1, 0), ("add", 0, 0), ("delete", 0, 0)])
def test_incremental_builds_equal_cold_builds(steps: list[Step]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        site = root / "site"
        journal = Journal()
        journal.add()
        journal.add()
        session = BuildCache(site / ".cache" / "session")
        for number, step in enumerate([("body", 0, 0), *steps]):
            if number:
                apply(journal, step)
            journal.write(site)
            build(BuildOptions(site, site / "output", now=NOW))
            build(BuildOptions(site, site / "preview", now=NOW), session)

            fresh = root / f"cold-{number}"
            fresh.mkdir()
            shutil.copy(site / "journalgen.yaml", fresh)
            shutil.copytree(site / "content", fresh / "content")
            build(BuildOptions(fresh, fresh / "output", now=NOW), BuildCache())
            assert not (fresh / PARSED_CACHE).exists()

            assert_same(site / "output", fresh / "output", "journalgen build with its cache")
            assert_same(site / "preview", fresh / "output", "a serve/watch session")
            assert (site / PARSED_CACHE).is_dir()
            shutil.rmtree(fresh)


def test_a_corrupt_parse_cache_is_ignored(tmp_path: Path) -> None:
    journal = Journal()
    journal.add()
    journal.write(tmp_path)
    build(BuildOptions(tmp_path, tmp_path / "output", now=NOW))
    cached = [path for path in (tmp_path / PARSED_CACHE).rglob("*.pickle")]
    assert cached, "the build kept no parse on disk"
    for path in cached:
        path.write_bytes(b"not a pickle")
    before = files(tmp_path / "output")
    build(BuildOptions(tmp_path, tmp_path / "output", now=NOW))
    assert files(tmp_path / "output") == before


def test_a_rebuild_with_nothing_changed_rewrites_no_file(tmp_path: Path) -> None:
    journal = Journal()
    journal.add()
    journal.add()
    journal.write(tmp_path)
    build(BuildOptions(tmp_path, tmp_path / "output", now=NOW))
    out = tmp_path / "output"
    before = {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in out.rglob("*") if p.is_file()}
    build(BuildOptions(tmp_path, out, now=NOW))
    after = {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in out.rglob("*") if p.is_file()}
    assert after == before


def test_parsing_on_two_cores_gives_the_same_site(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    journal = Journal()
    for _ in range(parallel.MIN_FILES + 10):
        journal.add()
    journal.write(tmp_path)
    build(BuildOptions(tmp_path, tmp_path / "output", now=NOW), BuildCache())
    monkeypatch.setattr(parallel, "MIN_FILES", 10**9)  # one process
    build(BuildOptions(tmp_path, tmp_path / "one", now=NOW), BuildCache())
    assert files(tmp_path / "output") == files(tmp_path / "one")


def test_parsing_on_two_cores_reports_every_mistake(tmp_path: Path) -> None:
    journal = Journal()
    for _ in range(parallel.MIN_FILES + 10):
        journal.add()
    journal.write(tmp_path)
    for name in ("e3.md", "e150.md"):
        (tmp_path / "content" / "entries" / name).write_text("no front matter\n")
    with pytest.raises(JournalError) as raised:
        build(BuildOptions(tmp_path, tmp_path / "output", now=NOW), BuildCache())
    assert sorted(p.path.name for p in raised.value.problems if p.path) == ["e150.md", "e3.md"]
    assert not (tmp_path / "output").exists()
