"""`journalgen guestbook import|list|approve|reject` with exports in Netlify's formats.

The fixtures in tests/fixtures/ are made by us in the shapes Netlify produces:
- netlify-guestbook.csv: the form's "Download as CSV" file (one column per form field,
  named as in the HTML, then `created_at`; CRLF line ends, quoted multi-line cells).
- netlify-submissions.json: the body of `GET /api/v1/forms/{form_id}/submissions`: a
  list of objects with `id`, `number`, `data` (the fields plus ip, user_agent, referrer),
  `created_at`, `human_fields`, `ordered_human_fields`, `form_name`, `site_url`….
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import SiteDir
from journalgen.cli import main
from journalgen.errors import JournalError
from journalgen.inbox import read_export

FIXTURES = Path(__file__).parent / "fixtures"
CSV_EXPORT = FIXTURES / "netlify-guestbook.csv"
JSON_EXPORT = FIXTURES / "netlify-submissions.json"


def journal(site: SiteDir) -> SiteDir:
    site.entry("2026-09-14-the-word-nobody-wants.md", 'title: "The word nobody wants"')
    site.entry("2026-11-08-halfway.md", 'title: "Halfway"')
    site.entry("2026-11-20-hair.md", 'title: "On hair, and jars"')
    return site


def run(site: SiteDir, *args: str) -> int:
    return main(["guestbook", *args, "--site", str(site.root)])


def folder(site: SiteDir, name: str = "pending") -> dict[str, str]:
    path = site.root / "content" / "guestbook" / name
    if not path.is_dir():
        return {}
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(path.glob("*.yaml"))}


def published(site: SiteDir) -> list[str]:
    return sorted(p.name for p in (site.root / "content" / "guestbook").glob("*.yaml"))


def test_csv_import_writes_pending_files_and_drops_robots(
    site: SiteDir, capsys: pytest.CaptureFixture[str]
) -> None:
    journal(site)
    assert run(site, "import", str(CSV_EXPORT)) == 0
    out, err = capsys.readouterr()
    pending = folder(site)
    assert len(pending) == 4, pending.keys()
    assert "Imported 4 new messages" in out
    assert "1 from robots: the hidden honeypot field was filled in (dropped)" in out
    assert "line 7: no message" in err  # the row with a blank message
    everything = "\n".join(pending.values())
    assert "Best Prices" not in everything and "spam.example" not in everything
    ruth = next(text for name, text in pending.items() if "ruth-okafor" in name)
    assert 'name: "Ruth Okafor"' in ruth
    assert 'location: "Leeds"' in ruth
    assert 'entry: "halfway"' in ruth
    assert "date: 2026-11-20 14:02" in ruth  # Europe/London, from 14:02 UTC
    assert 'Sending love, and a "proper" hug, to all four of you.' in ruth
    # Control characters a robot or a broken program added are gone.
    mike = next(text for name, text in pending.items() if "mike" in name)
    assert "\x07" not in mike and "\x1b" not in mike and "Tom's cousin Mike" in mike
    # Names in other scripts keep their letters; the file gets an ID anyone can type.
    assert any(name.startswith("2026-11-21-message-") for name in pending)
    assert "سميرة" in everything
    # Nothing waiting is published.
    site.build()
    assert b"Ruth Okafor" not in b"".join(site.output_files().values())


def test_reimporting_the_same_export_adds_nothing(
    site: SiteDir, capsys: pytest.CaptureFixture[str]
) -> None:
    journal(site)
    assert run(site, "import", str(CSV_EXPORT)) == 0
    first = folder(site)
    capsys.readouterr()
    assert run(site, "import", str(CSV_EXPORT)) == 0
    assert folder(site) == first
    out = capsys.readouterr().out
    assert "Imported 0 new messages" in out and "4 already imported" in out


def test_json_import_skips_what_the_csv_brought_and_spam_and_other_forms(
    site: SiteDir, capsys: pytest.CaptureFixture[str]
) -> None:
    journal(site)
    assert run(site, "import", str(CSV_EXPORT)) == 0
    before = folder(site)
    capsys.readouterr()
    assert run(site, "import", str(JSON_EXPORT)) == 0
    out = capsys.readouterr().out
    after = folder(site)
    new = sorted(set(after) - set(before))
    assert len(new) == 1 and "grandma-pat" in new[0]
    assert "1 already imported" in out  # Ruth, downloaded once as CSV and once as JSON
    assert "1 flagged as spam by Netlify (dropped)" in out
    assert "1 from robots" in out
    assert "1 sent with another form (ignored)" in out
    text = after[new[0]]
    assert "submission 6740a8f2e1c4b20081d3e9a1" in text  # where it came from
    assert 'location: "Galway"' in text and 'entry: "hair"' in text
    assert "203.0.113" not in text  # the reader's IP address is not kept


def test_json_import_alone_and_a_webhook_body(site: SiteDir, tmp_path: Path) -> None:
    journal(site)
    assert run(site, "import", str(JSON_EXPORT)) == 0
    assert len(folder(site)) == 2  # Grandma Pat and Ruth
    hook = json.loads(JSON_EXPORT.read_text(encoding="utf-8"))[0]
    hook["id"] = "0000aaaa"
    hook["created_at"] = "2026-11-22T08:00:00.000Z"
    hook["data"]["message"] = "Sent once more, by a webhook."
    body = tmp_path / "hook.json"
    body.write_text(json.dumps({"payload": hook}), encoding="utf-8")
    assert run(site, "import", str(body)) == 0
    assert len(folder(site)) == 3


def test_approve_and_reject_move_files_and_import_does_not_bring_them_back(
    site: SiteDir, capsys: pytest.CaptureFixture[str]
) -> None:
    journal(site)
    assert run(site, "import", str(CSV_EXPORT)) == 0
    pending = sorted(folder(site))
    ruth = next(name for name in pending if "ruth" in name)
    curious = next(name for name in pending if "curious" in name)
    arabic = next(name for name in pending if "-message-" in name)
    key = arabic.removesuffix(".yaml").rsplit("-", 1)[1]
    assert run(site, "approve", "ruth", key) == 0  # a word of the ID, or its key
    assert run(site, "reject", curious.removesuffix(".yaml")) == 0
    assert published(site) == sorted([ruth, arabic])
    assert list(folder(site, "rejected")) == [curious]
    assert ruth not in folder(site) and curious not in folder(site)
    report = site.build()
    assert report.warnings == ()
    halfway = site.read("2026/11/halfway/index.html")
    assert "Ruth Okafor" in halfway and "1 message from friends" in halfway
    everything = b"".join(site.output_files().values())
    assert b"Curious" not in everything
    assert "سميرة".encode() in everything
    capsys.readouterr()
    assert run(site, "import", str(CSV_EXPORT)) == 0
    assert "Imported 0 new messages" in capsys.readouterr().out
    assert len(folder(site)) == 1  # only Mike is still waiting


def test_list_shows_ids_names_and_text(site: SiteDir, capsys: pytest.CaptureFixture[str]) -> None:
    journal(site)
    assert run(site, "list") == 0
    assert "No messages are waiting" in capsys.readouterr().out
    assert run(site, "import", str(CSV_EXPORT)) == 0
    capsys.readouterr()
    assert run(site, "list") == 0
    out = capsys.readouterr().out
    assert "4 messages waiting for approval" in out
    for name in folder(site):
        assert name.removesuffix(".yaml") in out
    assert "Ruth Okafor (Leeds) · about halfway" in out
    assert "<script>alert('hi')</script> *Get well soon*, Finn." in out


def test_approve_checks_every_message_before_moving_any(
    site: SiteDir, capsys: pytest.CaptureFixture[str]
) -> None:
    journal(site)
    assert run(site, "import", str(CSV_EXPORT)) == 0
    pending = site.root / "content" / "guestbook" / "pending"
    broken = next(pending.glob("*ruth*"))
    broken.write_text(broken.read_text(encoding="utf-8") + "colour: red\n", encoding="utf-8")
    assert run(site, "approve", "--all") == 1
    err = capsys.readouterr().err
    assert broken.name in err and "unknown message key `colour`" in err
    assert published(site) == []
    assert len(folder(site)) == 4


@pytest.mark.parametrize(
    ("ids", "error"),
    [
        (["nobody"], "no message waiting in content/guestbook/pending/ has the ID 'nobody'"),
        (["2026-11-21"], "could be any of"),
        ([], "say which messages to approve"),
    ],
)
def test_approve_names_what_it_cannot_find(
    site: SiteDir, capsys: pytest.CaptureFixture[str], ids: list[str], error: str
) -> None:
    journal(site)
    assert run(site, "import", str(CSV_EXPORT)) == 0
    capsys.readouterr()
    assert run(site, "approve", *ids) == 1
    assert error in capsys.readouterr().err
    assert published(site) == []


def test_an_export_of_another_form_is_refused(site: SiteDir, tmp_path: Path) -> None:
    journal(site)
    other = tmp_path / "contact.csv"
    other.write_text("email,subject,created_at\r\na@b.org,Hi,2026-11-20T10:00:00Z\r\n")
    with pytest.raises(JournalError, match="no `name` and `message` columns"):
        read_export(other.read_bytes(), other)
    assert run(site, "import", str(other)) == 1
    assert run(site, "import", str(tmp_path / "missing.csv")) == 1
    assert folder(site) == {}


def test_csv_with_labels_as_headers_and_a_byte_order_mark(site: SiteDir, tmp_path: Path) -> None:
    journal(site)
    export = tmp_path / "labels.csv"
    rows = (
        "Your name,Your message,Entry,Created at\r\n"
        'Nan,"Lovely, lovely news.",halfway,2026-11-20T18:00:00Z\r\n'
    )
    export.write_bytes(b"\xef\xbb\xbf" + rows.encode("utf-8"))
    [submission] = read_export(export.read_bytes(), export)
    assert submission.name == "Nan" and submission.message == "Lovely, lovely news."
    assert submission.entry == "halfway" and submission.date is not None
    assert run(site, "import", str(export)) == 0
    assert len(folder(site)) == 1


def test_imported_text_survives_the_round_trip_exactly(site: SiteDir, tmp_path: Path) -> None:
    """Whatever a reader typed comes back out of the YAML file unchanged."""
    journal(site)
    tricky = [
        "Quotes \" and ' and a colon: here",
        "Trailing spaces   \nand # not a comment\n\n- not a list\n> not a quote",
        "null",
        "true",
        "|",
        "@handle and `ticks` and {braces} and [brackets] and %percent",
        "\u2028line separator and \u202eright-to-left override",
        "Emoji 🌻 and 漢字 and עברית",
    ]
    submissions = [
        {
            "id": f"id{index}",
            "created_at": f"2026-11-20T10:{index:02d}:00Z",
            "form_name": "guestbook",
            "data": {"name": text.splitlines()[0] or "x", "message": text},
        }
        for index, text in enumerate(tricky)
    ]
    export = tmp_path / "tricky.json"
    export.write_text(json.dumps(submissions), encoding="utf-8")
    assert run(site, "import", str(export)) == 0
    assert run(site, "approve", "--all") == 0
    site.build()
    from journalgen import config
    from journalgen.reading import sources
    from journalgen.structure import guestbook

    settings = config.load(site.root)
    tree = sources.discover(site.root)
    texts = {m.text for m in guestbook.parse_messages(tree.messages, settings)}
    assert texts == {text.strip() for text in tricky}


def test_every_row_of_both_exports_is_read_as_pythons_own_readers_read_it() -> None:
    """journalgen's export reader beside Python's csv and json modules: the same rows, in
    order, with the same name, message, entry and honeypot (control characters, which no
    page can carry, left out)."""
    import csv
    import io

    def shown(text: str) -> str:
        return re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", "", text).strip()

    rows = list(csv.DictReader(io.StringIO(CSV_EXPORT.read_text(encoding="utf-8-sig"))))
    read = read_export(CSV_EXPORT.read_bytes(), CSV_EXPORT)
    assert [(s.name, s.message, s.entry, s.honeypot) for s in read] == [
        (shown(r["name"]), shown(r["message"]), r["entry"] or None, bool(r["bot-field"]))
        for r in rows
    ]
    api = json.loads(JSON_EXPORT.read_text(encoding="utf-8"))
    read = read_export(JSON_EXPORT.read_bytes(), JSON_EXPORT)
    assert [(s.name, s.message, s.entry) for s in read] == [
        (shown(i["data"]["name"]), shown(i["data"]["message"]), i["data"]["entry"] or None)
        for i in api
    ]
