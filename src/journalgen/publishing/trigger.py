"""Rebuild the journal when a scheduled entry comes due, and only then.

Every build publishes `schedule.json` with the moment the next scheduled entry (or
farewell) comes due. This script, run often by a scheduler (a GitHub Actions workflow that
`journalgen schedule --trigger` writes), reads that file from the published site and calls
the host's build hook only once that moment has passed: one deploy per entry that comes
due, not one per hour. The rebuilt site then names the next moment (or none), so the hook
is not called again for the same entry.

It uses Python's standard library only, so the scheduler needs nothing installed. Settings
come from the command line or the environment:

  JOURNALGEN_SITE_URL   the published journal's address (default: base_url in
                        journalgen.yaml)
  JOURNALGEN_BUILD_HOOK the build hook to call (Netlify: Site configuration > Build & deploy
                        > Build hooks); without one, it only says whether a build is due
  JOURNALGEN_PASSWORD   user:password, for a journal with `privacy: password`
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import json
import os
import re
import sys
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path

SCHEDULE_FILE = "schedule.json"
"""Written by every build at the top of the output folder."""
KEEP_ALIVE_DAYS = 50
"""GitHub stops a repository's scheduled workflows after 60 days without a commit: while
an entry is scheduled, the hourly check commits a small file once the last commit is this
old, so an anniversary entry in a memorial nobody touches still appears."""
ALIVE_FILE = ".github/journalgen-alive"


def last_commit(folder: Path) -> dt.datetime | None:
    """When the repository checked out in `folder` last had a commit (None: not known)."""
    import subprocess

    try:
        done = subprocess.run(
            ["git", "-C", str(folder), "log", "-1", "--format=%cI"],
            capture_output=True,
            text=True,
            timeout=30,
        )
    except OSError:
        return None
    if done.returncode != 0 or not done.stdout.strip():
        return None
    return dt.datetime.fromisoformat(done.stdout.strip())


def needs_keep_alive(
    moment: dt.datetime | None, last: dt.datetime | None, now: dt.datetime
) -> bool:
    """Whether to commit to keep the hourly check running: something is scheduled (the
    check has work to do) and the repository has been quiet for `KEEP_ALIVE_DAYS`."""
    return (
        moment is not None and last is not None and now - last >= dt.timedelta(days=KEEP_ALIVE_DAYS)
    )


def due_moment(site_url: str, password: str | None, timeout: float = 30) -> dt.datetime | None:
    """The moment the published site says its next scheduled entry comes due."""
    request = urllib.request.Request(site_url.rstrip("/") + "/" + SCHEDULE_FILE)
    if password:
        if not site_url.startswith("https://"):
            raise ValueError("the password is only ever sent to an https:// address")
        token = base64.b64encode(password.encode("utf-8")).decode("ascii")
        # Never repeated to wherever a redirect points.
        request.add_unredirected_header("Authorization", f"Basic {token}")
    request.add_header("Cache-Control", "no-cache")
    with urllib.request.urlopen(request, timeout=timeout) as response:
        data = json.loads(response.read().decode("utf-8"))
    moment = data.get("next_update")
    if moment is None:
        return None
    found = dt.datetime.fromisoformat(str(moment).replace("Z", "+00:00"))
    return found if found.tzinfo else found.replace(tzinfo=dt.UTC)


def call_hook(hook: str, timeout: float = 30) -> int:
    """POST to the build hook (Netlify starts a build and a deploy); its HTTP status."""
    request = urllib.request.Request(hook, data=b"{}", method="POST")
    request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return int(response.status)


def base_url_from_settings(settings: Path) -> str | None:
    """`base_url:` of journalgen.yaml, read without a YAML library."""
    if not settings.is_file():
        return None
    for line in settings.read_text(encoding="utf-8").splitlines():
        found = re.match(r"""^base_url:\s*["']?([^"'#\s]+)""", line)
        if found:
            return found.group(1)
    return None


def main(argv: Sequence[str] | None = None, now: dt.datetime | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Call the build hook if a scheduled journal entry has come due."
    )
    parser.add_argument("--site-url", default=os.environ.get("JOURNALGEN_SITE_URL"))
    parser.add_argument("--hook", default=os.environ.get("JOURNALGEN_BUILD_HOOK"))
    parser.add_argument("--settings", default="journalgen.yaml")
    parser.add_argument(
        "--github-output",
        default=os.environ.get("GITHUB_OUTPUT"),
        help="also write due=true/false to this file (GitHub Actions step outputs)",
    )
    parser.add_argument(
        "--keep-alive",
        action="store_true",
        help=f"while an entry is scheduled, write {ALIVE_FILE} once the repository has had "
        f"no commit for {KEEP_ALIVE_DAYS} days (keepalive=true in the step outputs), for "
        "the workflow to commit",
    )
    args = parser.parse_args(argv)
    site_url = args.site_url or base_url_from_settings(Path(args.settings))
    if not site_url:
        print("No site address: set JOURNALGEN_SITE_URL or base_url in journalgen.yaml.")
        return 2
    now = now or dt.datetime.now(dt.UTC)
    try:
        moment = due_moment(site_url, os.environ.get("JOURNALGEN_PASSWORD") or None)
    except urllib.error.HTTPError as err:
        if err.code == 404:
            print(f"{site_url} has no {SCHEDULE_FILE} yet: nothing to do until it is published.")
            return 0
        print(f"Could not read {site_url.rstrip('/')}/{SCHEDULE_FILE}: {err}")
        return 1
    except (OSError, ValueError) as err:
        print(f"Could not read {site_url.rstrip('/')}/{SCHEDULE_FILE}: {err}")
        return 1
    due = moment is not None and moment <= now
    alive = args.keep_alive and needs_keep_alive(moment, last_commit(Path.cwd()), now)
    if alive:
        path = Path(ALIVE_FILE)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            f"The hourly check of scheduled entries was last kept running on "
            f"{now.date().isoformat()} (GitHub stops checks after {60} quiet days).\n",
            encoding="utf-8",
        )
        print(f"No commit for {KEEP_ALIVE_DAYS} days: {ALIVE_FILE} written, to keep this going.")
    if args.github_output:
        with open(args.github_output, "a", encoding="utf-8") as handle:
            handle.write(f"due={'true' if due else 'false'}\n")
            handle.write(f"keepalive={'true' if alive else 'false'}\n")
    if moment is None:
        print("Nothing is scheduled: no build needed.")
        return 0
    if not due:
        print(f"The next scheduled entry comes due at {moment.isoformat()}: no build yet.")
        return 0
    print(f"A scheduled entry came due at {moment.isoformat()}.")
    if not args.hook:
        return 0
    try:
        status = call_hook(args.hook)
    except (OSError, ValueError) as err:
        print(f"Calling the build hook failed: {err}")
        return 1
    print(f"Build hook called (HTTP {status}): the journal is being rebuilt.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
