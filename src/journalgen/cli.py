"""The `journalgen` command: argument parsing and messages. The work happens elsewhere."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import errno
import os
import re
import sys
import time
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from journalgen import __version__
from journalgen.errors import JournalError
from journalgen.incremental import record

if TYPE_CHECKING:
    from journalgen.build import BuildReport

# The other modules are imported where they are needed: `journalgen build` with nothing to
# do answers before the Markdown, template and image libraries would have loaded.

EXIT_OK = 0
EXIT_USER_ERROR = 1
EXIT_INTERNAL_ERROR = 3


def main(argv: Sequence[str] | None = None) -> int:
    given = list(sys.argv[1:] if argv is None else argv)
    parser = make_parser(only_build=given[:1] == ["build"])
    args = parser.parse_args(given)
    if not hasattr(args, "run"):
        parser.print_help()
        return EXIT_OK
    try:
        code: int = _run_locked(args) if getattr(args, "locks", None) else args.run(args)
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
    except BrokenPipeError:
        # Whoever read our output stopped reading (`journalgen guestbook list | head`).
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except OSError as err:
        message = _disk_problem(err)
        if message is None or args.debug:
            if args.debug:
                raise
            return _unexpected()
        print("error: " + message, file=sys.stderr)
        return EXIT_USER_ERROR
    except Exception:
        if args.debug:
            raise
        return _unexpected()


def _unexpected() -> int:
    print(
        "journalgen ran into a problem it did not expect (this is a bug in journalgen, "
        "not in your journal). Run the same command with --debug and include what it "
        "prints when you report it.",
        file=sys.stderr,
    )
    return EXIT_INTERNAL_ERROR


_DISK_REASONS = {
    errno.ENOSPC: ("the disk is full", "Free some space on it"),
    errno.EDQUOT: ("your share of the disk (quota) is used up", "Free some space"),
    errno.EROFS: ("the disk is read-only", "Use a folder you can write to"),
    errno.EACCES: ("you may not write there", "Check the folder's permissions"),
    errno.EPERM: ("you may not write there", "Check the folder's permissions"),
}


def _disk_problem(err: OSError) -> str | None:
    """A plain message for a disk that refuses to be written (full, read-only, not ours):
    the writer has already put everything back as it was."""
    found = _DISK_REASONS.get(err.errno or 0)
    if found is None:
        return None
    reason, todo = found
    where = Path(os.fsdecode(err.filename)) if err.filename else None
    folder = where.parent if where is not None and not os.path.isdir(where) else where
    # The new site is made beside the output folder, under a name the person never saw.
    shown = re.sub(r"(^|/)\.([^/]+)\.building-\d+(?=/|$)", r"\1\2", str(folder or ""))
    named = f" in {shown}" if shown else ""
    return (
        f"journalgen could not write{named}: {reason}. Nothing was half-written: your "
        f"journal and the previous output are as they were. {todo}, then run the command "
        "again."
    )


def _run_locked(args: argparse.Namespace) -> int:
    """Run a command that writes the journal or its output while holding its lock (outside
    a journal the command only says so: no lock file is made in a mistyped folder)."""
    from journalgen import config
    from journalgen.output import lock

    if not os.path.isfile(Path(args.site) / config.CONFIG_NAME):
        code: int = args.run(args)
        return code
    with lock.held(Path(args.site), f"journalgen {args.locks}"):
        code = args.run(args)
        return code


def make_parser(only_build: bool = False) -> argparse.ArgumentParser:
    """The whole command line; `only_build`: the `build` command alone (the same), which
    needs none of the other commands' modules."""
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
    build_cmd.add_argument(
        "--strict",
        action="store_true",
        help="stop with an error on anything that is otherwise a warning, such as a photo "
        "without a description (alt text) or a link to a missing entry",
    )
    build_cmd.set_defaults(run=_run_build, locks="build")
    if only_build:
        return parser
    from journalgen.commands import book as book_command
    from journalgen.commands import forms, keepsake, publish, status
    from journalgen.commands import guestbook as guestbook_cli
    from journalgen.commands import init as init_command
    from journalgen.commands import new as new_command
    from journalgen.following import commands as following_commands
    from journalgen.importing import commands as importing_commands
    from journalgen.output import deploycheck
    from journalgen.parsing import farewell
    from journalgen.publishing import commands as publishing_commands

    init_command.register(commands, common, site)
    new_command.register(commands, common, site)
    _add_live_commands(commands, [common, site])
    deploycheck.register(commands, common, site)
    farewell.register(commands, common, site)
    guestbook_cli.register(commands, common, site)
    following_commands.register(commands, common, site)
    importing_commands.register(commands, common, site)
    publishing_commands.register(commands, common, site)
    publish.register(commands, common, site)
    forms.register(commands, common, site)
    book_command.register(commands, common, site)
    keepsake.register(commands, common, site)
    status.register(commands, common, site)
    return parser


