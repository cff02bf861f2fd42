"""The followers of a journal, kept as files in `followers/` beside `content/`.

    followers/                 approved followers: one YAML file each (name, email)
    followers/pending/         requests brought in from the follow form, waiting
    followers/rejected/        requests turned down (kept so a re-import skips them)
    followers/removed/         followers who asked to stop (kept for the same reason)
    followers/sent.json        what `journalgen notify` sent to whom (notify.py)

Nothing here is read by a build: the folder is outside content/, so no address can ever be
published. Requests travel exactly as guestbook messages do (inbox.py): the same
export reader, the same duplicate keys in file names, the same approve and reject.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from journalgen.config import SiteConfig, is_email
from journalgen.errors import JournalError, Problem, excerpt
from journalgen.inbox import Submission, TextDumper, printable
from journalgen.parsing.slugs import slugify
from journalgen.reading import sources
from journalgen.reading.fields import Fields
from journalgen.reading.yamltext import load_mapping

FOLDER = "followers"
PENDING = "pending"
REJECTED = "rejected"
REMOVED = "removed"
RECORD_NAME = "sent.json"
"""What `journalgen notify` sent to whom (notify.py)."""


@dataclass(frozen=True, slots=True)
class Follower:
    """Someone who receives new entries by email."""

    id: str
    """The file name without `.yaml`, as `journalgen followers list` shows it."""
    name: str
    email: str

    @property
    def address(self) -> str:
        """The address as notify.py keys its record: the same however it was capitalised."""
        return self.email.casefold()


def folder(site_dir: Path, sub: str | None = None) -> Path:
    base = site_dir / FOLDER
    return base / sub if sub else base


def files(site_dir: Path, sub: str | None = None) -> list[Path]:
    """The follower files of one folder (approved ones by default), by name."""
    where = folder(site_dir, sub)
    if not where.is_dir():
        return []
    return sorted(
        p for p in where.iterdir() if p.suffix == ".yaml" and not sources.is_ignored_name(p.name)
    )


def every_file(site_dir: Path) -> list[Path]:
    """Every follower file, approved, waiting, turned down or removed."""
    return [p for sub in (None, PENDING, REJECTED, REMOVED) for p in files(site_dir, sub)]


def parse(path: Path, text: str) -> Follower:
    """A follower file; its problems name the file and the line."""
    fields = Fields(load_mapping(text, path), path, "follower")
    fields.reject_unknown(("name", "email", "asked"))
    name = " ".join(fields.required_text("name", hint="Add a line such as `name: Ruth`.").split())
    email = fields.required_text("email", hint="Add a line such as `email: ruth@example.org`.")
    if not is_email(email):
        raise fields.error(
            "email",
            f"{excerpt(email)} is not an email address",
            hint="Correct it, or turn the request down with `journalgen followers reject`.",
        )
    return Follower(path.stem, name, email)


def read(path: Path) -> Follower:
    return parse(path, sources.read_text(path))


def approved(site_dir: Path) -> list[Follower]:
    """Every approved follower (each address once); every file's problem at once."""
    found: list[Follower] = []
    problems: list[Problem] = []
    seen: set[str] = set()
    for path in files(site_dir):
        try:
            follower = read(path)
        except JournalError as err:
            problems.extend(err.problems)
            continue
        if follower.address not in seen:
            seen.add(follower.address)
            found.append(follower)
    if problems:
        raise JournalError(problems)
    return found


def follower_file(
    name: str, email: str, key: str, moment: dt.datetime, config: SiteConfig, note: str
) -> tuple[str, str]:
    """The file name and text of a follower (or a request to follow)."""
    local = moment.astimezone(config.zone)
    slug = slugify(name)[:40].rstrip("-")
    if not slug.isascii() or not slug:
        slug = "follower"
    file_name = f"{local:%Y-%m-%d}-{slug}-{key}.yaml"
    stem = file_name[:-5]
    header = (
        f"# {printable(note, 120)}\n"
        f"# Approve: journalgen followers approve {stem}\n"
        f"# Turn down: journalgen followers reject {stem}\n"
    )
    values = {"name": name, "email": email}
    body = yaml.dump(values, Dumper=TextDumper, allow_unicode=True, sort_keys=False, width=10**6)
    return file_name, header + body + f"asked: {local:%Y-%m-%d %H:%M}\n"


@dataclass(slots=True)
class RequestReport:
    """What `journalgen followers import` did, for its summary."""

    written: list[str] = field(default_factory=list)
    duplicates: int = 0
    following: int = 0
    robots: int = 0
    other_form: int = 0
    skipped: list[Problem] = field(default_factory=list)

    def summary(self) -> str:
        count = len(self.written)
        lines = [
            f"Brought in {count} new request{'' if count == 1 else 's'} to follow by email "
            f"(in {FOLDER}/{PENDING}/).",
            f"  {self.duplicates} already brought in",
            f"  {self.following} from addresses that already follow",
            f"  {self.robots} from robots or flagged as spam (dropped)",
            f"  {len(self.skipped)} could not be brought in (see above)",
        ]
        if self.other_form:
            lines.append(f"  {self.other_form} sent with another form (ignored)")
        if count:
            lines.append(
                "See them with `journalgen followers list`, then approve or reject them: "
                "nobody receives anything before you approve them."
            )
        return "\n".join(lines)


def plan_requests(
    submissions: Iterable[Submission],
    config: SiteConfig,
    known_keys: set[str],
    known_addresses: set[str],
    origin: str,
    export_path: Path,
    report: RequestReport,
) -> Iterator[tuple[str, str]]:
    """The pending files (name, text) the follow form's submissions become."""
    keys = set(known_keys)
    addresses = set(known_addresses)
    for submission in submissions:
        if submission.form_name and submission.form_name != config.email.form_name:
            report.other_form += 1
            continue
        if submission.honeypot or submission.spam:
            report.robots += 1
            continue
        email = (submission.email or "").strip()
        if submission.date is None or not submission.name or not is_email(email):
            why = (
                "no usable date"
                if submission.date is None
                else "no name"
                if not submission.name
                else f"{excerpt(email) if email else 'no address'} is not an email address"
            )
            report.skipped.append(Problem(export_path, None, f"{submission.where}: {why}"))
            continue
        if submission.key in keys:
            report.duplicates += 1
            continue
        if email.casefold() in addresses:
            report.following += 1
            continue
        keys.add(submission.key)
        addresses.add(email.casefold())
        note = (
            f"Asked to follow the journal by email with the form on /subscribe/ "
            f"({origin}, {submission.where})."
        )
        name, text = follower_file(
            submission.name[:100], email, submission.key, submission.date, config, note
        )
        report.written.append(name)
        yield name, text


def known_addresses(site_dir: Path) -> set[str]:
    """The addresses of approved and waiting followers (unreadable files are skipped here:
    `followers list` and `notify` report them)."""
    found: set[str] = set()
    for sub in (None, PENDING):
        for path in files(site_dir, sub):
            try:
                found.add(read(path).address)
            except JournalError:
                continue
    return found
