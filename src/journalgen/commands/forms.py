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
from collections.abc import Sequence
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
    forms.add_argument(
        "--cloudflare",
        action="store_true",
        help="fetch them from Cloudflare instead (a journal published on Cloudflare Pages): "
        f"set {TOKEN}, {ACCOUNT} and {NAMESPACE} first",
    )
    forms.set_defaults(run=_run, locks="forms")


TOKEN = "CLOUDFLARE_API_TOKEN"
ACCOUNT = "CLOUDFLARE_ACCOUNT_ID"
NAMESPACE = "JOURNALGEN_FORMS_NAMESPACE"
API = "https://api.cloudflare.com/client/v4"
"""Cloudflare's API (JOURNALGEN_CLOUDFLARE_API replaces it, for a stand-in)."""


def fetch_cloudflare(environ: dict[str, str], into: Path) -> list[Path]:
    """Every submission the journal's Pages Functions kept in Workers KV, fetched with
    Cloudflare's API and written into `into` as one JSON file per form (the shape of
    Netlify's submissions, which the importers read)."""
    import urllib.error
    import urllib.parse
    import urllib.request

    missing = [name for name in (TOKEN, ACCOUNT, NAMESPACE) if not environ.get(name)]
    if missing:
        raise JournalError.at(
            None,
            "to fetch the forms from Cloudflare, journalgen needs " + ", ".join(missing),
            hint=f"{TOKEN}: a token made under My Profile > API Tokens with 'Workers KV "
            f"Storage: Read'; {ACCOUNT}: shown on the dashboard's right-hand side; "
            f"{NAMESPACE}: the id of the KV namespace bound as JOURNALGEN_FORMS (Storage & "
            "Databases > KV). Set them in the terminal (see the README), then run this again.",
        )
    base = environ.get("JOURNALGEN_CLOUDFLARE_API", API).rstrip("/")
    where = (
        f"{base}/accounts/{urllib.parse.quote(environ[ACCOUNT])}/storage/kv/namespaces/"
        f"{urllib.parse.quote(environ[NAMESPACE])}"
    )

    def get(url: str) -> bytes:
        request = urllib.request.Request(url, headers={"Authorization": f"Bearer {environ[TOKEN]}"})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                data: bytes = response.read()
                return data
        except urllib.error.HTTPError as err:
            raise JournalError.at(
                None,
                f"Cloudflare refused to give the forms ({err.code} {err.reason})",
                hint=f"Check {TOKEN} (it needs 'Workers KV Storage: Read'), {ACCOUNT} and "
                f"{NAMESPACE}.",
            ) from err
        except (urllib.error.URLError, OSError) as err:
            raise JournalError.at(
                None,
                f"could not reach Cloudflare ({err})",
                hint="Check that this computer is online, then run this again.",
            ) from err

    names: list[str] = []
    cursor = ""
    while True:
        query = urllib.parse.urlencode({"limit": 1000, **({"cursor": cursor} if cursor else {})})
        listing = json.loads(get(f"{where}/keys?{query}"))
        names += [str(item["name"]) for item in listing.get("result", [])]
        cursor = str((listing.get("result_info") or {}).get("cursor") or "")
        if not cursor:
            break
    by_form: dict[str, list[object]] = {}
    for name in names:
        form = name.split(":", 1)[0]
        if form not in ("guestbook", "follow"):
            continue
        value = json.loads(get(f"{where}/values/{urllib.parse.quote(name, safe='')}"))
        by_form.setdefault(form, []).append(value)
    written = []
    for form, items in sorted(by_form.items()):
        path = into / f"{form}-from-cloudflare.json"
        path.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
        written.append(path)
    return written


def kind_of(path: Path) -> Form | None:
    """Which form a download holds: a message makes it the guestbook's; a name and an
    address alone, the follow form's; None for any other file."""
    from journalgen.inbox import MAX_JSON_BYTES

    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            start = handle.read(1 << 16)
            if start.lstrip().startswith(("[", "{")):
                start += handle.read(MAX_JSON_BYTES)  # a JSON file is read whole
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
    if args.cloudflare:
        import os
        import tempfile

        with tempfile.TemporaryDirectory() as work:
            fetched = fetch_cloudflare(dict(os.environ), Path(work))
            if not fetched:
                print("Cloudflare holds no message and no follow request yet.")
                return 0
            return _bring_in(args, [(path, kind_of(path)) for path in fetched])
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
    return _bring_in(args, chosen)


def _bring_in(args: argparse.Namespace, chosen: Sequence[tuple[Path, Form | None]]) -> int:
    from journalgen.commands import guestbook as guestbook_cli
    from journalgen.following import commands as following

    for path, kind in chosen:
        if kind is None:
            print(f"{path.name}: not a download of the journal's forms (left alone)")
            continue
        print(f"{path.name}: {'guestbook messages' if kind == 'guestbook' else 'follow requests'}")
        one = argparse.Namespace(site=args.site, file=str(path))
        run = guestbook_cli.run_import if kind == "guestbook" else following.run_import
        run(one)
    print(
        "Read and approve them with `journalgen guestbook list` and `journalgen followers "
        "list` (nothing is published or sent before you approve it)."
    )
    return 0
