"""`journalgen publish`: the everyday loop in one command.

Build, check the build as the host will (`deploy-check`), commit what changed in the
journal with a plain message, and push it to the repository the host publishes from; then,
if asked, wait (a bounded time) until the site shows the newest entry and email it to the
followers. Git does the keeping and the sending; the first time, when the journal is not
yet a repository connected to one on GitHub, the command says in plain words what it needs
(`--to ADDRESS` connects it).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from journalgen.errors import JournalError, Problem

if TYPE_CHECKING:
    from journalgen.structure.site import Site

WAIT_SECONDS = 600
"""How long `--wait` waits for the site to show the newest entry."""
POLL_SECONDS = 10.0
"""How often it looks (JOURNALGEN_PUBLISH_POLL changes it, for tests)."""


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
    site: argparse.ArgumentParser,
) -> None:
    publish = commands.add_parser(
        "publish",
        parents=[common, site],
        help="build, check, and send the journal to the host (git commit and push)",
        description="Build the journal, check it as the host will (deploy-check), keep "
        "what changed in git with a plain message and push it to GitHub, where the host "
        "publishes it from. Nothing is sent when the check finds a problem.",
    )
    publish.add_argument(
        "--to",
        metavar="ADDRESS",
        help="the first time: the address of the journal's repository on GitHub (for "
        "example https://github.com/jenny/cooper-journal.git)",
    )
    publish.add_argument(
        "--message", "-m", metavar="TEXT", help="say what changed in your own words"
    )
    publish.add_argument(
        "--wait",
        nargs="?",
        type=int,
        const=WAIT_SECONDS,
        metavar="SECONDS",
        help=f"then wait until the site shows the newest entry (at most {WAIT_SECONDS} s)",
    )
    publish.add_argument(
        "--notify",
        action="store_true",
        help="then email the new entries to the followers (implies --wait)",
    )
    publish.set_defaults(run=_run, locks="publish")


@dataclass(frozen=True, slots=True)
class Changes:
    """What a commit holds, in words: new and changed entries, messages, the rest."""

    added: tuple[str, ...]
    """Titles of entries new in this commit."""
    changed: tuple[str, ...]
    """Titles of entries changed."""
    messages: int
    """Guestbook messages approved (new files in content/guestbook/)."""
    others: int
    """Every other file: pages, photos, settings."""

    def message(self) -> str:
        parts: list[str] = []
        if len(self.added) == 1:
            parts.append(f"New entry: {self.added[0]}")
        elif self.added:
            parts.append(f"{len(self.added)} new entries: " + "; ".join(self.added))
        if len(self.changed) == 1:
            parts.append(f"changed: {self.changed[0]}")
        elif self.changed:
            parts.append(f"{len(self.changed)} entries changed")
        if self.messages:
            parts.append(f"{self.messages} message{'' if self.messages == 1 else 's'} approved")
        if self.others:
            parts.append(f"{self.others} other file{'' if self.others == 1 else 's'}")
        text = ", ".join(parts) or "Journal updated"
        return text[:1].upper() + text[1:]


def describe(status: Sequence[tuple[str, str]], titles: dict[str, str]) -> Changes:
    """`git status --porcelain` lines (code, path) in words; `titles`: entry file → title."""
    added: list[str] = []
    changed: list[str] = []
    messages = others = 0
    for code, path in status:
        if path.startswith("content/entries/") and path.endswith(".md"):
            title = titles.get(path, Path(path).stem)
            (added if "?" in code or "A" in code else changed).append(title)
        elif path.startswith("content/guestbook/") and "pending/" not in path:
            messages += "?" in code or "A" in code
            others += not ("?" in code or "A" in code)
        else:
            others += 1
    return Changes(tuple(added), tuple(changed), messages, others)


def _git(site_dir: Path, *args: str, quiet: bool = True) -> subprocess.CompletedProcess[str]:
    """Run git in the journal; its own messages go to the terminal unless `quiet`."""
    return subprocess.run(
        ["git", "-C", str(site_dir), *args],
        capture_output=quiet,
        text=True,
        stdin=None if not quiet else subprocess.DEVNULL,
    )


def _need_git() -> None:
    if shutil.which("git") is None:
        raise JournalError.at(
            None,
            "publishing needs git, the program that keeps the journal's history and sends "
            "it to GitHub, and it is not installed on this computer",
            hint="Windows: install 'Git for Windows' (gitforwindows.org), then open a new "
            "terminal. macOS: run `xcode-select --install`. Linux: install the `git` package "
            "(sudo apt install git). Then run journalgen publish again.",
        )


def _first_time(site_dir: Path, to: str | None) -> None:
    """Make the journal a repository connected to GitHub, or say how."""
    inside = _git(site_dir, "rev-parse", "--show-toplevel")
    if inside.returncode == 0 and Path(inside.stdout.strip()).resolve() != site_dir.resolve():
        raise JournalError.at(
            site_dir,
            f"this journal is inside another git repository ({inside.stdout.strip()}), "
            "which journalgen will not publish",
            hint="Move the journal's folder out of it (for example next to it), then run "
            "journalgen publish --to ADDRESS again.",
        )
    if inside.returncode != 0:
        if to is None:
            raise _not_connected(site_dir)
        made = _git(site_dir, "init", "--initial-branch=main")
        if made.returncode != 0:
            made = _git(site_dir, "init")
        if made.returncode != 0:
            raise JournalError.at(site_dir, f"git could not start here: {made.stderr.strip()}")
    remotes = _git(site_dir, "remote").stdout.split()
    if "origin" not in remotes:
        if to is None:
            raise _not_connected(site_dir)
        added = _git(site_dir, "remote", "add", "origin", to)
        if added.returncode != 0:
            raise JournalError.at(None, f"git could not note {to}: {added.stderr.strip()}")
    elif to is not None:
        _git(site_dir, "remote", "set-url", "origin", to)


def _not_connected(site_dir: Path) -> JournalError:
    return JournalError(
        [
            Problem(
                site_dir,
                None,
                "this journal is not connected to GitHub yet, so there is nowhere to publish "
                "it from",
                "Once: on github.com, make a new empty repository (Netlify can publish a "
                "private one; GitHub Pages needs it public on a free account) and copy its "
                "address. Then run\n"
                "    journalgen publish --to https://github.com/YOU/REPOSITORY.git\n"
                "and connect the repository to your host (Netlify: Add new site, Import an "
                "existing project; GitHub Pages: Settings, Pages, Source: GitHub Actions). "
                "From then on, `journalgen publish` is all it takes.",
            )
        ]
    )


def _identity(site_dir: Path) -> list[str]:
    """The name and address git records as the author, when git was never told them."""
    from journalgen import config as config_module

    have = _git(site_dir, "config", "user.email").stdout.strip()
    if have:
        return []
    settings = config_module.load(site_dir)
    name = settings.author(settings.default_author).name if settings.default_author else ""
    email = settings.email.sender or "journal@localhost"
    return ["-c", f"user.name={name or 'The family'}", "-c", f"user.email={email}"]


def _titles(site: Site | None) -> dict[str, str]:
    """Each published entry's title by its file (the build just read them all; a draft is
    named by its file)."""
    entries = site.entries if site is not None else ()
    return {f"content/{entry.source.rel}": entry.title for entry in entries}


def _run(args: argparse.Namespace) -> int:
    from journalgen.build import BuildOptions, build
    from journalgen.commands.deploycheck import check_site

    site_dir = Path(args.site)
    _need_git()
    _first_time(site_dir, args.to)
    out_dir = site_dir / "output"
    report = build(BuildOptions(site_dir=site_dir, out_dir=out_dir))
    checked = check_site(site_dir, out_dir)
    if checked.problems:
        raise JournalError(
            [
                *checked.problems,
                Problem(
                    None,
                    None,
                    "nothing was published: the host would refuse this build too",
                    "Fix what is listed above, then run journalgen publish again.",
                ),
            ]
        )
    print(f"Built and checked: {report.entries} entries, {report.pages} pages.")
    _git(site_dir, "add", "--all", "--", ".")
    listed = _git(site_dir, "-c", "core.quotePath=false", "status", "--porcelain", "-uall")
    status = [(line[:2], line[3:].strip('"')) for line in listed.stdout.splitlines() if line]
    if status:
        message = args.message or describe(status, _titles(report.site)).message()
        done = _git(site_dir, *_identity(site_dir), "commit", "--quiet", "-m", message)
        if done.returncode != 0:
            raise JournalError.at(None, f"git could not keep the changes: {done.stderr.strip()}")
        print(f"Kept in git: {message}")
    else:
        print("Nothing new since the last publish.")
    branch = _git(site_dir, "branch", "--show-current").stdout.strip() or "main"
    pushed = _git(site_dir, "push", "--set-upstream", "origin", branch, quiet=False)
    if pushed.returncode != 0:
        raise JournalError.at(
            None,
            "git could not send the journal to GitHub (see its message above)",
            hint="Check that this computer is online and that you are signed in to GitHub "
            "(the first push asks you to sign in in the browser), then run journalgen "
            "publish again: nothing is lost, what was kept is sent next time.",
        )
    print("Sent. The host publishes it in a minute or two.")
    _count_deploys(site_dir)
    if args.wait is None and not args.notify:
        return 0
    if not _wait_until_live(site_dir, args.wait or WAIT_SECONDS):
        return 1
    if args.notify:
        from journalgen.following import commands as following

        return following.run_notify(argparse.Namespace(site=args.site, dry_run=False))
    return 0


NETLIFY_FREE_DEPLOYS = 20
"""Netlify's free plan: 300 credits a month, 15 a production deploy."""