def _add_live_commands(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    parents: list[argparse.ArgumentParser],
) -> None:
    """`serve` and `watch`: rebuild after every save (see live.py)."""
    serve_cmd = commands.add_parser(
        "serve",
        parents=parents,
        help="preview the journal in your browser while you write",
        description="Build a preview (drafts and scheduled entries included, marked as "
        "previews) into .journalgen/preview/, serve it at http://127.0.0.1:8000/ and rebuild "
        "it every time you save a file: the page in your browser reloads by itself. "
        "Nothing is opened or published. Press Ctrl-C to stop.",
    )
    serve_cmd.add_argument(
        "--port",
        type=_port,
        default=8000,
        help="the port number in the address (default: 8000; use another if 8000 is taken)",
    )
    serve_cmd.add_argument(
        "--host",
        default="127.0.0.1",
        help="the address to listen on (default: 127.0.0.1, only this computer can see the "
        "preview; 0.0.0.0 shows it to every device on your network, drafts included)",
    )
    serve_cmd.add_argument(
        "--no-drafts",
        action="store_true",
        help="leave out entries marked `draft: true`, as the published site will",
    )
    serve_cmd.add_argument(
        "--no-future",
        action="store_true",
        help="leave out entries whose `publish_on` time has not come yet",
    )
    serve_cmd.set_defaults(run=_run_serve)

    watch_cmd = commands.add_parser(
        "watch",
        parents=parents,
        help="rebuild the output folder every time you save a file (no web server)",
        description="Build the website like `journalgen build`, then rebuild it every time "
        "you save a file, for people who use their own web server. Press Ctrl-C to stop.",
    )
    watch_cmd.add_argument(
        "--output",
        metavar="FOLDER",
        help="where to put the website (default: output/ in the site folder)",
    )
    watch_cmd.add_argument(
        "--drafts",
        action="store_true",
        help="include entries marked `draft: true`, labelled as previews "
        "(never publish the result)",
    )
    watch_cmd.add_argument(
        "--future",
        action="store_true",
        help="include entries whose `publish_on` time has not come yet, labelled as previews",
    )
    watch_cmd.add_argument(
        "--force",
        action="store_true",
        help="replace the output folder even if it holds files journalgen "
        "did not write (they are deleted)",
    )
    watch_cmd.set_defaults(run=_run_watch)


def _run_build(args: argparse.Namespace) -> int:
    site_dir = Path(args.site)
    out_dir = Path(args.output) if args.output else site_dir / "output"
    if not args.force and _up_to_date(args, site_dir, out_dir):
        return EXIT_OK
    from journalgen.build import BuildOptions, build
    from journalgen.structure.site import Selection

    options = BuildOptions(
        site_dir=site_dir,
        out_dir=out_dir,
        selection=Selection(drafts=args.drafts, future=args.future),
        force=args.force,
        strict=args.strict,
        progress=not args.quiet and sys.stderr.isatty(),
    )
    report = build(options)
    for warning in report.warnings:
        print("warning: " + warning.format(site_dir.absolute()), file=sys.stderr)
    if not args.quiet:
        print(_summary(report, out_dir))
    return EXIT_OK


