"""Property: an incremental build is byte for byte the build made from nothing.

A journal goes through a random sequence of edits (an entry's body or title, a new entry,
a deleted one, a renamed file, drafted or published again, a tag or date changed, a
guestbook message, the menu's page retitled, a link to another entry, a photo added or
replaced, a theme template replaced or put back, journalgen.yaml changed, a built file
edited or deleted by hand, a file saved unchanged, nothing at all). After each step it is
built four ways:

- as `journalgen build` does it: first the record of the last build is asked whether
  anything changed (record.py; when nothing did, the build stops there), then the parses
  kept on disk in .cache/, the previous output/ and what its pages were made from (pages
  whose inputs did not change are not rendered);
- as `journalgen serve`/`watch` do it: one `Incremental` layer kept across every step;
- as a deploy does it: a fresh checkout, with the cache (.cache/journalgen) and the last
  output/ copied back, as Netlify's plugin and GitHub's cache action bring them back;
- cold: the same content copied into a fresh folder, with no cache and no earlier output.

Every output file of the first three must hold exactly the bytes of the cold build's, and a
build that the record finds has nothing to do must be one where nothing changed.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import tempfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from PIL import Image

from conftest import BASIC_CONFIG, NOW, SiteDir
from journalgen import parallel
from journalgen.build import BuildOptions, build
from journalgen.errors import JournalError
from journalgen.incremental import record
from journalgen.incremental import store as store_module
from journalgen.incremental.layer import Incremental
from journalgen.incremental.store import FILE as STORE
from journalgen.rendering.render import THEME_TEMPLATES

TAGS = ("home", "hospital", "school")


@dataclass
class Journal:
    """The content of the journal under test, written out in full after every step."""

    entries: dict[int, tuple[str, str, str, bool]] = field(default_factory=dict)
    """Entry number -> (title, body, tag, draft)."""
    page_size: int = 2
    title: str = "Test journal"
    author: str = "jenny"
    about: str = "About"
    next_number: int = 0
    shifted: dict[int, int] = field(default_factory=dict)
    """Entry number -> days its date moved."""
    messages: list[tuple[int, int]] = field(default_factory=list)
    """Guestbook messages: (entry number, variant)."""
    names: dict[int, str] = field(default_factory=dict)
    """Entry number -> its file's name, when renamed."""
    photo: int | None = None
    """The colour of content/photos/photo.png (None: no photo)."""
    template: int | None = None
    """The variant of the site's own page.html (None: the theme's)."""

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
            f'---\ntitle: "{self.about}"\nmenu: true\n---\n\nAbout this journal.\n',
            encoding="utf-8",
        )
        guestbook = root / "content" / "guestbook"
        shutil.rmtree(guestbook, ignore_errors=True)
        guestbook.mkdir(parents=True)
        for index, (number, variant) in enumerate(self.messages):
            (guestbook / f"m{index}.yaml").write_text(
                f'name: "Reader {variant}"\ndate: 2026-10-0{1 + index % 9} 09:00\n'
                f'entry: e{number}\nmessage: "Thinking of you ({variant})."\n',
                encoding="utf-8",
            )
        photos = root / "content" / "photos"
        shutil.rmtree(photos, ignore_errors=True)
        if self.photo is not None:
            photos.mkdir()
            colour = (40 * self.photo, 120, 200 - 30 * self.photo)
            Image.new("RGB", (64, 48), colour).save(photos / "photo.png")
        page = root / "templates" / "page.html"
        page.unlink(missing_ok=True)
        if self.template is not None:
            page.parent.mkdir(exist_ok=True)
            theme = (THEME_TEMPLATES / "page.html").read_text(encoding="utf-8")
            mine = theme.replace('class="page"', f'class="page mine-{self.template}"')
            page.write_text(mine, encoding="utf-8")
        for number, (title, body, tag, draft) in self.entries.items():
            day = 10 + (number + self.shifted.get(number, 0)) % 18
            lines = [
                "---",
                f'title: "{title}"',
                f"date: 2026-0{1 + number % 9}-{day} 10:00",
                f"tags: [{tag}]",
                *(["draft: true"] if draft else []),
                "---",
                "",
                body,
                "",
            ]
            name = self.names.get(number, f"e{number}")
            (folder / f"{name}.md").write_text("\n".join(lines), encoding="utf-8")


Step = tuple[str, int, int]
"""An edit: what to do, which entry (an index into the existing ones), a variant number."""

