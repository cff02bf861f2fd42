"""`journalgen init FOLDER`: a new journal, set up for its host (asked, or given by
options), written whole or not at all (scaffold.py)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from journalgen.publishing.hosts import Host


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
    site: argparse.ArgumentParser,
) -> None:
    init_cmd = commands.add_parser(
        "init",
        parents=[common],
        help="create a new journal in a new folder",
        description="Create a new journal: settings, a first entry, an About page and the "
        "files its host needs to build it (journalgen itself in vendor/, requirements.txt "
        "with every library pinned, netlify.toml or a GitHub Pages workflow). Change "
        "journalgen.yaml afterwards.",
    )
    init_cmd.add_argument("folder", help="the new folder, e.g. ~/cooper-journal")
    init_cmd.add_argument("--title", default="Our family journal", help="the journal's name")
    init_cmd.add_argument(
        "--base-url",
        help="the address where it will be published (you can change it later in "
        "journalgen.yaml); until you know it, an example address of the host",
    )
    init_cmd.add_argument(
        "--language",
        default="en",
        help="language of dates and labels: en, fr, de, es, … (default: en)",
    )
    init_cmd.add_argument("--author", default="The family", help="the main writer's name")
    init_cmd.add_argument(
        "--timezone", default="UTC", help="your time zone, e.g. Europe/London (default: UTC)"
    )
    init_cmd.add_argument(
        "--privacy",
        choices=("private", "public", "password"),
        help="private: search engines are asked not to list the journal (the default when "
        "not asked); public: anyone may find it; password: visitors need a password "
        "(Netlify). Asked when run in a terminal without this option.",
    )
    init_cmd.add_argument(
        "--host",
        choices=("netlify", "github-pages", "cloudflare"),
        help="where the journal will be published: netlify (the default; its free plan "
        "pauses sites after about 20 publishes a month), cloudflare (free, no meter, the "
        "guestbook works there) or github-pages (free; the guestbook needs the email "
        "provider). See the README's table. Without it, chosen from --often.",
    )
    init_cmd.add_argument(
        "--often",
        choices=("daily", "weekly", "rarely"),
        help="how often you expect to publish (new entries and approved messages each "
        "count): daily chooses cloudflare, whose free plan has no meter; weekly or rarely "
        "(a memorial), netlify. Asked when run in a terminal without --host or this.",
    )
    init_cmd.add_argument(
        "--schedule",
        action="store_true",
        help="Netlify: also write the hourly GitHub Actions check that rebuilds the journal "
        "once a scheduled entry comes due (see `journalgen schedule --trigger`)",
    )
    init_cmd.set_defaults(run=_run)


def _run(args: argparse.Namespace) -> int:
    from journalgen import config, scaffold

    folder = Path(args.folder).expanduser()
    host = args.host or _host_for(args.often or _ask_often())
    answers = scaffold.SiteAnswers(
        privacy=args.privacy or _ask_privacy(),
        title=args.title,
        base_url=args.base_url or _EXAMPLE_ADDRESS[host],
        language=args.language,
        author=args.author,
        timezone=args.timezone,
        host=host,
        schedule=args.schedule,
    )
    written = scaffold.init_site(folder, answers, dt.date.today())
    print(f"Created a new journal in {folder} ({len(written)} files).")
    print("Next steps:")
    print(f"  cd {folder}")
    print('  journalgen new "My first update"')
    print("  journalgen build")
    if answers.privacy == "password":
        print(
            f"Before building, set the password: export {config.PASSWORD_VARIABLE}="
            "family:a-long-phrase (on Netlify: Site configuration > Environment variables)."
        )
    return 0


_EXAMPLE_ADDRESS = {
    "netlify": "https://example.netlify.app/",
    "github-pages": "https://example.github.io/journal/",
    "cloudflare": "https://example.pages.dev/",
}


def _host_for(often: str) -> Host:
    """The host whose free plan holds a journal published this often (see the README)."""
    return "cloudflare" if often == "daily" else "netlify"


def _ask_often() -> str:
    """How often the family will publish: asked in a terminal, else weekly (Netlify)."""
    if not sys.stdin.isatty():
        return "weekly"
    print("How often will you publish (a new entry, or approving messages)?")
    print("  1. Most days (Cloudflare Pages: free, with no monthly meter)")
    print("  2. About once a week (Netlify: free up to about 20 publishes a month)")
    print("  3. Rarely: a memorial (Netlify)")
    answer = input("Choose 1, 2 or 3 [2]: ").strip()
    return {"1": "daily", "3": "rarely"}.get(answer, "weekly")


def _ask_privacy() -> str:
    """Public must be a deliberate choice: ask in a terminal, else stay private."""
    if not sys.stdin.isatty():
        return "private"
    print("Who should be able to find this journal?")
    print("  1. Only people we send the address to (private: not listed by search engines)")
    print("  2. Anyone (public: listed by search engines)")
    print("  3. Only people with a password (needs Netlify's password protection)")
    answer = input("Choose 1, 2 or 3 [1]: ").strip()
    return {"2": "public", "3": "password"}.get(answer, "private")
