"""`journalgen new "Title"`: a new entry with its front matter filled in."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from journalgen.errors import JournalError


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
    site: argparse.ArgumentParser,
) -> None:
    new_cmd = commands.add_parser(
        "new",
        parents=[common, site],
        help="start a new entry with today's date",
        description="Create content/entries/YYYY-MM-DD-title.md with its front matter "
        "filled in, and print its name so you can open it in your editor.",
    )
    new_cmd.add_argument("title", help='the entry\'s title, in quotes: "Round two starts Monday"')
    new_cmd.add_argument("--date", metavar="YYYY-MM-DD", help="the entry's date (default: now)")
    new_cmd.add_argument("--author", help="who writes it (default: the site's author)")
    new_cmd.add_argument(
        "--tag",
        action="append",
        default=[],
        dest="tags",
        metavar="TAG",
        help="a tag; repeat for several",
    )
    new_cmd.add_argument(
        "--draft",
        action="store_true",
        help="mark it as a draft, so it is not published until you remove the `draft: true` line",
    )
    new_cmd.set_defaults(run=_run, locks="new")


def _run(args: argparse.Namespace) -> int:
    from journalgen import config, scaffold

    site_dir = Path(args.site)
    settings = config.load(site_dir)
    if args.date:
        try:
            day = dt.date.fromisoformat(args.date)
        except ValueError as err:
            raise JournalError.at(
                None,
                f"--date {args.date!r} is not a date",
                hint="Write it as YYYY-MM-DD, e.g. 2026-11-22.",
            ) from err
        when = dt.datetime(day.year, day.month, day.day, tzinfo=settings.zone)
    else:
        when = dt.datetime.now(settings.zone).replace(second=0, microsecond=0)
    path = scaffold.new_entry(
        site_dir,
        args.title,
        when,
        author=args.author or settings.default_author,
        tags=tuple(args.tags),
        draft=args.draft,
    )
    print(path)
    return 0
