"""Mistakes in a journal give one clear error (file, line, what to do) and never damage the
site that was already built."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import feedparser
import pytest

from conftest import BASIC_CONFIG, SiteDir
from journalgen.cli import main
from journalgen.errors import JournalError

BROKEN = "content/entries/2026-11-01-broken.md"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06" + bytes(64)


@dataclass(frozen=True)
class Case:
    """One way to break a good journal, and the error it must give."""

    id: str
    breaks: Callable[[SiteDir], object]
    message: str
    """A regular expression the problem's message must match."""
    file: str = BROKEN
    """The file the problem names, relative to the site folder."""
    line: int | range | None = None
    """The line it names (a range when any line of a block will do)."""
    hint: str = ""
    """A regular expression the hint must match."""


def broken_entry(front: str, body: str = "Body.\n") -> Callable[[SiteDir], object]:
    return lambda site: site.write(BROKEN, f"---\n{front}\n---\n\n{body}")


def broken_bytes(data: bytes, file: str = BROKEN) -> Callable[[SiteDir], object]:
    return lambda site: site.write(file, data)


def two_entries_one_url(site: SiteDir) -> None:
    site.entry("2026-11-01-Hello.md", 'title: "Hello"')
    site.entry("2026-11-02-other.md", 'title: "Other"\ndate: 2026-11-01\nslug: HELLO')


OVERRIDE_SYNTAX = "{% extends 'base.html' %}\n{% block main %}\n{% if %}\n{% endblock %}\n"
OVERRIDE_RUNTIME = (
    "{% extends 'base.html' %}\n{% block main %}\n<h1>{{ entry.titel }}</h1>\n{% endblock %}\n"
)
DEEP_LISTS = "Intro.\n\n" + "".join("  " * depth + "- item\n" for depth in range(200))

CASES = [
    Case(
        "invalid-yaml",
        broken_entry("title: Round two: Monday\ndate: 2026-11-01"),
        r"^invalid YAML: mapping values are not allowed",
        line=2,
        hint="double quotes",
    ),
    Case("missing-title", broken_entry("date: 2026-11-01\ntags: [a]"), r"^`title` is missing$"),
    Case(
        "unknown-key",
        broken_entry('title: "Hi"\ntgas: [a]'),
        r"^unknown front-matter key `tgas`$",
        line=3,
        hint=r"Did you mean `tags`\?",
    ),
    Case(
        "tags-mapping",
        broken_entry('title: "Hi"\ntags: {a: 1}'),
        r"^`tags`: expected a list",
        line=3,
    ),
    Case(
        "draft-text",
        broken_entry('title: "Hi"\ndate: 2026-11-01\ndraft: "yes"'),
        r"^`draft`: expected true or false, got 'yes'$",
        line=4,
    ),
    Case(
        "impossible-date",
        broken_entry('title: "Hi"\ndate: 2026-13-45'),
        r"^`date`: .*month must be in 1\.\.12",
        line=3,
        hint="2026-11-22",
    ),
    Case(
        "date-words",
        broken_entry('title: "Hi"\ndate: next tuesday'),
        r"^`date`: not a date: 'next tuesday'$",
        line=3,
    ),
    Case(
        "latin-1",
        broken_bytes(b"---\ntitle: Cafe\n---\n\nCr\xe8me br\xfbl\xe9e.\n"),
        r"^this file is not UTF-8 text$",
        line=5,
        hint="UTF-8",
    ),
    Case("png-named-md", broken_bytes(PNG), r"^this is not a text file"),
    Case("empty", broken_bytes(b""), r"^this file is empty$", hint="title:"),
    Case(
        "twenty-megabytes",
        broken_bytes(b"---\ntitle: Huge\n---\n\n" + b"word " * (4 * 1024 * 1024)),
        r"^this file is 20\.0 MB; an entry or page may be at most 5 MB$",
    ),
    Case(
        "deep-lists",
        broken_entry('title: "Deep"', DEEP_LISTS),
        r"nested more than 40 levels deep",
        line=range(7, 7 + 200),
    ),
    Case(
        "deep-quotes",
        broken_entry('title: "Deep"', "Intro.\n\n" + ">" * 200 + " deep\n"),
        r"nested more than 40 levels deep",
        line=7,
    ),
    Case(
        "template-syntax",
        lambda site: site.write("templates/entry.html", OVERRIDE_SYNTAX),
        r"^template error: ",
        file="templates/entry.html",
        line=3,
    ),
    Case(
        "template-runtime",
        lambda site: site.write("templates/entry.html", OVERRIDE_RUNTIME),
        r"^template error: .*'titel'",
        file="templates/entry.html",
        line=3,
    ),
    Case(
        "same-url",
        two_entries_one_url,
        r"^this writes the same page /2026/11/hello/ as content/entries/2026-11-02-other\.md$",
        file="content/entries/2026-11-01-Hello.md",
        hint="capital letters",
    ),
    Case(
        "page-over-journalgen-page",
        lambda site: site.page("tags.md", 'title: "Tags"'),
        r"would replace journalgen's own page at /tags/",
        file="content/pages/tags.md",
    ),
    Case(
        "unknown-setting",
        lambda site: site.write("journalgen.yaml", BASIC_CONFIG + "titel: Oops\n"),
        r"^unknown setting key `titel`$",
        file="journalgen.yaml",
        line=BASIC_CONFIG.count("\n") + 1,
        hint=r"Did you mean `title`\?",
    ),
    Case(
        "settings-yaml",
        lambda site: site.write("journalgen.yaml", 'title: "Unclosed\nbase_url: x\n'),
        r"^invalid YAML",
        file="journalgen.yaml",
        line=range(1, 4),
    ),
]


