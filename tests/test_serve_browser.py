"""`journalgen serve` in a real headless Chromium: a saved edit appears without a manual
reload (scroll position kept), a broken file shows the error overlay, the next good save
brings the page back, and the page reconnects after the server is restarted.

Uses Debian's /usr/bin/chromium through Playwright (no browser is ever downloaded). Without
Chromium the test is skipped on a developer's machine but fails on CI (CI=true).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from browserpages import TIMEOUT_MS, chromium
from livehelpers import (
    ENTRY_NAME,
    ENTRY_URL,
    JournalgenProcess,
    atomic_write,
    make_site,
    write_entry,
)

if TYPE_CHECKING:
    from playwright.sync_api import Page

BROKEN = "---\ntitle: [unclosed\ndate: 2026-11-20\n---\n\nText.\n"


@pytest.fixture
def page() -> Iterator[Page]:
    with chromium() as browser:
        context = browser.new_context(viewport={"width": 800, "height": 600})
        context.set_default_timeout(TIMEOUT_MS)
        yield context.new_page()


def _serve(site: Path, port: int = 0) -> tuple[JournalgenProcess, str]:
    process = JournalgenProcess(["serve", "--port", str(port), "--site", str(site)], site.parent)
    url = process.wait_for_line("Serving a preview at ").split(" at ", 1)[1]
    return process, url


def _scrolled_to(page: Page, y: int) -> None:
    page.wait_for_function(f"Math.abs(window.scrollY - {y}) < 5", timeout=TIMEOUT_MS)


def test_edit_break_fix_and_restart_in_a_real_browser(tmp_path: Path, page: Page) -> None:
    from playwright.sync_api import expect

    site = make_site(tmp_path / "journal")
    entry = site / "content" / "entries" / ENTRY_NAME
    server, url = _serve(site)
    port = int(url.rsplit(":", 1)[1].split("/", 1)[0])
    try:
        page.goto(url + ENTRY_URL)
        expect(page.locator("body")).to_contain_text("Original words.")
        page.evaluate("window.scrollTo(0, 600)")
        _scrolled_to(page, 600)

        write_entry(site, "Edited in the test.")  # an atomic rename, as many editors save
        expect(page.locator("body")).to_contain_text("Edited in the test.")
        _scrolled_to(page, 600)  # reloaded where the reader was

        atomic_write(entry, BROKEN)
        overlay = page.locator("#journalgen-error")
        expect(overlay).to_be_visible()
        expect(overlay).to_contain_text(f"content/entries/{ENTRY_NAME}:")
        expect(overlay).to_contain_text("invalid YAML")

        write_entry(site, "Fixed again.")
        expect(page.locator("body")).to_contain_text("Fixed again.")
        expect(overlay).to_have_count(0)
        assert server.count("Rebuild failed") == 1

        assert server.interrupt() == 0
        write_entry(site, "Written while the server was stopped.")
        server, _ = _serve(site, port)
        expect(page.locator("body")).to_contain_text("Written while the server was stopped.")
        assert page.url == url + ENTRY_URL
        assert server.interrupt() == 0
    finally:
        server.kill()
    assert "Traceback" not in "\n".join(server.errors)
