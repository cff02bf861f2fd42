"""The moderation inbox that the guestbook, followers and imports share: what readers sent
through a form (an export of Netlify's forms, Cloudflare's, or a form posted to the
preview) becomes one file waiting in a `pending/` folder, and is approved or turned down
by moving it. `journalgen guestbook` (commands/guestbook.py) is its command.

Messages travel like this:

1. A reader fills in the guestbook form; Netlify keeps the submission.
2. The family downloads the submissions (the form's "Download as CSV" button in Netlify's
   Forms tab, or the JSON of Netlify's submissions API) and runs
   `journalgen guestbook import FILE`. Each new submission becomes one YAML file in
   `content/guestbook/pending/`, which is never published. Submissions whose honeypot
   field is filled in (only robots see it) or that Netlify flagged as spam are dropped.
3. `journalgen guestbook list` shows what is waiting; `approve ID…` moves a message to
   `content/guestbook/` (published at the next build), `reject ID…` moves it to
   `content/guestbook/rejected/` (never published). Rejected files are kept rather than
   deleted so that importing the same export again does not bring them back; delete them
   by hand if you want them gone.

Importing the same export twice adds nothing: each file name ends with a key made from the
submission's time (to the minute), name and message, and a submission whose key is already
anywhere under `content/guestbook/` (pending, published or rejected) is skipped. The same
submission downloaded once as CSV and once as JSON gets the same key.

Reading an export is pure (`read_export`, `pending_file`); only the `_run_*` functions
touch the disk.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
import textwrap
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from journalgen import config as config_module
from journalgen import faults
from journalgen.config import SiteConfig
from journalgen.errors import JournalError, Problem
from journalgen.output import files
from journalgen.parsing.slugs import slugify
from journalgen.reading import sources
from journalgen.structure.guestbook import (
    HONEYPOT_FIELD,
    MAX_MESSAGE_CHARS,
    Message,
    MessageRenderer,
    clean_text,
    one_line,
    parse_message,
)
from journalgen.structure.i18n import LABELS

KEY_LENGTH = 8
"""Hex digits of the duplicate-detection key at the end of each imported file's name."""
_KEY_AT_END = re.compile(rf"-([0-9a-f]{{{KEY_LENGTH}}})$")

FIELDS = ("name", "message", "entry", "location", "email", HONEYPOT_FIELD)
"""The fields of the site's forms (the guestbook's, and the follow form's `email`), by
their `name` in the HTML."""
_LABEL_KEYS = {
    "name": "gb_name",
    "message": "gb_message",
    "location": "gb_location",
    "email": "follow_email",
}
_DATE_COLUMNS = ("created_at", "created", "date", "submitted_at", "timestamp")
_ID_COLUMNS = ("id", "submission_id")


# --- Reading an export (pure) ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Submission:
    """One submission of a form (the guestbook's or the follow form), as Netlify exported
    it."""

    where: str
    """Where it is in the export, for messages: `row 3` or `submission 5f3a…`."""
    name: str
    message: str
    date: dt.datetime | None
    """When Netlify received it (aware); None when the export has no usable date."""
    entry: str | None
    location: str | None
    email: str | None
    """The address given in the follow form."""
    honeypot: bool
    """The hidden honeypot field was filled in: a robot."""
    spam: bool
    """Netlify flagged it as spam."""
    form_name: str | None
    """The form it was sent with, when the export says (API exports of a whole site)."""

    @property
    def key(self) -> str:
        """Duplicate detection: the same for the same submission in any export format."""
        moment = self.date.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M") if self.date else ""
        parts = (moment, self.name, self.message, *((self.email,) if self.email else ()))
        text = "\0".join(parts)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:KEY_LENGTH]