ACTIONS: tuple[str, ...] = ("body", "title", "add", "delete", "draft", "tag", "config")
ACTIONS += ("date", "message", "menu", "tamper", "link", "rename", "photo", "template")
ACTIONS += ("touch", "nothing")
STEPS = st.tuples(
    st.sampled_from(ACTIONS),
    st.integers(0, 20),
    st.integers(0, 5),
)


def apply(journal: Journal, step: Step) -> None:
    action, which, variant = step
    if action == "add" or not journal.entries:
        journal.add()
        return
    if action == "menu":
        journal.about = f"About us {variant}"
        return
    if action in ("tamper", "touch", "nothing"):  # done by the test itself
        return
    if action == "template":
        journal.template = None if variant % 3 == 0 else variant
        return
    number = sorted(journal.entries)[which % len(journal.entries)]
    title, body, tag, draft = journal.entries[number]
    if action == "body":
        body += f"\n\nAnother line, [variant {variant}](https://example.org/{variant})."
    elif action == "title":
        title = f"Entry {number} retitled {variant}"
    elif action == "delete":
        del journal.entries[number]
        journal.messages = [m for m in journal.messages if m[0] != number]
        return
    elif action == "date":
        journal.shifted[number] = journal.shifted.get(number, 0) + 1 + variant
    elif action == "message":
        journal.messages.append((number, variant))
    elif action == "rename":  # a new address; messages that named the old one are left
        journal.names[number] = f"e{number}-moved-{variant}"
    elif action == "photo":  # added to this entry, or replaced by another picture
        journal.photo = variant
        body += "\n\n![A picture of the garden](../photos/photo.png)"
    elif action == "link":  # to another entry, whose address may change or vanish later
        other = sorted(journal.entries)[(which + 1 + variant) % len(journal.entries)]
        body += f"\n\nSee [entry {other}](e{other}.md)."
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


def tamper(folder: Path) -> None:
    """Someone edits a built page and deletes another by hand: the next build restores
    them (the output holds the build's files, not edits that would vanish on deploy)."""
    home = folder / "index.html"
    home.write_bytes(home.read_bytes() + b"<!-- edited by hand -->")
    (folder / "archive" / "index.html").unlink()


def touch(site: Path) -> None:
    """An editor saves every entry without changing a byte."""
    for path in (site / "content" / "entries").iterdir():
        path.write_bytes(path.read_bytes())


def plain_build(site: Path, out: Path) -> bool:
    """Build as `journalgen build` does: only when the record of the last build into `out`
    says something changed. Returns whether it built."""
    ident = record.identity(site, out, drafts=False, future=False, strict=False, photos=None)
    if record.up_to_date(site, out, ident, NOW) is not None:
        return False
    build(BuildOptions(site, out, now=NOW))
    return True


def netlify_copy(source: str, target: str) -> None:
    """How a deploy's cache brings a file back: a copy (another inode), its time kept to
    the millisecond."""
    shutil.copyfile(source, target)
    mtime = os.stat(source).st_mtime_ns // 1_000_000 * 1_000_000
    os.utime(target, ns=(mtime, mtime))


def deploy(site: Path, checkout: Path, stored: Path) -> bool:
    """Build as a deploy does: a fresh checkout of the journal, with only the cache and the
    last output (kept in `stored` between deploys, as Netlify's plugin and GitHub's cache
    action keep them) brought back, as copies. Returns whether it built."""
    shutil.rmtree(checkout, ignore_errors=True)
    shutil.rmtree(checkout.with_name(f".{checkout.name}.spare"), ignore_errors=True)
    checkout.mkdir()
    shutil.copy(site / "journalgen.yaml", checkout)
    shutil.copytree(site / "content", checkout / "content")
    if (site / "templates").is_dir():
        shutil.copytree(site / "templates", checkout / "templates")
    kept = {"cache": checkout / ".cache" / "journalgen", "output": checkout / "output"}
    for name, folder in kept.items():
        if (stored / name).is_dir():
            shutil.copytree(stored / name, folder, copy_function=netlify_copy)
    built = plain_build(checkout, checkout / "output")
    shutil.rmtree(stored, ignore_errors=True)
    for name, folder in kept.items():
        shutil.copytree(folder, stored / name, copy_function=netlify_copy)
    return built


