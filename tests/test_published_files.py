"""Files linked from entries are published so that nothing in them runs on the journal's
address when a browser opens them directly: an SVG drawing is published cleaned, a file a
browser runs as a program (.js, .html…) is refused from content/ with the entry's line,
and the journal's own audio plays under its Content-Security-Policy. Checked in Debian's
Chromium, served with the site's `_headers` and with no headers at all (GitHub Pages)."""

from __future__ import annotations

import io
import wave
from typing import TYPE_CHECKING

import pytest

from browserpages import chromium, served
from conftest import SiteDir
from journalgen.errors import JournalError

if TYPE_CHECKING:
    from playwright.sync_api import Browser

EVIL_SVG = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
<?xml-stylesheet type="text/xsl" href="https://evil.example/x.xsl"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
     width="200" height="120" viewBox="0 0 200 120" onload="console.log('RAN onload')">
  <title>Our garden plan</title>
  <script>console.log('RAN script')</script>
  <script xlink:href="data:text/javascript,console.log('RAN data script')"/>
  <a id="link" xlink:href="javascript:console.log('RAN link')">
    <set attributeName="href" to="javascript:console.log('RAN set')"/>
    <animate attributeName="href" values="javascript:console.log('RAN animate')"/>
    <rect id="bed" x="10" y="10" width="180" height="100" fill="#3a7d44"
          onclick="console.log('RAN click')"/>
  </a>
  <foreignObject width="10" height="10"><div xmlns="http://www.w3.org/1999/xhtml">
    <img src="x" onerror="console.log('RAN foreign')"/></div></foreignObject>
  <text x="20" y="60" style="fill:#fff">Beans</text>
  <use xlink:href="https://evil.example/sprite.svg#a"/>
  <style><desc/>@import url(https://evil.example/x.css)</style>
  <style>@IMPORT "https://evil.example/caps.css";</style>
  <style>rect { fill: \75rl(https://evil.example/e.png) }</style>
  <circle cx="5" cy="5" r="2" style="fill: image-set('https://evil.example/s.png' 1x)"/>
  <image href="https://tracker.example/pixel.png" width="1" height="1"/>
</svg>
"""


def _tone() -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as audio:
        audio.setnchannels(1)
        audio.setsampwidth(2)
        audio.setframerate(8000)
        audio.writeframes(b"\x00\x10" * 8000)
    return buffer.getvalue()


def test_a_file_that_would_run_is_refused_with_the_entry_and_line(site: SiteDir) -> None:
    site.write("content/files/helper.js", "console.log('RAN')\n")
    site.entry(
        "2026-11-01-tools.md",
        'title: "Tools"',
        "Some words.\n\nOur [little helper](../files/helper.js) for the rota.\n",
    )
    with pytest.raises(JournalError) as raised:
        site.build()
    said = raised.value.format()
    assert "content/entries/2026-11-01-tools.md:7:" in said, said  # the line of the link
    assert "content/files/helper.js" in said and "static/" in said
    assert not site.out.exists()


def test_nothing_in_a_published_drawing_runs_when_opened_and_the_audio_plays(
    site: SiteDir,
) -> None:
    site.write("content/photos/plan.svg", EVIL_SVG)
    site.write("content/files/plan-copy.svg", EVIL_SVG)
    site.write("content/files/birdsong.wav", _tone())
    site.entry(
        "2026-11-01-garden.md",
        'title: "Garden"',
        "![The garden plan](../photos/plan.svg)\n\n[The plan to print](../files/plan-copy.svg)"
        '\n\n<audio controls src="../files/birdsong.wav"></audio>\n',
    )
    site.build()
    for rel in ("photos/plan.svg", "files/plan-copy.svg"):
        published = (site.out / rel).read_text()
        assert "<rect" in published and "Beans" in published and "Our garden plan" in published
        for gone in ("script", "onload", "onclick", "javascript", "foreignObject", "<set"):
            assert gone not in published, (rel, gone)
    with chromium() as browser:
        for host_headers in (False, True):
            with served(site.out, host_headers=host_headers) as address:
                said, fetched, plays = _opened(browser, address, "2026/11/garden/")
            assert not [line for line in said if "RAN" in line], (host_headers, said)
            assert not [url for url in fetched if not url.startswith(address)], fetched
            # The journal's own sound plays under the site's headers (media-src).
            assert plays, (host_headers, said)
            assert not [line for line in said if "media" in line.lower()], said


def _opened(browser: Browser, address: str, page: str) -> tuple[list[str], list[str], bool]:
    """Open each drawing and click it, then the page with the sound: what the browser
    said, every address it fetched, and whether the sound could play."""
    tab = browser.new_page()
    said: list[str] = []
    fetched: list[str] = []
    tab.on("console", lambda message: said.append(message.text))
    tab.on("pageerror", lambda error: said.append(str(error)))
    tab.on("request", lambda request: fetched.append(request.url))
    for rel in ("photos/plan.svg", "files/plan-copy.svg"):
        tab.goto(address + rel)
        assert tab.locator("rect").count() >= 1
        tab.locator("rect").first.click()
        tab.wait_for_timeout(300)
    tab.goto(address + page)
    plays = tab.evaluate(
        """() => new Promise((done) => {
            const audio = document.querySelector('audio');
            if (audio.readyState >= 1) return done(true);
            audio.addEventListener('loadedmetadata', () => done(true));
            audio.addEventListener('error', () => done(false));
            audio.load();
            setTimeout(() => done(audio.readyState >= 1), 5000);
        })"""
    )
    tab.close()
    return said, fetched, bool(plays)