def read_export(data: bytes, path: Path) -> list[Submission]:
    """The submissions in a Netlify export: the form's CSV download or API JSON."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise _not_utf8(path) from err
    if text.lstrip().startswith(("[", "{")):
        return _from_json(text, path)
    return list(_from_csv(io.StringIO(text, newline=""), path))


MAX_JSON_BYTES = 64 * 1024 * 1024
"""A JSON export is read whole; a larger one is refused (the CSV download is read line by
line, whatever its size)."""


def read_export_file(path: Path, follow_form: bool = False) -> Iterator[Submission]:
    """Like `read_export`, reading a CSV export line by line (memory stays small however
    large the file); a JSON export is read whole, up to `MAX_JSON_BYTES`. `follow_form`:
    the export is of the follow form (name and email), not the guestbook's."""
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as err:
        raise JournalError.at(
            path, f"cannot read this file: {err.strerror or err}", hint=_EXPORT_HINT
        ) from err
    with handle:
        try:
            start = handle.read(4096)
        except UnicodeDecodeError as err:
            raise _not_utf8(path) from err
        if start.lstrip().startswith(("[", "{")):
            if path.stat().st_size > MAX_JSON_BYTES:
                raise JournalError.at(
                    path,
                    f"this JSON export is larger than {MAX_JSON_BYTES // 2**20} MB",
                    hint="Download the submissions as CSV from Netlify's Forms tab instead.",
                )
            try:
                text = start + handle.read()
            except UnicodeDecodeError as err:
                raise _not_utf8(path) from err
            yield from _from_json(text, path)
            return
        try:
            handle.seek(0)  # the csv reader wants whole lines (any line ending)
            yield from _from_csv(handle, path, follow_form)
        except UnicodeDecodeError as err:
            raise _not_utf8(path) from err


def _not_utf8(path: Path) -> JournalError:
    return JournalError.at(
        path,
        "this file is not UTF-8 text, so it is not a Netlify export",
        hint="Download the submissions again from Netlify's Forms tab (Download as CSV).",
    )


def _from_json(text: str, path: Path) -> list[Submission]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise JournalError.at(
            path, f"this JSON cannot be read: {err.msg}", line=err.lineno, hint=_EXPORT_HINT
        ) from err
    if isinstance(data, dict) and isinstance(data.get("payload"), dict):
        data = [data["payload"]]  # an outgoing webhook's body
    elif isinstance(data, dict):
        data = [data]
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise JournalError.at(
            path, "this JSON is not a list of form submissions", hint=_EXPORT_HINT
        )
    return [_from_api(item, index) for index, item in enumerate(data, start=1)]


def _from_api(item: dict[str, Any], index: int) -> Submission:
    """One object of `GET /api/v1/forms/{form_id}/submissions`: the fields as the form named
    them are in `data`; Netlify adds `id`, `created_at`, `form_name` and more."""
    raw = item.get("data")
    values = {str(k): v for k, v in raw.items()} if isinstance(raw, dict) else {}
    ident = item.get("id")
    state = str(item.get("state") or "").casefold()
    return _submission(
        where=f"submission {one_line(str(ident))[:40]}" if ident else f"submission {index}",
        values=values,
        date=_date(item.get("created_at")),
        spam=state == "spam" or item.get("spam") is True,
        form_name=str(item["form_name"]) if item.get("form_name") else None,
    )


MAX_FIELD_CHARS = 16 * 1024 * 1024
"""A CSV cell larger than this cannot be read (Python's csv module stops at 128 KB unless
told otherwise); a message that long is skipped anyway, with a note."""


def _from_csv(lines: Iterable[str], path: Path, follow_form: bool = False) -> Iterator[Submission]:
    csv.field_size_limit(MAX_FIELD_CHARS)
    reader = csv.reader(lines)
    try:
        header = next(reader, None)
        if header is None:
            return
        columns = [_column(name) for name in header]
        if "email" in columns and "name" in columns and "message" not in columns:
            if not follow_form:
                raise JournalError.at(
                    path,
                    "this is an export of the follow form (requests to follow by email), not "
                    "of the guestbook",
                    line=1,
                    hint=f"Bring it in with `journalgen followers import {path.name}`.",
                )
        elif follow_form:
            raise JournalError.at(
                path,
                "this CSV has no `name` and `email` columns, so it is not an export of the "
                "follow form",
                line=1,
                hint="In Netlify's Forms tab, open the follow form and choose Download as CSV.",
            )
        elif "message" not in columns or "name" not in columns:
            raise JournalError.at(
                path,
                "this CSV has no `name` and `message` columns, so it is not an export of the "
                "guestbook form",
                line=1,
                hint=_EXPORT_HINT,
            )
        for number, row in enumerate(reader, start=2):
            if not any(cell.strip() for cell in row):
                continue
            values = {column: cell for column, cell in zip(columns, row, strict=False) if column}
            state = str(values.get("state") or values.get("spam") or "").casefold()
            yield _submission(
                where=f"line {number}",
                values=values,
                date=_date(next((values[c] for c in _DATE_COLUMNS if values.get(c)), None)),
                spam=state in ("spam", "true", "yes"),
                form_name=values.get("form_name") or None,
            )
    except csv.Error as err:
        raise JournalError.at(
            path, f"this CSV cannot be read: {err}", line=reader.line_num, hint=_EXPORT_HINT
        ) from err