@pytest.fixture
def good(site: SiteDir) -> SiteDir:
    """A journal that builds, and has been built once."""
    site.entry("2026-10-01-good.md", 'title: "Good news"\ntags: [news]', "All is well.\n")
    site.page("about.md", 'title: "About"')
    site.build()
    return site


def leftovers(site: SiteDir) -> list[str]:
    """Staging or retired output folders a failed build might leave beside output/ (the
    spare the next build starts from is meant to be there)."""
    beside = (p.name for p in site.root.iterdir() if p.name.startswith(".output"))
    return sorted(name for name in beside if name != ".output.spare")


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_mistake_gives_one_clear_error_and_keeps_the_previous_site(
    good: SiteDir, case: Case
) -> None:
    before = good.output_files()
    assert "2026/10/good/index.html" in before
    case.breaks(good)
    with pytest.raises(JournalError) as caught:
        good.build()
    problems = caught.value.problems
    assert len(problems) == 1, caught.value.format(good.root)
    problem = problems[0]
    assert problem.path is not None
    assert problem.path.absolute().relative_to(good.root).as_posix() == case.file
    assert re.search(case.message, problem.message), problem.message
    if isinstance(case.line, range):
        assert problem.line in case.line, problem.line
    else:
        assert problem.line == case.line
    assert re.search(case.hint, problem.hint), problem.hint
    assert good.output_files() == before
    assert leftovers(good) == []


def test_byte_order_mark_is_accepted(site: SiteDir) -> None:
    site.write("journalgen.yaml", "\ufeff" + BASIC_CONFIG)
    site.write("content/entries/2026-11-01-bom.md", '\ufeff---\ntitle: "With a BOM"\n---\n\nHi.\n')
    site.build()
    page = site.read("2026/11/bom/index.html")
    assert "<h1>With a BOM</h1>" in page
    assert all("\ufeff".encode() not in data for data in site.output_files().values())


def files_outside(root: Path, output: Path) -> set[str]:
    """Files under `root` outside `output` (and the site's own cache, .cache/journalgen)."""
    return {
        p.relative_to(root).as_posix()
        for p in root.rglob("*")
        if p.is_file()
        and not p.is_relative_to(output)
        and ".cache/journalgen/" not in p.relative_to(root).as_posix()
    }


