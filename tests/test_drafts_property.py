"""Property: whatever the mix of entries, pages, drafts and not-yet-due entries, nothing
hidden leaks anywhere.

Each generated entry has a unique marker word in its title, body and (sometimes) its only
tag; each page, in its title and body (a draft page must not reach its page, the sitemap or
the menu). After a normal build no marker of a hidden entry is in any output file (pages, feeds,
sitemap, manifest); every published entry's marker is on its page; previews (--drafts,
--future) show exactly the entries they ask for.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from hypothesis import example, given, settings
from hypothesis import strategies as st

from conftest import NOW, SiteDir

LONDON = ZoneInfo("Europe/London")
MOMENTS = (NOW, dt.datetime(2026, 7, 1, 9, 30, tzinfo=dt.UTC))
"""Build times: in winter London is UTC, in summer UTC+1 (so naive times matter)."""
NEAR_MINUTES = (-61, -60, -1, 0, 1, 60)
"""How far from a build time (in the site's zone) scheduled entries often fall."""


@dataclass(frozen=True)
class Spec:
    index: int
    title: str
    date: dt.datetime
    """Naive: written as is, read in the site's zone (Europe/London)."""
    draft: bool
    publish_on: dt.datetime | None
    """Naive, in the site's zone."""
    own_tag: bool

    @property
    def marker(self) -> str:
        return f"zqmark{self.index}qz"

    @property
    def page(self) -> str:
        return f"{self.date:%Y/%m}/e{self.index}/index.html"

    def due(self, now: dt.datetime) -> bool:
        return self.publish_on is None or self.publish_on.replace(tzinfo=LONDON) <= now

    def text(self) -> str:
        lines = [
            "---",
            f"title: {json.dumps(self.title + ' ' + self.marker, ensure_ascii=False)}",
            f"date: {self.date:%Y-%m-%d %H:%M}",
            f"tags: [{'t' + self.marker if self.own_tag else 'common'}]",
        ]
        if self.draft:
            lines.append("draft: true")
        if self.publish_on is not None:
            lines.append(f"publish_on: {self.publish_on:%Y-%m-%d %H:%M}")
        return "\n".join([*lines, "---", "", f"Body with {self.marker} in it.", ""])


titles = st.text(
    st.characters(
        codec="utf-8", exclude_categories=("Cs", "Cc", "Co", "Cn"), exclude_characters="qzQZ"
    ),
    max_size=30,
)
naive_moments = st.datetimes(min_value=dt.datetime(2026, 1, 1), max_value=dt.datetime(2026, 12, 31))


@st.composite
def specs(draw: st.DrawFn) -> list[Spec]:
    count = draw(st.integers(min_value=1, max_value=6))
    result = []
    for index in range(count):
        near_now = draw(st.sampled_from(MOMENTS)).astimezone(LONDON).replace(tzinfo=None)
        publish_on = draw(
            st.none()
            | naive_moments
            | st.sampled_from(tuple(near_now + dt.timedelta(minutes=m) for m in NEAR_MINUTES))
        )
        result.append(
            Spec(
                index=index,
                title=draw(titles),
                date=draw(naive_moments).replace(second=0, microsecond=0),
                draft=draw(st.booleans()),
                publish_on=publish_on.replace(second=0, microsecond=0) if publish_on else None,
                own_tag=draw(st.booleans()),
            )
        )
    return result


@dataclass(frozen=True)
class PageSpec:
    index: int
    draft: bool
    menu: bool

    @property
    def marker(self) -> str:
        return f"zqpage{self.index}qz"

    @property
    def page(self) -> str:
        return f"p{self.index}/index.html"

    def text(self) -> str:
        lines = ["---", f'title: "Page {self.marker}"', f"menu: {str(self.menu).lower()}"]
        if self.draft:
            lines.append("draft: true")
        return "\n".join([*lines, "---", "", f"Page body with {self.marker}.", ""])


page_specs = st.lists(st.tuples(st.booleans(), st.booleans()), max_size=3).map(
    lambda drawn: [PageSpec(n, draft, menu) for n, (draft, menu) in enumerate(drawn)]
)


def everything(site: SiteDir) -> str:
    return "\n".join(data.decode("utf-8") for data in site.output_files().values())


def due_exactly_now(now: dt.datetime) -> list[Spec]:
    """An entry whose publish_on is the build's moment, in the site's zone: it is due."""
    local = now.astimezone(LONDON).replace(tzinfo=None)
    return [Spec(0, "Boundary", dt.datetime(2026, 1, 1), False, local, False)]


@settings(max_examples=25, deadline=None)
@example(entries=due_exactly_now(MOMENTS[0]), pages=[], now=MOMENTS[0], drafts=False, future=False)
@example(
    entries=due_exactly_now(MOMENTS[1]),
    pages=[PageSpec(0, True, True), PageSpec(1, False, True)],
    now=MOMENTS[1],
    drafts=True,
    future=False,
)
@given(
    entries=specs(),
    pages=page_specs,
    now=st.sampled_from(MOMENTS),
    drafts=st.booleans(),
    future=st.booleans(),
)
def test_hidden_entries_leak_nowhere_and_previews_show_what_they_ask_for(
    entries: list[Spec], pages: list[PageSpec], now: dt.datetime, drafts: bool, future: bool
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        site = SiteDir(Path(folder) / "journal")
        for spec in entries:
            site.write(f"content/entries/e{spec.index}.md", spec.text())
        for page in pages:
            site.write(f"content/pages/p{page.index}.md", page.text())

        site.build(now=now)
        output = everything(site)
        files = site.output_files()
        for spec in entries:
            published = not spec.draft and spec.due(now)
            if published:
                assert spec.marker in site.read(spec.page), spec
                assert spec.marker in site.read("feed.xml"), spec
                assert f"/{spec.page.removesuffix('index.html')}<" in site.read("sitemap.xml")
            else:
                assert spec.marker not in output, spec
                assert spec.page not in files, spec
        home = site.read("index.html")
        for page in pages:
            if page.draft:
                assert page.marker not in output, page
                assert page.page not in files and f"/p{page.index}/" not in output, page
            else:
                assert page.marker in site.read(page.page), page
                assert f"/p{page.index}/<" in site.read("sitemap.xml"), page
                assert (f'href="/p{page.index}/"' in home) == page.menu, page
        months = {
            f"{spec.date:%Y/%m}/index.html" for spec in entries if not spec.draft and spec.due(now)
        }
        assert {name for name in files if name.count("/") == 2 and name[:2] == "20"} == months

        site.build(now=now, drafts=drafts, future=future)
        output = everything(site)
        for spec in entries:
            shown = (drafts or not spec.draft) and (future or spec.due(now))
            assert (spec.marker in output) == shown, (spec, drafts, future)
            if shown:
                assert spec.marker in site.read(spec.page), spec
        for page in pages:
            assert (page.marker in everything(site)) == (drafts or not page.draft), page
