"""`journalgen followers …` (requests to follow by email, and who follows) and
`journalgen notify` (send new entries to them)."""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from journalgen import config as config_module
from journalgen.errors import JournalError, Problem
from journalgen.following import followers as store
from journalgen.inbox import existing_keys, move_each, read_export_file, resolve
from journalgen.output import files

if TYPE_CHECKING:
    from journalgen.following import mail, notify

# mail.py and notify.py (the feed code, smtplib, ssl) load when notify runs, not with every
# command.

_PENDING_SHOWN = f"{store.FOLDER}/{store.PENDING}/"


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
    site: argparse.ArgumentParser,
) -> None:
    group = commands.add_parser(
        "followers",
        parents=[common],
        help="requests to follow by email: bring them in, approve or reject them; who follows",
        description="People who ask to follow the journal by email (the form on the "
        f"subscribe page) wait in {_PENDING_SHOWN} until you approve them: nobody receives "
        f"anything before. Followers are kept in {store.FOLDER}/, beside content/; they are "
        "never published.",
    )
    group.set_defaults(run=lambda args: _help(group))
    actions = group.add_subparsers(title="followers commands", metavar="COMMAND")

    import_cmd = actions.add_parser(
        "import",
        parents=[common, site],
        help="add the requests of a Netlify Forms export of the follow form",
        description="Read a Netlify Forms export of the follow form (its Download as CSV "
        f"file, or the JSON of Netlify's submissions API) and write each new request in "
        f"{_PENDING_SHOWN}. Requests brought in before, and addresses that already follow, "
        "are skipped, so you can import the whole export every time.",
    )
    import_cmd.add_argument("file", metavar="FILE", help="the CSV or JSON file from Netlify")
    import_cmd.set_defaults(run=run_import, locks="followers import")

    list_cmd = actions.add_parser(
        "list",
        parents=[common, site],
        help="show who follows by email, and the requests waiting",
        description="Show the approved followers, then the requests waiting for you.",
    )
    list_cmd.set_defaults(run=_run_list)

    approve = actions.add_parser(
        "approve",
        parents=[common, site],
        help="let waiting requests receive the next entries by email",
        description=f"Move the requests with these IDs from {_PENDING_SHOWN} to "
        f"{store.FOLDER}/. They receive the entries `journalgen notify` finds from then on.",
    )
    approve.add_argument("ids", metavar="ID", nargs="*", help="IDs as `followers list` shows")
    approve.add_argument("--all", action="store_true", help="approve every waiting request")
    approve.set_defaults(run=_run_approve, locks="followers approve")

    reject = actions.add_parser(
        "reject",
        parents=[common, site],
        help="turn down waiting requests",
        description=f"Move the requests with these IDs to {store.FOLDER}/{store.REJECTED}/: "
        "they receive nothing, and importing the same export again does not bring them back.",
    )
    reject.add_argument("ids", metavar="ID", nargs="+", help="IDs as `followers list` shows")
    reject.set_defaults(run=_run_reject, locks="followers reject")

    add = actions.add_parser(
        "add",
        parents=[common, site],
        help="add a follower yourself (someone who asked you in person)",
        description=f"Write an approved follower in {store.FOLDER}/.",
    )
    add.add_argument("name", metavar="NAME", help='their name, e.g. "Aunt Ruth"')
    add.add_argument("email", metavar="ADDRESS", help="their email address")
    add.set_defaults(run=_run_add, locks="followers add")

    remove = actions.add_parser(
        "remove",
        parents=[common, site],
        help="stop sending to someone (who asked to stop)",
        description=f"Move followers to {store.FOLDER}/{store.REMOVED}/: they receive "
        "nothing more, and importing an old export does not bring them back.",
    )
    remove.add_argument("ids", metavar="ID_OR_ADDRESS", nargs="+", help="their ID or email address")
    remove.set_defaults(run=_run_remove, locks="followers remove")

    notify_cmd = commands.add_parser(
        "notify",
        parents=[common, site],
        help="email each newly published entry to the followers",
        description="Send each entry published since the last run, once, to every approved "
        "follower, through your own email account (the `email:` settings; the password in "
        f"the environment variable {config_module.SMTP_PASSWORD_VARIABLE}). Run it after the "
        f"site is published. What was sent to whom is kept in {store.FOLDER}/"
        f"{store.RECORD_NAME}, so running it again sends nothing twice; an address the "
        "server refused is tried again next time. Drafts, held farewells and entries "
        "scheduled for later are never sent.",
    )
    notify_cmd.add_argument(
        "--dry-run",
        action="store_true",
        help="show what would be sent, and to whom, without sending or recording anything",
    )
    notify_cmd.set_defaults(run=run_notify, locks="notify")


