"""The `journalgen` command: argument parsing and messages. The work happens elsewhere."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

from journalgen import __version__, config, scaffold
from journalgen.build import BuildOptions, BuildReport, build
from journalgen.errors import JournalError
from journalgen.site import Selection

EXIT_OK = 0
EXIT_USER_ERROR = 1
EXIT_INTERNAL_ERROR = 3


def main(argv: Sequence[str] | None = None) -> int:
    parser = make_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "run"):
        parser.print_help()
        return EXIT_OK
    try:
        code: int = args.run(args)
        return code
    except JournalError as err:
        site_dir = getattr(args, "site", None)
        base = Path(site_dir).absolute() if site_dir else Path.cwd()
        _print_problems(err, base)
        if args.debug:
            traceback.print_exc()
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("\nStopped.", file=sys.stderr)
        return 130
    except Exception:
        if args.debug:
            raise
        print(
            "journalgen ran into a problem it did not expect (this is a bug in journalgen, "
            "not in your journal). Run the same command with --debug and include what it "
            "prints when you report it.",
            file=sys.stderr,
        )
        return EXIT_INTERNAL_ERROR


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="journalgen",
        description="Turn a family journal written in Markdown into a website with feeds.",
        epilog="Run `journalgen COMMAND --help` to see what each command can do.",
    )
    parser.add_argument("--version", action="version", version=f"journalgen {__version__}")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--debug",
        action="store_true",
        help="show the full technical details when something goes wrong",
    )

    site = argparse.ArgumentParser(add_help=False)
    site.add_argument(
        "--site",
        metavar="FOLDER",
        default=".",
        help="the journal's folder, the one with journalgen.yaml (default: the current folder)",
    )

    build_cmd = commands.add_parser(
        "build",
        parents=[common, site],
        help="build the website into the output folder",
        description="Build the website from content/ into the output folder. The previous "
        "output is replaced only when the whole build succeeds.",
    )
    build_cmd.add_argument(
        "--output",
        metavar="FOLDER",
        help="where to put the website (default: output/ in the site folder)",
    )
    build_cmd.add_argument(
        "--drafts",
        action="store_true",
        help="include entries marked `draft: true`, labelled as previews "
        "(never use this for the site you publish)",
    )
    build_cmd.add_argument(
        "--future",
        action="store_true",
        help="include entries whose `publish_on` time has not come yet, labelled as previews",
    )
    build_cmd.add_argument(
        "--force",
        action="store_true",
        help="replace the output folder even if it holds files journalgen "
        "did not write (they are deleted)",
    )
    build_cmd.add_argument("--quiet", action="store_true", help="print only problems")
    build_cmd.set_defaults(run=_run_build)

    init_cmd = commands.add_parser(
        "init",
        parents=[common],
        help="create a new journal in a new folder",
        description="Create a new journal: settings, a first entry, an About page and the "
        "files Netlify needs. It never asks questions; change journalgen.yaml afterwards.",
    )
    init_cmd.add_argument("folder", help="the new folder, e.g. ~/cooper-journal")
    init_cmd.add_argument("--title", default="Our family journal", help="the journal's name")
    init_cmd.add_argument(
        "--base-url",
        default="https://example.netlify.app/",
        help="the address where it will be published (you can change it later in journalgen.yaml)",
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
    init_cmd.set_defaults(run=_run_init)

    new_cmd = commands.add_parser(
        "new",
        parents=[common, site],
        help="start a new entry with today's date",
        description="Create content/entries/YYYY-MM-DD-title.md with its front matter "
        "filled in, and print its name so you can open it in your editor.",
    )
    new_cmd.add_argument("title", help='the entry\'s title, in quotes: "Round two starts Monday"')
    new_cmd.add_argument("--date", metavar="YYYY-MM-DD", help="the entry's date (default: now)")
    new_cmd.add_argument("--author", help="who writes it (default: the site's author)")
    new_cmd.add_argument(
        "--tag",
        action="append",
        default=[],
        dest="tags",
        metavar="TAG",
        help="a tag; repeat for several",
    )
    new_cmd.add_argument(
        "--draft",
        action="store_true",
        help="mark it as a draft, so it is not published until you remove the `draft: true` line",
    )
    new_cmd.set_defaults(run=_run_new)
    return parser


def _run_build(args: argparse.Namespace) -> int:
    site_dir = Path(args.site)
    out_dir = Path(args.output) if args.output else site_dir / "output"
    options = BuildOptions(
        site_dir=site_dir,
        out_dir=out_dir,
        selection=Selection(drafts=args.drafts, future=args.future),
        force=args.force,
    )
    report = build(options)
    for warning in report.warnings:
        print("warning: " + warning.format(site_dir.absolute()), file=sys.stderr)
    if not args.quiet:
        print(_summary(report, out_dir))
    return EXIT_OK


def _summary(report: BuildReport, out_dir: Path) -> str:
    entries = "1 entry" if report.entries == 1 else f"{report.entries} entries"
    pages = "1 page" if report.pages == 1 else f"{report.pages} pages"
    text = (
        f"Built {entries} and {pages} ({report.files} files, {report.bytes / 1024:.0f} KB) "
        f"into {out_dir} in {report.seconds:.2f} s."
    )
    if report.previews:
        text += (
            f"\nThis is a preview: it includes {report.previews} draft or scheduled "
            "entries. Do not publish it."
        )
    return text


def _run_init(args: argparse.Namespace) -> int:
    folder = Path(args.folder).expanduser()
    answers = scaffold.SiteAnswers(
        title=args.title,
        base_url=args.base_url,
        language=args.language,
        author=args.author,
        timezone=args.timezone,
    )
    written = scaffold.init_site(folder, answers, dt.date.today())
    config.load(folder)  # what we wrote must be a valid site: check it now, not at build time
    print(f"Created a new journal in {folder} ({len(written)} files).")
    print("Next steps:")
    print(f"  cd {folder}")
    print('  journalgen new "My first update"')
    print("  journalgen build")
    return EXIT_OK


def _run_new(args: argparse.Namespace) -> int:
    site_dir = Path(args.site)
    settings = config.load(site_dir)
    if args.date:
        try:
            day = dt.date.fromisoformat(args.date)
        except ValueError as err:
            raise JournalError.at(
                None,
                f"--date {args.date!r} is not a date",
                hint="Write it as YYYY-MM-DD, e.g. 2026-11-22.",
            ) from err
        when = dt.datetime(day.year, day.month, day.day, tzinfo=settings.zone)
    else:
        when = dt.datetime.now(settings.zone).replace(second=0, microsecond=0)
    path = scaffold.new_entry(
        site_dir, args.title, when, author=args.author, tags=tuple(args.tags), draft=args.draft
    )
    print(path)
    return EXIT_OK


def _print_problems(err: JournalError, base: Path) -> None:
    count = len(err.problems)
    if count > 1:
        print(f"journalgen found {count} problems:", file=sys.stderr)
        for problem in err.problems:
            print("error: " + problem.format(base), file=sys.stderr)
    else:
        print("error: " + err.format(base), file=sys.stderr)
