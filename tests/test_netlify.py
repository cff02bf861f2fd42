"""netlify.toml: the build Netlify runs, and headers the default theme lives with: with
its Content-Security-Policy applied, Chromium reports no violation on any page type."""

from __future__ import annotations

import functools
import http.server
import threading
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ClassVar

import pytest

from browserpages import _QuietHandler, chromium
from journalgen.cli import main
from journalgen.publishing import hosts
from test_accessibility import PAGE_TYPES

REPO = Path(__file__).resolve().parents[1]


def _settings(path: Path | None) -> dict[str, Any]:
    """The repository's netlify.toml, or (None) the one `journalgen init` writes."""
    text = hosts.netlify_toml().decode() if path is None else path.read_text(encoding="utf-8")
    return tomllib.loads(text)


def _headers_for(settings: dict[str, Any], pattern: str) -> dict[str, str]:
    for table in settings["headers"]:
        if table["for"] == pattern:
            values: dict[str, str] = table["values"]
            return values
    raise AssertionError(f"no [[headers]] for {pattern}")


def test_netlify_builds_with_journalgen_and_publishes_output() -> None:
    for path in (REPO / "netlify.toml", None):
        build = _settings(path)["build"]
        assert build["publish"] == "output", path
        assert "journalgen build" in build["command"], path
        assert build["environment"]["PYTHON_VERSION"].startswith("3."), path


def test_new_journals_get_the_same_headers_as_this_repository() -> None:
    assert _settings(None)["headers"] == _settings(REPO / "netlify.toml")["headers"]


def test_security_headers_are_strict() -> None:
    values = _headers_for(_settings(REPO / "netlify.toml"), "/*")
    csp = values["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "default-src 'none'" in csp
    assert "form-action 'self'" in csp  # the Netlify guestbook form posts to the site
    assert values["X-Content-Type-Options"] == "nosniff"
    assert values["Referrer-Policy"]
    assert "geolocation=()" in values["Permissions-Policy"]
    assets = _headers_for(_settings(REPO / "netlify.toml"), "/assets/*")
    assert "immutable" in assets["Cache-Control"]
    feed = _headers_for(_settings(REPO / "netlify.toml"), "/feed.xml")
    # XML, so that a browser applies the feed's stylesheet (an RSS type is shown as text).
    assert feed["Content-Type"].startswith("application/xml")
    # Scripts only from the site itself: the feed's XSLT stylesheet is the one it has.
    assert "script-src 'self'" in csp and "script-src *" not in csp


class _WithHeaders(_QuietHandler):
    extra: ClassVar[dict[str, str]] = {}

    def end_headers(self) -> None:
        for name, value in self.extra.items():
            self.send_header(name, value)
        super().end_headers()


@contextmanager
def _served_with(folder: Path, headers: dict[str, str]) -> Iterator[str]:
    handler_class = type("Handler", (_WithHeaders,), {"extra": headers})
    handler = functools.partial(handler_class, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', e =>
  window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));
"""


def test_pages_break_no_rule_of_the_content_security_policy(tmp_path: Path) -> None:
    out = tmp_path / "output"
    assert main(["build", "--site", str(REPO), "--output", str(out), "--quiet"]) == 0
    csp = _headers_for(_settings(REPO / "netlify.toml"), "/*")["Content-Security-Policy"]
    problems: dict[str, list[str]] = {}
    with _served_with(out, {"Content-Security-Policy": csp}) as address, chromium() as browser:
        page = browser.new_page()
        page.add_init_script(RECORD_VIOLATIONS)
        console: list[str] = []
        page.on("console", lambda message: console.append(message.text))
        for name, path in PAGE_TYPES.items():
            console.clear()
            page.goto(address + path, wait_until="networkidle")
            found = page.evaluate("() => window.__cspViolations")
            found += [text for text in console if "Content Security Policy" in text]
            if found:
                problems[name] = found
        # The stylesheet really applied (a blocked one would leave the page unstyled).
        page.goto(address + PAGE_TYPES["entry"])
        assert page.evaluate("() => getComputedStyle(document.body).maxWidth") != "none"
    assert not problems, problems


@pytest.mark.parametrize("path", ["feed.xml", "atom.xml"])
def test_feeds_are_named_as_feeds(path: str) -> None:
    values = _headers_for(_settings(REPO / "netlify.toml"), f"/{path}")
    assert "xml" in values["Content-Type"]