def _help(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 0


def run_import(args: argparse.Namespace) -> int:
    site_dir = Path(args.site)
    config = config_module.load(site_dir)
    export = Path(args.file)
    report = store.RequestReport()
    planned = store.plan_requests(
        read_export_file(export, follow_form=True),
        config,
        existing_keys(store.every_file(site_dir)),
        store.known_addresses(site_dir),
        export.name,
        export,
        report,
    )
    pending = store.folder(site_dir, store.PENDING)
    pending.mkdir(parents=True, exist_ok=True)
    files.remove_temporaries(pending)
    for name, text in planned:
        files.write_text_whole(pending / name, text, exclusive=True)
    for problem in report.skipped:
        print("skipped: " + problem.format(Path.cwd()), file=sys.stderr)
    print(report.summary())
    return 0


def store_posted(site_dir: Path, fields: dict[str, str], now: dt.datetime) -> str | None:
    """The follow form sent to the preview server, kept as a waiting request exactly as an
    imported one would be; its file name, or None when it is not kept (a robot's, an
    address already following). A request that cannot be kept as written raises
    JournalError saying why."""
    from journalgen.inbox import submission_of

    config = config_module.load(site_dir)
    submission = submission_of(fields, now, "the preview's form")
    report = store.RequestReport()
    for name, text in store.plan_requests(
        [submission],
        config,
        existing_keys(store.every_file(site_dir)),
        store.known_addresses(site_dir),
        "journalgen serve",
        site_dir,
        report,
    ):
        pending = store.folder(site_dir, store.PENDING)
        pending.mkdir(parents=True, exist_ok=True)
        files.write_text_whole(pending / name, text, exclusive=True)
        return name
    if report.skipped:
        raise JournalError(report.skipped)
    return None


def _describe(path: Path) -> str:
    try:
        follower = store.read(path)
    except JournalError as err:
        return f"{path.stem}\n    (cannot be read: {err.problems[0].message})"
    return f"{follower.id}\n    {follower.name} <{follower.email}>"


def _run_list(args: argparse.Namespace) -> int:
    site_dir = Path(args.site)
    config_module.load(site_dir)
    approved = store.files(site_dir)
    waiting = store.files(site_dir, store.PENDING)
    if approved:
        print(f"{len(approved)} follower{'' if len(approved) == 1 else 's'} by email:\n")
        print("\n".join(_describe(p) for p in approved))
    else:
        print("Nobody follows this journal by email yet.")
    if waiting:
        print(f"\n{len(waiting)} request{'' if len(waiting) == 1 else 's'} waiting:\n")
        print("\n".join(_describe(p) for p in waiting))
        print(
            "\nApprove: journalgen followers approve ID…   "
            "Turn down: journalgen followers reject ID…"
        )
    return 0


def _resolve_pending(site_dir: Path, ids: list[str]) -> list[Path]:
    return resolve(
        ids,
        store.files(site_dir, store.PENDING),
        folder=_PENDING_SHOWN,
        thing="request",
        listing="journalgen followers list",
    )


def _run_approve(args: argparse.Namespace) -> int:
    site_dir = Path(args.site)
    config_module.load(site_dir)
    if not args.ids and not args.all:
        raise JournalError.at(
            None,
            "say which requests to approve",
            hint="Give their IDs (see `journalgen followers list`), or --all.",
        )
    chosen = (
        store.files(site_dir, store.PENDING) if args.all else _resolve_pending(site_dir, args.ids)
    )
    problems: list[Problem] = []
    for path in chosen:
        try:
            store.read(path)
        except JournalError as err:
            problems.extend(err.problems)
    if problems:
        raise JournalError(problems)
    move_each(chosen, store.folder(site_dir), "approve", what="an approved follower")
    count = len(chosen)
    print(
        f"Approved {count} request{'' if count == 1 else 's'}: "
        + (
            "they receive the entries `journalgen notify` sends from now on."
            if count
            else "none was waiting."
        )
    )
    return 0


def _run_reject(args: argparse.Namespace) -> int:
    site_dir = Path(args.site)
    config_module.load(site_dir)
    chosen = _resolve_pending(site_dir, args.ids)
    move_each(chosen, store.folder(site_dir, store.REJECTED), "reject", what="a rejected request")
    count = len(chosen)
    print(
        f"Turned down {count} request{'' if count == 1 else 's'} (moved to "
        f"{store.FOLDER}/{store.REJECTED}/): they receive nothing."
    )
    return 0


def _run_add(args: argparse.Namespace) -> int:
    site_dir = Path(args.site)
    config = config_module.load(site_dir)
    email = args.email.strip()
    if not config_module.is_email(email):
        raise JournalError.at(
            None, f"{email!r} is not an email address", hint="Write it as ruth@example.org."
        )
    if email.casefold() in store.known_addresses(site_dir):
        print(f"{email} already follows this journal (or is waiting for approval).")
        return 0
    now = dt.datetime.now(dt.UTC)
    key = hashlib.sha256(f"{now.isoformat()}\0{args.name}\0{email}".encode()).hexdigest()[:8]
    name, text = store.follower_file(
        " ".join(args.name.split())[:100],
        email,
        key,
        now,
        config,
        "Added with `journalgen followers add`.",
    )
    store.folder(site_dir).mkdir(parents=True, exist_ok=True)
    files.write_text_whole(store.folder(site_dir) / name, text, exclusive=True)
    print(
        f"Added {args.name} <{email}>: they receive the entries `journalgen notify` sends "
        "from now on."
    )
    return 0


def _run_remove(args: argparse.Namespace) -> int:
    site_dir = Path(args.site)
    config_module.load(site_dir)
    approved = store.files(site_dir)
    chosen: list[Path] = []
    by_address: dict[str, Path] = {}
    for path in approved:
        try:
            by_address.setdefault(store.read(path).address, path)
        except JournalError:
            continue
    ids: list[str] = []
    for wanted in args.ids:
        found = by_address.get(wanted.strip().casefold())
        if found is not None:
            chosen.append(found)
        else:
            ids.append(wanted)
    if ids:
        chosen += resolve(
            ids,
            approved,
            folder=f"{store.FOLDER}/",
            thing="follower",
            listing="journalgen followers list",
        )
    chosen = list(dict.fromkeys(chosen))
    move_each(chosen, store.folder(site_dir, store.REMOVED), "remove", what="a removed follower")
    print(
        f"Removed {len(chosen)} follower{'' if len(chosen) == 1 else 's'} "
        f"(moved to {store.FOLDER}/{store.REMOVED}/): nothing more is sent to them."
    )
    return 0


def run_notify(args: argparse.Namespace) -> int:
    from journalgen.build import published_site
    from journalgen.following import mail, notify

    site_dir = Path(args.site)
    config = config_module.load(site_dir)
    problems = notify.check_settings(config.email)
    if problems:
        raise JournalError(problems)
    approved = store.approved(site_dir)
    now = dt.datetime.now(dt.UTC)
    site = published_site(site_dir, now)
    record = notify.read_record(site_dir)
    made = notify.plan(site, approved, record, now)
    letters = {entry.path: mail.letter(site, entry) for entry, _ in made.sends}
    if made.quietly_announced:
        print(
            f"First run: {made.quietly_announced} entr"
            f"{'y' if made.quietly_announced == 1 else 'ies'} older than "
            f"{notify.FIRST_RUN_DAYS} days count as sent already (followers get what is new)."
        )
    if args.dry_run:
        return _show_dry_run(made, letters)
    if not made.sends:
        notify.write_record(site_dir, made.record)
        print(
            "Nothing new to send."
            if approved
            else "Nobody follows this journal by email yet: nothing to send."
        )
        return 0
    password = os.environ.get(config_module.SMTP_PASSWORD_VARIABLE) or None
    outcome = notify.send(
        site_dir,
        made,
        lambda entry, follower: mail.message(letters[entry.path], follower, site),
        lambda: notify.connect(config.email, password),
        lambda: dt.datetime.now(dt.UTC),
    )
    for title, address in outcome.sent:
        print(f"sent: “{title}” to {address}")
    for title, address, why in outcome.failed:
        print(f"not sent: “{title}” to {address}: {why} (tried again next time)", file=sys.stderr)
    for title, address, why in outcome.undeliverable:
        print(
            f"not sent: “{title}” to {address}: {why}. The mail server says this address "
            "does not exist, so it is not tried again for this entry. Correct it, or remove "
            f"the follower: journalgen followers remove {address}",
            file=sys.stderr,
        )
    count = len(outcome.sent)
    print(f"Sent {count} email{'' if count == 1 else 's'}.")
    if outcome.stopped:
        print(
            f"Stopped: {outcome.stopped}. Run `journalgen notify` again to send the rest.",
            file=sys.stderr,
        )
        return 1
    return 1 if outcome.failed or outcome.undeliverable else 0


def _show_dry_run(made: notify.Plan, letters: dict[str, mail.Letter]) -> int:
    if not made.sends:
        print("Nothing new to send (dry run: nothing was sent or recorded).")
        return 0
    for entry, reach in made.sends:
        made_letter = letters[entry.path]
        people = ", ".join(f"{f.name} <{f.email}>" for f in reach)
        print(f"Would send “{made_letter.subject}” to {len(reach)}: {people}")
        print("\n" + "\n".join("    " + line for line in made_letter.plain.splitlines()) + "\n")
    print("Dry run: nothing was sent or recorded.")
    return 0
