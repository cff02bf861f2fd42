"""`journalgen farewell`: farewell posts written in advance, and publishing one by hand.

A farewell is an entry with `kind: farewell`. Held back with `draft: true` it never reaches
the website (a held farewell needs no date), and previews show it clearly marked.
`journalgen farewell status` lists the prepared farewells and whether each is held,
scheduled (`publish_on:`) or published. `journalgen farewell publish SLUG`, run by the
keeper of the site, dates the farewell now, lifts the hold and keeps a copy of the previous
text in `content/.farewell-backups/` (a hidden folder: never published, never read as an
entry).

The file is edited as text, line by line: only the `date:`, `draft:` and `publish_on:`
lines change, so the author's words, formatting and comments stay exactly as written. The
edited text is parsed again before anything is saved; if it does not say what was meant,
nothing is changed and the message explains what to do by hand.

The clock is passed in: `publish(..., now=...)`, so tests never wait for a moment to come.
"""

from __future__ import annotations

import argparse
import datetime as dt
import glob
import re
import sys
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Literal

from journalgen import config as config_module
from journalgen import faults
from journalgen.config import SiteConfig
from journalgen.errors import JournalError, Problem
from journalgen.output import files
from journalgen.parsing.entries import Entry, parse_entry
from journalgen.parsing.markdown import MarkdownRenderer
from journalgen.reading import sources

BACKUP_DIR = ".farewell-backups"
"""Inside content/. Its name starts with a dot, so builds and `serve` never read it."""

DATE_FORMAT = "%Y-%m-%d %H:%M"
"""How `publish` writes the new date: as `journalgen new` does, in the site's time zone."""

FarewellState = Literal["held", "scheduled", "published"]

_FAREWELL_HINT = re.compile(r"^kind[ \t]*:[ \t]*[\"']?farewell\b", re.MULTILINE)
_KEY_LINE = re.compile(r"^(?P<key>[A-Za-z_][\w-]*)[ \t]*:(?=[ \t]|\r?\n|$)")
_TRAILING_COMMENT = re.compile(r"[ \t]+(#.*?)\r?\n?$")


@dataclass(frozen=True, slots=True)
class Farewell:
    """A prepared farewell post and where it stands at a given moment."""

    entry: Entry
    state: FarewellState
    """`held` (draft: true), `scheduled` (publish_on still to come) or `published`."""


@dataclass(frozen=True, slots=True)
class Found:
    """The farewells of a site, and the problems of files that look like farewells."""

    config: SiteConfig
    farewells: tuple[Farewell, ...]
    """In the order of their files' names."""
    problems: tuple[Problem, ...]
    """Files saying `kind: farewell` that cannot be read (shown, never hidden)."""


@dataclass(frozen=True, slots=True)
class Published:
    """What `publish` changed (or, with `dry_run`, would change)."""

    path: Path
    """The farewell's file."""
    backup: Path | None
    """The copy of its previous text (None for a dry run)."""
    date: dt.datetime
    """Its new date, in the site's time zone (to the minute)."""
    old_text: str
    new_text: str
    url: str
    """Its address once the site is rebuilt."""


def state_of(entry: Entry, now: dt.datetime) -> FarewellState:
    if entry.draft:
        return "held"
    if entry.publish_on is not None and entry.publish_on > now:
        return "scheduled"
    return "published"


def find(site_dir: Path, now: dt.datetime) -> Found:
    """Every entry with `kind: farewell` in the site, each with its state at `now`."""
    settings = config_module.load(site_dir)
    renderer = MarkdownRenderer()
    farewells: list[Farewell] = []
    problems: list[Problem] = []
    for source in sources.discover(site_dir).sources:
        if source.kind != "entry":
            continue
        try:
            entry = parse_entry(source, settings, renderer)
        except JournalError as err:
            if _FAREWELL_HINT.search(source.text):
                problems.extend(err.problems)
            continue
        if entry.kind == "farewell":
            farewells.append(Farewell(entry, state_of(entry, now)))
    return Found(settings, tuple(farewells), tuple(problems))