def deploys_this_month(site_dir: Path, today: dt.date) -> int:
    """The pushes of this calendar month that changed what is published (each is one deploy
    on Netlify; the others are skipped by the `ignore` command of netlify.toml), counted
    from git's history as commits."""
    from journalgen.publishing.hosts import PUBLISHED

    since = today.replace(day=1).isoformat()
    listed = _git(site_dir, "log", f"--since={since} 00:00", "--format=%H", "--", *PUBLISHED)
    return len(listed.stdout.split()) if listed.returncode == 0 else 0


def _count_deploys(site_dir: Path) -> None:
    from journalgen.publishing.hosts import detect

    if detect(site_dir)[0] != "netlify":
        return
    count = deploys_this_month(site_dir, dt.date.today())
    left = NETLIFY_FREE_DEPLOYS - count
    line = f"Netlify has deployed the journal about {count} times this month"
    if left > 5:
        print(f"{line}; its free plan allows about {NETLIFY_FREE_DEPLOYS}.")
        return
    print(
        f"{line}: about {max(left, 0)} left on its free plan before it pauses every site "
        "of the account until the month ends. Publish less often: write two entries, "
        "or approve messages together with the next entry, then publish once. Or move to "
        "Cloudflare, which has no such meter: journalgen upgrade --host cloudflare.",
        file=sys.stderr,
    )


