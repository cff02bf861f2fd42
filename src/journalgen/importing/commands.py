"""`journalgen import wordpress|blogger EXPORT [--uploads FOLDER] [--force]`."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import TYPE_CHECKING

from journalgen import config as config_module
from journalgen.errors import JournalError
from journalgen.output import files
from journalgen.reading import sources

if TYPE_CHECKING:
    from journalgen.importing.convert import Uploads
    from journalgen.importing.model import Export
    from journalgen.importing.plan import Journal, Plan, Report

# The importer's modules (lxml, BeautifulSoup, markdownify) are imported when an import
# runs: every other command starts without them.
REDIRECTS = sources.REDIRECTS_FILE

_HOW = {
    "wordpress": "In WordPress: Tools → Export → All content → Download Export File (an .xml "
    "file). For its photos, copy the folder wp-content/uploads from your host (its file "
    "manager or FTP) and give it with --uploads.",
    "blogger": "In Blogger: Settings → Back up content → Download (an .xml file), or a Google "
    "Takeout of Blogger (the feed.atom file; its photos are in Takeout/Blogger/Albums, "
    "give that folder with --uploads).",
}


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
    site: argparse.ArgumentParser,
) -> None:
    group = commands.add_parser(
        "import",
        parents=[common],
        help="bring an old WordPress or Blogger blog into this journal",
        description="Bring the posts, pages, comments, photos and old addresses of a "
        "WordPress or Blogger blog into this journal. Nothing private becomes public: "
        "drafts, private and password-protected posts arrive as drafts. Running it again "
        "with the same export changes nothing.",
    )
    group.set_defaults(run=lambda args: _help(group))
    kinds = group.add_subparsers(title="where the blog was", metavar="SOURCE")
    for name in ("wordpress", "blogger"):
        command = kinds.add_parser(
            name,
            parents=[common, site],
            help=f"import a {name.capitalize()} export",
            description=_HOW[name],
        )
        command.add_argument("export", metavar="EXPORT", help="the export file")
        command.add_argument(
            "--uploads",
            metavar="FOLDER",
            help="the blog's photos: a copy of wp-content/uploads, or Takeout's album folder",
        )
        command.add_argument(
            "--force",
            action="store_true",
            help="replace files an earlier import wrote even if they were changed since",
        )
        command.add_argument(
            "--dry-run", action="store_true", help="report what would be brought in; write nothing"
        )
        command.set_defaults(run=_run, source=name, locks=f"import {name}")


def _help(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 0


def read_export(source: str, path: Path) -> Export:
    from journalgen.importing import blogger, exportfile, wordpress

    root = exportfile.read(path, _HOW[source])
    return wordpress.parse(root, path) if source == "wordpress" else blogger.parse(root, path)


def index_uploads(folder: Path | None) -> Uploads:
    """The files under `folder` (hidden ones and links out of it left aside)."""
    from journalgen.importing.convert import Uploads

    if folder is None:
        return Uploads()
    if not folder.is_dir():
        raise JournalError.at(
            folder, "this folder does not exist", hint="Give the folder of the blog's photos."
        )
    top = folder.resolve()
    by_path: dict[str, str] = {}
    by_name: dict[str, str] = {}
    for where, dirs, names in os.walk(top):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            if name.startswith(".") or sources.is_ignored_name(name):
                continue
            path = Path(where) / name
            if path.is_symlink() and not path.resolve().is_relative_to(top):
                continue
            rel = path.relative_to(top).as_posix()
            by_path.setdefault(rel.lower(), rel)
            by_name.setdefault(name.lower(), rel)
    return Uploads(by_path, by_name)


def journal_state(site_dir: Path, export: Export) -> Journal:
    from journalgen.importing.plan import Journal
    from journalgen.inbox import existing_keys
    from journalgen.reading.yamltext import load_mapping

    config = config_module.load(site_dir)
    content = site_dir / sources.CONTENT_DIR
    present: dict[str, str] = {}
    for folder in ("entries", "pages"):
        for path in sorted((content / folder).glob("*.md")) if (content / folder).is_dir() else []:
            present[f"content/{folder}/{path.name}"] = sources.read_text(path)
    redirects_path = content / REDIRECTS
    redirects: dict[str, str] = {}
    if redirects_path.is_file():
        text = sources.read_text(redirects_path)
        present[f"content/{REDIRECTS}"] = text
        redirects = {str(k): str(v) for k, v in load_mapping(text, redirects_path).values.items()}
    keys = frozenset(existing_keys(sources.guestbook_files(site_dir)))
    return Journal(config, present, keys, redirects)


def _run(args: argparse.Namespace) -> int:
    from journalgen.importing.plan import plan

    site_dir = Path(args.site)
    export_path = Path(args.export)
    uploads_dir = Path(args.uploads) if args.uploads else None
    config_module.load(site_dir)  # inside a journal, before reading a large export
    export = read_export(args.source, export_path)
    uploads = index_uploads(uploads_dir)
    journal = journal_state(site_dir, export)
    made = plan(export, journal, uploads, args.force)
    copies = _photo_copies(site_dir, made, uploads_dir, args.force, made.report)
    if not args.dry_run:
        _write(site_dir, made, copies)
    print(summary(made.report, export, args, written=not args.dry_run))
    return 0


def _photo_copies(
    site_dir: Path, made: Plan, uploads: Path | None, force: bool, report: Report
) -> dict[Path, bytes]:
    """The photos to copy (target → bytes): new ones, and different ones with --force.
    The same file already here is left alone; a different one is reported, not replaced."""
    copies: dict[Path, bytes] = {}
    report.photos = 0
    for rel, found in sorted(made.photos.items()):
        if uploads is None:
            continue
        target = site_dir / rel
        data = (uploads / found).read_bytes()
        before = target.read_bytes() if target.exists() else None
        if before == data:
            report.unchanged += 1
        elif before is not None and not force:
            report.conflicts.append(rel)
        else:
            copies[target] = data
            report.photos += 1
    return copies


def _write(site_dir: Path, made: Plan, copies: dict[Path, bytes]) -> None:
    """Photos first, then the texts that show them, then the settings: a run stopped half
    way leaves files that build, and running it again finishes it."""
    for target, data in copies.items():
        target.parent.mkdir(parents=True, exist_ok=True)
        files.write_whole(target, data)
    content = (site_dir / sources.CONTENT_DIR).resolve()
    for rel, text in sorted(made.texts.items(), key=lambda item: item[0].endswith(REDIRECTS)):
        target = site_dir / rel
        if not target.resolve().is_relative_to(content):  # never: plan.py makes plain names
            raise JournalError.at(target, "journalgen import would write outside content/")
        target.parent.mkdir(parents=True, exist_ok=True)
        files.write_text_whole(target, text)
    if made.authors:
        _add_authors(site_dir, made.authors)


def _add_authors(site_dir: Path, authors: dict[str, str]) -> None:
    """New authors added to journalgen.yaml, under `authors:` (made when missing); the
    result is checked as settings before it replaces the file."""
    import json

    path = site_dir / config_module.CONFIG_NAME
    text = sources.read_text(path)
    block = "".join(
        f"  {key}:\n    name: {json.dumps(name, ensure_ascii=False)}\n"
        for key, name in authors.items()
    )
    lines = text.splitlines(keepends=True)
    at = next((i for i, line in enumerate(lines) if line.rstrip() == "authors:"), None)
    if at is None:
        new = text + ("" if text.endswith("\n") else "\n") + "authors:\n" + block
    else:
        new = "".join(lines[: at + 1]) + block + "".join(lines[at + 1 :])
    try:
        config_module.parse(new, path)
    except JournalError:
        names = ", ".join(f"{key} ({name})" for key, name in authors.items())
        print(f"note: add these authors to journalgen.yaml yourself: {names}")
        return
    files.write_text_whole(path, new)


def summary(report: Report, export: Export, args: argparse.Namespace, *, written: bool) -> str:
    verb = "Brought in" if written else "Would bring in"
    lines = [
        f"{verb} from {export.title or args.export} ({export.source}):",
        f"  {report.entries} entries, {report.pages} pages, {report.messages} guestbook "
        f"messages ({report.waiting} more waiting for approval), {report.photos} photos, "
        f"{report.redirects} old addresses",
    ]
    if report.unchanged:
        lines.append(f"  {report.unchanged} files were already here, unchanged")
    if report.authors:
        lines.append("  new authors in journalgen.yaml: " + ", ".join(report.authors))
    if report.held:
        lines.append(f"\nHeld back as drafts (draft: true), {len(report.held)}:")
        lines += [f"  {item}" for item in report.held]
    if report.scheduled:
        lines.append(f"\nScheduled (publish_on), {len(report.scheduled)}:")
        lines += [f"  {item}" for item in report.scheduled]
    if report.skipped:
        lines.append("\nLeft out:")
        lines += [f"  {item}" for item in report.skipped]
    needs = []
    for url, where in sorted(report.missing_photos.items()):
        needs.append(f"  photo not found in --uploads: {url} (in {', '.join(sorted(set(where)))})")
    for code, where in sorted(report.unknown.items()):
        needs.append(f"  unknown shortcode {code} left as text in {', '.join(sorted(set(where)))}")
    for rel in report.conflicts:
        needs.append(f"  {rel} exists and differs: not replaced (--force replaces it)")
    if needs:
        lines.append("\nNeeds a person:")
        lines += needs
        if report.missing_photos:
            lines.append(
                "  (A photo not found is shown as a link to the old blog; put the file in "
                "content/photos/ and point the entry at it.)"
            )
    lines.append(
        "\nNext: journalgen build (then journalgen serve to read it), and check the drafts."
        if written
        else "\nDry run: nothing was written."
    )
    return "\n".join(lines)
