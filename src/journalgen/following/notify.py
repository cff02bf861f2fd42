"""`journalgen notify`: each newly published entry, once, to every approved follower.

What was sent is kept in `followers/sent.json`:

    {"version": 1,
     "entries": {"2026/11/22/round-two/": {
         "title": "Round two starts Monday",
         "announced": "2026-11-22T18:03:11+00:00",
         "sent": {"ruth@example.org": "2026-11-22T18:03:12+00:00"},
         "due": {"tom@example.org": "452 4.2.2 mailbox full"},
         "undeliverable": {"ann@example.org": "550 5.1.1 no such user"}}}}

An entry is *announced* the first time notify finds it published: the followers approved
at that moment are its recipients (`due`), and each moves to `sent` as soon as the server
has taken their email, so a run that is stopped half-way, or a server that refuses one
address, leaves exactly the others for the next run. An address the server says does not
exist (5.1.1 and the like: `NO_SUCH_ADDRESS`) is not tried again for that entry
(`undeliverable`): the family is told once, to correct or remove it. Someone
approved later receives the entries announced after that, not the old ones. The very
first run counts the entries older than `FIRST_RUN_DAYS` as announced already, so
approving the first followers of a journal with a long history does not send them all of
it.

Planning is pure (`plan`); `send` talks to the server and writes the record after each
email.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import smtplib
import ssl
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from journalgen import faults
from journalgen.config import SMTP_PASSWORD_VARIABLE, EmailConfig
from journalgen.errors import JournalError, Problem
from journalgen.following import followers as followers_module
from journalgen.following.followers import Follower
from journalgen.output import files
from journalgen.parsing.entries import Entry
from journalgen.structure.site import Site

RECORD_NAME = followers_module.RECORD_NAME
FIRST_RUN_DAYS = 7
TIMEOUT_SECONDS = 60


# --- The record --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Sent:
    """One entry in the record."""

    title: str
    announced: str
    sent: dict[str, str] = field(default_factory=dict)
    due: dict[str, str] = field(default_factory=dict)
    undeliverable: dict[str, str] = field(default_factory=dict)
    """Addresses the server said do not exist, with its words: not tried again."""
    source: str = ""
    """The entry's file (content/entries/…), so that an entry whose address changed (a new
    slug or date) is known as the same entry, not sent again."""


def record_path(site_dir: Path) -> Path:
    return followers_module.folder(site_dir) / RECORD_NAME


def read_record(site_dir: Path) -> dict[str, Sent] | None:
    """The record, or None before notify's first run."""
    path = record_path(site_dir)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    try:
        data = json.loads(text)
        return {
            str(key): Sent(
                title=str(value.get("title", "")),
                announced=str(value["announced"]),
                sent={str(k): str(v) for k, v in value.get("sent", {}).items()},
                due={str(k): str(v) for k, v in value.get("due", {}).items()},
                undeliverable={str(k): str(v) for k, v in value.get("undeliverable", {}).items()},
                source=str(value.get("source", "")),
            )
            for key, value in data["entries"].items()
        }
    except (ValueError, KeyError, TypeError, AttributeError) as err:
        raise JournalError.at(
            path,
            "this record of what was sent cannot be read, so journalgen cannot tell what "
            "was sent already",
            hint="Put back your copy of the file. Deleting it makes notify start afresh: it "
            f"then sends the entries of the last {FIRST_RUN_DAYS} days again.",
        ) from err