def _wait_until_live(site_dir: Path, seconds: int) -> bool:
    """Wait until the site shows the newest published entry (its page answers with its
    title), at most `seconds`."""
    from journalgen.build import published_site

    site = published_site(site_dir, dt.datetime.now(dt.UTC))
    if not site.entries:
        return True
    newest = site.entries[0]
    address = site.config.base_url + newest.path
    deadline = time.monotonic() + seconds
    print(f"Waiting for {address} …", flush=True)
    while True:
        if _shows(address, newest.title):
            print("It is live.")
            return True
        if time.monotonic() >= deadline:
            print(
                f"The site did not show '{newest.title}' within {seconds} s. Check the host's "
                "deploy log; run `journalgen notify` yourself once it is live.",
                file=sys.stderr,
            )
            return False
        every = float(os.environ.get("JOURNALGEN_PUBLISH_POLL") or POLL_SECONDS)
        time.sleep(min(every, max(0.0, deadline - time.monotonic())))


def _shows(address: str, title: str) -> bool:
    from html import escape

    request = urllib.request.Request(address, headers={"User-Agent": "journalgen publish"})
    password = os.environ.get("JOURNALGEN_PASSWORD")
    if password:
        import base64

        token = base64.b64encode(password.encode()).decode()
        request.add_header("Authorization", f"Basic {token}")
    try:
        with urllib.request.urlopen(request, timeout=15) as response:
            page = response.read(2_000_000).decode("utf-8", "replace")
    except (urllib.error.URLError, OSError, ValueError):
        return False
    return escape(title, quote=False) in page or title in page