def journal_files(site: Path) -> dict[str, bytes]:
    """What a checkout of the journal holds."""
    found = {"journalgen.yaml": (site / "journalgen.yaml").read_bytes()}
    for name in ("content", "templates"):
        if (site / name).is_dir():
            found.update({f"{name}/{rel}": data for rel, data in files(site / name).items()})
    return found


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
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(st.lists(STEPS, min_size=1, max_size=5))
@example([("config", 0, 2), ("config", 0, 0), ("draft", 1, 0), ("add", 0, 0), ("delete", 0, 0)])
@example([("message", 0, 1), ("date", 1, 3), ("menu", 0, 2), ("tamper", 0, 0), ("title", 0, 1)])
@example([("add", 0, 0), ("link", 0, 0), ("date", 1, 2), ("draft", 1, 0), ("delete", 1, 0)])
@example(
    [("photo", 0, 1), ("nothing", 0, 0), ("rename", 0, 2), ("template", 0, 1), ("touch", 0, 0)]
)
@example([("link", 0, 0), ("rename", 1, 1), ("photo", 1, 2), ("template", 0, 0), ("nothing", 0, 0)])
def test_incremental_builds_equal_cold_builds(steps: list[Step]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        site = root / "site"
        journal = Journal()
        journal.add()
        journal.add()
        session = Incremental(site / ".cache" / "session.sqlite")
        last_checked_in: dict[str, bytes] = {}
        for number, step in enumerate([("body", 0, 0), *steps]):
            if number:
                apply(journal, step)
            if step[0] == "touch":
                touch(site)
            elif step[0] != "nothing":
                journal.write(site)
            if step[0] == "tamper":
                tamper(site / "output")
                tamper(site / "preview")
            until = record.load(site, site / "output").valid_until
            checked_in = journal_files(site)
            # Built when a byte of the journal or of the output changed (a journal with
            # nothing published shows the build's moment: always built).
            changed = checked_in != last_checked_in or step[0] == "tamper"
            expected = changed or (until is not None and until <= NOW)
            assert plain_build(site, site / "output") == expected, "a change told from none"
            build(BuildOptions(site, site / "preview", now=NOW), session)

            fresh = root / f"cold-{number}"
            fresh.mkdir()
            shutil.copy(site / "journalgen.yaml", fresh)
            shutil.copytree(site / "content", fresh / "content")
            if (site / "templates").is_dir():
                shutil.copytree(site / "templates", fresh / "templates")
            build(BuildOptions(fresh, fresh / "output", now=NOW), Incremental())
            assert not (fresh / STORE).exists()

            assert_same(site / "output", fresh / "output", "journalgen build with its cache")
            assert_same(site / "preview", fresh / "output", "a serve/watch session")
            assert (site / STORE).is_file()
            built = deploy(site, root / "deploy", root / "deploy-cache")
            assert_same(root / "deploy" / "output", fresh / "output", "a deploy with its cache")
            expected = checked_in != last_checked_in or (until is not None and until <= NOW)
            assert built == expected, "a deploy tells a change from none"
            last_checked_in = checked_in
            shutil.rmtree(fresh)


def test_a_corrupt_parse_cache_is_ignored(tmp_path: Path) -> None:
    journal = Journal()
    journal.add()
    journal.write(tmp_path)
    build(BuildOptions(tmp_path, tmp_path / "output", now=NOW))
    stored = tmp_path / STORE
    with contextlib.closing(sqlite3.connect(stored)) as db:
        assert db.execute("SELECT count(*) FROM parses").fetchone()[0] > 0, "no parse kept"
    before = files(tmp_path / "output")
    for damage in (b"not a store", stored.read_bytes()[:5000], b""):
        stored.write_bytes(damage)
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


def test_parsing_and_rendering_on_two_cores_give_the_same_site(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    journal = Journal()
    for _ in range(parallel.MIN_ITEMS + 10):
        journal.add()
    journal.write(tmp_path)
    build(BuildOptions(tmp_path, tmp_path / "output", now=NOW), Incremental())
    monkeypatch.setattr(parallel, "MIN_ITEMS", 10**9)  # one process
    build(BuildOptions(tmp_path, tmp_path / "one", now=NOW), Incremental())
    assert files(tmp_path / "output") == files(tmp_path / "one")


def test_parsing_on_two_cores_reports_every_mistake(tmp_path: Path) -> None:
    journal = Journal()
    for _ in range(parallel.MIN_ITEMS + 10):
        journal.add()
    journal.write(tmp_path)
    for name in ("e3.md", "e150.md"):
        (tmp_path / "content" / "entries" / name).write_text("no front matter\n")
    with pytest.raises(JournalError) as raised:
        build(BuildOptions(tmp_path, tmp_path / "output", now=NOW), Incremental())
    assert sorted(p.path.name for p in raised.value.problems if p.path) == ["e150.md", "e3.md"]
    assert not (tmp_path / "output").exists()


def test_a_write_failing_halfway_leaves_the_previous_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The disk fills up while the changed pages are being written: the output folder
    keeps every file of the previous build, and no temporary file is left behind."""
    journal = Journal()
    for _ in range(3):
        journal.add()
    journal.write(tmp_path)
    out = tmp_path / "output"
    build(BuildOptions(tmp_path, out, now=NOW))
    before = files(out)
    journal.title = "Renamed journal"  # every page changes
    journal.write(tmp_path)

    real_write = Path.write_bytes
    written: list[Path] = []

    def full_disk(self: Path, data: bytes) -> int:
        if any(".building-" in part for part in self.parts):
            written.append(self)
            if len(written) == 5:
                raise OSError(28, "No space left on device")
        return real_write(self, data)

    monkeypatch.setattr(Path, "write_bytes", full_disk)
    with pytest.raises(OSError):
        build(BuildOptions(tmp_path, out, now=NOW))
    assert len(written) == 5
    assert files(out) == before
    monkeypatch.setattr(Path, "write_bytes", real_write)

    build(BuildOptions(tmp_path, out, now=NOW))
    assert "Renamed journal" in (out / "index.html").read_text(encoding="utf-8")
    cold = tmp_path / "cold"
    shutil.copytree(tmp_path / "content", cold / "content")
    shutil.copy(tmp_path / "journalgen.yaml", cold)
    build(BuildOptions(cold, cold / "output", now=NOW), Incremental())
    assert_same(out, cold / "output", "the build after the failed one")


def test_a_site_with_its_own_templates_is_rendered_in_full_and_right(tmp_path: Path) -> None:
    """A template override may show anything on any page (here: the newest entry's title
    in every footer), so pages are not skipped on the strength of their keys."""
    journal = Journal()
    journal.add()
    journal.add()
    journal.write(tmp_path)
    theme_base = Path(__file__).parents[1] / "src/journalgen/theme/templates/base.html"
    base = theme_base.read_text(encoding="utf-8").replace(
        "</main>", "</main>\n<p>Newest: {{ site.entries[0].title }}</p>"
    )
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "base.html").write_text(base, encoding="utf-8")
    out = tmp_path / "output"
    build(BuildOptions(tmp_path, out, now=NOW))
    newest = max(journal.entries)
    _title, body, tag, draft = journal.entries[newest]
    journal.entries[newest] = ("A new title", body, tag, draft)
    journal.write(tmp_path)
    build(BuildOptions(tmp_path, out, now=NOW))
    for page in ("tags/index.html", "404.html", "2026/01/e0/index.html"):
        assert "Newest: A new title" in (out / page).read_text(encoding="utf-8"), page


def test_a_file_replaced_by_a_folder_and_back(tmp_path: Path) -> None:
    """`static/notes` is a file, then a folder of files, then a file again: each build puts
    the new one where the old one was, as a cold build would."""
    journal = Journal()
    journal.add()
    journal.write(tmp_path)
    out = tmp_path / "output"
    notes = tmp_path / "static" / "notes"
    notes.parent.mkdir()
    for step in ("file", "folder", "file"):
        if notes.is_dir():
            shutil.rmtree(notes)
        elif notes.exists():
            notes.unlink()
        if step == "file":
            notes.write_text("plain notes\n", encoding="utf-8")
        else:
            notes.mkdir()
            (notes / "a.txt").write_text("a\n", encoding="utf-8")
        build(BuildOptions(tmp_path, out, now=NOW))
        cold = tmp_path / f"cold-{step}"
        shutil.rmtree(cold, ignore_errors=True)
        shutil.copytree(tmp_path / "content", cold / "content")
        shutil.copytree(tmp_path / "static", cold / "static")
        shutil.copy(tmp_path / "journalgen.yaml", cold)
        build(BuildOptions(cold, cold / "output", now=NOW), Incremental())
        assert_same(out, cold / "output", f"after notes became a {step}")
        leftovers = [
            p.name for p in out.rglob("*") if p.name.endswith(".tmp") or "parking" in p.name
        ]
        assert not leftovers
        beside = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".output"))
        assert beside in ([], [".output.spare"])


def test_a_template_mistake_found_while_writing_leaves_the_output(tmp_path: Path) -> None:
    """Pages are written as they are rendered; a template that fails on a later page still
    leaves every file of the previous build as it was, and no temporary file behind."""
    journal = Journal()
    for _ in range(3):
        journal.add()
    journal.write(tmp_path)
    out = tmp_path / "output"
    build(BuildOptions(tmp_path, out, now=NOW))
    before = files(out)
    journal.title = "Renamed journal"
    journal.write(tmp_path)
    (tmp_path / "templates").mkdir()
    theme = Path(__file__).parents[1] / "src/journalgen/theme/templates/tags.html"
    broken = theme.read_text(encoding="utf-8").replace("{{ t('all_tags') }}", "{{ nope() }}")
    (tmp_path / "templates" / "tags.html").write_text(broken, encoding="utf-8")
    with pytest.raises(JournalError) as caught:
        build(BuildOptions(tmp_path, out, now=NOW))
    assert "tags.html" in str(caught.value.problems[0].path)
    assert files(out) == before


def test_only_templates_that_replace_the_themes_turn_page_keys_off() -> None:
    """`journalgen init` puts a README in templates/: that alone must not make every
    rebuild render every page."""
    from journalgen.incremental.keys import overrides

    assert overrides((("README.md", "1"), ("partials/footer.html", "2"))) == []
    assert overrides((("README.md", "1"), ("entry.html", "2"))) == ["entry.html"]


def test_a_deploy_keeps_the_pages_that_did_not_change(tmp_path: Path) -> None:
    """A deploy starts from a fresh checkout with the cache and the last output brought
    back: with nothing changed it builds nothing; after an edit, the pages of entries that
    did not change are the brought-back copies (not made again), the edited entry's page is
    new, and a brought-back file that is not what the last build wrote is never published."""
    journal = Journal()
    for _ in range(4):
        journal.add()
    site, checkout, stored = tmp_path / "site", tmp_path / "deploy", tmp_path / "stored"
    journal.write(site)
    assert deploy(site, checkout, stored)
    assert not deploy(site, checkout, stored)  # nothing changed
    kept = stored / "output"
    pages = {p.relative_to(kept).as_posix(): p for p in kept.rglob("index.html")}
    entry_pages = sorted(rel for rel in pages if rel.count("/") == 3)
    assert len(entry_pages) == 4
    untouched = next(rel for rel in entry_pages if "/e3/" in rel)
    altered = next(rel for rel in entry_pages if "/e2/" in rel)
    pages[altered].write_bytes(pages[altered].read_bytes().replace(b"entry", b"ENTRY"))
    assert b"ENTRY" in pages[altered].read_bytes()  # the same size, other bytes
    assert deploy(site, checkout, stored)  # the output is not what the last build wrote
    assert b"ENTRY" not in (checkout / "output" / altered).read_bytes()

    journal.entries[1] = ("Entry 1", "Edited words.", "home", False)
    journal.write(site)
    before = {rel: os.stat(path).st_mtime_ns for rel, path in pages.items()}
    assert deploy(site, checkout, stored)
    out = checkout / "output"
    assert os.stat(out / untouched).st_mtime_ns == before[untouched]  # the brought-back copy
    edited = next(rel for rel in entry_pages if "/e1/" in rel)
    assert b"Edited words." in (out / edited).read_bytes()
    fresh = tmp_path / "cold"
    fresh.mkdir()
    shutil.copy(site / "journalgen.yaml", fresh)
    shutil.copytree(site / "content", fresh / "content")
    build(BuildOptions(fresh, fresh / "output", now=NOW), Incremental())
    assert_same(out, fresh / "output", "a deploy")


def test_a_brought_back_output_with_a_link_out_of_it_is_never_used(tmp_path: Path) -> None:
    """An output folder a tampered cache brings back cannot make a deploy write outside it,
    nor pass for the last build's."""
    journal = Journal()
    journal.add()
    site, checkout, stored = tmp_path / "site", tmp_path / "deploy", tmp_path / "stored"
    journal.write(site)
    deploy(site, checkout, stored)
    outside = tmp_path / "outside"
    outside.mkdir()
    year = next(p for p in (stored / "output").iterdir() if p.name.startswith("20"))
    shutil.copytree(year, outside / "copy")
    shutil.rmtree(year)
    year.symlink_to(outside / "copy", target_is_directory=True)
    shutil.rmtree(checkout)
    checkout.mkdir()
    shutil.copy(site / "journalgen.yaml", checkout)
    shutil.copytree(site / "content", checkout / "content")
    shutil.copytree(stored / "cache", checkout / ".cache" / "journalgen", symlinks=True)
    shutil.copytree(stored / "output", checkout / "output", symlinks=True)
    before = files(outside)
    assert plain_build(checkout, checkout / "output")  # not taken for the last build
    assert files(outside) == before
    assert (checkout / "output" / year.name).is_dir()
    assert not (checkout / "output" / year.name).is_symlink()


def test_a_store_that_is_not_journalgens_is_set_aside_with_a_notice(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The store is exactly the tables journalgen makes: another version's (its format
    number), or one holding anything else (a trigger, a view, a table of another shape:
    a store brought back by a deploy is only as trusted as its bytes), starts again, and
    the build is the same."""
    journal = Journal()
    journal.add()
    journal.write(tmp_path)
    build(BuildOptions(tmp_path, tmp_path / "output", now=NOW))
    before = files(tmp_path / "output")
    stored = tmp_path / STORE
    plants = [
        "CREATE TRIGGER t AFTER INSERT ON parses BEGIN DELETE FROM builds; END",
        "CREATE VIEW v AS SELECT 1",
        "CREATE TABLE other (x)",
        "PRAGMA user_version = 99",
    ]
    for plant in plants:
        with contextlib.closing(sqlite3.connect(stored)) as db:
            db.execute(plant)
            db.commit()
        journal.add()
        journal.write(tmp_path)
        build(BuildOptions(tmp_path, tmp_path / "output", now=NOW))
        with contextlib.closing(sqlite3.connect(stored)) as db:
            schema = db.execute("SELECT type, name FROM sqlite_schema ORDER BY name").fetchall()
            version = db.execute("PRAGMA user_version").fetchone()[0]
        assert [name for kind, name in schema if kind == "table"] == sorted(store_module.TABLES)
        assert len(schema) == 2 * len(store_module.TABLES)  # each table and its key's index
        assert version == store_module.FORMAT
        assert (tmp_path / "output").is_dir()
    assert set(files(tmp_path / "output")) > set(before)
    assert capsys.readouterr().err.count("notice: ignoring") == len(plants)
    # What an earlier journalgen kept is made again without a word.
    with contextlib.closing(sqlite3.connect(stored)) as db:
        db.execute(f"PRAGMA user_version = {store_module.FORMAT - 1}")
        db.commit()
    build(BuildOptions(tmp_path, tmp_path / "output", now=NOW))
    assert "notice" not in capsys.readouterr().err
    # The files an earlier version kept are left alone by builds, and `upgrade` removes them.
    old = tmp_path / ".cache" / "journalgen" / "parsed" / "shard-00.store"
    old.parent.mkdir(parents=True)
    old.write_bytes(b"journalgen-store-2\n0123\nanything")
    build(BuildOptions(tmp_path, tmp_path / "output", now=NOW))
    assert old.exists()
    from journalgen.publishing.commands import clean_older

    assert clean_older(tmp_path) == [old.parent]
    assert not old.parent.exists() and stored.is_file()


def test_a_photo_that_did_not_change_is_not_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A journal's photos are hundreds of megabytes: a build reads (and hashes) only the
    photos that are new or changed since the last build, in a plain build and in a
    serve/watch session alike."""
    from journalgen.incremental import layer as layer_module
    from journalgen.output import imaging
    from journalgen.parsing.photos import Probe

    (tmp_path / "journalgen.yaml").write_text(BASIC_CONFIG, encoding="utf-8")
    entry = tmp_path / "content" / "entries" / "2026-11-01-garden.md"
    entry.parent.mkdir(parents=True)
    photo = tmp_path / "content" / "photos" / "garden.png"
    photo.parent.mkdir()
    Image.new("RGB", (64, 48), (10, 120, 30)).save(photo)

    def write(words: str) -> None:
        text = f'---\ntitle: "Garden"\n---\n\n{words}\n\n![The garden](../photos/garden.png)\n'
        entry.write_text(text, encoding="utf-8")

    read: list[str] = []
    real = imaging.probe

    def counted(path: Path, rel: str) -> Probe:
        read.append(rel)
        return real(path, rel)

    monkeypatch.setattr(imaging, "probe", counted)
    session = Incremental(tmp_path / STORE)
    for out, cache in ((tmp_path / "output", None), (tmp_path / "preview", session)):
        read.clear()
        write("First words.")
        build(BuildOptions(tmp_path, out, now=NOW), cache)
        assert read == ["photos/garden.png"]
        shown = sorted(p.name for p in (out / "photos").iterdir())
        write("Other words.")
        build(BuildOptions(tmp_path, out, now=NOW), cache)
        assert read == ["photos/garden.png"], "an unchanged photo is not read again"
        assert sorted(p.name for p in (out / "photos").iterdir()) == shown
        Image.new("RGB", (64, 48), (200, 120, 30)).save(photo)  # another picture
        build(BuildOptions(tmp_path, out, now=NOW), cache)
        assert read == ["photos/garden.png"] * 2
        assert not set(shown) & {p.name for p in (out / "photos").iterdir()}
        Image.new("RGB", (64, 48), (10, 120, 30)).save(photo)  # back, for the next way
    read.clear()
    build(BuildOptions(tmp_path, tmp_path / "output", now=NOW))
    assert read == ["photos/garden.png"]
    build(BuildOptions(tmp_path, tmp_path / "output", now=NOW))
    assert read == ["photos/garden.png"]
    # Another version of journalgen (or of Pillow) may read a photo differently.
    monkeypatch.setattr(layer_module, "_code", lambda: b"another version")
    build(BuildOptions(tmp_path, tmp_path / "output", now=NOW))
    assert read == ["photos/garden.png"] * 2


def test_a_change_to_any_of_journalgens_own_modules_remakes_what_it_made(tmp_path: Path) -> None:
    """journalgen's code is fingerprinted once, whole: after a change to the sanitizer
    (once missing from a hand-kept list), a rebuild with the cache equals a cold build."""
    import shutil
    import subprocess
    import sys

    package = tmp_path / "code" / "journalgen"
    shutil.copytree(
        Path(__file__).resolve().parents[1] / "src" / "journalgen",
        package,
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    journal = SiteDir(tmp_path / "journal")
    journal.entry("2026-11-01-one.md", 'title: "One"', "Words <mark>marked</mark> here.\n")
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join([str(package.parent), *sys.path])}

    def build(site: Path) -> dict[str, bytes]:
        done = subprocess.run(
            [sys.executable, "-m", "journalgen", "build", "--quiet", "--site", str(site)],
            env=environment,
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stderr
        return {
            p.relative_to(site / "output").as_posix(): p.read_bytes()
            for p in (site / "output").rglob("*")
            if p.is_file() and p.name != ".journalgen-output.json"
        }

    before = build(journal.root)
    assert any(b"<mark>marked</mark>" in data for data in before.values())
    sanitizer = package / "parsing" / "sanitize.py"
    text = sanitizer.read_text(encoding="utf-8")
    assert '"mark", ' in text
    sanitizer.write_text(text.replace('"mark", ', "", 1), encoding="utf-8")  # <mark> removed
    again = build(journal.root)
    cold_site = tmp_path / "cold"
    shutil.copytree(journal.root, cold_site, ignore=shutil.ignore_patterns("output", ".*"))
    cold = build(cold_site)
    assert not any(b"<mark>" in data for data in cold.values())
    assert again == cold


def _cold(site: SiteDir, where: Path) -> dict[str, bytes]:
    """The same journal built from nothing in another folder."""
    shutil.copytree(site.root / "content", where / "content")
    shutil.copy(site.root / "journalgen.yaml", where)
    build(BuildOptions(where, where / "output", now=NOW), Incremental())
    return files(where / "output")


def test_a_moment_of_the_hour_that_repeats_in_autumn_is_kept_as_it_was(tmp_path: Path) -> None:
    """01:30 on the night the clocks go back happens twice; the store keeps which one (an
    entry dated by the second 01:30 was once brought back an hour early)."""
    site = SiteDir(tmp_path / "journal")  # in Europe/London
    site.entry("2026-10-25-night.md", 'title: "Night"\ndate: 2026-10-25T01:30:00Z')
    site.entry("2026-10-20-before.md", 'title: "Before"')
    build(BuildOptions(site.root, site.out, now=NOW))
    site.entry("2026-10-20-before.md", 'title: "Before"', "Other words.\n")
    build(BuildOptions(site.root, site.out, now=NOW))
    assert files(site.out) == _cold(site, tmp_path / "cold")
    assert "+00:00" in (site.out / "2026/10/night/index.html").read_text("utf-8")


def test_a_store_held_by_another_journalgen_is_waited_for_then_left_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`serve` and `build` share the store: a build that finds it held too long builds
    without keeping anything, and neither deletes it nor says it is damaged."""
    journal = Journal()
    journal.add()
    journal.write(tmp_path)
    build(BuildOptions(tmp_path, tmp_path / "output", now=NOW))
    monkeypatch.setattr(store_module, "TIMEOUT", 0.2)
    holder = sqlite3.connect(tmp_path / STORE)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        journal.add()
        journal.write(tmp_path)
        build(BuildOptions(tmp_path, tmp_path / "output", now=NOW))
    finally:
        holder.rollback()
        holder.close()
    assert "notice" not in capsys.readouterr().err
    with contextlib.closing(sqlite3.connect(tmp_path / STORE)) as db:
        assert db.execute("SELECT count(*) FROM parses").fetchone()[0] > 0
    assert files(tmp_path / "output") == _cold_journal(journal, tmp_path / "cold")


def _cold_journal(journal: Journal, where: Path) -> dict[str, bytes]:
    journal.write(where)
    build(BuildOptions(where, where / "output", now=NOW), Incremental())
    return files(where / "output")


def test_values_altered_in_the_store_never_fail_a_build(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The store comes back from a host's cache: whatever its rows hold (a key of another
    kind, a time no clock has, an entry whose fields are of the wrong kinds), the build is
    the one a build from nothing makes."""
    from journalgen.parsing.entries import Entry

    journal = Journal()
    journal.add()
    journal.add()
    journal.write(tmp_path)
    build(BuildOptions(tmp_path, tmp_path / "output", now=NOW))
    expected = _cold_journal(journal, tmp_path / "cold")
    stored = tmp_path / STORE
    with contextlib.closing(sqlite3.connect(stored)) as db:
        rows = db.execute("SELECT key, value FROM parses").fetchall()
    bad_time = b"j" + zlib.compress(b'{"dt":"2026-01-01T00:00:00","z":[{"o":1e20},0]}')
    plants: list[tuple[str, object, bytes]] = [
        ("probes", "a key of text", store_module.encode("x")),
        ("builds", rows[0][0], bad_time),
    ]
    for key, value in rows:
        parsed = store_module.decode(value)
        if isinstance(parsed, Entry):  # a time without its zone cannot be sorted with others
            object.__setattr__(parsed, "date", parsed.date.replace(tzinfo=None))
            plants.append(("parses", key, store_module.encode(parsed)))
            object.__setattr__(parsed, "date", cast(Any, "soon"))
            plants.append(("parses", key, store_module.encode(parsed)))
    for table, key, value in plants:
        with contextlib.closing(sqlite3.connect(stored)) as db:
            db.execute(f"INSERT OR REPLACE INTO {table} VALUES (?, ?)", (key, value))
            db.commit()
        build(BuildOptions(tmp_path, tmp_path / "output", now=NOW))
        assert files(tmp_path / "output") == expected, table
    assert "could not be used" in capsys.readouterr().err


def test_one_session_building_the_preview_and_the_output_in_turn_equals_cold_builds(
    tmp_path: Path,
) -> None:
    """`serve` keeps one layer for the preview (drafts and scheduled entries) while
    `journalgen build` and `keepsake` use the same store for output/: what one output
    folder kept never leaks into another's."""
    from journalgen.structure.site import Selection

    site = SiteDir(tmp_path / "journal")
    site.entry("2026-11-01-a.md", 'title: "A"', "To [b](2026-11-02-b.md). ![P](../photos/p.png)\n")
    site.entry("2026-11-02-b.md", 'title: "B"\ndraft: true', "B, after [a](2026-11-01-a.md).\n")
    site.entry("2026-11-03-c.md", 'title: "C"\ntags: [home]', "C.\n")
    (site.root / "content" / "photos").mkdir()
    Image.new("RGB", (20, 20), (1, 2, 3)).save(site.root / "content" / "photos" / "p.png")
    session = Incremental(site.root / STORE)
    preview = Selection(drafts=True, future=True)
    rounds = 0

    def check(keepsake: bool = False) -> None:
        nonlocal rounds
        rounds += 1
        for selection, out in ((preview, site.root / "preview"), (Selection(), site.out)):
            build(BuildOptions(site.root, out, selection, now=NOW, keepsake=keepsake), session)
            cold = tmp_path / f"cold-{rounds}-{out.name}"
            shutil.copytree(site.root / "content", cold / "content")
            shutil.copy(site.root / "journalgen.yaml", cold)
            options = BuildOptions(cold, cold / "output", selection, now=NOW, keepsake=keepsake)
            build(options, Incremental())
            assert_same(out, cold / "output", f"round {rounds}, {out.name}")

    check()
    site.entry("2026-11-02-b.md", 'title: "B"', "B, after [a](2026-11-01-a.md).\n")
    check()
    Image.new("RGB", (30, 20), (1, 2, 3)).save(site.root / "content" / "photos" / "p.png")
    check()
    check(keepsake=True)
    site.entry("2026-11-02-b.md", 'title: "B again"\ndraft: true', "B.\n")
    check(keepsake=True)
    check()