def _up_to_date(args: argparse.Namespace, site_dir: Path, out_dir: Path) -> bool:
    """Nothing changed since the last build: say so (with its warnings) and stop."""
    started = time.perf_counter()
    ident = record.identity(
        site_dir, out_dir, drafts=args.drafts, future=args.future, strict=args.strict, photos=None
    )
    summary = record.up_to_date(site_dir, out_dir, ident, dt.datetime.now(dt.UTC))
    if summary is None:
        return False
    for warning in summary.warnings:
        print("warning: " + warning.format(site_dir.absolute()), file=sys.stderr)
    if not args.quiet:
        entries = "1 entry" if summary.entries == 1 else f"{summary.entries} entries"
        pages = "1 page" if summary.pages == 1 else f"{summary.pages} pages"
        print(
            f"Nothing changed since the last build: {out_dir} is up to date ({entries} and "
            f"{pages}, {summary.files} files; checked in {time.perf_counter() - started:.2f} s)."
        )
        if summary.previews:
            print(
                f"This is a preview: it includes {summary.previews} draft or scheduled "
                "entries. Do not publish it."
            )
    return True


def human_size(count: float) -> str:
    """A size as people read it: 950 bytes, 48 KB, 71.8 MB, 1.2 GB."""
    if count < 1000:
        return f"{count:.0f} bytes"
    for unit in ("KB", "MB", "GB"):
        count /= 1024
        if count < 1000 or unit == "GB":
            return f"{count:.0f} {unit}" if unit == "KB" else f"{count:.1f} {unit}"
    return f"{count:.1f} GB"  # pragma: no cover


def _summary(report: BuildReport, out_dir: Path) -> str:
    entries = "1 entry" if report.entries == 1 else f"{report.entries} entries"
    pages = "1 page" if report.pages == 1 else f"{report.pages} pages"
    text = (
        f"Built {entries} and {pages} ({report.files} files, {human_size(report.bytes)}) "
        f"into {out_dir} in {report.seconds:.2f} s."
    )
    if report.photos_encoded or report.photos_reused:
        text += f" Photos: {report.photos_encoded} made, {report.photos_reused} from the cache."
    if report.previews:
        text += (
            f"\nThis is a preview: it includes {report.previews} draft or scheduled "
            "entries. Do not publish it."
        )
    return text


def _run_serve(args: argparse.Namespace) -> int:
    from journalgen.build import BuildOptions
    from journalgen.preview import live
    from journalgen.structure.site import Selection

    site_dir = Path(args.site)
    _require_site(site_dir)
    options = live.ServeOptions(
        build=BuildOptions(
            site_dir=site_dir,
            out_dir=live.preview_dir(site_dir),
            selection=Selection(drafts=not args.no_drafts, future=not args.no_future),
            force=True,  # the preview folder is journalgen's own
        ),
        host=args.host,
        port=args.port,
        debug=args.debug,
    )
    return live.serve(options)


def _run_watch(args: argparse.Namespace) -> int:
    from journalgen.build import BuildOptions
    from journalgen.preview import live
    from journalgen.structure.site import Selection

    site_dir = Path(args.site)
    _require_site(site_dir)
    options = BuildOptions(
        site_dir=site_dir,
        out_dir=Path(args.output) if args.output else site_dir / "output",
        selection=Selection(drafts=args.drafts, future=args.future),
        force=args.force,
    )
    return live.watch(options, debug=args.debug)


def _require_site(site_dir: Path) -> None:
    """Refuse a folder that is not a journal; mistakes inside one are shown while running."""
    from journalgen import config

    if not (site_dir / config.CONFIG_NAME).is_file():
        config.load(site_dir)  # raises the usual "no settings file here" message


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (0 to 65535)")
    return port


def _print_problems(err: JournalError, base: Path) -> None:
    count = len(err.problems)
    if count > 1:
        print(f"journalgen found {count} problems:", file=sys.stderr)
        for problem in err.problems:
            print("error: " + problem.format(base), file=sys.stderr)
    else:
        print("error: " + err.format(base), file=sys.stderr)
