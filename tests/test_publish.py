"""`journalgen publish` as a family runs it: the first time it says what it needs, then
build, gate, commit and push to a real (local, bare) git repository; a build with a
problem sends nothing; `--wait --notify` waits for a local stand-in of the site to show
the new entry and emails it through a real SMTP server (aiosmtpd)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from browserpages import served
from conftest import written_by_the_family
from journalgen.commands.publish import describe

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


def _journalgen(site: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(p for p in sys.path if p),
        "HOME": str(site.parent / "home"),  # no git identity of the machine's
        "GIT_CONFIG_NOSYSTEM": "1",
        **env,
    }
    environment.pop("JOURNALGEN_SMTP_PASSWORD", None)
    environment.update(env)
    (site.parent / "home").mkdir(exist_ok=True)
    where = [] if args[0] == "init" else ["--site", str(site)]
    return subprocess.run(
        [sys.executable, "-m", "journalgen", *args, *where],
        capture_output=True,
        text=True,
        env=environment,
        timeout=300,
        stdin=subprocess.DEVNULL,
    )


def _journal(tmp: Path, address: str = "https://cooper-journal.netlify.app/") -> Path:
    site = tmp / "cooper"
    made = _journalgen(site, "init", str(site), "--title", "Cooper's journal", "--author", "Jenny")
    assert made.returncode == 0, made.stderr
    return written_by_the_family(site, address)


def _remote(tmp: Path) -> Path:
    remote = tmp / "remote.git"
    subprocess.run(["git", "init", "--bare", "--quiet", str(remote)], check=True)
    return remote


def _log(remote: Path) -> list[str]:
    done = subprocess.run(
        ["git", "--git-dir", str(remote), "log", "--format=%s", "main"],
        capture_output=True,
        text=True,
    )
    return done.stdout.splitlines() if done.returncode == 0 else []


def _files(remote: Path) -> set[str]:
    listed = subprocess.run(
        ["git", "--git-dir", str(remote), "ls-tree", "-r", "--name-only", "main"],
        capture_output=True,
        text=True,
        check=True,
    )
    return set(listed.stdout.splitlines())


def test_publish_says_what_it_needs_then_sends_each_change_with_a_plain_message(
    tmp_path: Path,
) -> None:
    site = _journal(tmp_path)
    first = _journalgen(site, "publish")
    assert first.returncode == 1
    assert "not connected to GitHub yet" in first.stderr
    assert "journalgen publish --to https://github.com/YOU/REPOSITORY.git" in first.stderr
    assert "Traceback" not in first.stderr

    remote = _remote(tmp_path)
    sent = _journalgen(site, "publish", "--to", str(remote))
    assert sent.returncode == 0, sent.stderr
    assert "Sent." in sent.stdout
    files = _files(remote)
    assert "journalgen.yaml" in files and any(f.startswith("content/entries/") for f in files)
    assert not any(
        f.startswith(("output/", "followers/", ".cache/", ".journalgen/")) for f in files
    )
    assert len(_log(remote)) == 1

    made = _journalgen(site, "new", "Round two starts Monday")
    assert made.returncode == 0, made.stderr
    entry = Path(made.stdout.strip())
    entry.write_text(
        entry.read_text()
        .replace("Write your update here.", "We pack the blue bag tonight.")
        .replace(" A blank line starts a new paragraph.", ""),
        encoding="utf-8",
    )
    again = _journalgen(site, "publish")
    assert again.returncode == 0, again.stderr
    assert _log(remote)[0] == "New entry: Round two starts Monday"

    nothing = _journalgen(site, "publish")
    assert nothing.returncode == 0 and "Nothing new since the last publish." in nothing.stdout
    assert len(_log(remote)) == 2


def test_a_build_with_a_problem_is_neither_kept_nor_sent(tmp_path: Path) -> None:
    site = _journal(tmp_path)
    remote = _remote(tmp_path)
    assert _journalgen(site, "publish", "--to", str(remote)).returncode == 0
    entry = next((site / "content/entries").glob("*welcome.md"))
    entry.write_text(entry.read_text() + "\nSee [the photos](2026-01-01-nothing.md).\n")
    refused = _journalgen(site, "publish")
    assert refused.returncode == 1
    assert "links to entries/2026-01-01-nothing.md" in refused.stderr
    assert "nothing was published" in refused.stderr
    assert len(_log(remote)) == 1
    status = subprocess.run(
        ["git", "-C", str(site), "status", "--porcelain"], capture_output=True, text=True
    )
    assert "welcome.md" in status.stdout  # still the family's to fix, not committed


def test_publish_waits_for_the_site_then_emails_the_new_entry(tmp_path: Path) -> None:
    from test_notify import Handler, smtp_server

    live = tmp_path / "live"
    live.mkdir()
    mailbox = Handler()
    with served(live) as address, smtp_server(mailbox) as port:
        site = _journal(tmp_path, address)
        settings = site / "journalgen.yaml"
        settings.write_text(
            settings.read_text()
            + f"email:\n  from: jenny@example.org\n  smtp_host: 127.0.0.1\n  smtp_port: {port}\n"
            "  security: none\n",
            encoding="utf-8",
        )
        added = _journalgen(site, "followers", "add", "Ruth", "ruth@example.org")
        assert added.returncode == 0, added.stderr
        remote = _remote(tmp_path)

        def deploy_later() -> None:  # the host publishes what was pushed, a while later
            time.sleep(3)
            shutil.copytree(site / "output", live, dirs_exist_ok=True)

        host = threading.Thread(target=deploy_later)
        host.start()
        done = _journalgen(
            site, "publish", "--to", str(remote), "--notify", JOURNALGEN_PUBLISH_POLL="0.5"
        )
        host.join()
    assert done.returncode == 0, done.stdout + done.stderr
    assert "It is live." in done.stdout
    assert [tos for _, tos, _ in mailbox.received] == [["ruth@example.org"]]
    (letter,) = mailbox.messages()
    assert "Welcome" in str(letter["Subject"])


def test_the_commit_message_says_what_changed_in_words() -> None:
    titles = {"content/entries/2026-11-22-round-two.md": "Round two"}
    assert (
        describe([("A ", "content/entries/2026-11-22-round-two.md")], titles).message()
        == "New entry: Round two"
    )
    said = describe(
        [
            ("M ", "content/entries/2026-11-22-round-two.md"),
            ("A ", "content/guestbook/2026-11-23-ruth-1234abcd.yaml"),
            ("A ", "content/guestbook/2026-11-23-tom-1234abcd.yaml"),
            ("A ", "content/photos/bag.jpg"),
        ],
        titles,
    ).message()
    assert said == "Changed: Round two, 2 messages approved, 1 other file"


def test_one_command_brings_in_both_downloads_from_a_folder(tmp_path: Path) -> None:
    """The guestbook's and the follow form's downloads, side by side in Downloads with a
    file that is neither: each goes where its command would put it; again, nothing new."""
    from test_guestbook_import import CSV_EXPORT, JSON_EXPORT
    from test_notify import FOLLOW_EXPORT

    site = _journal(tmp_path)
    downloads = tmp_path / "Downloads"
    downloads.mkdir()
    shutil.copy(CSV_EXPORT, downloads / "guestbook-submissions.csv")
    shutil.copy(JSON_EXPORT, downloads / "guestbook-api.json")
    (downloads / "follow-submissions.csv").write_text(FOLLOW_EXPORT, encoding="utf-8")
    (downloads / "bank-statement.csv").write_text("date,amount\n2026-11-01,12\n")
    done = _journalgen(site, "forms", str(downloads))
    assert done.returncode == 0, done.stderr
    assert "follow-submissions.csv: follow requests" in done.stdout
    assert "guestbook-submissions.csv: guestbook messages" in done.stdout
    assert "bank-statement" not in done.stdout
    messages = list((site / "content/guestbook/pending").glob("*.yaml"))
    requests = list((site / "followers/pending").glob("*.yaml"))
    assert messages and len(requests) == 2
    again = _journalgen(site, "forms", str(downloads))
    assert again.returncode == 0, again.stderr
    assert len(list((site / "content/guestbook/pending").glob("*.yaml"))) == len(messages)
    assert len(list((site / "followers/pending").glob("*.yaml"))) == 2


def test_publish_counts_netlifys_deploys_and_warns_before_the_allowance_runs_out(
    tmp_path: Path,
) -> None:
    """Each publish that changes the site is one Netlify deploy; the free plan allows
    about 20 a month before every site of the account is paused. Past 15, publish says
    what is left and how to batch."""
    site = _journal(tmp_path)
    remote = _remote(tmp_path)
    assert _journalgen(site, "publish", "--to", str(remote)).returncode == 0
    said = ""
    for day in range(1, 17):
        entry = site / f"content/entries/2026-11-{day:02d}-day-{day}.md"
        entry.write_text(f'---\ntitle: "Day {day}"\n---\n\nStill here, day {day}.\n')
        done = _journalgen(site, "publish")
        assert done.returncode == 0, done.stderr
        said = done.stdout + done.stderr
    assert "Netlify has deployed the journal about 17 times this month" in said
    assert (
        "about 3 left on its free plan" in said and "journalgen upgrade --host cloudflare" in said
    )


def test_status_shows_the_keeper_what_keeps_the_journal_online(tmp_path: Path) -> None:
    site = _journal(tmp_path)
    settings = site / "journalgen.yaml"
    settings.write_text(settings.read_text() + "domain_renewal: 2027-01-15\n", encoding="utf-8")
    later = site / "content/entries/anniversary.md"
    later.write_text(
        '---\ntitle: "A year on"\ndate: 2099-01-01 09:00\npublish_on: 2099-01-01 09:00\n---\n\n'
        "We remember.\n"
    )
    pending = site / "content/guestbook/pending"
    pending.mkdir(parents=True, exist_ok=True)
    (pending / "2026-11-20-ruth-0000abcd.yaml").write_text(
        'name: "Ruth"\ndate: 2026-11-20 10:00\nmessage: "Thinking of you."\n'
    )
    remote = _remote(tmp_path)
    assert _journalgen(site, "publish", "--to", str(remote)).returncode == 0
    shown = _journalgen(site, "status")
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    said = {line[2:].split("  ", 1)[0].strip(): line for line in lines}
    assert "https://cooper-journal.netlify.app/ (Netlify)" in said["Published at"]
    assert "Deploys this month" in said and "of the free plan's 20" in said["Deploys this month"]
    assert "A year on, 2099-01-01 09:00" in said["Next scheduled entry"]
    assert said["Its hourly check"].startswith("!")  # Netlify without the trigger: told
    assert "1 message" in said["Waiting for you"] and said["Waiting for you"].startswith("!")
    assert "2027-10-31" in said["Python of the host's build"]
    assert "renews on 2027-01-15" in said["The domain"]
    letter = _journalgen(site, "status", "--handover")
    assert letter.stdout.startswith("How this journal is kept")
    assert "- Next scheduled entry: an entry (journalgen schedule), 2099-01-01" in letter.stdout
    assert "A year on" not in letter.stdout  # the letter goes into the keepsake
    assert "Passwords and keys are never in the folder" in letter.stdout


def test_publish_never_takes_over_a_repository_the_journal_sits_in(tmp_path: Path) -> None:
    """A journal inside another git repository (a home folder kept in git): publish
    refuses, and that repository's remote and files are left alone."""
    outer = tmp_path / "home"
    outer.mkdir()
    subprocess.run(["git", "init", "-q", str(outer)], check=True)
    subprocess.run(["git", "-C", str(outer), "remote", "add", "origin", "dotfiles.git"], check=True)
    (outer / "secret.txt").write_text("not for the journal\n")
    site = _journal(outer)
    remote = _remote(tmp_path)
    refused = _journalgen(site, "publish", "--to", str(remote))
    assert refused.returncode == 1
    assert "inside another git repository" in refused.stderr
    remotes = subprocess.run(
        ["git", "-C", str(outer), "remote", "get-url", "origin"], capture_output=True, text=True
    )
    assert remotes.stdout.strip() == "dotfiles.git"
    assert _log(remote) == []


def test_a_large_json_download_is_brought_in(tmp_path: Path) -> None:
    """A JSON download larger than a megabyte (Cloudflare's, fetched whole each time)."""
    import json

    site = _journal(tmp_path)
    downloads = tmp_path / "Downloads"
    downloads.mkdir()
    items = [
        {"form_name": "guestbook", "created_at": f"2026-11-{1 + n % 28:02d}T10:00:{n % 60:02d}Z",
         "data": {"name": f"Friend {n}", "message": f"Message {n}. " + "x" * 8000,
                  "bot-field": ""}}
        for n in range(150)
    ]  # fmt: skip
    (downloads / "guestbook-big.json").write_text(json.dumps(items))
    assert (downloads / "guestbook-big.json").stat().st_size > 1_100_000
    done = _journalgen(site, "forms", str(downloads))
    assert done.returncode == 0, done.stderr
    assert len(list((site / "content/guestbook/pending").glob("*.yaml"))) == 150