def status_text(found: Found, site_dir: Path, now: dt.datetime) -> str:
    """What `journalgen farewell status` prints."""
    zone = found.config.zone
    if not found.farewells:
        return (
            "No farewell posts are prepared in this journal.\n"
            "A farewell post is an entry with `kind: farewell` in its front matter; add "
            "`draft: true` to keep it off the website until the family publishes it."
        )
    lines = []
    for farewell in found.farewells:
        entry = farewell.entry
        where = _shown_path(entry.source.path, site_dir)
        lines.append(f"{entry.slug}  ({where})")
        lines.append(f'  "{entry.title}", by {entry.author.name}')
        if farewell.state == "held":
            lines.append("  HELD BACK: it is not on the website, and will not be until someone")
            lines.append(
                f"  runs `journalgen farewell publish {entry.slug}` and the site is rebuilt."
            )
            if entry.publish_on is not None:
                lines.append(
                    f"  (Its publish_on, {_moment(entry.publish_on, zone)}, does nothing while "
                    "it is held back.)"
                )
        elif farewell.state == "scheduled":
            assert entry.publish_on is not None
            lines.append(
                f"  SCHEDULED: it appears with the first build after "
                f"{_moment(entry.publish_on, zone)}, {_until(entry.publish_on - now)} from now."
            )
            lines.append(
                "  Move `publish_on` later to postpone it. Only a build publishes it: see the "
                "README on rebuilding the site on a schedule."
            )
        else:
            lines.append(
                f"  PUBLISHED: dated {_moment(entry.date, zone)}; every build includes it."
            )
        lines.append("")
    memorial = "on" if found.config.memorial else "off (see `memorial:` in the README)"
    lines.append(f"Memorial mode: {memorial}.")
    return "\n".join(lines)


def publish(site_dir: Path, slug: str, now: dt.datetime, *, dry_run: bool = False) -> Published:
    """Date the farewell `slug` at `now`, lift its hold and keep a backup of its text."""
    found = find(site_dir, now)
    farewell = _choose(found, slug, site_dir)
    entry = farewell.entry
    if farewell.state == "published":
        raise JournalError.at(
            entry.source.path,
            f"the farewell {entry.slug!r} is already published (dated "
            f"{_moment(entry.date, found.config.zone)})",
            hint="Nothing was changed. If the website does not show it yet, build and "
            "publish the site again.",
        )
    when = now.astimezone(found.config.zone).replace(second=0, microsecond=0)
    old_text = entry.source.text
    new_text = published_text(old_text, when, lift_hold=entry.draft)
    check_published_text(entry, new_text, when, found.config)
    url = found.config.base_url + f"{when:%Y}/{when:%m}/{entry.slug}/"
    if dry_run:
        return Published(entry.source.path, None, when, old_text, new_text, url)
    backup = _save(entry.source.path, site_dir, new_text, when)
    return Published(entry.source.path, backup, when, old_text, new_text, url)


