"""`journalgen status`: the keeper's view in one screen, of what keeps the journal online
and what will lapse; `--handover` writes the same as a letter to whoever takes over, "How
this journal is kept", which the keepsake carries too.

Everything is read from the journal's folder and its git history: nothing is sent or
fetched.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import subprocess
from dataclasses import dataclass
from pathlib import Path

PYTHON_ENDS = {"3.11": dt.date(2027, 10, 31), "3.12": dt.date(2028, 10, 31)}
PYTHON_ENDS |= {"3.13": dt.date(2029, 10, 31), "3.14": dt.date(2030, 10, 31)}
"""When each Python stops receiving security fixes (its end of life)."""
HOST_NAMES = {
    "netlify": "Netlify",
    "github-pages": "GitHub Pages",
    "cloudflare": "Cloudflare Pages",
}
QUIET_DAYS = 60
"""GitHub stops a repository's scheduled workflows after this many days without a commit."""


@dataclass(frozen=True, slots=True)
class Fact:
    label: str
    value: str
    warning: bool = False
    """Needs the keeper's attention soon."""


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
    site: argparse.ArgumentParser,
) -> None:
    status = commands.add_parser(
        "status",
        parents=[common, site],
        help="what keeps the journal online, and what will lapse",
        description="Where the journal is published and when it last was, this month's "
        "deploys against the host's free allowance, the next scheduled entry and whether "
        "its check is alive, messages and follow requests waiting, the Python journalgen's "
        "pins are for and when it ends, and the domain's renewal.",
    )
    status.add_argument(
        "--handover",
        action="store_true",
        help="print the same as a letter for the person who takes over the journal",
    )
    status.set_defaults(run=_run)


def _git(site_dir: Path, *args: str) -> str:
    try:
        done = subprocess.run(
            ["git", "-C", str(site_dir), *args], capture_output=True, text=True, timeout=30
        )
    except OSError:
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""


def facts(site_dir: Path, today: dt.date, *, titles: bool = True) -> list[Fact]:
    """What the keeper needs to know, as label and words. `titles`: name the scheduled
    entry (not in the handover letter, which the keepsake carries: nothing unpublished
    is ever in a keepsake)."""
    from journalgen import config as config_module
    from journalgen.commands.publish import NETLIFY_FREE_DEPLOYS, deploys_this_month
    from journalgen.following import followers
    from journalgen.parsing.entries import parse_sources
    from journalgen.publishing import hosts, schedule
    from journalgen.reading import sources

    settings = config_module.load(site_dir)
    host, trigger = hosts.detect(site_dir)
    found: list[Fact] = [
        Fact("Published at", f"{settings.base_url} ({HOST_NAMES[host]})"),
    ]
    published = _git(site_dir, "log", "-1", "--format=%cs", "--", *hosts.PUBLISHED)
    found.append(
        Fact("Last published", published or "not from this folder yet (journalgen publish)")
    )
    if host == "netlify" and published:
        count = deploys_this_month(site_dir, today)
        found.append(
            Fact(
                "Deploys this month",
                f"about {count} of the free plan's {NETLIFY_FREE_DEPLOYS} (past them, Netlify "
                "pauses every site of the account until the month ends)",
                warning=count >= NETLIFY_FREE_DEPLOYS - 5,
            )
        )
    entries, _ = parse_sources(sources.discover(site_dir).sources, settings)
    now = dt.datetime.now(dt.UTC)
    timed = [p for p in schedule.planned(entries, now) if p.when is not None]
    if timed and timed[0].when is not None:
        first = timed[0]
        assert first.when is not None
        when = first.when.astimezone(settings.zone)
        what = f"{first.entry.title}, " if titles else "an entry (journalgen schedule), "
        found.append(Fact("Next scheduled entry", f"{what}{when:%Y-%m-%d %H:%M}"))
        last = _git(site_dir, "log", "-1", "--format=%cs")
        checked = host != "netlify" or trigger
        if not checked:
            found.append(
                Fact(
                    "Its hourly check",
                    "not set up: it will appear only with the next publish "
                    "(journalgen schedule --trigger)",
                    warning=True,
                )
            )
        else:
            quiet = (today - dt.date.fromisoformat(last)).days if last else 0
            found.append(
                Fact(
                    "Its hourly check",
                    f"alive on GitHub: the last commit was {quiet} days ago; journalgen "
                    f"commits by itself every 50 quiet days, before GitHub's {QUIET_DAYS}",
                )
            )
    messages = len(sources.guestbook_files(site_dir, sources.PENDING_DIR))
    requests = len(followers.files(site_dir, followers.PENDING))
    found.append(
        Fact(
            "Waiting for you",
            f"{messages} message{'' if messages == 1 else 's'} "
            f"(journalgen guestbook list), {requests} follow request"
            f"{'' if requests == 1 else 's'} (journalgen followers list)",
            warning=messages + requests > 0,
        )
    )
    version = hosts.PYTHON_VERSION
    ends = PYTHON_ENDS.get(version)
    if ends is not None:
        soon = (ends - today).days < 180
        found.append(
            Fact(
                "Python of the host's build",
                f"{version}, which gets security fixes until {ends.isoformat()}"
                + (
                    ": run `journalgen upgrade` with a newer journalgen before then" if soon else ""
                ),
                warning=soon,
            )
        )
    if settings.domain_renewal is not None:
        days = (settings.domain_renewal - today).days
        found.append(
            Fact(
                "The domain",
                f"renews on {settings.domain_renewal.isoformat()} (in {days} days): check the "
                "card on the registrar's account",
                warning=days < 60,
            )
        )
    keepsake = site_dir / "keepsake.zip"
    if keepsake.is_file():
        made = dt.date.fromtimestamp(keepsake.stat().st_mtime)
        found.append(Fact("Keepsake", f"made on {made.isoformat()} (journalgen keepsake)"))
    else:
        found.append(
            Fact("Keepsake", "none made yet: journalgen keepsake (see the README)", warning=True)
        )
    return found