def write_record(site_dir: Path, record: dict[str, Sent]) -> None:
    data: dict[str, Any] = {
        "version": 1,
        "entries": {
            key: {
                "title": value.title,
                "announced": value.announced,
                "sent": dict(sorted(value.sent.items())),
                "due": dict(sorted(value.due.items())),
                **(
                    {"undeliverable": dict(sorted(value.undeliverable.items()))}
                    if value.undeliverable
                    else {}
                ),
                "source": value.source,
            }
            for key, value in sorted(record.items())
        },
    }
    text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
    path = record_path(site_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    files.write_text_whole(path, text)


# --- What to send (pure) -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Plan:
    """What a run sends: per entry, the followers it still has to reach."""

    record: dict[str, Sent]
    """The record with this run's announcements added (written before anything is sent)."""
    sends: tuple[tuple[Entry, tuple[Follower, ...]], ...]
    """Newest entry last, so a follower's inbox shows them in the order they were written."""
    quietly_announced: int = 0
    """Entries counted as announced without sending (notify's first run, older entries)."""


def plan(
    site: Site,
    approved: Sequence[Follower],
    record: dict[str, Sent] | None,
    now: dt.datetime,
) -> Plan:
    published = [e for e in site.entries if not site.is_preview(e)]
    first_run = record is None
    by_address = {f.address: f for f in approved}
    # Someone removed since an entry was announced is sent nothing more (and nothing old
    # if they are added again later).
    updated = {
        key: replace(value, due={a: why for a, why in value.due.items() if a in by_address})
        for key, value in (record or {}).items()
    }
    by_source = {value.source: key for key, value in updated.items() if value.source}
    quiet = 0
    stamp = now.astimezone(dt.UTC).isoformat(timespec="seconds")
    for entry in published:
        if entry.path in updated:
            continue
        moved = by_source.get(entry.source.rel)
        if moved is not None and moved not in {e.path for e in published}:
            # The same file under a new address (its slug or date changed): known already.
            updated[entry.path] = replace(updated.pop(moved), title=entry.title)
            continue
        if first_run and entry.date < now - dt.timedelta(days=FIRST_RUN_DAYS):
            updated[entry.path] = Sent(entry.title, stamp, source=entry.source.rel)
            quiet += 1
            continue
        updated[entry.path] = Sent(
            entry.title, stamp, due={a: "" for a in by_address}, source=entry.source.rel
        )
    sends: list[tuple[Entry, tuple[Follower, ...]]] = []
    for entry in sorted(published, key=lambda e: e.date):
        due = updated[entry.path].due
        reach = tuple(by_address[a] for a in sorted(due))
        if reach:
            sends.append((entry, reach))
    return Plan(updated, tuple(sends), quiet)


# --- Sending -----------------------------------------------------------------------------


@dataclass(slots=True)
class Outcome:
    sent: list[tuple[str, str]] = field(default_factory=list)
    """(entry title, address) of each email the server took."""
    failed: list[tuple[str, str, str]] = field(default_factory=list)
    """(entry title, address, the server's reason): kept due, tried again next time."""
    undeliverable: list[tuple[str, str, str]] = field(default_factory=list)
    """(entry title, address, the server's reason): the address does not exist; not tried
    again for this entry."""
    stopped: str | None = None
    """Why sending stopped before the end (the connection was lost…)."""


def send(
    site_dir: Path,
    made: Plan,
    compose: Callable[[Entry, Follower], EmailMessage],
    connect: Callable[[], smtplib.SMTP],
    now: Callable[[], dt.datetime],
) -> Outcome:
    """Send every planned email over one connection, writing the record after each."""
    record = dict(made.record)
    write_record(site_dir, record)
    outcome = Outcome()
    if not made.sends:
        return outcome
    server = connect()
    try:
        for entry, reach in made.sends:
            for follower in reach:
                refused: dict[str, tuple[int, bytes]] | None
                try:
                    mail = compose(entry, follower)
                    sender = mail["From"].addresses[0].addr_spec
                except (ValueError, UnicodeError, IndexError) as err:
                    why = f"cannot be written as an email ({err})"
                    refused = {follower.email: (0, why.encode())}
                else:
                    refused = None
                try:
                    if refused is None:
                        # The recipient is given, never read back from the header.
                        refused = server.send_message(mail, sender, [follower.email])
                except smtplib.SMTPRecipientsRefused as err:
                    refused = {k: v for k, v in err.recipients.items()}
                except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as err:
                    refused = {follower.email: (err.smtp_code, _bytes(err.smtp_error))}
                except (smtplib.SMTPServerDisconnected, OSError) as err:
                    outcome.stopped = f"the connection to the mail server was lost ({err})"
                    return outcome
                before = record[entry.path]
                due, sent = dict(before.due), dict(before.sent)
                undeliverable = dict(before.undeliverable)
                if refused:
                    code, reason = next(iter(refused.values()))
                    why = f"{code or ''} {_words(reason)}".strip()
                    if no_such_address(code, _words(reason)):
                        due.pop(follower.address, None)
                        undeliverable[follower.address] = why
                        outcome.undeliverable.append((entry.title, follower.email, why))
                    else:
                        due[follower.address] = why
                        outcome.failed.append((entry.title, follower.email, why))
                else:
                    due.pop(follower.address, None)
                    sent[follower.address] = now().astimezone(dt.UTC).isoformat(timespec="seconds")
                    outcome.sent.append((entry.title, follower.email))
                record[entry.path] = replace(
                    before, due=due, sent=sent, undeliverable=undeliverable
                )
                write_record(site_dir, record)
                faults.point("notify", len(outcome.sent) + len(outcome.failed))
    finally:
        try:
            server.quit()
        except (smtplib.SMTPException, OSError):
            server.close()
    return outcome


NO_SUCH_ADDRESS = ("5.1.1", "5.1.2", "5.1.3", "5.1.6", "5.1.10")
"""Enhanced status codes (RFC 3463, RFC 7505) saying the recipient's address does not
exist: no such mailbox, no such domain, not an address, moved away, a domain that takes no
mail. (5.1.7 and 5.1.8 are about the sender: the family's own settings.)"""


def no_such_address(code: int, reason: str) -> bool:
    """The server refused the address for good because it does not exist. A full mailbox
    or a refusal of the message (spam, size) may pass another time, so those stay due."""
    words = reason.split(maxsplit=1)
    return 500 <= code < 600 and bool(words) and words[0] in NO_SUCH_ADDRESS


def connect(email: EmailConfig, password: str | None) -> smtplib.SMTP:
    """A connection to the family's mail server, encrypted as the settings say and logged
    in when a password is given. Problems become messages that say what to change (and
    leave no connection open)."""
    problems = check_settings(email)
    if problems or email.smtp_host is None:
        raise JournalError(problems)
    host = email.smtp_host
    where = f"{host}:{email.port}"
    server: smtplib.SMTP | None = None
    try:
        server = _open(email, host, where)
        if email.security == "none" and not this_computer(server):
            raise JournalError.at(
                None,
                f"journalgen will not send email unencrypted to {where}, which is not "
                "this computer",
                hint="Use `security: starttls` (port 587) or `security: ssl` (port 465); "
                "`security: none` is only for a mail server on this computer.",
            )
        if password:
            server.login(email.user or "", password)
        return server
    except BaseException as err:
        if server is not None:
            server.close()
        raise _problem(err, host, where) from err


def this_computer(server: smtplib.SMTP) -> bool:
    """The connection goes to this computer: decided by the address it reached, never by
    how the host's name is spelt (a name can point anywhere)."""
    if server.sock is None:
        return False
    try:
        peer = ipaddress.ip_address(str(server.sock.getpeername()[0]).split("%")[0])
    except (AttributeError, OSError, ValueError):
        return False
    if isinstance(peer, ipaddress.IPv6Address) and peer.ipv4_mapped is not None:
        return peer.ipv4_mapped.is_loopback
    return peer.is_loopback


def _open(email: EmailConfig, host: str, where: str) -> smtplib.SMTP:
    context = ssl.create_default_context()
    if email.security == "ssl":
        return smtplib.SMTP_SSL(host, email.port, timeout=TIMEOUT_SECONDS, context=context)
    server = smtplib.SMTP(host, email.port, timeout=TIMEOUT_SECONDS)
    try:
        server.ehlo()
        if email.security == "starttls":
            if not server.has_extn("starttls"):
                raise JournalError.at(
                    None,
                    f"the mail server {where} does not offer encryption (STARTTLS)",
                    hint="Check smtp_host and smtp_port in journalgen.yaml: most providers "
                    "take `security: starttls` on port 587 or `security: ssl` on port 465.",
                )
            server.starttls(context=context)
            server.ehlo()
    except BaseException:
        server.close()
        raise
    return server


def _problem(err: BaseException, host: str, where: str) -> BaseException:
    """What the person is told when the connection or login fails."""
    if isinstance(err, JournalError | KeyboardInterrupt):
        return err
    if isinstance(err, smtplib.SMTPAuthenticationError):
        return JournalError.at(
            None,
            f"the mail server {where} refused the user name or password "
            f"({err.smtp_code} {_words(err.smtp_error)})",
            hint=f"Check `smtp_user` in journalgen.yaml and {SMTP_PASSWORD_VARIABLE}. Gmail "
            "and iCloud want an app password made for journalgen, not your usual one.",
        )
    if isinstance(err, smtplib.SMTPNotSupportedError):
        return JournalError.at(
            None,
            f"the mail server {where} does not take a password ({err})",
            hint=f"Unset {SMTP_PASSWORD_VARIABLE}, or check smtp_host and smtp_port.",
        )
    if isinstance(err, ssl.SSLCertVerificationError):
        return JournalError.at(
            None,
            f"the mail server {where} could not prove it is {host} ({err.verify_message})",
            hint="Check smtp_host: it must be the name your provider gives, exactly.",
        )
    if isinstance(err, ssl.SSLError | smtplib.SMTPException | OSError):
        return JournalError.at(
            None,
            f"could not reach the mail server {where} ({err})",
            hint="Check smtp_host, smtp_port and security in journalgen.yaml, and that "
            "this computer is online.",
        )
    return err


def _bytes(reason: bytes | str) -> bytes:
    return reason if isinstance(reason, bytes) else reason.encode("utf-8", "replace")


def _words(reason: bytes | str) -> str:
    return reason.decode("utf-8", "replace") if isinstance(reason, bytes) else reason


def check_settings(email: EmailConfig) -> list[Problem]:
    """What keeps notify from sending at all."""
    missing = []
    if email.sender is None:
        missing.append("`from` (the address updates come from)")
    if email.smtp_host is None:
        missing.append("`smtp_host` (your provider's outgoing mail server)")
    if not missing:
        return []
    return [
        Problem(
            None,
            None,
            "journalgen.yaml's `email:` group needs " + " and ".join(missing),
            "For example:\n    email:\n      from: family@example.org\n"
            "      smtp_host: smtp.example.org\n      security: starttls",
        )
    ]
