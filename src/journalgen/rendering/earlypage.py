"""The edited entry's page at once: while `journalgen serve` rebuilds after a save, the page
being written is made first, from the site the preview already holds.

Only when the page can be made right from what the preview holds: the entry keeps its
address, date, title, series and whether it is shown (what its page shows of the other
entries, its neighbours and its series, depends on these), its file still parses, and
every photo it shows is one the preview has already processed. Otherwise (and for any
other change) the preview waits for the whole build, as before. The whole build follows
every early page and makes the other pages the edit changes (the home page's summary, the
lists); for this page it makes the same bytes (`live.Rebuilder` checks).
"""

from __future__ import annotations

from dataclasses import replace

import jinja2

from journalgen.errors import JournalError
from journalgen.output.outputs import Output
from journalgen.parsing.entries import Entry, parse_entry
from journalgen.parsing.markdown import MarkdownRenderer
from journalgen.reading.sources import read_source
from journalgen.rendering import render
from journalgen.structure.site import Site, linker_for

CONTENT = "content/"


def entry_page(
    site: Site, env: jinja2.Environment, renderer: MarkdownRenderer, changed: str
) -> Output | None:
    """The page of the entry whose file `changed` (a path in the site folder, e.g.
    `content/entries/x.md`), made from `site` with only that entry read again; None when
    the change reaches further than that page (see above)."""
    if not changed.startswith(CONTENT):
        return None
    rel = changed.removeprefix(CONTENT)
    old = next((entry for entry in site.entries if entry.source.rel == rel), None)
    if old is None or old.undated:
        return None
    try:
        new = parse_entry(read_source(old.source.path, rel, "entry"), site.config, renderer)
    except (JournalError, OSError):
        return None
    if _place(old) != _place(new):
        return None
    linker = linker_for(site)
    linked = linker.entry(new)
    if linker.errors or not set(linker.used) <= {photo.rel for photo in site.photos}:
        return None
    entries = tuple(linked if entry.path == linked.path else entry for entry in site.entries)
    return render.entry_page(replace(site, entries=entries), env, linked)


def _place(entry: Entry) -> tuple[object, ...]:
    """What decides where an entry stands among the others, and whether it is shown."""
    return (entry.path, entry.date, entry.title, entry.series, entry.draft, entry.publish_on)
