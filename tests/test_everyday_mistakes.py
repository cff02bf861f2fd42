"""A family's everyday mistakes, made on a journal `journalgen init` wrote: each gets a
message naming the file (and line) and what to do, leaves output/ as it was, and never
publishes the file it concerns."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import SiteDir
from journalgen.errors import JournalError

SECRET = "PRIVATE-THOUGHTS-NOBODY-SHOULD-READ"


def _run(site: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "journalgen", *args, "--site", str(site)],
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A journal as `init` made it, its starter texts replaced and its address set, built."""
    root = tmp_path_factory.mktemp("family")
    site = root / "journal"
    made = subprocess.run(
        [sys.executable, "-m", "journalgen", "init", str(site), "--title", "Cooper's journal"],
        capture_output=True,
        text=True,
    )
    assert made.returncode == 0, made.stderr
    settings = site / "journalgen.yaml"
    settings.write_text(
        settings.read_text().replace("https://example.netlify.app/", "https://cooper.netlify.app/")
    )
    for entry in (site / "content/entries").glob("*.md"):
        entry.write_text('---\ntitle: "Welcome"\ndate: 2026-11-01\n---\n\nHello, everyone.\n')
    (site / "content/pages/about.md").write_text('---\ntitle: "About"\n---\n\nWe are the Smiths.\n')
    (site / "content/photos/garden.jpg").write_bytes(
        (Path(__file__).resolve().parents[1] / "content/photos/hair-jar.jpg").read_bytes()
    )
    built = _run(site, "build", "--strict")
    assert built.returncode == 0, built.stderr
    return site


@pytest.fixture
def journal(template: Path, tmp_path: Path) -> Path:
    site = tmp_path / "journal"
    shutil.copytree(template, site)
    return site


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def _fails(site: Path, *expected: str, strict: bool = False) -> str:
    before = _tree(site / "output")
    done = _run(site, "build", *(["--strict"] if strict else []))
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    for text in expected:
        assert text in done.stderr, done.stderr
    assert _tree(site / "output") == before, "output/ changed after an error"
    return done.stderr


def _nowhere(site: Path, text: str) -> None:
    for rel, data in _tree(site / "output").items():
        assert text.encode() not in data, rel


ENTRY = '---\ntitle: "Round two"\ndate: 2026-11-20\ndraft: true\n---\n\n' + SECRET + "\n"


@pytest.mark.parametrize("name", ["2026-11-20-round-two.txt", "2026-11-20-round-two.md.txt"])
def test_an_entry_saved_as_text_is_an_error_and_never_published(journal: Path, name: str) -> None:
    (journal / "content/entries" / name).write_text(ENTRY)
    said = _fails(journal, f"content/entries/{name}: this looks like an entry", "Rename it to ")
    assert "2026-11-20-round-two.md" in said
    _nowhere(journal, SECRET)


def test_a_word_document_in_entries_is_an_error(journal: Path) -> None:
    (journal / "content/entries/Letter to Cooper.docx").write_bytes(b"PK\x03\x04" + SECRET.encode())
    _fails(journal, "content/entries/Letter to Cooper.docx: a .docx file cannot be an entry")
    _nowhere(journal, SECRET)


def test_an_entry_saved_in_content_itself_is_a_warning(journal: Path) -> None:
    (journal / "content/2026-11-20-round-two.md").write_text(ENTRY.replace("draft: true\n", ""))
    done = _run(journal, "build")
    assert done.returncode == 0, done.stderr
    assert (
        "content/2026-11-20-round-two.md: content/2026-11-20-round-two.md is not published"
        in done.stderr
    )
    assert "entries go in content/entries/" in done.stderr
    _nowhere(journal, SECRET)
    assert _run(journal, "build", "--strict").returncode == 1


