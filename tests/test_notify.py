"""`journalgen notify` against a real SMTP server (aiosmtpd on 127.0.0.1, with STARTTLS and
AUTH in one test), run as a reader's family would run it: the command in a subprocess. The
emails are parsed back with Python's `email` package."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import json
import os
import re
import socket
import ssl
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from conftest import SiteDir

pytest.importorskip("aiosmtpd")
trustme = pytest.importorskip("trustme")

from aiosmtpd.controller import Controller  # noqa: E402
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session  # noqa: E402

FAMILY = "family@example.org"
RUTH = "ruth@example.org"
TOM = "tom@example.net"
ANN = "ann@example.com"


def _day(days: int) -> str:
    return (dt.datetime.now(dt.UTC) + dt.timedelta(days=days)).strftime("%Y-%m-%d %H:%M")


CONFIG = """\
title: "Test journal"
base_url: https://journal.example.org/
language: en
timezone: UTC
author: jenny
authors:
  jenny: {{name: Jenny}}
email:
  from: {family}
  smtp_host: 127.0.0.1
  smtp_port: {port}
  security: {security}
{extra}"""


@dataclass
class Handler:
    """Keeps every message; refuses the addresses in `refuse` (as a full mailbox would)."""

    refuse: set[str] = field(default_factory=set)
    unknown: set[str] = field(default_factory=set)
    """Addresses that do not exist on this server."""
    received: list[tuple[str, list[str], bytes]] = field(default_factory=list)
    asked: list[str] = field(default_factory=list)
    """Every recipient a client asked for."""

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: Any
    ) -> str:
        self.asked.append(address)
        if address in self.unknown:
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        if address in self.refuse:
            return "550 5.2.2 mailbox full"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        data = envelope.original_content or b""
        self.received.append((str(envelope.mail_from), list(envelope.rcpt_tos), data))
        return "250 Message accepted for delivery"

    def messages(self) -> list[EmailMessage]:
        found = []
        for _, _, data in self.received:
            parsed = email.message_from_bytes(data, policy=email.policy.default)
            assert isinstance(parsed, EmailMessage)
            found.append(parsed)
        return found


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def smtp_server(handler: Handler, **options: Any) -> Iterator[int]:
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, **options)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()


def journal(site: SiteDir, port: int, security: str = "none", extra: str = "") -> None:
    site.write(
        "journalgen.yaml",
        CONFIG.format(family=FAMILY, port=port, security=security, extra=extra),
    )
    from PIL import Image

    (site.root / "content/photos").mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (64, 48), (200, 120, 40)).save(site.root / "content/photos/garden.jpg")
    site.entry(
        "halfway.md",
        f'title: "Halfway"\ndate: {_day(-1)}\n',
        "Cooper is **halfway** through. [The ward](https://example.com/ward) was kind.\n\n"
        "![Cooper in the garden](../photos/garden.jpg)\n\n- one\n- two\n",
    )
    site.entry("old.md", f'title: "Long ago"\ndate: {_day(-40)}\n', "From the first week.\n")
    site.entry("draft.md", f'title: "Not yet written"\ndate: {_day(-1)}\ndraft: true\n')
    site.entry(
        "farewell.md",
        'title: "A held goodbye"\nkind: farewell\ndraft: true\n',
        "Words for later.\n",
    )
    site.entry(
        "later.md",
        f'title: "Scheduled news"\ndate: {_day(-1)}\npublish_on: {_day(2)}\n',
        "Not yet.\n",
    )
    site.write(
        "content/guestbook/2026-11-20-ruth-0000aaaa.yaml",
        f'name: "Ruth"\ndate: {_day(-1)}\nentry: halfway\nmessage: "A private guestbook word."\n',
    )
    follower(site, "Ruth", RUTH)
    follower(site, "Tom", TOM)


def follower(site: SiteDir, name: str, address: str) -> None:
    result = run(site, "followers", "add", name, address)
    assert result.returncode == 0, result.stderr


def run(site: SiteDir, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(p for p in sys.path if p),
        **env,
    }
    environment.pop("JOURNALGEN_SMTP_PASSWORD", None)
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-m", "journalgen", *args, "--site", str(site.root)],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
    )


def _str(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _text(message: EmailMessage, kind: str) -> str:
    part = message.get_body(preferencelist=(kind,))
    assert part is not None and part.get_content_type() == f"text/{kind}", kind
    return str(part.get_content()).replace("\r\n", "\n")


def test_each_new_entry_reaches_every_follower_once_and_nothing_unpublished_ever(
    site: SiteDir,
) -> None:
    handler = Handler()
    with smtp_server(handler) as port:
        journal(site, port)
        first = run(site, "notify")
        assert first.returncode == 0, first.stderr
        assert "1 entry older than 7 days" in first.stdout  # "Long ago" is history
        messages = handler.messages()
        assert sorted(to for _, tos, _ in handler.received for to in tos) == [RUTH, TOM]
        for message in messages:
            assert message["Subject"] == "New in Test journal: Halfway"
            assert message["From"].addresses[0].addr_spec == FAMILY
            assert message["From"].addresses[0].display_name == "Test journal"
            unsubscribe = str(message["List-Unsubscribe"]).strip()
            assert unsubscribe.startswith(f"<mailto:{FAMILY}?subject=") and unsubscribe.endswith(
                ">"
            )
            plain = _text(message, "plain")
            page = _text(message, "html")
            link = "https://journal.example.org/" + _day(-1)[:4] + "/" + _day(-1)[5:7] + "/halfway/"
            assert "Cooper is halfway through." in plain
            assert "The ward <https://example.com/ward> was kind." in plain
            assert f"Read it on the journal: {link}" in plain
            assert "The guestbook: https://journal.example.org/guestbook/" in plain
            assert "To stop, reply with the word “stop”" in plain
            assert "- one\n- two" in plain
            assert f'<a href="{link}">' in page and "<strong>halfway</strong>" in page
            assert 'href="https://journal.example.org/guestbook/"' in page
            # The photo is a link to the site, never an image the mail program fetches.
            assert "<img" not in page and "[Photo: Cooper in the garden]" in page
            assert 'href="https://journal.example.org/assets/' in page or (
                'href="https://journal.example.org/photos/' in page
            )
            assert "[Photo: Cooper in the garden: https://journal.example.org/" in plain
            # Guestbook text is never sent; neither is anything unpublished.
            for words in (
                "A private guestbook word",
                "Not yet written",
                "A held goodbye",
                "Words for later",
                "Scheduled news",
                "Long ago",
            ):
                assert words not in plain and words not in page, words
        to_ruth = next(m for m in messages if RUTH in str(m["To"]))
        assert to_ruth["To"].addresses[0].display_name == "Ruth"

        again = run(site, "notify")
        assert again.returncode == 0, again.stderr
        assert "Nothing new to send" in again.stdout
        assert len(handler.received) == 2
        # A new address for the same entry (its slug changed) is not a new entry.
        halfway = site.root / "content/entries/halfway.md"
        halfway.write_text(halfway.read_text().replace("---\n\n", "slug: half-way\n---\n\n", 1))
        moved = run(site, "notify")
        assert "Nothing new to send" in moved.stdout, moved.stderr
        assert len(handler.received) == 2
        assert "/half-way/" in (site.root / "followers/sent.json").read_text()

        # The scheduled entry comes due: it is sent then, once.
        later = site.root / "content/entries/later.md"
        # (The line as written, whatever minute `_day` said then.)
        later.write_text(re.sub(r"publish_on: .*", f"publish_on: {_day(-1)}", later.read_text()))
        due = run(site, "notify")
        assert due.returncode == 0, due.stderr
        subjects = [m["Subject"] for m in handler.messages()[2:]]
        assert subjects == ["New in Test journal: Scheduled news"] * 2
    record = json.loads((site.root / "followers/sent.json").read_text())
    assert all(not value["due"] for value in record["entries"].values())


def test_a_refused_address_is_reported_and_retried_and_the_others_delivered(
    site: SiteDir,
) -> None:
    handler = Handler(refuse={TOM})
    with smtp_server(handler) as port:
        journal(site, port)
        result = run(site, "notify")
        assert result.returncode == 1
        assert f"not sent: “Halfway” to {TOM}: 550 5.2.2 mailbox full" in result.stderr
        assert [tos for _, tos, _ in handler.received] == [[RUTH]]
        handler.refuse.clear()
        retry = run(site, "notify")
        assert retry.returncode == 0, retry.stderr
        # Tom gets it now; Ruth does not get it twice.
        assert [tos for _, tos, _ in handler.received] == [[RUTH], [TOM]]


def test_an_address_that_does_not_exist_is_tried_once_per_entry(site: SiteDir) -> None:
    """A mistyped address: the server says no such user. The family is told what to do,
    and the address is not tried again for that entry on every later run; a new entry
    tries it once more (the family may have corrected it meanwhile)."""
    handler = Handler(unknown={ANN})
    with smtp_server(handler) as port:
        journal(site, port)
        follower(site, "Ann", ANN)
        first = run(site, "notify")
        assert first.returncode == 1
        assert f"not sent: “Halfway” to {ANN}: 550 5.1.1" in first.stderr
        assert "does not exist" in first.stderr
        assert f"journalgen followers remove {ANN}" in first.stderr
        assert sorted(tos[0] for _, tos, _ in handler.received) == sorted([RUTH, TOM])
        assert handler.asked.count(ANN) == 1
        again = run(site, "notify")
        assert again.returncode == 0, again.stderr
        assert ANN not in again.stderr and handler.asked.count(ANN) == 1
        record = json.loads((site.root / "followers/sent.json").read_text())
        halfway = next(v for v in record["entries"].values() if v["title"] == "Halfway")
        assert list(halfway["undeliverable"]) == [ANN] and not halfway["due"]
        site.entry("news.md", f'title: "News"\ndate: {_day(0)}\n', "More.\n")
        third = run(site, "notify")
        assert f"not sent: “News” to {ANN}" in third.stderr
        assert handler.asked.count(ANN) == 2


def test_a_run_killed_half_way_sends_the_rest_next_time_and_nothing_twice(site: SiteDir) -> None:
    handler = Handler()
    with smtp_server(handler) as port:
        journal(site, port)
        killed = run(site, "notify", JOURNALGEN_KILL_AT="notify:1")
        assert killed.returncode == -9
        assert len(handler.received) == 1
        first = handler.received[0][1]
        rest = run(site, "notify")
        assert rest.returncode == 0, rest.stderr
        assert len(handler.received) == 2
        assert handler.received[1][1] != first


def test_starttls_and_login_with_the_password_from_the_environment(
    site: SiteDir, tmp_path: Path
) -> None:
    authority = trustme.CA()
    certificate = authority.issue_cert("127.0.0.1")
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    certificate.configure_cert(server_context)
    ca_file = tmp_path / "ca.pem"
    authority.cert_pem.write_to_path(str(ca_file))
    logins: list[tuple[str, str]] = []

    def authenticator(
        server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
    ) -> AuthResult:
        assert isinstance(auth_data, LoginPassword)
        login = (_str(auth_data.login), _str(auth_data.password))
        logins.append(login)
        # handled=False: aiosmtpd answers a refusal itself (535).
        return AuthResult(success=login == (FAMILY, "an app password"), handled=False)

    handler = Handler()
    with smtp_server(
        handler,
        tls_context=server_context,
        require_starttls=True,
        auth_required=True,
        authenticator=authenticator,
    ) as port:
        journal(site, port, security="starttls")
        wrong = run(site, "notify", JOURNALGEN_SMTP_PASSWORD="wrong", SSL_CERT_FILE=str(ca_file))
        assert wrong.returncode == 1
        assert "refused the user name or password" in wrong.stderr
        assert "JOURNALGEN_SMTP_PASSWORD" in wrong.stderr
        assert not handler.received
        untrusted = run(site, "notify", JOURNALGEN_SMTP_PASSWORD="an app password")
        assert untrusted.returncode == 1
        assert "could not prove it is 127.0.0.1" in untrusted.stderr
        right = run(
            site, "notify", JOURNALGEN_SMTP_PASSWORD="an app password", SSL_CERT_FILE=str(ca_file)
        )
        assert right.returncode == 0, right.stderr
        assert sorted(tos[0] for _, tos, _ in handler.received) == [RUTH, TOM]
        assert logins[-1] == (FAMILY, "an app password")


def test_a_farewell_is_sent_with_its_own_quiet_subject(site: SiteDir) -> None:
    handler = Handler()
    with smtp_server(handler) as port:
        journal(site, port)
        site.entry(
            "goodbye.md",
            f'title: "Goodbye, for now"\nkind: farewell\ndate: {_day(0)}\n',
            "Thank you for reading.\n",
        )
        assert run(site, "notify").returncode == 0
    subjects = sorted({str(m["Subject"]) for m in handler.messages()})
    assert subjects == ["New in Test journal: Halfway", "Test journal: Goodbye, for now"]


def test_dry_run_shows_what_would_go_and_sends_and_records_nothing(site: SiteDir) -> None:
    handler = Handler()
    with smtp_server(handler) as port:
        journal(site, port)
        result = run(site, "notify", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert (
        "Would send “New in Test journal: Halfway” to 2: Ruth <ruth@example.org>" in result.stdout
    )
    assert "Cooper is halfway through." in result.stdout
    assert not handler.received
    assert not (site.root / "followers/sent.json").exists()


FOLLOW_EXPORT = """\
name,email,bot-field,created_at
Ruth,ruth@example.org,,2026-11-20T14:02:06.088Z
Robot,robot@example.com,I am a bot,2026-11-20T14:03:00Z
Not an address,ruth-at-example,,2026-11-20T14:04:00Z
Ann,ann@example.org,,2026-11-21T09:00:00Z
"""


def test_requests_wait_for_approval_and_nobody_is_sent_anything_before(site: SiteDir) -> None:
    handler = Handler()
    with smtp_server(handler) as port:
        site.write(
            "journalgen.yaml",
            CONFIG.format(family=FAMILY, port=port, security="none", extra=""),
        )
        site.entry("news.md", f'title: "News"\ndate: {_day(0)}\n', "Good news.\n")
        export = site.write("follow.csv", FOLLOW_EXPORT)
        # The guestbook's import refuses it, saying which command takes it.
        wrong = run(site, "guestbook", "import", str(export))
        assert wrong.returncode == 1
        assert "journalgen followers import follow.csv" in wrong.stderr
        brought = run(site, "followers", "import", str(export))
        assert brought.returncode == 0, brought.stderr
        assert "Brought in 2 new requests" in brought.stdout
        assert "1 from robots" in brought.stdout
        assert "ruth-at-example" in brought.stderr
        again = run(site, "followers", "import", str(export))
        assert "Brought in 0 new requests" in again.stdout and "2 already" in again.stdout
        pending = sorted(p.name for p in (site.root / "followers/pending").iterdir())
        assert len(pending) == 2
        assert run(site, "notify").returncode == 0
        assert not handler.received  # nobody approved yet
        assert run(site, "followers", "approve", "ann").returncode == 0
        assert run(site, "followers", "reject", "ruth").returncode == 0
        site.entry("more.md", f'title: "More news"\ndate: {_day(0)}\n', "More.\n")
        assert run(site, "notify").returncode == 0
        assert [tos for _, tos, _ in handler.received] == [["ann@example.org"]]
        # A rejected request does not come back with the next export.
        assert "Brought in 0 new" in run(site, "followers", "import", str(export)).stdout
        removed = run(site, "followers", "remove", "ANN@example.org")
        assert removed.returncode == 0, removed.stderr
        site.entry("last.md", f'title: "Last news"\ndate: {_day(0)}\n', "Last.\n")
        assert run(site, "notify").returncode == 0
        assert len(handler.received) == 1
    # No address is ever published.
    assert run(site, "build").returncode == 0
    for rel, data in site.output_files().items():
        assert b"ann@example.org" not in data and b"ruth@example.org" not in data, rel


@pytest.mark.parametrize(
    "address", ["x,evil@example.org", "a;b@example.org", "a(b)@example.org", "rüth@example.org"]
)
def test_an_address_a_mail_header_could_misread_is_refused(site: SiteDir, address: str) -> None:
    site.write("journalgen.yaml", CONFIG.format(family=FAMILY, port=25, security="none", extra=""))
    result = run(site, "followers", "add", "Someone", address)
    assert result.returncode == 1
    assert "is not an email address" in result.stderr
    assert not (site.root / "followers").exists()


def test_the_email_password_is_refused_in_the_settings(site: SiteDir) -> None:
    site.write(
        "journalgen.yaml",
        CONFIG.format(family=FAMILY, port=25, security="none", extra="  password: hunter2\n"),
    )
    result = run(site, "notify")
    assert result.returncode == 1
    assert "journalgen.yaml:13" in result.stderr  # the line of `password:`
    assert "JOURNALGEN_SMTP_PASSWORD" in result.stderr


def test_a_password_for_a_server_that_takes_none_is_a_plain_message(site: SiteDir) -> None:
    handler = Handler()
    with smtp_server(handler) as port:
        journal(site, port)
        result = run(site, "notify", JOURNALGEN_SMTP_PASSWORD="secret")
    assert result.returncode == 1
    assert f"the mail server 127.0.0.1:{port} does not take a password" in result.stderr
    assert "Traceback" not in result.stderr and "bug in journalgen" not in result.stderr
    assert not handler.received


@pytest.mark.parametrize(
    ("code", "reason", "gone"),
    [
        (550, "5.1.1 <ann@example.com>: User unknown", True),
        (550, "5.1.10 Recipient address has null MX", True),
        (553, "5.1.3 Bad recipient address syntax", True),
        (550, "5.1.7 Bad sender's mailbox address syntax", False),  # the family's own
        (552, "5.2.2 Mailbox full", False),
        (550, "5.7.1 Message rejected as spam", False),
        (450, "4.1.1 Try again later", False),
        (550, "No such user here", False),  # no enhanced code: retried, to be safe
    ],
)
def test_only_an_address_that_does_not_exist_is_given_up(
    code: int, reason: str, gone: bool
) -> None:
    from journalgen.following.notify import no_such_address

    assert no_such_address(code, reason) is gone


HOSTILE = [
    "Good news =?utf-8?q?=0D=0AReply-To:_thief@attacker.example?=",
    "Good news =?utf-8?b?DQpCY2M6IHRoaWVmQGF0dGFja2VyLmV4YW1wbGU=?=",
    "Line\r\nBcc: thief@attacker.example",
    "Para\u2028Bcc: thief@attacker.example\u2029Reply-To: thief@attacker.example",
    "Marie (Les carnets de Léa)",
    "Carnet de Léa <3",
    'Léa @ home, "vraiment"; [ok] : \\ é',
    "=?utf-8?q?=3Cthief=40attacker.example=3E?=",
]


MEANT_HEADERS = sorted(
    [
        "Subject",
        "From",
        "To",
        "Date",
        "Message-ID",
        "List-Unsubscribe",
        "Content-Language",
        "Content-Type",
        "MIME-Version",
    ]
)


def _meant(text: str) -> str:
    """What a person reads in a header made from `text`: its words, one line."""
    return " ".join(text.replace("\u2028", " ").replace("\u2029", " ").split())


@pytest.mark.parametrize("hostile", HOSTILE)
def test_no_header_but_the_ones_meant_whatever_a_title_or_name_holds(
    site: SiteDir, hostile: str
) -> None:
    """Read back with Python's strict policy (on the Python CI runs, one with
    CVE-2024-6923): exactly journalgen's headers, the intended From and To, a plain
    List-Unsubscribe and the language."""
    handler = Handler()
    with smtp_server(handler) as port:
        journal(site, port, extra=f"  name: {json.dumps(hostile)}\n")
        site.entry("news.md", f"title: {json.dumps(hostile)}\ndate: {_day(0)}\n", "News.\n")
        (site.root / "followers").mkdir(exist_ok=True)
        (site.root / "followers/ann.yaml").write_text(
            f"name: {json.dumps(hostile)}\nemail: {ANN}\n", encoding="utf-8"
        )
        result = run(site, "notify")
    assert result.returncode == 0, result.stderr
    received = [data for _, _, data in handler.received]
    assert {tuple(tos) for _, tos, _ in handler.received} == {(RUTH,), (TOM,), (ANN,)}
    subjects: list[str] = []
    for data in received:
        mail = email.message_from_bytes(data, policy=email.policy.strict)
        assert isinstance(mail, EmailMessage)
        assert sorted(mail.keys()) == MEANT_HEADERS, data[:2000]
        (author,) = mail["From"].addresses
        assert (author.display_name.replace("\u2060", ""), author.addr_spec) == (
            _meant(hostile),
            FAMILY,
        )
        (reader,) = mail["To"].addresses
        if reader.addr_spec == ANN:
            assert reader.display_name.replace("\u2060", "") == _meant(hostile)
        subjects.append(str(mail["Subject"]).replace("\u2060", ""))
        unsubscribe = str(mail["List-Unsubscribe"])
        assert re.fullmatch(r"<mailto:family@example\.org\?subject=[^\s<>]+>", unsubscribe)
        raw = data.split(b"\r\n\r\n")[0].decode("ascii")
        assert f"List-Unsubscribe: {unsubscribe}" in raw  # plain, never an encoded word
        assert mail["Content-Language"] == "en"
    assert sorted(subjects) == sorted(
        ["New in Test journal: Halfway"] * 3 + [_meant(f"New in Test journal: {hostile}")] * 3
    )


def test_no_email_goes_unencrypted_to_a_server_that_is_not_this_computer(
    site: SiteDir, tmp_path: Path
) -> None:
    """`security: none` to an address off this computer (here 192.0.2.25, an address of a
    network namespace made for the test) is refused before anything is sent, with or
    without a password; on this computer it is allowed (every other test)."""
    if os.geteuid() != 0 or subprocess.run(["unshare", "-n", "true"]).returncode != 0:
        pytest.skip("needs root to make a network namespace")
    script = tmp_path / "inside.py"
    script.write_text(
        f"""
