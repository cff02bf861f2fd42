"""`journalgen guestbook`: bring messages in from the host's forms, list them, approve or
reject them (the inbox itself: inbox.py)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from journalgen import config as config_module
from journalgen import faults
from journalgen.errors import JournalError, Problem
from journalgen.inbox import (
    ImportReport,
    describe,
    existing_keys,
    guestbook_dir,
    move_each,
    parse_pending,
    plan_import,
    read_export_file,
    resolve,
)
from journalgen.output import files
from journalgen.reading import sources
from journalgen.structure.guestbook import (
    MessageRenderer,
)

# --- The commands ------------------------------------------------------------------------


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
    site: argparse.ArgumentParser,
) -> None:
    """`journalgen guestbook import|list|approve|reject`."""
    guestbook = commands.add_parser(
        "guestbook",
        parents=[common],
        help="bring in messages from the guestbook form, read them, approve or reject them",
        description="Messages readers send with the guestbook form wait in "
        f"content/{sources.GUESTBOOK_DIR}/{sources.PENDING_DIR}/ until you approve them. "
        "Nothing is published before you do.",
    )
    guestbook.set_defaults(run=lambda args: _print_help(guestbook))
    actions = guestbook.add_subparsers(title="guestbook commands", metavar="COMMAND")

    import_cmd = actions.add_parser(
        "import",
        parents=[common, site],
        help="add the submissions of a Netlify Forms export as messages waiting for approval",
        description="Read a Netlify Forms export (the form's Download as CSV file, or the "
        "JSON of Netlify's submissions API) and write each new submission as a file in "
        f"content/{sources.GUESTBOOK_DIR}/{sources.PENDING_DIR}/, where it waits for your "
        "approval. Submissions imported before (even if approved or rejected since) are "
        "skipped, so you can import the whole export every time. Submissions from robots "
        "(the hidden honeypot field filled in) and those Netlify flagged as spam are dropped.",
    )
    import_cmd.add_argument("file", metavar="FILE", help="the CSV or JSON file from Netlify")
    import_cmd.set_defaults(run=run_import, locks="guestbook import")

    list_cmd = actions.add_parser(
        "list",
        parents=[common, site],
        help="show the messages waiting for approval",
        description="Show each message waiting in "
        f"content/{sources.GUESTBOOK_DIR}/{sources.PENDING_DIR}/ with its ID, date, name, "
        "the entry it answers and its text. Nothing is changed.",
    )
    list_cmd.set_defaults(run=_run_list)

    approve = actions.add_parser(
        "approve",
        parents=[common, site],
        help="publish waiting messages (at the next build)",
        description="Move the messages with these IDs from "
        f"content/{sources.GUESTBOOK_DIR}/{sources.PENDING_DIR}/ to "
        f"content/{sources.GUESTBOOK_DIR}/, so that the next build publishes them. Each "
        "message is checked first; if one has a problem, nothing is moved.",
    )
    approve.add_argument(
        "ids",
        metavar="ID",
        nargs="*",
        help="a message's ID as `journalgen guestbook list` shows it (its beginning is "
        "enough when no other message starts the same way)",
    )
    approve.add_argument("--all", action="store_true", help="approve every message that is waiting")
    approve.set_defaults(run=_run_approve, locks="guestbook approve")

    reject = actions.add_parser(
        "reject",
        parents=[common, site],
        help="turn down waiting messages (they are never published)",
        description="Move the messages with these IDs to "
        f"content/{sources.GUESTBOOK_DIR}/{sources.REJECTED_DIR}/. They are never "
        "published, and importing the same export again does not bring them back. Delete "
        "the files there if you want them gone for good.",
    )
    reject.add_argument(
        "ids",
        metavar="ID",
        nargs="+",
        help="a message's ID as `journalgen guestbook list` shows it (its beginning is "
        "enough when no other message starts the same way)",
    )
    reject.set_defaults(run=_run_reject, locks="guestbook reject")


def _print_help(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 0


def run_import(args: argparse.Namespace) -> int:
    site_dir = Path(args.site)
    config = config_module.load(site_dir)
    export = Path(args.file)
    known = existing_keys(sources.guestbook_files(site_dir))
    report = ImportReport()
    planned = plan_import(read_export_file(export), config, known, export.name, export, report)
    pending = guestbook_dir(site_dir) / sources.PENDING_DIR
    files.remove_temporaries(pending)
    for number, (name, text) in enumerate(planned, 1):
        faults.point("import", number)
        # Whole or not at all: a message is counted as imported only once all of it is here.
        files.write_text_whole(pending / name, text, exclusive=True)
    for problem in report.skipped:
        print("skipped: " + problem.format(Path.cwd()), file=sys.stderr)
    print(report.summary())
    return 0


def _pending(site_dir: Path) -> list[Path]:
    return sources.guestbook_files(site_dir, sources.PENDING_DIR)


def _run_list(args: argparse.Namespace) -> int:
    site_dir = Path(args.site)
    config = config_module.load(site_dir)
    paths = _pending(site_dir)
    if not paths:
        print(
            "No messages are waiting for approval. Bring new ones in with "
            "`journalgen guestbook import FILE`."
        )
        return 0
    renderer = MessageRenderer()
    shown: list[str] = []
    problems: list[Problem] = []
    for path in paths:
        try:
            message = parse_pending(path, site_dir, config, renderer)
        except JournalError as err:
            problems.extend(err.problems)
            shown.append(f"{path.stem}\n    (cannot be approved until fixed: see below)")
            continue
        shown.append(describe(message))
    count = len(paths)
    print(f"{count} message{'' if count == 1 else 's'} waiting for approval:\n")
    print("\n\n".join(shown))
    print(
        "\nApprove: journalgen guestbook approve ID…   Turn down: journalgen guestbook reject ID…"
    )
    for problem in problems:
        print("problem: " + problem.format(site_dir.absolute()), file=sys.stderr)
    return 0


def _resolve(ids: Sequence[str], pending: list[Path]) -> list[Path]:
    return resolve(
        ids,
        pending,
        folder=f"content/{sources.GUESTBOOK_DIR}/{sources.PENDING_DIR}/",
        thing="message",
        listing="journalgen guestbook list",
    )


def _run_approve(args: argparse.Namespace) -> int:
    site_dir = Path(args.site)
    config = config_module.load(site_dir)
    pending = _pending(site_dir)
    if not args.ids and not args.all:
        raise JournalError.at(
            None,
            "say which messages to approve",
            hint="Give their IDs (see `journalgen guestbook list`), or --all.",
        )
    chosen = pending if args.all else _resolve(args.ids, pending)
    renderer = MessageRenderer()
    problems: list[Problem] = []
    target = guestbook_dir(site_dir)
    for path in chosen:
        try:
            parse_pending(path, site_dir, config, renderer)
        except JournalError as err:
            problems.extend(err.problems)
    if problems:
        raise JournalError(problems)
    move_each(chosen, target, "approve", what="a published message")
    count = len(chosen)
    if not count:
        print("No messages are waiting for approval.")
    elif count == 1:
        print("Approved 1 message: it appears on the site at the next build.")
    else:
        print(f"Approved {count} messages: they appear on the site at the next build.")
    return 0


def _run_reject(args: argparse.Namespace) -> int:
    site_dir = Path(args.site)
    config_module.load(site_dir)  # only inside a journal
    chosen = _resolve(args.ids, _pending(site_dir))
    target = guestbook_dir(site_dir) / sources.REJECTED_DIR
    move_each(chosen, target, "reject", what="a rejected message")
    count = len(chosen)
    print(
        f"Rejected {count} message{'' if count == 1 else 's'}: moved to "
        f"content/{sources.GUESTBOOK_DIR}/{sources.REJECTED_DIR}/, never published. "
        "Importing the same export again will not bring "
        + ("them" if count != 1 else "it")
        + " back."
    )
    return 0
