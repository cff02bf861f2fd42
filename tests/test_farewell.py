"""Farewell posts: held back until the family publishes them, or scheduled.

A held farewell (`kind: farewell`, `draft: true`, possibly without a date) is in no file of
a normal build, is in a preview, and is published by `journalgen farewell publish`, which
edits only the lines it must and keeps a backup. A scheduled one appears exactly when its
`publish_on` moment has come. The clock is always passed in.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import feedparser
import pytest

from conftest import NOW, SiteDir
from journalgen.cli import main
from journalgen.commands import farewell
from journalgen.errors import JournalError

LONDON = ZoneInfo("Europe/London")
HELD = """\
---
title: "Before I go"   # the title she chose
kind: farewell
author: jenny
# Held back until the family decides. Do not remove by hand, use
# `journalgen farewell publish goodbye`.
draft: true
tags: [family]
---

My dears,

Thank you for everything. FAREWELLWORDS
"""
PUBLISHED_AT = dt.datetime(2026, 11, 25, 7, 30, 42, tzinfo=dt.UTC)


def everything(site: SiteDir) -> str:
    return "\n".join(data.decode("utf-8") for data in site.output_files().values())


def held_site(site: SiteDir, text: str = HELD) -> Path:
    site.entry("2026-11-20-home.md", 'title: "Home again"\ntags: [family]', "We are home.\n")
    return site.write("content/entries/goodbye.md", text)


def test_a_held_farewell_needs_no_date_and_is_in_no_file_of_a_normal_build(
    site: SiteDir,
) -> None:
    held_site(site)
    report = site.build()
    assert report.entries == 1
    assert "FAREWELLWORDS" not in everything(site)
    assert "Before I go" not in everything(site)
    assert not any("goodbye" in name for name in site.output_files())
    site.build(future=True)  # --future shows scheduled entries, never held ones
    assert "FAREWELLWORDS" not in everything(site)


def test_a_preview_shows_the_held_farewell_marked_and_dated_at_the_builds_moment(
    site: SiteDir,
) -> None:
    held_site(site)
    report = site.build(drafts=True)
    assert report.previews == 1
    page = site.read("2026/11/goodbye/index.html")  # NOW is 2026-11-22
    assert "FAREWELLWORDS" in page
    assert 'class="preview-banner"' in page
    assert "A farewell, held back" in page
    assert "journalgen farewell publish goodbye" in page
    assert f'datetime="{NOW.astimezone(LONDON).isoformat()}"' in page
    assert "FAREWELLWORDS" not in site.read("feed.xml")  # previews never reach the feeds
    assert "goodbye" not in site.read("sitemap.xml")


def test_a_farewell_without_a_date_must_be_held_or_scheduled(site: SiteDir) -> None:
    site.entry("goodbye.md", 'title: "Goodbye"\nkind: farewell')
    with pytest.raises(JournalError, match="no date and is not held back") as caught:
        site.build()
    assert "draft: true" in caught.value.problems[0].hint
    site.entry("goodbye.md", 'title: "Goodbye"\ndraft: true')  # not a farewell: needs a date
    with pytest.raises(JournalError, match="the entry has no date"):
        site.build()


def test_publish_dates_it_now_lifts_the_hold_and_keeps_everything_else(site: SiteDir) -> None:
    path = held_site(site)
    result = farewell.publish(site.root, "goodbye", PUBLISHED_AT)
    text = path.read_text(encoding="utf-8")
    # In the site's zone (London is on UTC in November), to the minute.
    assert result.date == dt.datetime(2026, 11, 25, 7, 30, tzinfo=LONDON)
    assert text == HELD.replace(
        'title: "Before I go"   # the title she chose\n',
        'title: "Before I go"   # the title she chose\ndate: 2026-11-25 07:30\n',
    ).replace("draft: true\n", "")
    assert "# Held back until the family decides." in text  # the author's comments stay
    assert result.url == "https://journal.example.org/2026/11/goodbye/"

    backup = result.backup
    assert backup is not None
    assert backup.parent == site.root / "content" / ".farewell-backups"
    assert backup.read_text(encoding="utf-8") == HELD

    report = site.build(now=PUBLISHED_AT)
    assert report.entries == 2 and report.previews == 0
    assert "FAREWELLWORDS" in site.read("2026/11/goodbye/index.html")
    assert "FAREWELLWORDS" in site.read("feed.xml")
    assert "https://journal.example.org/2026/11/goodbye/" in site.read("sitemap.xml")
    assert not any(".farewell-backups" in name for name in site.output_files())


def test_the_backup_is_never_read_as_an_entry_nor_published(site: SiteDir) -> None:
    held_site(site)
    farewell.publish(site.root, "goodbye", PUBLISHED_AT)
    site.build(now=PUBLISHED_AT, drafts=True, future=True)
    page_names = [name for name in site.output_files() if name.endswith("index.html")]
    assert sum("goodbye" in name for name in page_names) == 1
    assert not any("farewell-backups" in name or "before-publish" in name for name in page_names)


def test_publish_removes_a_schedule_and_keeps_a_comment_on_a_removed_line(site: SiteDir) -> None:
    text = (
        "---\r\n"
        "title: Goodbye\r\n"
        "date: 2026-06-01   # when I wrote it\r\n"
        "kind: farewell\r\n"
        "publish_on: 2027-01-01 09:00  # I move this forward every month\r\n"
        "---\r\n"
        "\r\n"
        "Thank you.\r\n"
    )
    path = site.write("content/entries/goodbye.md", text)
    path.write_bytes(text.encode("utf-8"))  # keep the Windows line ends as written
    farewell.publish(site.root, "goodbye.md", PUBLISHED_AT)
    assert path.read_bytes().decode("utf-8") == (
        "---\r\n"
        "title: Goodbye\r\n"
        "date: 2026-11-25 07:30  # when I wrote it\r\n"
        "kind: farewell\r\n"
        "# I move this forward every month\r\n"
        "---\r\n"
        "\r\n"
        "Thank you.\r\n"
    )
    site.build(now=PUBLISHED_AT)
    assert "Thank you." in site.read("2026/11/goodbye/index.html")


def test_dry_run_changes_nothing(site: SiteDir) -> None:
    path = held_site(site)
    result = farewell.publish(site.root, "goodbye", PUBLISHED_AT, dry_run=True)
    assert result.backup is None
    assert "date: 2026-11-25 07:30" in result.new_text
    assert path.read_text(encoding="utf-8") == HELD
    assert not (site.root / "content" / ".farewell-backups").exists()


def test_publish_refuses_what_it_cannot_edit_safely_and_changes_nothing(site: SiteDir) -> None:
    # Flow-style front matter has no `draft:` line to remove.
    text = "---\n{title: Goodbye, kind: farewell, draft: true}\n---\n\nThank you.\n"
    path = site.write("content/entries/goodbye.md", text)
    with pytest.raises(JournalError, match="could not publish this farewell safely") as caught:
        farewell.publish(site.root, "goodbye", PUBLISHED_AT)
    assert "delete the `draft: true` line" in caught.value.problems[0].hint
    assert path.read_text(encoding="utf-8") == text
    assert not (site.root / "content" / ".farewell-backups").exists()


def test_publish_names_the_farewells_when_the_slug_is_wrong(site: SiteDir) -> None:
    held_site(site)
    with pytest.raises(JournalError, match=r"no farewell post called 'goodby' .*goodbye"):
        farewell.publish(site.root, "goodby", PUBLISHED_AT)
    with pytest.raises(JournalError, match="no farewell post called 'home'"):
        farewell.publish(site.root, "home", PUBLISHED_AT)  # an ordinary entry


def test_publishing_twice_changes_nothing_the_second_time(
    site: SiteDir, capsys: pytest.CaptureFixture[str]
) -> None:
    path = held_site(site)
    farewell.publish(site.root, "goodbye", PUBLISHED_AT)
    once = path.read_text(encoding="utf-8")
    with pytest.raises(JournalError, match="already published"):
        farewell.publish(site.root, "goodbye", PUBLISHED_AT + dt.timedelta(days=1))
    assert main(["farewell", "publish", "goodbye", "--site", str(site.root)]) == 0
    assert "already published" in capsys.readouterr().out
    assert path.read_text(encoding="utf-8") == once
    assert len(list((site.root / "content" / ".farewell-backups").iterdir())) == 1


def test_the_cli_publishes_and_says_what_to_do_next(
    site: SiteDir, capsys: pytest.CaptureFixture[str]
) -> None:
    path = held_site(site)
    assert main(["farewell", "publish", "goodbye", "--site", str(site.root)]) == 0
    out = capsys.readouterr().out
    assert "content/entries/goodbye.md" in out
    assert "content/.farewell-backups/goodbye.before-publish-" in out
    assert "build and publish the site" in out
    assert "draft: true" not in path.read_text(encoding="utf-8")
    assert main(["build", "--site", str(site.root), "--quiet"]) == 0
    assert any(name.endswith("/goodbye/index.html") for name in site.output_files())


def test_status_tells_held_scheduled_and_published_apart(site: SiteDir) -> None:
    held_site(site)
    site.entry(
        "later.md",
        'title: "Later"\nkind: farewell\npublish_on: 2026-12-01 09:00',
    )
    site.entry("2026-11-01-old.md", 'title: "Old"\nkind: farewell')
    site.entry("broken.md", 'title: "Broken\nkind: farewell\ndraft: true')
    found = farewell.find(site.root, NOW)
    states = {f.entry.slug: f.state for f in found.farewells}
    assert states == {"goodbye": "held", "later": "scheduled", "old": "published"}
    assert [p.path.name for p in found.problems if p.path] == ["broken.md"]
    text = farewell.status_text(found, site.root, NOW)
    assert "goodbye  (content/entries/goodbye.md)" in text
    assert "HELD BACK" in text and "journalgen farewell publish goodbye" in text
    assert "SCHEDULED: it appears with the first build after 2026-12-01 09:00 (GMT)" in text
    assert "8 days, 21 hours from now" in text
    assert "PUBLISHED: dated 2026-11-01 00:00 (GMT)" in text
    assert "Memorial mode: off" in text


def test_status_with_no_farewell_explains_what_one_is(
    site: SiteDir, capsys: pytest.CaptureFixture[str]
) -> None:
    site.entry("2026-11-20-home.md", 'title: "Home"')
    assert main(["farewell", "status", "--site", str(site.root)]) == 0
    assert "`kind: farewell`" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("minutes", "shown"),
    [(-60, False), (-1, False), (0, True), (1, True), (60 * 24 * 30, True)],
)
def test_a_scheduled_farewell_appears_exactly_when_its_time_has_come(
    site: SiteDir, minutes: int, shown: bool
) -> None:
    # 09:00 in London in July is 08:00 UTC: the site's zone decides.
    site.entry(
        "goodbye.md",
        'title: "Goodbye"\nkind: farewell\npublish_on: 2026-07-01 09:00',
        "SCHEDULEDWORDS\n",
    )
    due = dt.datetime(2026, 7, 1, 8, 0, tzinfo=dt.UTC)
    site.build(now=due + dt.timedelta(minutes=minutes))
    assert ("SCHEDULEDWORDS" in everything(site)) == shown
    if shown:  # dated by its publish_on: it is at the address of that moment
        assert "SCHEDULEDWORDS" in site.read("2026/07/goodbye/index.html")
        feed = feedparser.parse(site.read("feed.xml"))
        assert [e.title for e in feed.entries] == ["Goodbye"]


def test_a_held_farewell_with_a_schedule_stays_held(site: SiteDir) -> None:
    site.entry(
        "goodbye.md",
        'title: "Goodbye"\nkind: farewell\ndraft: true\npublish_on: 2026-07-01 09:00',
        "HELDWORDS\n",
    )
    site.build(now=NOW, future=True)
    assert "HELDWORDS" not in everything(site)


def test_date_text_marks_the_second_of_two_equal_clock_times() -> None:
    first = dt.datetime(2026, 10, 25, 0, 30, tzinfo=dt.UTC).astimezone(LONDON)
    second = dt.datetime(2026, 10, 25, 1, 30, tzinfo=dt.UTC).astimezone(LONDON)
    assert farewell.date_text(first) == "2026-10-25 01:30"
    assert farewell.date_text(second) == "2026-10-25 01:30+00:00"