HANDOVER = """\
How this journal is kept

This journal is a folder of plain text files (entries, pages, photos, approved messages)
and journalgen, the program that turns them into the website. Whoever keeps it needs:

- the folder itself, or its copy on GitHub (the repository it is published from);
- journalgen on a computer (the README's "Install journalgen": Python, then one line);
- the accounts below: GitHub, and the host.

Every day: `journalgen new "Title"` to write, `journalgen publish` to publish. Messages:
`journalgen forms` brings them in, `journalgen guestbook list` to read and approve them.
To keep a copy that needs no website: `journalgen keepsake`, and `journalgen book` for the
book to print.

What keeps it online, and what will lapse:
"""


def handover_text(site_dir: Path, today: dt.date) -> str:
    lines = [HANDOVER]
    for fact in facts(site_dir, today, titles=False):
        mark = " (!)" if fact.warning else ""
        lines.append(f"- {fact.label}: {fact.value}{mark}")
    lines.append(
        "\nPasswords and keys are never in the folder: they are in the host's settings "
        "(Netlify: Environment variables; GitHub: Settings, Secrets). The email password "
        "for `journalgen notify` is typed in the terminal when it is needed."
    )
    return "\n".join(lines) + "\n"


def handover_page(
    site_dir: Path, today: dt.date, title: str, language: str, stylesheet: str
) -> str:
    """The letter as a page of the keepsake (`stylesheet`: the site's, relative)."""
    items = "\n".join(
        f"<li><strong>{html.escape(f.label)}</strong>: {html.escape(f.value)}</li>"
        for f in facts(site_dir, today, titles=False)
    )
    intro = "".join(
        f"<p>{html.escape(part.strip())}</p>\n"
        for part in HANDOVER.split("\n\n")[1:]
        if part.strip()
    )
    return (
        f'<!DOCTYPE html>\n<html lang="{html.escape(language)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>How this journal is kept · {html.escape(title)}</title>\n"
        f'<link rel="stylesheet" href="{html.escape(stylesheet)}">\n</head>\n<body>\n'
        f"<main>\n<h1>How this journal is kept</h1>\n{intro}<ul>\n{items}\n</ul>\n"
        f"<p>Written on {today.isoformat()}.</p>\n</main>\n</body>\n</html>\n"
    )


def _run(args: argparse.Namespace) -> int:
    site_dir = Path(args.site)
    today = dt.date.today()
    if args.handover:
        print(handover_text(site_dir, today), end="")
        return 0
    found = facts(site_dir, today)
    width = max(len(f.label) for f in found)
    for fact in found:
        mark = "!" if fact.warning else " "
        print(f"{mark} {fact.label.ljust(width)}  {fact.value}")
    return 0