def published_text(text: str, when: dt.datetime, *, lift_hold: bool = True) -> str:
    """`text` with `date:` set to `when` and without `publish_on:` (nor `draft:`, when
    `lift_hold`). Every other line stays as it was; a comment at the end of a removed
    line stays as a line of its own, one on the `date:` line stays on it."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip() != "---":
        raise ValueError("no front matter")
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
    if end is None:
        raise ValueError("no end of front matter")
    newline = "\r\n" if lines[0].endswith("\r\n") else "\n"
    blocks = _key_blocks(lines, 1, end)
    date_line = f"date: {date_text(when)}"
    edits: list[tuple[int, int, list[str]]] = []
    removed = ("draft", "publish_on") if lift_hold else ("publish_on",)
    for key in removed:
        if key in blocks:
            first, last = blocks[key]
            comment = _comment(lines[first])
            edits.append((first, last, [comment + newline] if comment else []))
    if "date" in blocks:
        first, last = blocks["date"]
        comment = _comment(lines[first])
        edits.append((first, last, [date_line + (f"  {comment}" if comment else "") + newline]))
    else:
        after = blocks["title"][1] if "title" in blocks else 1
        edits.append((after, after, [date_line + newline]))
    for first, last, replacement in sorted(edits, reverse=True):
        lines[first:last] = replacement
    return "".join(lines)


def date_text(when: dt.datetime) -> str:
    """`2026-11-22 14:03`, read back in the site's time zone; with its offset in the one
    hour a year when that time happens twice (clocks going back) and means the other one."""
    read_back = when.replace(fold=0)  # how a time without an offset is read
    if read_back.utcoffset() == when.utcoffset():
        return when.strftime(DATE_FORMAT)
    return when.strftime(DATE_FORMAT) + when.isoformat()[-6:]


def check_published_text(
    entry: Entry, new_text: str, when: dt.datetime, settings: SiteConfig
) -> None:
    """Parse the edited text as a build would; refuse it unless it is the same farewell,
    now dated `when` and no longer held back or scheduled."""
    source = sources.Source(
        entry.source.path, entry.source.rel, "entry", new_text, entry.source.digest
    )
    try:
        new = parse_entry(source, settings, MarkdownRenderer())
        old = parse_entry(entry.source, settings, MarkdownRenderer())
    except JournalError as err:
        raise _cannot_edit(entry, when, str(err)) from err
    differences = [
        what
        for what, same in (
            ("the date", new.date.astimezone(dt.UTC) == when.astimezone(dt.UTC)),
            ("the hold (draft)", not new.draft),
            ("the schedule (publish_on)", new.publish_on is None),
            ("the kind", new.kind == "farewell"),
            ("the title", new.title == old.title),
            ("the text", new.body_html == old.body_html),
            ("the address", new.slug == old.slug),
        )
        if not same
    ]
    if differences:
        raise _cannot_edit(entry, when, "the edited file would change " + ", ".join(differences))


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
    site: argparse.ArgumentParser,
) -> None:
    """`journalgen farewell status` and `journalgen farewell publish SLUG`."""
    farewell = commands.add_parser(
        "farewell",
        parents=[common],
        help="farewell posts written in advance: see where they stand, publish one",
        description="A farewell post is an entry with `kind: farewell`. With `draft: true` "
        "it is held back: never on the website until the family publishes it with "
        "`journalgen farewell publish`. With `publish_on:` it appears by itself at the first "
        "build after that moment.",
    )
    farewell.set_defaults(run=lambda args: _print_help(farewell))
    actions = farewell.add_subparsers(title="farewell commands", metavar="COMMAND")
    status = actions.add_parser(
        "status",
        parents=[common, site],
        help="list the farewell posts and whether each is held back, scheduled or published",
        description="List every farewell post (entries with `kind: farewell`) and whether "
        "it is held back, scheduled, or published. Nothing is changed.",
    )
    status.set_defaults(run=_run_status)
    publish_cmd = actions.add_parser(
        "publish",
        parents=[common, site],
        help="publish a held-back farewell now (then build and publish the site)",
        description="Publish the farewell post SLUG now: its date becomes the present "
        "moment (in the site's time zone), and its `draft: true` and `publish_on:` lines "
        f"are removed. A copy of its previous text is kept in content/{BACKUP_DIR}/. "
        "Nothing else in the file changes. Then build and publish the site as usual.",
    )
    publish_cmd.add_argument(
        "slug",
        metavar="SLUG",
        help="which farewell: its short name as `journalgen farewell status` shows it "
        "(e.g. goodbye), or its file name",
    )
    publish_cmd.add_argument(
        "--dry-run",
        action="store_true",
        help="only show what would change; no file is touched",
    )
    publish_cmd.set_defaults(run=_run_publish, locks="farewell publish")


def _run_status(args: argparse.Namespace) -> int:
    site_dir = Path(args.site)
    now = dt.datetime.now(dt.UTC)
    found = find(site_dir, now)
    print(status_text(found, site_dir, now))
    for problem in found.problems:
        print("warning: " + problem.format(site_dir.absolute()), file=sys.stderr)
    return 0


def _run_publish(args: argparse.Namespace) -> int:
    site_dir = Path(args.site)
    now = dt.datetime.now(dt.UTC)
    found = find(site_dir, now)
    chosen = _choose(found, args.slug, site_dir)
    if chosen.state == "published":
        where = _shown_path(chosen.entry.source.path, site_dir)
        print(
            f"The farewell in {where} is already published (dated "
            f"{_moment(chosen.entry.date, found.config.zone)}); nothing was changed. If the "
            "website does not show it yet, build and publish the site again."
        )
        return 0
    result = publish(site_dir, args.slug, now, dry_run=args.dry_run)
    where = _shown_path(result.path, site_dir)
    stamp = result.date.strftime(DATE_FORMAT)
    if result.backup is None:
        print(f"Nothing was changed (--dry-run). {where} would become:\n")
        print(result.new_text)
        return 0
    print(f"Published the farewell in {where}: it is now dated {stamp} and no longer held back.")
    print(f"Its previous text is kept in {_shown_path(result.backup, site_dir)}.")
    print("It is not on the website yet: build and publish the site as usual (for example,")
    print("commit and push the change if Netlify builds the site). It will be at")
    print(f"  {result.url}")
    return 0


def _print_help(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 0


def _choose(found: Found, wanted: str, site_dir: Path) -> Farewell:
    """The farewell named `wanted`: by slug, file name or path."""
    name = wanted.strip()
    matches = [f for f in found.farewells if _names(f.entry, site_dir, name)]
    if len(matches) == 1:
        return matches[0]
    known = ", ".join(f.entry.slug for f in found.farewells) or "none"
    if not matches:
        for problem in found.problems:  # the wanted farewell may be the broken file
            if problem.path is not None and name in (problem.path.stem, problem.path.name):
                raise JournalError(found.problems)
        raise JournalError.at(
            None,
            f"there is no farewell post called {name!r} (farewell posts here: {known})",
            hint="Run `journalgen farewell status` to see them. A farewell post has "
            "`kind: farewell` in its front matter.",
        )
    files = ", ".join(_shown_path(f.entry.source.path, site_dir) for f in matches)
    raise JournalError.at(
        None,
        f"several farewell posts are called {name!r}: {files}",
        hint="Name the one you mean by its file, e.g. "
        f"`journalgen farewell publish {matches[0].entry.source.path.name}`.",
    )


def _names(entry: Entry, site_dir: Path, name: str) -> bool:
    rel = PurePosixPath(entry.source.rel)
    candidates = {
        entry.slug,
        rel.stem,
        rel.name,
        entry.source.rel,
        f"content/{entry.source.rel}",
        _shown_path(entry.source.path, site_dir),
    }
    return name in candidates


def _key_blocks(lines: list[str], start: int, end: int) -> dict[str, tuple[int, int]]:
    """Top-level keys of the front matter and their lines [first, last): a key's line and
    the indented lines that continue its value."""
    blocks: dict[str, tuple[int, int]] = {}
    index = start
    while index < end:
        match = _KEY_LINE.match(lines[index])
        if match is None:
            index += 1
            continue
        last = index + 1
        while last < end and lines[last][:1] in (" ", "\t") and lines[last].strip():
            last += 1
        blocks.setdefault(match.group("key"), (index, last))
        index = last
    return blocks


def _comment(line: str) -> str:
    """A `# comment` at the end of a one-line `key: value` (values here are never quoted
    text that could hold a `#`), or ""."""
    match = _TRAILING_COMMENT.search(line)
    return match.group(1) if match else ""


def _cannot_edit(entry: Entry, when: dt.datetime, why: str) -> JournalError:
    return JournalError.at(
        entry.source.path,
        f"could not publish this farewell safely ({why}); nothing was changed",
        hint="Edit the file by hand: delete the `draft: true` line (and any `publish_on:` "
        f"line) and set `date: {when.strftime(DATE_FORMAT)}`. Then build the site.",
    )


def _save(path: Path, site_dir: Path, new_text: str, when: dt.datetime) -> Path:
    """Keep a copy of the file's bytes, then replace the file in one step. Each is written
    whole or not at all, so the command can simply be run again after a crash: a backup
    already holding these bytes is used again, never doubled."""
    original = sources.read_bytes(path)
    folder = site_dir / sources.CONTENT_DIR / BACKUP_DIR
    files.remove_temporaries(folder)
    files.remove_temporaries(path.parent)
    same = [
        earlier
        for earlier in sorted(folder.glob(f"{glob.escape(path.stem)}.before-publish-*"))
        if sources.read_bytes(earlier) == original
    ]
    stem = f"{path.stem}.before-publish-{when:%Y%m%d-%H%M}"
    backup = same[0] if same else folder / f"{stem}{path.suffix}"
    counter = 2
    while not same and backup.exists():
        backup = folder / f"{stem}-{counter}{path.suffix}"
        counter += 1
    if not same:
        files.write_whole(backup, original, exclusive=True)
    data = new_text.encode("utf-8")
    if original.startswith(b"\xef\xbb\xbf"):
        data = b"\xef\xbb\xbf" + data  # keep the byte-order mark some editors write
    if sources.read_bytes(path) != original:
        raise JournalError.at(
            path,
            "the file changed while it was being published; nothing was changed",
            hint="Save it in your editor, then run the command again.",
        )
    faults.point("farewell-replace")
    files.write_whole(path, data)
    return backup


def _shown_path(path: Path, site_dir: Path) -> str:
    try:
        return path.absolute().relative_to(site_dir.absolute()).as_posix()
    except ValueError:
        return str(path)


def _moment(moment: dt.datetime, zone: dt.tzinfo) -> str:
    local = moment.astimezone(zone)
    return f"{local.strftime(DATE_FORMAT)} ({local.tzname()})"


def _until(delta: dt.timedelta) -> str:
    minutes = max(0, int(delta.total_seconds() // 60))
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    parts = [
        f"{value} {unit}{'' if value == 1 else 's'}"
        for value, unit in ((days, "day"), (hours, "hour"), (minutes, "minute"))
        if value
    ]
    return ", ".join(parts[:2]) or "less than a minute"