_EXPORT_HINT = (
    "Use the file Netlify gives you: in the Forms tab, open the guestbook form and choose "
    "Download as CSV (or save the JSON of the submissions API)."
)


def _column(header: str) -> str:
    """The form field a CSV column holds: the field's name (`message`) or, in exports that
    use labels, the label in any language journalgen speaks (`Your message`)."""
    plain = header.strip().strip(":").strip().casefold()
    snake = re.sub(r"[\s-]+", "_", plain)
    if plain in FIELDS:
        return plain
    if snake in (*_DATE_COLUMNS, *_ID_COLUMNS, "form_name", "state", "spam", "bot_field"):
        return HONEYPOT_FIELD if snake == "bot_field" else snake
    for column, key in _LABEL_KEYS.items():
        if any(plain == labels[key].casefold() for labels in LABELS.values()):
            return column
    if any(plain == labels["gb_honeypot"].strip(": ").casefold() for labels in LABELS.values()):
        return HONEYPOT_FIELD
    return ""


def _submission(
    *,
    where: str,
    values: dict[str, Any],
    date: dt.datetime | None,
    spam: bool,
    form_name: str | None,
) -> Submission:
    def text(key: str) -> str:
        value = values.get(key)
        return clean_text(str(value)).strip() if value is not None else ""

    return Submission(
        where=where,
        name=one_line(text("name")),
        message=text("message"),
        date=date,
        entry=one_line(text("entry")).strip("/") or None,
        location=one_line(text("location")) or None,
        email=one_line(text("email")) or None,
        honeypot=bool(text(HONEYPOT_FIELD)),
        spam=spam,
        form_name=form_name,
    )


