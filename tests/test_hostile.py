"""Hostile or odd input never leaks, crashes or runs. Each case runs `journalgen build` in
a subprocess (memory capped, time bounded) and asserts: no traceback, a message naming the
file, nothing from outside the journal in output/."""

from __future__ import annotations

import os
import re
import resource
import shutil
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING

import feedparser
import pytest

from test_guestbook_xss import URL_ATTRIBUTES, VECTORS, dangerous_url

if TYPE_CHECKING:
    from playwright.sync_api import Dialog

CONFIG = """\
title: "Hostile"
base_url: https://journal.example.org/
privacy: public
language: en
timezone: Europe/London
author: jenny
authors:
  jenny: {name: Jenny}
"""
SECRET = "made-up-deploy-token-31337"
MEMORY_LIMIT = 1536 * 1024 * 1024
"""Address space for each build: generous, but far below what an alias bomb needs."""
SECONDS = 60


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str
    seconds: float
    peak_mb: float


def _limit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def _journalgen(site: Path, *args: str) -> Run:
    env = {**os.environ, "JOURNALGEN_TEST_SECRET": SECRET}
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-m", "journalgen", *args, "--site", str(site)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        preexec_fn=_limit,
    )
    try:
        out, err = process.communicate(timeout=SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise AssertionError(f"journalgen {args} ran for more than {SECONDS} s") from None
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return Run(process.returncode, out, err, time.monotonic() - started, usage.ru_maxrss / 1024)


def _journal(root: Path) -> Path:
    for folder in ("content/entries", "content/pages", "content/photos", "static"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    (root / "journalgen.yaml").write_text(CONFIG, encoding="utf-8")
    (root / "content/entries/2026-11-01-hello.md").write_text(
        '---\ntitle: "Hello"\n---\n\nWe are home.\n', encoding="utf-8"
    )
    return root


def _published(site: Path) -> bytes:
    out = site / "output"
    return b"".join(p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file())


def _refused(run: Run, named: str) -> None:
    assert run.code == 1, (run.code, run.err)
    assert "Traceback" not in run.err and "did not expect" not in run.err, run.err
    assert named in run.err, run.err


# --- Links out of the journal ------------------------------------------------------------


@pytest.mark.parametrize(
    ("where", "target"),
    [
        ("static/env.txt", "/proc/self/environ"),
        ("static/passwd", "/etc/passwd"),
        ("content/entries/2026-11-02-outside.md", "OUTSIDE/entry.md"),
        ("content/photos/holiday", "OUTSIDE"),
        ("templates/base.html", "OUTSIDE/base.html"),
    ],
)
def test_a_link_out_of_the_journal_is_refused(tmp_path: Path, where: str, target: str) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "entry.md").write_text(f'---\ntitle: "Out"\n---\n\n{SECRET}\n', encoding="utf-8")
    (outside / "base.html").write_text(SECRET, encoding="utf-8")
    (outside / "photo.txt").write_text(SECRET, encoding="utf-8")
    site = _journal(tmp_path / "site")
    link = site / where
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(target.replace("OUTSIDE", str(outside)))
    run = _journalgen(site, "build")
    _refused(run, f"{where}: this is a link to")
    assert "outside the folder it is in" in run.err
    assert not (site / "output").exists() or SECRET.encode() not in _published(site)


@pytest.mark.parametrize(
    ("where", "target"),
    [
        ("static/g", "../.git"),
        ("static/all", ".."),
        ("static/out", "../output"),
        ("static/drafts", "../content/entries"),
        ("content/photos/pending", "../guestbook/pending"),
    ],
)
def test_a_link_to_another_part_of_the_journal_is_refused(
    tmp_path: Path, where: str, target: str
) -> None:
    """The journal's Git history (tokens in its config), raw drafts, pending messages and
    the output itself are inside the journal folder, but never in the folder a link is in."""
    site = _journal(tmp_path / "site")
    (site / ".git").mkdir()
    (site / ".git/config").write_text(f"url = https://jenny:{SECRET}@github.com/x/y.git\n")
    (site / "content/guestbook/pending").mkdir(parents=True)
    (site / "content/guestbook/pending/m.yaml").write_text(f"name: A\nmessage: {SECRET}\n")
    (site / "content/entries/2026-11-09-draft.md").write_text(
        f'---\ntitle: "D"\ndraft: true\n---\n\n{SECRET}\n'
    )
    link = site / where
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(target)
    run = _journalgen(site, "build")
    _refused(run, f"{where}: this is a link to")
    assert not (site / "output").exists() or SECRET.encode() not in _published(site)


@pytest.mark.parametrize("folder", ["static", "content", "templates"])
def test_a_source_folder_that_is_a_link_out_is_refused(tmp_path: Path, folder: str) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(SECRET)
    site = _journal(tmp_path / "site")
    if (site / folder).exists():
        shutil.rmtree(site / folder)
    (site / folder).symlink_to(outside)
    run = _journalgen(site, "build")
    _refused(run, "this folder is a link to")
    assert not (site / "output").exists() or SECRET.encode() not in _published(site)


def test_links_inside_their_folder_are_read_once_and_loops_end(tmp_path: Path) -> None:
    site = _journal(tmp_path / "site")
    (site / "content/photos/self").symlink_to(".")
    (site / "content/photos/album").mkdir()
    (site / "content/photos/album/back").symlink_to("..")
    (site / "static/again").symlink_to(".")
    (site / "static/hello.txt").write_text("hello\n", encoding="utf-8")
    (site / "content/entries/same.md").symlink_to("2026-11-01-hello.md")
    run = _journalgen(site, "build")
    assert run.code == 0, run.err
    assert run.seconds < SECONDS
    # The entry reached twice is one entry, under its own name; the static file is
    # published once, at its own address.
    assert "Built 1 entry" in run.out, run.out
    out = site / "output"
    assert (out / "hello.txt").is_file() and not (out / "again").exists()
    assert len(list(out.glob("2026/11/*/index.html"))) == 1


# --- YAML bombs ------------------------------------------------------------------------

BOMB = "\n".join(
    ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    + [
        f"{name}: &{name} [" + ",".join([f"*{'abcdefghi'[i]}"] * 9) + "]"
        for i, name in enumerate("bcdefghi")
    ]
)


def _nested(key: str) -> str:
    return f"{key}:\n" + "\n".join("  " + line for line in BOMB.splitlines())


@pytest.mark.parametrize("place", ["draft", "date", "page_size", "message date"])
def test_an_alias_bomb_is_refused_at_once(tmp_path: Path, place: str) -> None:
    site = _journal(tmp_path / "site")
    if place == "page_size":
        (site / "journalgen.yaml").write_text(CONFIG + _nested("page_size") + "\n")
        named = "journalgen.yaml"
    elif place == "message date":
        (site / "content/guestbook").mkdir(parents=True)
        (site / "content/guestbook/bomb.yaml").write_text(
            "name: Bot\nentry: hello\nmessage: hi\n" + _nested("date") + "\n"
        )
        named = "bomb.yaml"
    else:
        (site / "content/entries/2026-11-03-bomb.md").write_text(
            f'---\ntitle: "Bomb"\n{_nested(place)}\n---\n\nText.\n'
        )
        named = "2026-11-03-bomb.md"
    run = _journalgen(site, "build")
    _refused(run, named)
    assert "anchors and aliases" in run.err
    assert len(run.err) < 2000, "the message must not quote the expanded value"
    assert run.seconds < 20 and run.peak_mb < 600, (run.seconds, run.peak_mb)


# --- Characters a person can paste -------------------------------------------------------

CONTROLS = {"vertical tab": "\x0b", "form feed": "\x0c", "escape": "\x1b", "backspace": "\x08"}


@pytest.mark.parametrize("name", CONTROLS)
def test_control_characters_are_removed_with_a_warning(tmp_path: Path, name: str) -> None:
    char = CONTROLS[name]
    site = _journal(tmp_path / "site")
    entry = site / "content/entries/2026-11-04-pasted.md"
    entry.write_text(
        f'---\ntitle: "Day{char}3"\n---\n\nFirst line{char}second line.\n', encoding="utf-8"
    )
    run = _journalgen(site, "build")
    assert run.code == 0, run.err
    # Word's line break and a page break are made what they meant, silently; others are
    # removed with a warning naming the line.
    removed = name in ("escape", "backspace")
    said = "2026-11-04-pasted.md:2: " in run.err and "control character" in run.err
    assert said == removed, run.err
    for path in (site / "output").rglob("*"):
        if path.is_file() and path.suffix in (".html", ".xml"):
            assert char not in path.read_text(encoding="utf-8"), path
    for feed in ("feed.xml", "atom.xml"):
        ET.parse(site / "output" / feed)  # well-formed XML
        parsed = feedparser.parse(str(site / "output" / feed))
        assert not parsed.bozo, parsed.bozo_exception
        assert any(e.title.startswith("Day") for e in parsed.entries)
    assert _journalgen(site, "build", "--strict").code == (1 if removed else 0)


@pytest.mark.parametrize("folder", ["static", "content/photos"])
def test_a_file_name_that_is_not_utf8_is_named(tmp_path: Path, folder: str) -> None:
    site = _journal(tmp_path / "site")
    name = os.fsencode(site / folder) + b"/caf\xe9.txt"
    with open(name, "wb") as handle:
        handle.write(b"latin-1 name\n")
    run = _journalgen(site, "build")
    _refused(run, f"{folder}: a file name in this folder is not UTF-8")
    assert "caf\\xe9.txt" in run.err


# --- Entries' own HTML -------------------------------------------------------------------

ENTRY_VECTORS = [
    '<a title="<!--" href="javascript:window.__xss=1">x</a>',
    '<a title="<style>" href="javascript:window.__xss=1">x</a> <i title="</style>">y</i>',
    '<div>\n<a x="y"href="javascript:window.__xss=1">z</a>\n</div>',
    "<script>window.__xss=1</script>",
    '<img src="https://example.org/x.png" onerror="window.__xss=1">',
    '<iframe srcdoc="<script>parent.__xss=1</script>"></iframe>',
    '<meta http-equiv="refresh" content="0;url=javascript:window.__xss=1">',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">d</a>',
    '<object data="javascript:window.__xss=1"></object>',
    '<embed src="javascript:window.__xss=1">',
    '<base href="javascript:window.__xss=1//">',
    '<form action="https://evil.example/"><input name="q"><button>go</button></form>',
    '<svg onload="window.__xss=1"><circle r="1"/></svg>',
    '<a href="vbscript:msgbox(1)">vb</a>',
    '<video src="https://evil.example/track.mp4" onplay="window.__xss=1"></video>',
    "<style>body{background:url(javascript:window.__xss=1)}</style>",
    '<p style="background:url(javascript:window.__xss=1)">styled</p>',
    '<details open ontoggle="window.__xss=1"><summary>s</summary></details>',
]
ALL_ENTRY_VECTORS = [
    vector
    for vector in ENTRY_VECTORS + VECTORS
    # Links to a file on the writer's computer are refused outright (test_everyday_mistakes).
    if not re.search(r"\]\((file:|\\\\)", vector)
]
WANTED = [
    "<table><thead><tr><th>Day</th></tr></thead><tbody><tr><td>1</td></tr></tbody></table>",
    "<figure><figcaption>The garden</figcaption></figure>",
    "<details><summary>The long version</summary><p>Hidden words.</p></details>",
    '<img src="data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"'
    ' alt="dot">',
]


LINKING = URL_ATTRIBUTES - {"content"}
"""Attributes holding an address (a meta description's text is not one; a meta refresh is
refused whole)."""


class _Runs(HTMLParser):
    """What in a page could run or load another page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        where = f"<{tag} {attrs}>"
        if tag in ("script", "iframe", "frame", "object", "embed", "base", "style"):
            self.problems.append(where)
        action = str(dict(attrs).get("action") or "")
        if tag == "form" and not (action.startswith("/") and not action.startswith("//")):
            self.problems.append(where)  # only the journal's own guestbook form
        if tag == "meta" and any(name == "http-equiv" for name, _ in attrs):
            self.problems.append(where)
        for name, value in attrs:
            if (
                name.startswith("on")
                or name in ("style", "srcdoc", "formaction")
                or (
                    name in LINKING
                    and value
                    and dangerous_url(value)
                    and not (tag == "img" and name == "src" and value.startswith("data:image/"))
                )
            ):
                self.problems.append(where)

    handle_startendtag = handle_starttag


def _runs(text: str) -> list[str]:
    found = _Runs()
    found.feed(text)
    found.close()
    return found.problems


@pytest.fixture(scope="module")
def attacked(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = _journal(tmp_path_factory.mktemp("hostile") / "site")
    for index, vector in enumerate(ALL_ENTRY_VECTORS):
        (site / f"content/entries/2026-10-01-vector-{index:03d}.md").write_text(
            f'---\ntitle: "Vector {index}"\ndate: 2026-10-01 {index % 24:02d}:{index % 60:02d}\n'
            f"---\n\n{vector}\n\nWords after the vector {index}.\n",
            encoding="utf-8",
        )
    (site / "content/entries/2026-10-02-together.md").write_text(
        '---\ntitle: "Together"\n---\n\n' + "\n\n".join(ALL_ENTRY_VECTORS) + "\n",
        encoding="utf-8",
    )
    (site / "content/entries/2026-10-03-wanted.md").write_text(
        '---\ntitle: "Wanted"\n---\n\n' + "\n\n".join(WANTED) + "\n", encoding="utf-8"
    )
    (site / "journalgen.yaml").write_text(CONFIG + "feed_size: 500\n", encoding="utf-8")
    run = _journalgen(site, "build")
    assert run.code == 0, run.err
    return site


def test_no_page_carries_anything_that_runs(attacked: Path) -> None:
    pages = list((attacked / "output").rglob("*.html"))
    assert len(pages) > len(ALL_ENTRY_VECTORS)
    for page in pages:
        problems = _runs(page.read_text(encoding="utf-8"))
        assert not problems, f"{page}: {problems[:5]}"


def test_no_feed_carries_anything_that_runs(attacked: Path) -> None:
    """The HTML inside each feed item, read from the XML itself (feedparser would clean
    it: feed readers that do not are the ones at risk)."""
    for name in ("feed.xml", "atom.xml"):
        assert not feedparser.parse(str(attacked / "output" / name)).bozo
        root = ET.parse(attacked / "output" / name).getroot()
        bodies = [
            element.text or ""
            for element in root.iter()
            if element.tag.rsplit("}", 1)[-1] in ("description", "encoded", "content", "summary")
        ]
        assert len(bodies) > len(ALL_ENTRY_VECTORS)
        for body in bodies:
            problems = _runs(body)
            assert not problems, (name, problems[:5])


def test_what_families_write_survives(attacked: Path) -> None:
    page = (attacked / "output/2026/10/wanted/index.html").read_text(encoding="utf-8")
    assert "<table>" in page and "<th>Day</th>" in page
    assert "<figcaption>The garden</figcaption>" in page
    assert "<details><summary>The long version</summary>" in page
    assert 'src="data:image/gif;base64,' in page
    assert re.search(r"Words after the vector \d+", (attacked / "output/feed.xml").read_text())


def test_nothing_runs_in_chromium_without_the_csp(attacked: Path) -> None:
    from browserpages import chromium, served

    pages = sorted(
        p.parent.relative_to(attacked / "output").as_posix()
        for p in (attacked / "output/2026/10").glob("*/index.html")
    )
    with served(attacked / "output") as address, chromium() as browser:
        page = browser.new_page()
        dialogs: list[str] = []

        def dialog(opened: Dialog) -> None:
            dialogs.append(opened.message)
            opened.dismiss()

        page.on("dialog", dialog)
        for rel in pages:
            page.goto(f"{address}{rel}/", wait_until="load")
            page.evaluate(
                """() => { for (const el of document.querySelectorAll('main *')) {
                    for (const type of ['mouseover', 'focus', 'toggle', 'play', 'error']) {
                      el.dispatchEvent(new Event(type, {bubbles: true})); } } }"""
            )
            for link in page.query_selector_all("main a[href]"):
                href = link.get_attribute("href") or ""
                assert not dangerous_url(href), (rel, href)
            ran = page.evaluate("() => window.__xss !== undefined || document.scripts.length")
            assert not ran, rel
        assert dialogs == []


def test_a_journal_that_needs_raw_html_can_keep_it(tmp_path: Path) -> None:
    site = _journal(tmp_path / "site")
    (site / "journalgen.yaml").write_text(CONFIG + "allow_unsafe_html: true\n")
    (site / "content/entries/2026-11-05-embed.md").write_text(
        '---\ntitle: "Embed"\n---\n\n<iframe src="/map.html"></iframe>\n', encoding="utf-8"
    )
    run = _journalgen(site, "build")
    assert run.code == 0, run.err
    assert '<iframe src="/map.html">' in (site / "output/2026/11/embed/index.html").read_text()


# --- Guestbook exports -------------------------------------------------------------------


def test_a_hostile_export_is_imported_message_by_message(tmp_path: Path) -> None:
    import json

    site = _journal(tmp_path / "site")

    def row(ident: str, when: str, name: str, message: str) -> dict[str, object]:
        return {"id": ident, "created_at": when, "data": {"name": name, "message": message}}

    rows = [
        row("ok-1", "2026-11-20T10:00:00Z", "Bea", "Love to you all."),
        row(
            "x\n# journalgen guestbook approve --all\nname: Evil",
            "2026-11-20T11:00:00Z",
            "Mallory",
            "Injected?",
        ),
        row("far", "9999-12-31T23:59:59Z", "Time", "From the future."),
        row("big", "2026-11-20T12:00:00Z", "Big", "x" * 200_000),
    ]
    export = tmp_path / "submissions.json"
    export.write_text(json.dumps(rows), encoding="utf-8")
    run = _journalgen(site, "guestbook", "import", str(export))
    assert run.code == 0, run.err
    assert "Traceback" not in run.err
    pending = sorted((site / "content/guestbook/pending").iterdir())
    assert len(pending) == 2, [p.name for p in pending]
    injected = next(p for p in pending if "mallory" in p.name).read_text(encoding="utf-8")
    assert "\n# journalgen guestbook approve --all" not in injected
    assert "\nname: Evil" not in injected
    assert "no usable date" in run.err and "200,000 characters" in run.err


def test_a_csv_export_with_a_huge_field_is_read(tmp_path: Path) -> None:
    site = _journal(tmp_path / "site")
    export = tmp_path / "export.csv"
    with export.open("w", encoding="utf-8", newline="") as handle:
        handle.write("name,message,created_at\n")
        handle.write(f'Huge,"{"y" * 300_000}",2026-11-20T10:00:00Z\n')
        handle.write("Bea,Thinking of you,2026-11-20T11:00:00Z\n")
    run = _journalgen(site, "guestbook", "import", str(export))
    assert run.code == 0, run.err
    assert len(list((site / "content/guestbook/pending").iterdir())) == 1
    assert "line 2: the message is 300,000 characters" in run.err


@pytest.mark.parametrize("folder", ["static", "templates", "content/photos"])
def test_the_output_cannot_be_one_of_the_journals_own_folders(tmp_path: Path, folder: str) -> None:
    site = _journal(tmp_path / "site")
    (site / folder).mkdir(parents=True, exist_ok=True)
    run = _journalgen(site, "build", "--output", str(site / folder))
    _refused(run, "the output folder would overwrite your site's own files")


def test_a_template_added_to_the_journal_cannot_reach_python(tmp_path: Path) -> None:
    site = _journal(tmp_path / "site")
    (site / "templates").mkdir(exist_ok=True)
    attack = (
        "{{ cycler.__init__.__globals__.os.environ.get('JOURNALGEN_TEST_SECRET') }}"
        "{{ cycler.__init__.__globals__.os.popen('id').read() }}"
    )
    (site / "templates/404.html").write_text(f"<p>{attack}</p>\n", encoding="utf-8")
    run = _journalgen(site, "build")
    assert run.code == 1, run.err
    assert "Traceback" not in run.err and "404.html" in run.err
    assert not (site / "output").exists() or SECRET.encode() not in _published(site)


def test_only_a_journal_that_replaces_a_theme_template_needs_the_sandbox(tmp_path: Path) -> None:
    """journalgen's own templates run outside Jinja's sandbox (its checks cost a third of
    the time pages take); a file in templates/ at the place of a theme template, which
    Jinja would load instead, puts every template in it. Other files there never run."""
    from jinja2.sandbox import SandboxedEnvironment

    from journalgen import config
    from journalgen.rendering import render

    site = _journal(tmp_path / "site")
    settings = config.load(site)
    assert not isinstance(render.environment(settings, site), SandboxedEnvironment)
    (site / "templates" / "partials").mkdir(parents=True)
    attack = "{{ cycler.__init__.__globals__.os.environ.get('JOURNALGEN_TEST_SECRET') }}"
    (site / "templates/README.md").write_text(attack, encoding="utf-8")
    (site / "templates/partials/evil.html").write_text(attack, encoding="utf-8")
    assert not isinstance(render.environment(settings, site), SandboxedEnvironment)
    run = _journalgen(site, "build")
    assert run.code == 0, run.err
    assert SECRET.encode() not in _published(site)
    (site / "templates/entry.html").write_text("{{ entry.title }}", encoding="utf-8")
    assert isinstance(render.environment(settings, site), SandboxedEnvironment)


@pytest.mark.parametrize(
    "reach",
    [
        "{{ config.password }}",
        "{{ site.config.password }}",
        "{{ config.password|pprint }}",
        "{{ config.password|string }}",
        "{{ config.password._value }}",
        "{{ config.password|attr('_value') }}",
        "{{ config|pprint }}",
        "{{ config.password.__reduce__() }}",
    ],
)
def test_no_template_can_show_the_password(tmp_path: Path, reach: str) -> None:
    """The password of `privacy: password` (JOURNALGEN_PASSWORD) reaches Netlify's
    Basic-Auth rule in _headers and nothing else: a template in templates/ that tries to
    print it gets `(hidden)`, a digest, or an error."""
    site = _journal(tmp_path / "site")
    settings = site / "journalgen.yaml"
    settings.write_text(
        settings.read_text().replace("privacy: public", "privacy: password"), encoding="utf-8"
    )
    (site / "templates").mkdir(exist_ok=True)
    (site / "templates/404.html").write_text(f"<p>[{reach}]</p>\n", encoding="utf-8")
    env = {**os.environ, "JOURNALGEN_PASSWORD": f"family:{SECRET}"}
    result = subprocess.run(
        [sys.executable, "-m", "journalgen", "build", "--site", str(site)],
        capture_output=True,
        text=True,
        env=env,
        timeout=SECONDS,
    )
    assert SECRET not in result.stdout + result.stderr
    if result.returncode == 0:
        published = {
            p.relative_to(site / "output").as_posix(): p.read_bytes()
            for p in (site / "output").rglob("*")
            if p.is_file()
        }
        assert [rel for rel, data in published.items() if SECRET.encode() in data] == ["_headers"]
        assert b"[(hidden)]" in published["404.html"] or b"Secret(sha256:" in published["404.html"]
    else:
        assert "Traceback" not in result.stderr and "404.html" in result.stderr


@pytest.mark.parametrize(
    "password", ["family:two words", "family:line\nBasic-Auth: thief:x", "family:tab\there"]
)
def test_a_password_netlify_would_misread_is_refused(tmp_path: Path, password: str) -> None:
    site = _journal(tmp_path / "site")
    settings = site / "journalgen.yaml"
    settings.write_text(
        settings.read_text().replace("privacy: public", "privacy: password"), encoding="utf-8"
    )
    result = subprocess.run(
        [sys.executable, "-m", "journalgen", "build", "--site", str(site)],
        capture_output=True,
        text=True,
        env={**os.environ, "JOURNALGEN_PASSWORD": password},
        timeout=SECONDS,
    )
    assert result.returncode == 1
    assert "may not hold spaces, line breaks" in result.stderr
    assert "family:blue-kettle-morning" in result.stderr
    assert not (site / "output").exists()