import subprocess, sys
from aiosmtpd.controller import Controller
sys.path.insert(0, {str(Path(__file__).parent)!r})
from test_notify import Handler
subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
subprocess.run(["ip", "addr", "add", "192.0.2.25/32", "dev", "lo"], check=True)
handler = Handler()
controller = Controller(handler, hostname="192.0.2.25", port=2525)
controller.start()
result = subprocess.run(sys.argv[1:], capture_output=True, text=True)
controller.stop()
print(result.returncode, len(handler.received))
print(result.stderr)
""",
        encoding="utf-8",
    )
    journal(site, 2525)
    config = site.root / "journalgen.yaml"
    config.write_text(config.read_text().replace("127.0.0.1", "192.0.2.25"))
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    journalgen = [sys.executable, "-m", "journalgen", "notify", "--site", str(site.root)]
    for password in ("", "secret"):
        environment["JOURNALGEN_SMTP_PASSWORD"] = password
        inside = subprocess.run(
            ["unshare", "-n", sys.executable, str(script), *journalgen],
            capture_output=True,
            text=True,
            env=environment,
            timeout=120,
        )
        first, _, stderr = inside.stdout.partition("\n")
        assert first == "1 0", inside.stdout + inside.stderr
        assert "will not send email unencrypted to 192.0.2.25:2525" in stderr