def _date(value: object) -> dt.datetime | None:
    """Netlify writes ISO 8601 in UTC (`2026-11-20T14:02:06.088Z`)."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    try:
        moment = dt.datetime.fromisoformat(text.replace(" UTC", "+00:00"))
    except ValueError:
        return None
    moment = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    if not dt.MINYEAR + 1 < moment.year < dt.MAXYEAR - 1:
        return None  # a moment no time zone can show (year 1 or 9999)
    return moment


# --- Writing pending files (pure) --------------------------------------------------------


class TextDumper(yaml.SafeDumper):
    """Keys plain, multi-line text as a `|` block, other text double-quoted (PyYAML falls
    back to quotes by itself when a block cannot hold the text exactly)."""


_KEYS = frozenset({"name", "location", "entry", "message", "email"})


def _represent_text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = None if value in _KEYS else "|" if "\n" in value else '"'
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


TextDumper.add_representer(str, _represent_text)


def pending_file(submission: Submission, config: SiteConfig, origin: str) -> tuple[str, str]:
    """The file name and text of the pending message for `submission`."""
    assert submission.date is not None
    local = submission.date.astimezone(config.zone)
    slug = slugify(submission.name)[:40].rstrip("-")
    if not slug.isascii() or not slug:
        slug = "message"  # an ID anyone can type, whatever the script of the name
    name = f"{local:%Y-%m-%d}-{slug}-{submission.key}.yaml"
    values: dict[str, str] = {"name": submission.name}
    if submission.location:
        values["location"] = submission.location
    if submission.entry:
        values["entry"] = submission.entry
    body = yaml.dump(values, Dumper=TextDumper, allow_unicode=True, sort_keys=False, width=10**6)
    message = yaml.dump(
        {"message": submission.message},
        Dumper=TextDumper,
        allow_unicode=True,
        width=10**6,
    )
    header = (
        f"# Imported by `journalgen guestbook import` from {printable(origin, 80)} "
        f"({printable(submission.where, 60)}).\n"
        f"# Publish it: journalgen guestbook approve {name[:-5]}\n"
        f"# Turn it down: journalgen guestbook reject {name[:-5]}\n"
    )
    return name, header + body + f"date: {local:%Y-%m-%d %H:%M}\n" + message


def printable(text: str, limit: int) -> str:
    """`text` as one line of a comment: nothing that could end the line or the file."""
    return "".join(c for c in one_line(text) if c.isprintable())[:limit]


# --- What a folder of messages holds -----------------------------------------------------


@dataclass(slots=True)
class ImportReport:
    """What `journalgen guestbook import` did, for its summary line."""

    written: list[str] = field(default_factory=list)
    """File names of the new pending messages."""
    duplicates: int = 0
    honeypot: int = 0
    spam: int = 0
    other_form: int = 0
    skipped: list[Problem] = field(default_factory=list)
    """Submissions that cannot become a message (no name, no text, too long…)."""

    def summary(self) -> str:
        count = len(self.written)
        text = (
            f"Imported {count} new message{'' if count == 1 else 's'} into "
            f"content/{sources.GUESTBOOK_DIR}/{sources.PENDING_DIR}/."
        )
        others = [
            f"{self.duplicates} already imported",
            f"{self.spam} flagged as spam by Netlify (dropped)",
            f"{self.honeypot} from robots: the hidden honeypot field was filled in (dropped)",
            f"{len(self.skipped)} could not be imported (see above)",
        ]
        if self.other_form:
            others.append(f"{self.other_form} sent with another form (ignored)")
        text += "\n" + "\n".join("  " + line for line in others)
        if count:
            text += "\nRead them with `journalgen guestbook list`, then approve or reject them."
        return text


def existing_keys(paths: Iterable[Path]) -> set[str]:
    """The duplicate-detection keys of message files already in the site."""
    keys = set()
    for path in paths:
        found = _KEY_AT_END.search(path.stem)
        if found:
            keys.add(found.group(1))
    return keys


def plan_import(
    submissions: Iterable[Submission],
    config: SiteConfig,
    known: set[str],
    origin: str,
    export_path: Path,
    report: ImportReport,
) -> Iterator[tuple[str, str]]:
    """The pending files (name, text) the submissions become, one at a time, so an export
    of any size is never in memory whole; what was left out is noted in `report`."""
    renderer = MessageRenderer()
    keys = set(known)
    for submission in submissions:
        if submission.form_name and submission.form_name != config.guestbook.form_name:
            report.other_form += 1
            continue
        if submission.honeypot:
            report.honeypot += 1
            continue
        if submission.spam:
            report.spam += 1
            continue
        if not submission.name or not submission.message or submission.date is None:
            missing = [
                what
                for what, value in (
                    ("name", submission.name),
                    ("message", submission.message),
                    ("usable date", submission.date),
                )
                if not value
            ]
            report.skipped.append(
                Problem(export_path, None, f"{submission.where}: no {' and no '.join(missing)}")
            )
            continue
        if submission.key in keys:
            report.duplicates += 1
            continue
        if len(submission.message) > MAX_MESSAGE_CHARS:
            report.skipped.append(
                Problem(
                    export_path,
                    None,
                    f"{submission.where}: the message is {len(submission.message):,} "
                    f"characters; a guestbook message may be at most {MAX_MESSAGE_CHARS:,} "
                    "(skipped)",
                )
            )
            continue
        name, text = pending_file(submission, config, origin)
        problem = _check(name, text, config, renderer, export_path, submission.where)
        if problem is not None:
            report.skipped.append(problem)
            continue
        keys.add(submission.key)
        report.written.append(name)
        yield name, text


def _check(
    name: str,
    text: str,
    config: SiteConfig,
    renderer: MessageRenderer,
    export_path: Path,
    where: str,
) -> Problem | None:
    """Parse the file about to be written exactly as a build will (too long, bad date…)."""
    rel = f"{sources.GUESTBOOK_DIR}/{sources.PENDING_DIR}/{name}"
    source = sources.Source(Path(rel), rel, "message", text, "")
    try:
        parse_message(source, config, renderer)
    except JournalError as err:
        reason = "; ".join(problem.message for problem in err.problems)
        return Problem(export_path, None, f"{where}: {reason}")
    return None


def guestbook_dir(site_dir: Path) -> Path:
    """`content/guestbook/` of the journal."""
    return site_dir / sources.CONTENT_DIR / sources.GUESTBOOK_DIR


def submission_of(fields: dict[str, str], now: dt.datetime, where: str) -> Submission:
    """A form sent straight to journalgen (the preview server), as an export would hold it."""
    return _submission(
        where=where,
        values=fields,
        date=now,
        spam=False,
        form_name=fields.get("form-name") or None,
    )


def store_posted(site_dir: Path, fields: dict[str, str], now: dt.datetime) -> str | None:
    """A guestbook form sent to the preview server, kept as a pending message exactly as
    an imported one would be (never published until approved); its file name, or None
    when it is not kept because it is a robot's or a duplicate. A message that cannot be
    kept as written (too long, no name…) raises JournalError saying why."""
    config = config_module.load(site_dir)
    submission = submission_of(fields, now, "the preview's form")
    known = existing_keys(sources.guestbook_files(site_dir))
    report = ImportReport()
    for name, text in plan_import(
        [submission], config, known, "journalgen serve", site_dir, report
    ):
        pending = guestbook_dir(site_dir) / sources.PENDING_DIR
        files.write_text_whole(pending / name, text, exclusive=True)
        return name
    if report.skipped:
        raise JournalError(report.skipped)
    return None


def describe(message: Message) -> str:
    """A pending message as `guestbook list` shows it."""
    about = f" · about {message.entry}" if message.entry else ""
    place = f" ({message.location})" if message.location else ""
    head = f"{message.id}\n    {message.date:%Y-%m-%d %H:%M} · {message.name}{place}{about}"
    text = textwrap.shorten(" ".join(message.text.split()), width=300, placeholder=" …")
    return head + "\n" + textwrap.indent(textwrap.fill(text, width=84), "    ")


def parse_pending(
    path: Path, site_dir: Path, config: SiteConfig, renderer: MessageRenderer
) -> Message:
    rel = path.relative_to(site_dir / sources.CONTENT_DIR).as_posix()
    return parse_message(sources.read_message(path, rel), config, renderer)


def resolve(
    ids: Sequence[str], pending: list[Path], *, folder: str, thing: str, listing: str
) -> list[Path]:
    """The files in `pending` the IDs name: a whole ID or file name, or (when only one
    fits) the start of an ID, the key at its end (`846f6ac2`) or a word in it (`ruth`).
    `thing` (message, request…) and `listing` (the command that lists them) are for
    messages. Used for guestbook messages and for requests to follow by email."""
    chosen: list[Path] = []
    problems: list[Problem] = []
    for wanted in ids:
        key = Path(wanted).name
        exact = [p for p in pending if key in (p.stem, p.name)]
        matches = (
            exact
            or [p for p in pending if p.stem.startswith(key)]
            or [p for p in pending if len(key) >= 4 and p.stem.endswith("-" + key)]
            or [p for p in pending if len(key) >= 3 and f"-{key.casefold()}" in p.stem.casefold()]
        )
        if len(matches) == 1:
            if matches[0] not in chosen:
                chosen.append(matches[0])
        elif not matches:
            problems.append(
                Problem(None, None, f"no {thing} waiting in {folder} has the ID {wanted!r}")
            )
        else:
            names = ", ".join(p.stem for p in matches[:4])
            problems.append(
                Problem(None, None, f"{wanted!r} could be any of: {names}", "Give more of the ID.")
            )
    if problems:
        raise JournalError(
            [*problems[:-1], _with_hint(problems[-1], f"See the IDs with `{listing}`.")]
        )
    return chosen


def move_each(chosen: Sequence[Path], target: Path, kind: str, *, what: str) -> None:
    """Move each of `chosen` into `target`, one rename each (so an interrupted run leaves
    every file either moved or where it was), after checking that no name is taken.
    `kind` names the fault-injection point; `what` the files, for the message."""
    target.mkdir(parents=True, exist_ok=True)
    for path in chosen:
        if (target / path.name).exists():
            raise JournalError.at(
                target / path.name,
                f"{what} already has this file name",
                hint="Rename the waiting file, or delete it if it is the same.",
            )
    for number, path in enumerate(chosen, 1):
        faults.point(kind, number)
        path.rename(target / path.name)
    files.sync_folder(target)
    for folder in {path.parent for path in chosen}:
        files.sync_folder(folder)


def _with_hint(problem: Problem, hint: str) -> Problem:
    return problem if problem.hint else Problem(problem.path, problem.line, problem.message, hint)
