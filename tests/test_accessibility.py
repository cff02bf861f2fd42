"""Every kind of page, read in a real headless Chromium: no axe-core violations of the
WCAG 2.1 A and AA rules (light and dark), usable with a keyboard, no sideways scrolling
at 320 CSS pixels (a phone, or 400% zoom), and light enough for an old phone."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from browserpages import chromium, served
from journalgen.cli import main

REPO = Path(__file__).resolve().parents[1]
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
"""WCAG 2.1 A and AA, and axe's best practices (names unique among landmarks, one main…)."""

PAGE_TYPES = {
    "home": "",
    "home, page 2": "page/2/",
    "entry": "2026/10/the-garden/",
    "entry with a table and footnote": "2026/09/round-one/",
    "tag": "tags/home/",
    "all tags": "tags/",
    "archive": "archive/",
    "year": "2026/",
    "month": "2026/11/",
    "author": "authors/clare/",
    "page": "about/",
    "not found": "404.html",
    "guestbook": "guestbook/",
    "guestbook thanks": "guestbook/thanks/",
    "follow thanks": "subscribe/thanks/",
    "book": "book/",
    "entry with wide code and tables, odd headings": "2026/11/wide/",
    "subscribe": "subscribe/",
}

MEMORIAL = REPO / "examples" / "memorial"
MEMORIAL_PAGES = {"memorial home": "", "farewell": "2026/10/goodbye/", "memorial book": "book/"}


@pytest.fixture(scope="module")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: run `make test` (it runs npm ci) or `npm ci`")
    from test_html_validity import WIDE

    root = tmp_path_factory.mktemp("example")
    site = root / "journal"
    for name in ("content", "templates", "static"):
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, site / name)
    shutil.copy(REPO / "journalgen.yaml", site)
    (site / "content/entries/2026-11-22-wide.md").write_text(
        '---\ntitle: "Wide"\ndate: 2026-11-22\n---\n\n' + WIDE, encoding="utf-8"
    )
    out = root / "output"
    assert main(["build", "--site", str(site), "--output", str(out), "--quiet"]) == 0
    with served(out) as address:
        yield address


def _violations(page: object, address: str, path: str) -> list[str]:
    from playwright.sync_api import Page

    assert isinstance(page, Page)
    response = page.goto(address + path)
    assert response is not None and response.ok, f"/{path} was not built"
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])}x, e.g. {v['nodes'][0]['html'][:120]})"
        for v in result["violations"]
    ]


@pytest.fixture(scope="module")
def memorial_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    out = tmp_path_factory.mktemp("memorial") / "output"
    assert main(["build", "--site", str(MEMORIAL), "--output", str(out), "--quiet"]) == 0
    with served(out) as address:
        yield address


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_axe_violations_on_any_page_type(
    example_site: str, memorial_site: str, scheme: str
) -> None:
    problems: dict[str, list[str]] = {}
    with chromium() as browser:
        page = browser.new_page(color_scheme=scheme, reduced_motion="reduce")  # type: ignore[arg-type]
        for site, pages in ((example_site, PAGE_TYPES), (memorial_site, MEMORIAL_PAGES)):
            for name, path in pages.items():
                found = _violations(page, site, path)
                if found:
                    problems[f"{name} (/{path})"] = found
    assert not problems, json.dumps(problems, indent=2)


def test_keyboard_reaches_the_skip_link_first_and_it_leads_to_the_content(
    example_site: str,
) -> None:
    with chromium() as browser:
        page = browser.new_page()
        page.goto(example_site + PAGE_TYPES["entry"])
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => { const e = document.activeElement; const r = e.getBoundingClientRect();"
            " return {href: e.getAttribute('href'), top: r.top, height: r.height}; }"
        )
        assert focused["href"] == "#main"
        assert focused["top"] >= 0 and focused["height"] > 0  # visible when focused
        page.keyboard.press("Enter")
        assert page.evaluate("() => location.hash") == "#main"


def test_pages_reflow_at_320_css_pixels(example_site: str) -> None:
    overflowing = []
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 320, "height": 640})
        for name, path in PAGE_TYPES.items():
            page.goto(example_site + path)
            wide = page.evaluate("() => document.documentElement.scrollWidth > innerWidth + 1")
            if wide:
                overflowing.append(name)
    assert not overflowing


def test_entry_page_is_light_and_needs_only_html_and_css_to_show(example_site: str) -> None:
    sizes: dict[str, int] = {}
    with chromium() as browser:
        page = browser.new_page()
        page.on(
            "response",
            lambda response: sizes.__setitem__(response.url, len(response.body())),
        )
        page.goto(example_site + "2026/11/halfway/", wait_until="networkidle")
        blocking = page.evaluate(
            "() => ({scripts: document.scripts.length,"
            " styles: document.querySelectorAll('link[rel=stylesheet]').length,"
            " fonts: document.fonts.size})"
        )
    assert blocking == {"scripts": 0, "styles": 1, "fonts": 0}
    total = sum(sizes.values())
    assert total < 50 * 1024, sizes
    assert all(url.startswith(example_site) for url in sizes), sizes
