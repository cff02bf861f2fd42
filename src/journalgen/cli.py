"""The `journalgen` command: argument parsing and messages. The work happens elsewhere."""

from __future__ import annotations

import argparse
import contextlib
import errno
import os
import re
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from journalgen import __version__
from journalgen.errors import JournalError

if TYPE_CHECKING:
    pass

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
    from journalgen.commands import build as build_command

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

    build_command.register(commands, common, site)
    if only_build:
        return parser
    from journalgen.commands import book as book_command
    from journalgen.commands import deploycheck, farewell, forms, keepsake, publish, serve, status
    from journalgen.commands import guestbook as guestbook_command
    from journalgen.commands import init as init_command
    from journalgen.commands import new as new_command
    from journalgen.following import commands as following_commands
    from journalgen.importing import commands as importing_commands
    from journalgen.publishing import commands as publishing_commands

    init_command.register(commands, common, site)
    new_command.register(commands, common, site)
    serve.register(commands, common, site)
    deploycheck.register(commands, common, site)
    farewell.register(commands, common, site)
    guestbook_command.register(commands, common, site)
    following_commands.register(commands, common, site)
    importing_commands.register(commands, common, site)
    publishing_commands.register(commands, common, site)
    publish.register(commands, common, site)
    forms.register(commands, common, site)
    book_command.register(commands, common, site)
    keepsake.register(commands, common, site)
    status.register(commands, common, site)
    return parser


def _print_problems(err: JournalError, base: Path) -> None:
    count = len(err.problems)
    if count > 1:
        print(f"journalgen found {count} problems:", file=sys.stderr)
        for problem in err.problems:
            print("error: " + problem.format(base), file=sys.stderr)
    else:
        print("error: " + err.format(base), file=sys.stderr)