def test_a_file_nothing_links_to_is_not_published(journal: Path) -> None:
    (journal / "content/files").mkdir()
    (journal / "content/files/notes.pdf").write_bytes(b"%PDF-1.4 " + SECRET.encode())
    (journal / "content/files/letter.pdf").write_bytes(b"%PDF-1.4 the letter")
    entry = next((journal / "content/entries").glob("*.md"))
    entry.write_text(entry.read_text() + "\n[The letter](../files/letter.pdf)\n")
    assert _run(journal, "build").returncode == 0
    assert (journal / "output/files/letter.pdf").is_file()
    _nowhere(journal, SECRET)


def _entry_with(journal: Path, body: str) -> Path:
    path = journal / "content/entries/2026-11-28-photos.md"
    path.write_text(f'---\ntitle: "Photos"\ndate: 2026-11-28\n---\n\nThe park.\n\n{body}\n')
    return path


@pytest.mark.parametrize("bracketed", [False, True])
def test_a_photo_name_with_spaces_works(journal: Path, bracketed: bool) -> None:
    name = "WhatsApp Image 2026-11-28 at 14.03.22.jpeg"
    shutil.copy(journal / "content/photos/garden.jpg", journal / "content/photos" / name)
    target = f"<../photos/{name}>" if bracketed else f"../photos/{name}"
    _entry_with(journal, f"![Cooper on the swing]({target})")
    done = _run(journal, "build", "--strict")
    assert done.returncode == 0, done.stderr
    page = (journal / "output/2026/11/photos/index.html").read_text()
    assert "<picture>" in page and "![" not in page


@pytest.mark.parametrize(
    "path",
    [
        "C:\\Users\\Jenny\\Pictures\\IMG_0412.JPG",
        "file:///home/jenny/Pictures/IMG_0412.JPG",
        "/home/jenny/Pictures/IMG_0412.JPG",
    ],
)
def test_a_photo_on_the_writers_computer_is_an_error_naming_the_line(
    journal: Path, path: str
) -> None:
    _entry_with(journal, f"![Cooper]({path})")
    said = _fails(journal, "2026-11-28-photos.md:8: ", "is a file on your own computer")
    assert "copy the photo into content/photos/ and write ../photos/NAME".lower() in said.lower()
    assert "IMG_0412.JPG" in said
    _nowhere(journal, "Jenny")


def test_a_near_miss_suggests_the_file_that_exists(journal: Path) -> None:
    _entry_with(journal, "![Our garden](../photos/Garden.jpeg)")
    _fails(journal, "2026-11-28-photos.md:8: the image photos/Garden.jpeg is not in content/",
           "Did you mean ../photos/garden.jpg?")  # fmt: skip


def test_starter_texts_and_the_example_address_are_named_until_changed(tmp_path: Path) -> None:
    site = tmp_path / "fresh"
    assert subprocess.run([sys.executable, "-m", "journalgen", "init", str(site)]).returncode == 0
    new = subprocess.run(
        [sys.executable, "-m", "journalgen", "new", "Round two", "--site", str(site)],
        capture_output=True,
        text=True,
    )
    assert new.returncode == 0
    done = _run(site, "build")
    assert done.returncode == 0
    for expected in (
        "welcome.md:12: this is journalgen's starter text",
        "round-two.md:8: this is journalgen's starter text",
        "content/pages/about.md:5: this is journalgen's starter text",
        "journalgen.yaml:4: base_url is still the example address https://example.netlify.app/",
    ):
        assert expected in done.stderr, done.stderr
    strict = _run(site, "build", "--strict")
    assert strict.returncode == 1 and "starter text" in strict.stderr
    check = _run(site, "deploy-check")
    assert check.returncode == 1 and "base_url is still the example address" in check.stderr


@pytest.mark.parametrize(
    ("front", "title", "tags"),
    [
        ("title: “Round two”\ntags: [“treatment”]", "Round two", ["treatment"]),
        ("title: “Day 3: home”", "Day 3: home", []),
    ],
)
def test_curly_quotes_are_read_as_quotes(
    journal: Path, front: str, title: str, tags: list[str]
) -> None:
    (journal / "content/entries/2026-11-29-q.md").write_text(f"---\n{front}\n---\n\nText.\n")
    done = _run(journal, "build", "--strict")
    assert done.returncode == 0, done.stderr
    page = (journal / "output/2026/11/q/index.html").read_text()
    assert f"<h1>{title}</h1>" in page and "“" not in page.split("<h1>")[1][:40]
    for tag in tags:
        assert (journal / f"output/tags/{tag}/index.html").is_file()


