"""Property: a held farewell is in no file of a normal build, whatever the site around it.

Random journals: ordinary entries (some drafts, some scheduled), held farewells (with or
without a date, some also with a `publish_on`), a backup of an earlier farewell text in
content/.farewell-backups/, memorial mode on or off. Every held farewell has a unique
marker word in its title, body and tag. After a normal build (with or without --future)
no marker is in any output file: pages, feeds, sitemap, book, manifest. A preview with
--drafts shows each of them; after `journalgen farewell publish` a normal build does.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import BASIC_CONFIG, NOW, SiteDir
from journalgen.commands import farewell

MEMORIAL = "memorial:\n  name: Ada Byrne\n  born: 1950-02-03\n  died: 2026-11-01\n"
MOMENTS = (NOW, dt.datetime(2026, 7, 1, 9, 30, tzinfo=dt.UTC))


@dataclass(frozen=True)
class Held:
    index: int
    title: str
    date: dt.datetime | None
    publish_on: dt.datetime | None
    dated_name: bool

    @property
    def marker(self) -> str:
        return f"zqheld{self.index}qz"

    @property
    def name(self) -> str:
        stem = f"farewell-{self.index}"
        return f"2026-03-0{self.index + 1}-{stem}.md" if self.dated_name else f"{stem}.md"

    def text(self) -> str:
        lines = [
            "---",
            f"title: {json.dumps(self.title + ' ' + self.marker, ensure_ascii=False)}",
            "kind: farewell",
        ]
        if self.date is not None:
            lines.append(f"date: {self.date:%Y-%m-%d %H:%M}")
        lines += ["draft: true  # held until the family decides", f"tags: [t{self.marker}]"]
        if self.publish_on is not None:
            lines.append(f"publish_on: {self.publish_on:%Y-%m-%d %H:%M}")
        return "\n".join([*lines, "---", "", f"Last words with {self.marker}.", ""])


@dataclass(frozen=True)
class Ordinary:
    index: int
    date: dt.datetime
    draft: bool
    publish_on: dt.datetime | None

    def text(self) -> str:
        lines = ["---", f'title: "Entry {self.index}"', f"date: {self.date:%Y-%m-%d %H:%M}"]
        if self.draft:
            lines.append("draft: true")
        if self.publish_on is not None:
            lines.append(f"publish_on: {self.publish_on:%Y-%m-%d %H:%M}")
        return "\n".join([*lines, "---", "", f"Ordinary text {self.index}.", ""])


moments = st.datetimes(min_value=dt.datetime(2026, 1, 1), max_value=dt.datetime(2026, 12, 31))
titles = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Co", "Cn")), max_size=20
).filter(lambda text: "zq" not in text.lower())


@st.composite
def journals(draw: st.DrawFn) -> tuple[list[Held], list[Ordinary]]:
    held = [
        Held(
            index=i,
            title=draw(titles),
            date=draw(st.none() | moments),
            publish_on=draw(st.none() | moments),
            dated_name=draw(st.booleans()),
        )
        for i in range(draw(st.integers(min_value=1, max_value=3)))
    ]
    ordinary = [
        Ordinary(
            index=i,
            date=draw(moments),
            draft=draw(st.booleans()),
            publish_on=draw(st.none() | moments),
        )
        for i in range(draw(st.integers(min_value=0, max_value=4)))
    ]
    return held, ordinary


def everything(site: SiteDir) -> str:
    return "\n".join(
        name + "\n" + data.decode("utf-8", "replace") for name, data in site.output_files().items()
    )


@settings(max_examples=20, deadline=None)
@given(
    journal=journals(),
    memorial=st.booleans(),
    now=st.sampled_from(MOMENTS),
    future=st.booleans(),
    page_size=st.integers(min_value=1, max_value=3),
)
def test_held_farewells_leak_nowhere_until_published(
    journal: tuple[list[Held], list[Ordinary]],
    memorial: bool,
    now: dt.datetime,
    future: bool,
    page_size: int,
) -> None:
    held, ordinary = journal
    with tempfile.TemporaryDirectory() as folder:
        site = SiteDir(Path(folder) / "journal")
        config = BASIC_CONFIG.replace("page_size: 2", f"page_size: {page_size}")
        site.write("journalgen.yaml", config + (MEMORIAL if memorial else ""))
        for entry in ordinary:
            site.write(f"content/entries/entry-{entry.index}.md", entry.text())
        for farewell_post in held:
            site.write(f"content/entries/{farewell_post.name}", farewell_post.text())
        site.write("content/.farewell-backups/old.before-publish.md", held[0].text())

        site.build(now=now, future=future)
        output = everything(site)
        for farewell_post in held:
            assert farewell_post.marker not in output, farewell_post

        site.build(now=now, drafts=True, future=future)
        output = everything(site)
        for farewell_post in held:
            shown = (
                future
                or farewell_post.publish_on is None
                or (farewell_post.publish_on.replace(tzinfo=site_zone()) <= now)
            )
            assert (farewell_post.marker in output) == shown, farewell_post

        chosen = held[-1]
        farewell.publish(site.root, chosen.name, now)
        site.build(now=now)
        output = everything(site)
        assert chosen.marker in output
        local = now.astimezone(site_zone())
        assert f"/{local:%Y}/{local:%m}/farewell-{chosen.index}/" in output
        for farewell_post in held[:-1]:
            assert farewell_post.marker not in output, farewell_post


def site_zone() -> dt.tzinfo:
    from zoneinfo import ZoneInfo

    return ZoneInfo("Europe/London")
