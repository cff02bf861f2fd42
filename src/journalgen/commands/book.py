"""`journalgen book [FILE]`: the journal as a typeset book, a PDF to print or keep.

It builds the journal as usual (the photos it shows are the built ones), then typesets
every published entry, oldest first, with its photos and the messages left for it
(`typeset.py`). The file is written whole or not at all.
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from journalgen.errors import JournalError
from journalgen.output import files

if TYPE_CHECKING:
    from journalgen.structure.site import Site

DEFAULT_NAME = "book.pdf"


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
    site: argparse.ArgumentParser,
) -> None:
    book = commands.add_parser(
        "book",
        parents=[common, site],
        help="make the journal into a book to print or keep: a PDF",
        description="Typeset every published entry, oldest first, with its photos and the "
        "messages left for it, after a title page and a contents list with page numbers, "
        "as an archival PDF (PDF/A, fonts included).",
    )
    book.add_argument(
        "file",
        metavar="FILE",
        nargs="?",
        help=f"where to write it (default: {DEFAULT_NAME} in the journal's folder)",
    )
    book.add_argument(
        "--paper",
        choices=("a4", "letter"),
        default="a4",
        help="A4 (the default) or US Letter",
    )
    book.set_defaults(run=_run, locks="book")


def make(site_dir: Path, target: Path, paper: str = "a4") -> int:
    """Build the journal and write its book to `target`; the number of entries in it."""
    from journalgen.build import BuildOptions, build

    out_dir = site_dir / "output"
    report = build(BuildOptions(site_dir=site_dir, out_dir=out_dir))
    if report.site is None or not report.site.entries:
        raise JournalError.at(
            site_dir,
            "there is no published entry to make a book of",
            hint='Write an entry (journalgen new "Title"), then make the book.',
        )
    files.write_whole(target, typeset_site(report.site, out_dir, site_dir, paper))
    return len(report.site.entries)


def typeset_site(site: Site, out_dir: Path, site_dir: Path, paper: str = "a4") -> bytes:
    """The book of `site` (built into `out_dir`, inside the journal) as PDF bytes."""
    from journalgen.rendering import typeset

    root = site_dir.absolute()
    work_dir = site_dir / ".journalgen"
    work_dir.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(dir=work_dir, prefix="book-") as work:
        source = typeset.document(site, out_dir.absolute(), root, typeset.BookSettings(paper))
        when = max(entry.date for entry in site.entries).astimezone(dt.UTC)
        try:
            return typeset.compile_pdf(source, Path(work) / "book.typ", root, when)
        except RuntimeError as err:  # Typst's own words: journalgen's bug, not the family's
            raise RuntimeError(f"Typst could not typeset the book: {err}") from err


def _run(args: argparse.Namespace) -> int:
    site_dir = Path(args.site)
    target = Path(args.file).expanduser() if args.file else site_dir / DEFAULT_NAME
    count = make(site_dir, target, args.paper)
    print(f"The book of {count} entr{'y' if count == 1 else 'ies'} is in {target}.")
    return 0