@pytest.mark.parametrize(
    ("front", "line", "expected"),
    [
        ('title: "Hello"\n\ttags: [a]', 3, "this line has a tab character"),
        (
            'title: "Hello\ntags: [a]\nauthor: me',
            2,
            "invalid YAML: a quote or bracket opened on this line",
        ),
        ('title: "Hello"\ndraft:true', 3, "`draft:` needs a space after the colon"),
    ],
)
def test_front_matter_mistakes_are_named_where_they_start(
    journal: Path, front: str, line: int, expected: str
) -> None:
    (journal / "content/entries/2026-11-29-q.md").write_text(f"---\n{front}\n---\n\nText.\n")
    _fails(journal, f"2026-11-29-q.md:{line}: {expected}")


def test_a_link_to_a_missing_entry_names_the_line(journal: Path) -> None:
    _entry_with(journal, "Read [the day we came home](2026-11-02-home.md).")
    done = _run(journal, "build")
    assert done.returncode == 0
    assert "2026-11-28-photos.md:8: links to entries/2026-11-02-home.md" in done.stderr
    assert "2026-11-20-home.md" in done.stderr  # the example is an entry, not a photo


def test_journalgen_links_in_code_are_left_as_written(journal: Path) -> None:
    _entry_with(
        journal,
        'Write `journalgen:` in code, `href="journalgen:about.md"` too:\n\n'
        '```\njournalgen:photos/x.jpg\n<img src="journalgen:photos/a.jpg">\n```\n\n'
        'She said "journalgen:rocks". Items: a, journalgen:x',
    )
    done = _run(journal, "build", "--strict")
    assert done.returncode == 0, done.stderr
    page = (journal / "output/2026/11/photos/index.html").read_text()
    assert "<code>journalgen:</code>" in page and "journalgen:photos/x.jpg" in page
    assert 'href="journalgen:about.md"' in page or "href=&quot;journalgen:about.md" in page
    assert "journalgen:rocks" in page and "a, journalgen:x" in page


def test_text_pasted_from_word_reads_as_it_was_written(site: SiteDir) -> None:
    """Word's manual line break is a line break; a tab-indented sign-off (which Markdown
    makes a code box) is named with its line; "Dear everyone," is not the summary; and an
    entry shown whole on the home page offers no "Continue reading"."""
    site.entry(
        "2026-11-01-word.md",
        'title: "From Word"',
        "Dear everyone,\n\nCooper came home today after six long weeks on the ward, and slept"
        " in his own bed.\n\n\tLove, Jenny\n\nPS. The nurses sang.\x0bThe porters clapped.\n",
    )
    site.entry("2026-11-02-short.md", 'title: "Short"', "Just a line to say we are fine.\n")
    report = site.build()
    page = site.read("2026/11/word/index.html")
    assert "The nurses sang.<br>\nThe porters clapped." in page
    indented = [w for w in report.warnings if "tab or four spaces" in w.message]
    assert [(w.path.name if w.path else "", w.line) for w in indented] == [
        ("2026-11-01-word.md", 9)
    ]
    home = site.read("index.html")
    word = home[home.index("From Word") :]
    assert word.index("Cooper came home today") < word.index("</article>")
    assert "Dear everyone" not in word[: word.index("</article>")]
    assert "Continue reading<span" in word[: word.index("</article>")]
    short = home[home.index(">Short<") :]
    assert "Continue reading" not in short[: short.index("</article>")]
    feed = site.read("feed.xml")
    assert "Cooper came home today" in feed
    with pytest.raises(JournalError):
        site.build(strict=True)
