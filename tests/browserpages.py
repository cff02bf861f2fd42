"""A built site served on 127.0.0.1 and opened in Debian's headless Chromium (Playwright).

Used by the book's PDF test and the farewell page's weight test. No browser is downloaded:
without /usr/bin/chromium or the playwright package the tests are skipped on a
developer's machine and fail on CI (CI=true).
"""

from __future__ import annotations

import functools
import http.server
import importlib.util
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 20_000


def require_browser() -> None:
    missing = []
    if importlib.util.find_spec("playwright") is None:
        missing.append("the Python playwright package (pip install -e '.[test]')")
    if not CHROMIUM.exists():
        missing.append(f"{CHROMIUM} (make system-packages, or apt-get install chromium)")
    if not missing:
        return
    message = "the browser test needs " + " and ".join(missing)
    if os.environ.get("CI", "").lower() in ("true", "1"):
        pytest.fail(message)
    pytest.skip(message)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class _HostHandler(_QuietHandler):
    """Sends, with each file, the headers the folder's `_headers` gives its address
    (Netlify's syntax: a path, `*` at its end matching the rest), as the host would."""

    rules: ClassVar[dict[str, dict[str, str]]] = {}

    def end_headers(self) -> None:
        path = self.path.split("?", 1)[0]
        for pattern, values in self.rules.items():
            if path == pattern or (pattern.endswith("*") and path.startswith(pattern[:-1])):
                for name, value in values.items():
                    if name != "Basic-Auth":
                        self.send_header(name, value)
        super().end_headers()


@contextmanager
def served(folder: Path, *, host_headers: bool = False) -> Iterator[str]:
    """Serve `folder` at http://127.0.0.1:PORT/ (a free port); yields that address. With
    `host_headers`, each file is sent with the headers of the folder's `_headers`."""
    base: type[_QuietHandler] = _QuietHandler
    if host_headers:
        from journalgen.publishing.headers import parse_headers_file

        rules = parse_headers_file((folder / "_headers").read_text(encoding="utf-8"))
        base = type("_Rules", (_HostHandler,), {"rules": rules})
    handler = functools.partial(base, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@contextmanager
def chromium() -> Iterator[Browser]:
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield browser
        finally:
            browser.close()
