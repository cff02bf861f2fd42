"""`journalgen build`: build the website, or say that nothing changed since the last build
(asked of the record before the Markdown, template and image libraries are loaded)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from journalgen.incremental import record

if TYPE_CHECKING:
    from journalgen.build import BuildReport


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
    site: argparse.ArgumentParser,
) -> None:
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


def _run_build(args: argparse.Namespace) -> int:
    site_dir = Path(args.site)
    out_dir = Path(args.output) if args.output else site_dir / "output"
    if not args.force and _up_to_date(args, site_dir, out_dir):
        return 0
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
    return 0


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