@pytest.mark.parametrize(
    "slug", ["../../etc", "/etc/passwd", "..\\..\\evil", "a/../../b", "%2e%2e/x"]
)
def test_slug_cannot_write_outside_the_output_folder(
    tmp_path: Path, make_site: Callable[[str], SiteDir], slug: str
) -> None:
    site = make_site("journal")
    site.entry("2026-11-01-escape.md", f"title: Escape\nslug: {slug!r}")
    site.page("escape.md", f"title: Page\nslug: {slug!r}")
    before = files_outside(tmp_path, site.out)
    site.build()
    assert files_outside(tmp_path, site.out) == before
    written = site.output_files()
    entry_pages = [name for name in written if name.startswith("2026/11/") and name.count("/") == 3]
    assert len(entry_pages) == 1
    assert ".." not in entry_pages[0] and "\\" not in entry_pages[0]


def test_slug_of_only_dots_is_an_error(good: SiteDir) -> None:
    good.entry("2026-11-01-dots.md", "title: Dots\nslug: '..'")
    with pytest.raises(JournalError, match=r"`slug`: '\.\.' has no letters or digits"):
        good.build()


class AttributeUrls(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.values: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.values += [value for _name, value in attrs if value]


def scripted_urls(fragment: str) -> list[str]:
    parser = AttributeUrls()
    parser.feed(fragment)
    parser.close()
    plain = [re.sub(r"[\x00-\x20]+", "", html.unescape(value)).lower() for value in parser.values]
    return [value for value in plain if value.startswith(("javascript:", "vbscript:"))]


RAW_HTML_ATTACKS = """\
Raw: <a href="javascript:alert(1)">one</a>, <a href='JaVaScRiPt:alert(2)'>two</a>,
<a href=javascript:alert(3)>three</a>, <a href="java&#x09;script:alert(4)">four</a>,
<a href="&#106;avascript:alert(5)">five</a>, <a href=" javascript:alert(6)">six</a>,
<img src="javascript:alert(7)" alt="seven">, <a title="a>b" href="javascript:alert(8)">eight</a>.

<div><!--> <a href="javascript:alert(9)">nine</a> --></div>

<svg><a xlink:href="javascript:alert(10)">ten</a></svg>
<form action="javascript:alert(11)"><button formaction="javascript:alert(12)">go</button></form>
"""

MARKDOWN_ATTACKS = """\
Markdown: [one](javascript:alert(21)), [two](<javascript:alert(22)>), [three][ref],
![four](javascript:alert(24)), <javascript:alert(25)> and [five](JAVASCRIPT:alert(26)).

[ref]: javascript:alert(23)
"""


def test_javascript_links_never_reach_the_output(site: SiteDir) -> None:
    site.entry("2026-11-01-raw.md", 'title: "Raw"', RAW_HTML_ATTACKS)
    site.entry("2026-11-02-markdown.md", 'title: "Markdown"', MARKDOWN_ATTACKS)
    site.build()
    files = site.output_files()
    for name, data in files.items():
        text = data.decode("utf-8")
        # Raw HTML keeps its text but loses the attributes: the script is nowhere.
        for number in range(1, 13):
            assert f"alert({number})" not in text, (name, number)
        if name.endswith(".html"):
            assert scripted_urls(text) == [], name
    for name in ("feed.xml", "atom.xml"):
        feed = feedparser.parse(files[name], resolve_relative_uris=False, sanitize_html=False)
        for entry in feed.entries:
            assert scripted_urls(entry.content[0].value + entry.summary) == [], name
    markdown_page = site.read("2026/11/markdown/index.html")
    assert "five" in markdown_page and "one" in markdown_page


def test_output_folder_with_someone_elses_file_is_refused_unless_forced(good: SiteDir) -> None:
    (good.out / "notes.txt").write_text("my notes", encoding="utf-8")
    before = good.output_files()
    with pytest.raises(JournalError) as caught:
        good.build()
    assert "notes.txt" in caught.value.problems[0].message
    assert "--force" in caught.value.problems[0].hint
    assert good.output_files() == before
    good.build(force=True)
    assert "index.html" in good.output_files()
    assert not (good.out / "notes.txt").exists()


def test_existing_folder_journalgen_never_wrote_is_refused(site: SiteDir) -> None:
    site.entry("2026-10-01-good.md", 'title: "Good"')
    precious = site.write("output/thesis.docx", b"years of work")
    with pytest.raises(JournalError, match=r"thesis\.docx"):
        site.build()
    assert precious.read_bytes() == b"years of work"


def test_deleted_and_redrafted_entries_leave_nothing_behind(site: SiteDir) -> None:
    site.entry("2026-09-01-gone.md", 'title: "GONEMARK"\ntags: [goneonly]')
    redraft = site.entry("2026-10-01-back.md", 'title: "BACKMARK"\ntags: [backonly]')
    site.entry("2026-11-01-stays.md", 'title: "Stays"')
    site.build()
    assert "2026/09/gone/index.html" in site.output_files()
    assert "2026/10/back/index.html" in site.output_files()
    (site.root / "content/entries/2026-09-01-gone.md").unlink()
    redraft.write_text(
        redraft.read_text(encoding="utf-8").replace("title:", "draft: true\ntitle:"),
        encoding="utf-8",
    )
    site.build()
    files = site.output_files()
    assert not [name for name in files if name.startswith(("2026/09", "2026/10"))]
    assert not [name for name in files if "goneonly" in name or "backonly" in name]
    for name, data in files.items():
        assert b"GONEMARK" not in data and b"BACKMARK" not in data, name
        assert b"goneonly" not in data and b"backonly" not in data, name


def write_cli_mistake(site: SiteDir) -> None:
    site.write("content/entries/x.md", '---\ntitle: "X"\ndraft: "yes"\ndate: 2026-11-01\n---\n')


def test_cli_prints_the_error_with_file_and_line_and_no_traceback(
    site: SiteDir, capsys: pytest.CaptureFixture[str]
) -> None:
    write_cli_mistake(site)
    assert main(["build", "--site", str(site.root)]) == 1
    captured = capsys.readouterr()
    assert captured.err.startswith(
        "error: content/entries/x.md:3: `draft`: expected true or false, got 'yes'\n"
    )
    assert "Traceback" not in captured.err + captured.out
    assert not site.out.exists()


def test_cli_error_path_is_relative_to_a_relative_site_folder(
    site: SiteDir, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write_cli_mistake(site)
    monkeypatch.chdir(site.root.parent)
    assert main(["build", "--site", site.root.name]) == 1
    assert capsys.readouterr().err.startswith("error: content/entries/x.md:3: ")


def test_cli_shows_the_traceback_with_debug(
    site: SiteDir, capsys: pytest.CaptureFixture[str]
) -> None:
    write_cli_mistake(site)
    assert main(["build", "--site", str(site.root), "--debug"]) == 1
    err = capsys.readouterr().err
    assert "error: content/entries/x.md:3: " in err
    assert "Traceback" in err


def test_cli_lists_every_problem_at_once(site: SiteDir, capsys: pytest.CaptureFixture[str]) -> None:
    site.write("content/entries/2026-11-01-a.md", "")
    site.write("content/entries/2026-11-02-b.md", '---\ntitle: "B"\ntgas: [x]\n---\n')
    assert main(["build", "--site", str(site.root)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("journalgen found 2 problems:\n")
    assert "error: content/entries/2026-11-01-a.md: this file is empty" in err
    assert "error: content/entries/2026-11-02-b.md:3: unknown front-matter key `tgas`" in err


@pytest.mark.parametrize("title_line", ['title: "Round two: starts Monday', "title: [Round two"])
def test_an_unclosed_quote_or_bracket_names_the_line_it_opens_on(
    site: SiteDir, title_line: str
) -> None:
    site.write(
        "content/entries/2026-11-20-round-two.md",
        f"---\n{title_line}\ndate: 2026-11-20\ntags: [home]\n---\n\nText.\n",
    )
    with pytest.raises(JournalError) as caught:
        site.build()
    problem = caught.value.problems[0]
    assert problem.line == 2
    assert "never closed" in problem.message


def test_a_static_file_named_like_a_folder_of_the_site_is_refused(good: SiteDir) -> None:
    """`static/2026` (a file) where the site needs the folder 2026/ for its entries: an
    error naming it, and the previous output as it was (no page of 2026 is lost)."""
    before = good.output_files()
    good.write("static/2026", "a file without an extension")
    with pytest.raises(JournalError) as caught:
        good.build()
    problem = caught.value.problems[0]
    assert "2026 would be both a file and a folder" in problem.message
    assert "static/" in problem.hint
    assert good.output_files() == before


def test_leftovers_of_a_killed_build_are_cleared_not_refused(good: SiteDir) -> None:
    """A build killed while writing (power cut) leaves temporary files in output/: the next
    build removes them instead of refusing the folder as someone else's."""
    (good.out / ".index.html.journalgen-4242.tmp").write_text("half a page", encoding="utf-8")
    parking = good.out / ".journalgen-parking-4242"
    parking.mkdir()
    (parking / "0").write_text("a parked page", encoding="utf-8")
    good.build()
    assert not (good.out / ".index.html.journalgen-4242.tmp").exists()
    assert not parking.exists()
    assert "Good news" in (good.out / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ["subscribe", "archive", "tags", "guestbook", "page", "assets"])
def test_a_page_at_one_of_journalgens_own_addresses_is_named_clearly(
    site: SiteDir, name: str
) -> None:
    """One list of journalgen's own addresses: every one gets the same clear message."""
    site.page(f"{name}.md", f'title: "{name.title()}"')
    with pytest.raises(JournalError) as caught:
        site.build()
    (problem,) = caught.value.problems
    assert problem.message == f"this page would replace journalgen's own page at /{name}/"


@pytest.mark.parametrize(
    "name",
    ["notes.tmp", "draft.md~", ".#notes", "#autosave#", "report.bak", "x.orig", "Thumbs.db",
     ".DS_Store", "page.swp", "upload.crswap", "4913", "kept.txt", ".well-known"],
)  # fmt: skip
def test_what_is_published_from_static_is_what_serve_watches(site: SiteDir, name: str) -> None:
    """One list of editors' and systems' leftovers: a file of static/ is published exactly
    when `serve` rebuilds for a change to it."""
    from journalgen.preview.changes import is_static_noise_name

    if name == ".well-known":
        site.write("static/.well-known/security.txt", "Contact: mailto:family@example.org\n")
        rel = ".well-known/security.txt"
    else:
        site.write(f"static/{name}", "leftover\n")
        rel = name
    site.build()
    published = (site.out / rel).is_file()
    assert published == (not is_static_noise_name(name)), name
    assert published == (name in ("kept.txt", ".well-known")), name


@pytest.mark.parametrize(
    ("where", "text", "line"),
    [
        ("journalgen.yaml", BASIC_CONFIG + "privacy: private\n", 13),
        ("content/entries/2026-11-01-twice.md",
         '---\ntitle: "One"\ndate: 2026-11-01\ntitle: "Two"\n---\n\nText.\n', 4),
        ("journalgen.yaml",
         BASIC_CONFIG + "email:\n  from: a@example.org\n  from: b@example.org\n", 15),
    ],
)  # fmt: skip
def test_a_key_written_twice_is_an_error_naming_both_lines(
    site: SiteDir, where: str, text: str, line: int
) -> None:
    """YAML would silently keep the last one, so what the family reads first would not be
    what is published."""
    site.write(where, text)
    with pytest.raises(JournalError) as caught:
        site.build()
    (problem,) = caught.value.problems
    assert problem.line == line and "is written twice (lines" in problem.message, problem
