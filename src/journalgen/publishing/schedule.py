"""What is scheduled, and when it appears: `schedule.json` in every build, and the listing
`journalgen schedule` prints."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass

from journalgen.output.outputs import Output
from journalgen.parsing.entries import Entry
from journalgen.publishing.trigger import SCHEDULE_FILE


def next_due(entries: Sequence[Entry], now: dt.datetime) -> dt.datetime | None:
    """When the next scheduled entry (or farewell) comes due; drafts never do."""
    due = [e.publish_on for e in entries if not e.draft and e.publish_on and e.publish_on > now]
    return min(due, default=None)


def schedule_file(entries: Sequence[Entry], now: dt.datetime) -> Output:
    """`schedule.json`: only the moment of the next scheduled entry (no title, no
    address), read by the trigger that rebuilds the site when it has passed."""
    moment = next_due(entries, now)
    text = moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z") if moment else None
    return Output(SCHEDULE_FILE, (json.dumps({"next_update": text}) + "\n").encode("utf-8"))


@dataclass(frozen=True, slots=True)
class Planned:
    """One entry that is not on the site yet, and why."""

    entry: Entry
    when: dt.datetime | None
    """When it appears by itself; None: it waits for a person (a draft, a held farewell)."""


def planned(entries: Sequence[Entry], now: dt.datetime) -> list[Planned]:
    """Scheduled entries by when they appear, then held farewells and drafts."""
    timed = sorted(
        (
            Planned(e, e.publish_on)
            for e in entries
            if not e.draft and e.publish_on and e.publish_on > now
        ),
        key=lambda p: (p.when, p.entry.source.rel),
    )
    waiting = sorted(
        (Planned(e, None) for e in entries if e.draft), key=lambda p: p.entry.source.rel
    )
    return timed + waiting
