"""`journalgen upgrade` and `journalgen schedule`."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import shutil
from pathlib import Path

from journalgen import __version__
from journalgen.errors import JournalError
from journalgen.incremental import store
from journalgen.publishing import hosts, vendor


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
    site: argparse.ArgumentParser,
) -> None:
    upgrade = commands.add_parser(
        "upgrade",
        parents=[common, site],
        help="move the journal to the journalgen installed here",
        description="Rewrite the files journalgen keeps in the journal for publishing "
        "(vendor/, requirements.txt, netlify.toml and its plugin, the GitHub workflows) "
        "from the journalgen installed on this computer, remove what an earlier version "
        "kept in .cache/journalgen that this one no longer reads, and say what changed. "
        "Your entries, pages, photos and settings are not touched.",
    )
    upgrade.add_argument(
        "--host",
        choices=hosts.HOSTS,
        help="publish with this host from now on: netlify, github-pages or cloudflare "
        "(default: the one the journal is set up for)",
    )
    upgrade.set_defaults(run=_run_upgrade, locks="upgrade")

    schedule = commands.add_parser(
        "schedule",
        parents=[common, site],
        help="list the entries that will appear later, and when",
        description="List scheduled entries (with `publish_on`) and when each appears, "
        "then the drafts and held farewells that wait for you. With --trigger, also set "
        "up the hourly check that rebuilds the journal on Netlify once one comes due.",
    )
    schedule.add_argument(
        "--trigger",
        action="store_true",
        help="write .github/workflows/journalgen-schedule.yml (Netlify, with the journal "
        "kept on GitHub): rebuild once each scheduled entry comes due",
    )
    schedule.set_defaults(run=_run_schedule, locks="schedule")


def _run_upgrade(args: argparse.Namespace) -> int:
    from journalgen import config

    site_dir = Path(args.site)
    settings = config.load(site_dir)
    host, schedule = hosts.detect(site_dir)
    if args.host and args.host != host:
        if args.host != "netlify" and settings.privacy == "password":
            raise JournalError.at(
                settings.path,
                f"{args.host} cannot ask visitors for a password as Netlify does "
                "(`privacy: password`)",
                hint="Change privacy to private first (on Cloudflare, Cloudflare Access "
                "keeps it to invited readers: see the README), or stay on Netlify.",
            )
        host, schedule = args.host, host == "netlify" and schedule
    before = _versions(site_dir)
    written = hosts.write(site_dir, hosts.journal_files(host, schedule=schedule))
    _ignore_netlify_state(site_dir)
    after = _versions(site_dir)
    old_version = before.pop("journalgen", None)
    after.pop("journalgen", None)
    cleaned = clean_older(site_dir)
    if cleaned:
        names = ", ".join(path.relative_to(site_dir).as_posix() for path in cleaned)
        print(f"Removed what an earlier journalgen kept in its cache: {names}")
    if not written.changed and not written.kept:
        print(f"Nothing to change: the journal already builds with journalgen {__version__}.")
        return 0
    if old_version and old_version != __version__:
        print(f"journalgen {old_version} → {__version__}")
    elif not old_version:
        print(f"The journal now builds with journalgen {__version__} from vendor/.")
    for name in sorted(set(before) | set(after)):
        if before.get(name) != after.get(name):
            print(f"  {name}: {before.get(name, 'none')} → {after.get(name, 'removed')}")
    if written.changed:
        print("Files written or removed: " + ", ".join(written.changed))
    for rel in written.kept:
        print(
            f"{rel} was changed since journalgen wrote it (or an older journalgen wrote it), "
            f"so it was left as it is: the new version is beside it, in "
            f"{rel}.journalgen-new. Compare the two, keep what you need in {rel}, and delete "
            "the .journalgen-new file."
        )
    if host == "github-pages" and settings.guestbook.provider == "netlify":
        print(
            "GitHub Pages cannot receive forms: in journalgen.yaml, set the guestbook's "
            "provider to email (with your address) or none."
        )
    print("Build once (journalgen build), then commit these files with your journal.")
    return 0


def _ignore_netlify_state(site_dir: Path) -> None:
    """Journals made before .gitignore listed .netlify/ (where Netlify's tools keep a
    local build's settings, password included) get the line."""
    from journalgen.output import files

    ignore = site_dir / ".gitignore"
    try:
        text = ignore.read_text(encoding="utf-8")
    except OSError:
        return
    if "/.netlify/" not in text.split():
        files.write_text_whole(ignore, text.rstrip("\n") + "\n/.netlify/\n")


def _versions(site_dir: Path) -> dict[str, str]:
    """What the journal's requirements.txt installs: name → version (journalgen's from the
    wheel's file name)."""
    path = site_dir / vendor.REQUIREMENTS
    if not path.is_file():
        return {}
    text = path.read_text(encoding="utf-8", errors="replace")
    found = vendor.pinned_versions(text)
    for line in text.splitlines():
        name = line.strip().split(" ")[0].rsplit("/", 1)[-1]
        if name.startswith("journalgen-") and name.endswith(".whl"):
            found["journalgen"] = name.split("-")[1]
    return found


def _run_schedule(args: argparse.Namespace) -> int:
    from journalgen import config
    from journalgen.parsing.entries import parse_sources
    from journalgen.publishing import schedule
    from journalgen.reading.sources import discover

    site_dir = Path(args.site)
    settings = config.load(site_dir)
    entries, _ = parse_sources(discover(site_dir).sources, settings)
    now = dt.datetime.now(dt.UTC)
    plan = schedule.planned(entries, now)
    timed = [p for p in plan if p.when is not None]
    waiting = [p for p in plan if p.when is None]
    if not timed:
        print("No entry is scheduled: nothing will appear by itself.")
    for item in timed:
        assert item.when is not None
        local = item.when.astimezone(settings.zone)
        print(
            f"{local:%Y-%m-%d %H:%M %Z}  {item.entry.title}  "
            f"({item.entry.source.rel}, in {_until(item.when - now)})"
        )
    if timed:
        print(
            "Each appears with the first build after its moment: on Netlify, set up the "
            "hourly check with `journalgen schedule --trigger`; GitHub Pages checks by itself."
        )
    for item in waiting:
        what = "held farewell" if item.entry.kind == "farewell" else "draft"
        print(f"waits for you ({what}): {item.entry.title}  ({item.entry.source.rel})")
    if args.trigger:
        host, _ = hosts.detect(site_dir)
        if host != "netlify":
            print("GitHub Pages' workflow already checks every hour: nothing to set up.")
            return 0
        written = hosts.write(site_dir, hosts.journal_files("netlify", schedule=True))
        for rel in written.changed:
            print(f"wrote {rel}")
        for rel in written.kept:
            print(f"{rel} was changed by hand: the new version is in {rel}.journalgen-new")
        print(
            "Now add the secret NETLIFY_BUILD_HOOK on GitHub (see the comments at the top of "
            f"{hosts.SCHEDULE_WORKFLOW}) and push."
        )
    return 0


def _until(delta: dt.timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 48 * 60:
        return f"{minutes // 60} h {minutes % 60} min"
    return f"{minutes // (24 * 60)} days"


def clean_older(site_dir: Path) -> list[Path]:
    """Remove what earlier versions of journalgen kept in the cache (shards, records and
    parts of pages in files of their own, pickles, compiled templates); the processed
    photos stay. `journalgen upgrade` calls this. Returns what it removed."""
    folder = site_dir / store.FILE.parent
    removed: list[Path] = []
    for name in ("parsed", "records", "parts", "templates", "outputs", "fresh", "output"):
        path = folder / name
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    for path in folder.glob("*.store"):
        with contextlib.suppress(OSError):
            path.unlink()
            removed.append(path)
    return removed
