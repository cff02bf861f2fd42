"""The farewell page under load: everything it needs is a few small static files on the
site's own host, so a CDN can serve it to everyone who comes at once.

Measured in a real headless Chromium, which records every request the page makes: none
goes to another host, and the page with everything it loads weighs under 100 KB (the
memorial example's farewell has no photo of its own).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from browserpages import TIMEOUT_MS, chromium, served
from conftest import NOW
from journalgen.build import BuildOptions, build

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Response

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "memorial"
BUDGET = 100_000
"""Bytes: the farewell page and everything it loads, without photos."""


def load(browser: Browser, url: str) -> list[tuple[str, int]]:
    """Every request the page at `url` makes, with the size of each response body."""
    page = browser.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    responses: list[Response] = []
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.on("response", lambda response: responses.append(response))
    page.goto(url, wait_until="networkidle")
    sizes = [(response.url, len(response.body())) for response in responses]
    page.close()
    assert sorted(requested) == sorted(found for found, _ in sizes), "a request got no answer"
    return sizes


def test_the_farewell_page_is_small_and_needs_no_other_host(tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(BuildOptions(site_dir=EXAMPLE, out_dir=out, now=NOW))
    with served(out) as address, chromium() as browser:
        own_host = urlsplit(address).netloc
        home = load(browser, address)  # the memorial's home page, with the photo
        farewell = load(browser, address + "2026/10/goodbye/")
    for loaded in (home, farewell):
        foreign = [url for url, _ in loaded if urlsplit(url).netloc != own_host]
        assert not foreign, foreign
        assert any(re.search(r"/assets/style\.[0-9a-f]{10}\.css$", url) for url, _ in loaded)
    total = sum(size for _, size in farewell)
    print(f"\nfarewell page: {len(farewell)} requests, {total} bytes: {farewell}")
    assert total < BUDGET, farewell
