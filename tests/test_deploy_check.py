"""`journalgen deploy-check` finds what must not be published."""

from __future__ import annotations

import pytest

from conftest import NOW, SiteDir
from journalgen.cli import main
from journalgen.deploycheck import check_site


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
