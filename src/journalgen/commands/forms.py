"""`journalgen forms FOLDER`: bring in every download of the host's forms in one go.

Netlify's Forms page offers one file per form (the guestbook's messages, the follow
requests), as CSV or JSON. A family downloads them into a folder (their Downloads) and runs
this once: each file is told apart by what it holds (a message, or only a name and an
address) and brought in exactly as `journalgen guestbook import` and `journalgen followers
import` would: waiting for approval, never twice.
"""

from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path
from typing import Literal

from journalgen.errors import JournalError

Form = Literal["guestbook", "follow"]
SUFFIXES = (".csv", ".json")


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
    site: argparse.ArgumentParser,
) -> None:
    forms = commands.add_parser(
        "forms",
        parents=[common, site],
        help="bring in the guestbook messages and follow requests downloaded from the host",
        description="Bring in every CSV or JSON file of the host's forms found in FOLDER "
        "(Netlify: Forms, each form, Download as CSV): guestbook messages go to "
        "content/guestbook/pending/, follow requests to followers/pending/, to approve as "
        "usual. Files brought in before change nothing.",
    )
    forms.add_argument(
        "folder",
        metavar="FOLDER",
        nargs="?",
        default=str(Path.home() / "Downloads"),
        help="where the downloads are (default: your Downloads folder)",
    )
    forms.set_defaults(run=_run, locks="forms")


def kind_of(path: Path) -> Form | None:
    """Which form a download holds: a message makes it the guestbook's; a name and an
    address alone, the follow form's; None for any other file."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            start = handle.read(1 << 20)
    except (OSError, UnicodeDecodeError):
        return None
    if start.lstrip().startswith(("[", "{")):
        try:
            items = json.loads(start)
        except ValueError:
            return None
        first = items[0] if isinstance(items, list) and items else items
        fields = first.get("data", first) if isinstance(first, dict) else {}
        names = set(fields) if isinstance(fields, dict) else set()
    else:
        header = next(csv.reader(start.splitlines()[:1]), [])
        names = {name.strip().lower() for name in header}
    if "message" in names:
        return "guestbook"
    if "email" in names:
        return "follow"
    return None


def _run(args: argparse.Namespace) -> int:
    from journalgen import guestbook_cli
    from journalgen.following import commands as following

    folder = Path(args.folder).expanduser()
    if not folder.is_dir():
        raise JournalError.at(
            folder,
            "there is no such folder",
            hint="Give the folder your browser saved the downloads in, e.g. "
            "`journalgen forms ~/Downloads`.",
        )
    found = sorted(p for p in folder.iterdir() if p.suffix.lower() in SUFFIXES and p.is_file())
    kinds = {path: kind_of(path) for path in found}
    chosen = [(path, kind) for path, kind in kinds.items() if kind is not None]
    if not chosen:
        print(
            f"No download of a guestbook or follow form is in {folder}. On Netlify: your "
            "site, Forms, then each form's 'Download as CSV'."
        )
        return 0
    for path, kind in chosen:
        print(f"{path.name}: {'guestbook messages' if kind == 'guestbook' else 'follow requests'}")
        one = argparse.Namespace(site=args.site, file=str(path))
        run = guestbook_cli.run_import if kind == "guestbook" else following.run_import
        run(one)
    print(
        "Read and approve them with `journalgen guestbook list` and `journalgen followers "
        "list` (nothing is published or sent before you approve it)."
    )
    return 0
