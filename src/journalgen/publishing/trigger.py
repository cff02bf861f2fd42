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
    if args.github_output:
        with open(args.github_output, "a", encoding="utf-8") as handle:
            handle.write(f"due={'true' if due else 'false'}\n")
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
