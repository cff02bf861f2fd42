"""The one place that reads the site's files: it returns their text, nothing parsed yet."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from stat import S_ISDIR, S_ISREG
from typing import Literal

from journalgen.errors import JournalError, Problem
from journalgen.output.outputs import Copy

SourceKind = Literal["entry", "page", "message", "redirects"]

MAX_TEXT_BYTES = 5 * 1024 * 1024
"""An entry or page larger than this is refused: it is almost certainly not a diary entry
(a pasted file or a binary), and rendering it would make every build slow."""

CONTENT_DIR = "content"
ENTRIES_DIR = "entries"
PAGES_DIR = "pages"
TEXT_DIRS: dict[str, SourceKind] = {ENTRIES_DIR: "entry", PAGES_DIR: "page"}
SKIPPED_DIRS: frozenset[str] = frozenset()
MARKDOWN_SUFFIXES = (".md", ".markdown")

REDIRECTS_FILE = "redirects.yaml"
"""In content/: the old addresses of an imported blog (see redirects.py)."""
GUESTBOOK_DIR = "guestbook"
"""Guestbook messages, one YAML or Markdown file each (see guestbook.py). Nothing in this
folder is ever copied into the site as a file: only the messages read from it are shown."""
PENDING_DIR = "pending"
REJECTED_DIR = "rejected"
HELD_DIRS = (PENDING_DIR, REJECTED_DIR)
"""Folders inside content/guestbook/ that are never published (waiting, or turned down)."""
MESSAGE_SUFFIXES = (".yaml", ".yml", ".md", ".markdown")
MAX_MESSAGE_BYTES = 64 * 1024
"""A guestbook message file larger than this is refused: a kind word is a few hundred
bytes, and a form can be abused to send megabytes."""


@dataclass(frozen=True, slots=True)
class Source:
    """One Markdown file of the site."""

    path: Path
    """Where it is on disk (for messages)."""
    rel: str
    """Its path inside `content/`, with `/` separators, e.g. `entries/2026-11-22-home.md`."""
    kind: SourceKind
    """An entry (dated, in the feeds) or a standalone page."""
    text: str
    """Its text, decoded from UTF-8 (a byte-order mark is dropped)."""
    digest: str
    """SHA-256 of the bytes, for caches."""
    warnings: tuple[Problem, ...] = ()
    """What was changed on reading (control characters no page or feed can carry)."""


@dataclass(frozen=True, slots=True)
class Asset:
    """A file under `content/` that is not Markdown (a photo, a PDF): copied as is."""

    path: Path
    rel: str
    """Its path inside `content/`, which is also its path in the built site."""


@dataclass(frozen=True, slots=True)
class Tree:
    """Everything read from `content/`."""

    sources: tuple[Source, ...]
    assets: tuple[Asset, ...]
    messages: tuple[Source, ...] = ()
    """Published guestbook messages (content/guestbook/, without pending/ and rejected/)."""
    signatures: Mapping[Path, tuple[int, int, int]] = field(default_factory=dict)
    """Each source's size, modification time and inode, taken before it was read."""
    warnings: tuple[Problem, ...] = ()
    """Files in content/ that are not used (a Markdown file outside entries/ and pages/)."""
    redirects: Source | None = None
    """content/redirects.yaml, when there is one."""


KnownSource = Callable[[str, str, str, os.stat_result], Source | None]
"""Given a Markdown file's path (as text), its path in content/, its kind and its `stat`:
the source as read before, when the file is unchanged since (see cache.known_source)."""


LEFTOVER_NAMES = frozenset(
    {"4913", "Thumbs.db", "desktop.ini", "Desktop.ini", "Icon\r", ".DS_Store", ".git"}
)
"""vim's probe file; what Windows and macOS leave in folders; a folder's git history."""
LEFTOVER_PREFIXES = ("#", ".#", "~", ".goutputstream-")
LEFTOVER_SUFFIXES: tuple[str, ...] = (
    *("~", ".swp", ".swx", ".swo", ".tmp", ".bak", ".orig", ".crswap"),
    *("___jb_tmp___", "___jb_old___"),
)
"""Editors' swap, backup and temporary files (vim, emacs, gedit, Chrome's file system
access, JetBrains' safe write)."""


def is_leftover(name: str) -> bool:
    """A file an editor or the system leaves beside the real ones: never published from
    static/ or content/, and a change to it never calls for a rebuild. The one list the
    build, discovery and `serve` all ask."""
    return (
        name in LEFTOVER_NAMES
        or name.startswith(LEFTOVER_PREFIXES)
        or name.endswith(LEFTOVER_SUFFIXES)
    )


def is_ignored_name(name: str) -> bool:
    """Never content: hidden files and folders, and editors' and systems' leftovers."""
    return name.startswith(".") or is_leftover(name)


def discover(site_dir: Path, known: KnownSource | None = None) -> Tree:
    """Read every Markdown file under `content/entries` and `content/pages`, and the
    published guestbook messages under `content/guestbook`; `known` may give a file as it
    was read before, when it has not changed since.

    All unreadable files are reported together, so one build shows every problem.
    """
    content = site_dir / CONTENT_DIR
    sources: list[Source] = []
    assets: list[Asset] = []
    messages: list[Source] = []
    problems: list[Problem] = []
    warnings: list[Problem] = []
    signatures: dict[Path, tuple[int, int, int]] = {}
    redirects: Source | None = None
    if not content.is_dir():
        return Tree((), ())
    for parts, item in _scan(str(content), str(site_dir), by_folder=True):
        rel = "/".join(parts)
        top = parts[0]
        if top in SKIPPED_DIRS:
            continue
        if top == GUESTBOOK_DIR:
            if is_message_file(rel, published=True):
                try:
                    messages.append(read_message(Path(item.path), rel))
                except JournalError as err:
                    problems.extend(err.problems)
            continue  # never copied as a file: pending messages must stay private
        if rel == REDIRECTS_FILE:
            try:
                path = Path(item.path)
                data = read_bytes(path)
                digest = hashlib.sha256(data).hexdigest()
                text, digest, warned = clean(decode(data, path), path, digest)
                redirects = Source(path, rel, "redirects", text, digest, warned)
            except JournalError as err:
                problems.extend(err.problems)
            continue
        kind = TEXT_DIRS.get(top)
        is_markdown = os.path.splitext(item.name)[1].lower() in MARKDOWN_SUFFIXES
        if kind is None or len(parts) == 1:
            if is_markdown and not item.name.lower().startswith("readme"):
                warnings.append(_misplaced(Path(item.path), rel))
            if len(parts) == 1 or is_markdown:
                continue  # notes kept beside the content, never published
        elif not is_markdown:
            problems.append(_not_markdown(Path(item.path), rel))
            continue
        if is_markdown and kind is not None:
            try:
                stat: os.stat_result | None = item.stat()
            except OSError:
                stat = None
            if stat is not None:
                before = known(item.path, rel, kind, stat) if known is not None else None
                if before is not None:
                    signatures[before.path] = (stat.st_size, stat.st_mtime_ns, stat.st_ino)
                    sources.append(before)
                    continue
            path = Path(item.path)
            if stat is not None:
                signatures[path] = (stat.st_size, stat.st_mtime_ns, stat.st_ino)
            try:
                sources.append(read_source(path, rel, kind))
            except JournalError as err:
                problems.extend(err.problems)
        else:
            assets.append(Asset(Path(item.path), rel))
    if problems:
        raise JournalError(problems)
    return Tree(
        tuple(sources), tuple(assets), tuple(messages), signatures, tuple(warnings), redirects
    )


def _misplaced(path: Path, rel: str) -> Problem:
    return Problem(
        path,
        None,
        f"content/{rel} is not published: entries go in content/{ENTRIES_DIR}/ and pages "
        f"(such as About) in content/{PAGES_DIR}/",
        f"Move it to content/{ENTRIES_DIR}/ to publish it as an entry (or rename it to "
        "README.md if it is a note for yourself).",
    )


TEXT_SUFFIXES = (".txt", ".text", ".rtf")


def _not_markdown(path: Path, rel: str) -> Problem:
    """A file in content/entries or content/pages that is not Markdown: never published
    (it could be a draft saved with the wrong name)."""
    name = path.name
    suffix = os.path.splitext(name)[1].lower()
    looks_like_entry = suffix in TEXT_SUFFIXES
    if not looks_like_entry:
        try:
            with path.open("rb") as handle:
                looks_like_entry = handle.read(3) == b"---"
        except OSError:
            pass
    if looks_like_entry:
        stem = name[: -len(suffix)] if suffix else name
        wanted = stem if stem.lower().endswith(MARKDOWN_SUFFIXES) else stem + ".md"
        return Problem(
            path,
            None,
            "this looks like an entry, but only files ending in .md are read (and nothing "
            "else in this folder is ever published)",
            f"Rename it to {wanted} (your editor may have added {suffix or 'nothing'}: "
            "choose 'All files' when saving).",
        )
    return Problem(
        path,
        None,
        f"a {suffix or 'file without a'} file cannot be an entry or page, and is not published",
        f"Entries and pages are Markdown text (.md): copy its words into one. Photos go in "
        f"content/photos/, other files (a PDF) in another folder such as content/files/, "
        f"linked from an entry: [the letter](../files/{name}).",
    )


def is_message_file(rel: str, *, published: bool) -> bool:
    """True for a guestbook message file at `rel` (a path inside content/): a YAML or
    Markdown file under guestbook/, other than a README. `published` leaves out the files
    in guestbook/pending/ and guestbook/rejected/."""
    parts = rel.split("/")
    name = parts[-1]
    if parts[0] != GUESTBOOK_DIR or len(parts) < 2:
        return False
    if published and len(parts) > 2 and parts[1] in HELD_DIRS:
        return False
    return name.lower().endswith(MESSAGE_SUFFIXES) and not name.lower().startswith("readme")


def read_source(path: Path, rel: str, kind: SourceKind) -> Source:
    """One entry or page (`kind`) at `path`, `rel` inside content/: read, decoded, cleaned."""
    data = read_bytes(path)
    return Source(
        path, rel, kind, *clean(decode(data, path), path, hashlib.sha256(data).hexdigest())
    )


def read_message(path: Path, rel: str) -> Source:
    """One guestbook message file (at most `MAX_MESSAGE_BYTES`)."""
    try:
        size = path.stat().st_size
    except OSError as err:
        raise JournalError.at(path, f"cannot read this file: {err.strerror or err}") from err
    if size > MAX_MESSAGE_BYTES:
        raise JournalError.at(
            path,
            f"this guestbook message is {size / 1024:.0f} KB; a message file may be at most "
            f"{MAX_MESSAGE_BYTES // 1024} KB",
            hint="This is not a message anyone typed into the form: move the file out of "
            "content/guestbook/ (or into content/guestbook/rejected/).",
        )
    data = read_bytes(path)
    # Not cleaned: a message with control characters is refused when it is approved
    # (guestbook.py), as a stranger's text that no person typed.
    return Source(path, rel, "message", decode(data, path), hashlib.sha256(data).hexdigest())


def guestbook_files(site_dir: Path, folder: str | None = None) -> list[Path]:
    """Every message file under content/guestbook/ (published, pending and rejected), or
    only those in the held `folder` (`pending` or `rejected`), sorted."""
    root = site_dir / CONTENT_DIR / GUESTBOOK_DIR
    if folder is not None:
        root = root / folder
    if not root.is_dir():
        return []
    above = root.relative_to(site_dir / CONTENT_DIR).parts
    return [
        Path(item.path)
        for parts, item in _scan(str(root), str(site_dir))
        if is_message_file("/".join((*above, *parts)), published=False)
    ]


def _scan(
    top: str,
    journal: str | None = None,
    ignored: Callable[[str], bool] | None = None,
    *,
    by_folder: bool = False,
) -> list[tuple[tuple[str, ...], os.DirEntry[str]]]:
    """Every file under `top` (ignored names left out) with its path's parts below `top`,
    in the order of those parts. `os.scandir` rather than pathlib: a journal has thousands
    of files and this runs on every rebuild.

    Only the journal's own files are read: `top` must lie inside the `journal` folder, a
    symbolic link may only point inside `top` (`by_folder`: inside the same folder of
    `top`, as content/entries/ or content/photos/) and not into a hidden folder, and a
    folder or file reached twice (a loop, or two links to it) is read
    once."""
    journal_real = os.path.realpath(journal if journal is not None else top)
    inside = os.path.realpath(top)
    if not _within(inside, journal_real):
        raise JournalError.at(
            Path(top),
            f"this folder is a link to {inside}, outside the journal: journalgen only reads "
            "and publishes the journal's own files",
            hint="Copy the folder into the journal instead of linking to it.",
        )
    skip = ignored if ignored is not None else is_ignored_name
    found: list[tuple[tuple[str, ...], os.DirEntry[str]]] = []
    problems: list[Problem] = []
    folders: set[tuple[int, int]] = set()
    candidates: list[tuple[bool, tuple[str, ...], tuple[int, int], os.DirEntry[str]]] = []
    # Folders reached through a link wait until every real folder is walked, so that a
    # folder is read under its own name; each folder (by device and inode) is read once.
    stack: list[tuple[str, tuple[str, ...]]] = [(top, ())]
    linked_stack: list[tuple[str, tuple[str, ...]]] = []
    while stack or linked_stack:
        through_link = not stack
        folder, above = stack.pop() if stack else linked_stack.pop()
        try:
            here = os.stat(folder)
        except OSError:
            continue
        if (here.st_dev, here.st_ino) in folders:
            continue
        folders.add((here.st_dev, here.st_ino))
        try:
            items = list(os.scandir(folder))
        except OSError as err:
            raise JournalError.at(
                Path(folder),
                f"cannot read this folder: {err.strerror or err}",
                hint="Check that you (the account running journalgen) may open it.",
            ) from err
        for item in items:
            if skip(item.name):
                continue
            if not _utf8(item.name):
                raw = os.fsencode(item.name)
                problems.append(
                    Problem(
                        Path(folder),
                        None,
                        f"a file name in this folder is not UTF-8 text ({raw!r}), so it cannot "
                        "be part of a web address",
                        "Rename the file (any letters are fine once your system writes them "
                        "as UTF-8), e.g. with your file manager.",
                    )
                )
                continue
            linked = item.is_symlink()
            if linked:
                # Within the same folder: under content/, the same one of entries/, photos/…
                scope = os.path.join(inside, above[0]) if above and by_folder else inside
                problem = _link_problem(item.path, scope)
                if problem is not None:
                    problems.append(problem)
                    continue
            try:
                info = item.stat()
            except OSError:
                continue  # vanished since the folder was listed
            key = (info.st_dev, info.st_ino)
            if S_ISDIR(info.st_mode):
                if key not in folders:
                    waiting = linked_stack if through_link or linked else stack
                    waiting.append((item.path, (*above, item.name)))
            elif S_ISREG(info.st_mode):
                candidates.append((through_link or linked, (*above, item.name), key, item))
    if problems:
        raise JournalError(problems)
    # A file reached twice (through a link) is read once, under its own name if it has one.
    files: set[tuple[int, int]] = set()
    for _linked, parts, key, item in sorted(candidates, key=lambda c: (c[0], c[1])):
        if key not in files:
            files.add(key)
            found.append((parts, item))
    found.sort(key=lambda pair: pair[0])
    return found


def _utf8(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:  # bytes the system could not decode (surrogate escapes)
        return False
    return True


def _within(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _link_problem(path: str, inside: str) -> Problem | None:
    """Why the symbolic link at `path` may not be read, or None when it may: its target
    must exist inside the same folder (content/, static/ or templates/) and not in a
    hidden folder there, so no link can publish the journal's drafts, its Git history
    (with the tokens it may hold), the output or anything else on the computer."""
    target = os.path.realpath(path)
    if not os.path.exists(target):
        return Problem(
            Path(path),
            None,
            "this is a link to something that does not exist",
            "Remove the link, or put the file itself here.",
        )
    parts = os.path.relpath(target, inside).split(os.sep)
    hidden = any(part.startswith(".") and part != "." for part in parts)
    if not _within(target, inside) or hidden:
        return Problem(
            Path(path),
            None,
            f"this is a link to {target}, outside the folder it is in: journalgen only "
            "reads and publishes the journal's own files, each from its own folder",
            "Copy the file here instead of linking to it, or remove the link.",
        )
    return None


def scan_folder(
    top: Path, journal: Path, ignored: Callable[[str], bool] | None = None
) -> list[tuple[tuple[str, ...], os.DirEntry[str]]]:
    """Every file under `top` (static/, templates/), with the same rules about links as
    content/; `ignored`: which names to leave out (default: hidden and editor files)."""
    if not top.is_dir():
        return []
    return _scan(str(top), str(journal), ignored)


def read_bytes(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_TEXT_BYTES:
            raise JournalError.at(
                path,
                f"this file is {size / 1024 / 1024:.1f} MB; an entry or page may be at most "
                f"{MAX_TEXT_BYTES // 1024 // 1024} MB",
                hint="Split it into several entries, or move large material (a PDF, photos) "
                "into content/photos and link to it.",
            )
        return path.read_bytes()
    except PermissionError as err:
        raise JournalError.at(
            path,
            "cannot read this file (permission denied)",
            hint="Check the file's permissions, e.g. `chmod u+r FILE`.",
        ) from err
    except OSError as err:
        raise JournalError.at(path, f"cannot read this file: {err.strerror or err}") from err


def decode(data: bytes, path: Path) -> str:
    """UTF-8 text (with or without a byte-order mark); anything else is a clear error."""
    if b"\x00" in data[:8192]:
        raise JournalError.at(
            path,
            "this is not a text file (it contains binary data)",
            hint="Only Markdown text belongs here; move images to content/photos.",
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise JournalError.at(
            path,
            "this file is not UTF-8 text",
            line=line,
            hint='Save it as UTF-8 in your editor ("Save with encoding" → UTF-8).',
        ) from err


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
"""Characters that XML (so feeds) cannot carry and HTML forbids: word processors paste
some (U+000B is Word's manual line break, U+000C a page break), terminals others (ESC)."""
_AS_LINE_BREAK = {"\x0b", "\x0c", "\x85"}
_BREAKS = {"\x0b": "  \n", "\x85": "  \n", "\x0c": "\n\n"}
"""Word's manual line break (and the old "next line") as a line break Markdown keeps (two
spaces at the end of a line); a page break as a new paragraph."""


def without_controls(text: str) -> str:
    """`text` with the control characters no page or feed can carry replaced (line and
    page breaks become spaces: this is for one-line values) or removed."""
    return _CONTROL.sub(lambda m: " " if m.group() in _AS_LINE_BREAK else "", text)


def clean(text: str, path: Path, digest: str) -> tuple[str, str, tuple[Problem, ...]]:
    """`text` without control characters (line and page breaks become the line break or
    paragraph they were meant as, silently: nothing is lost), its digest, and a warning
    naming the first line that had one that had to be removed."""
    found = _CONTROL.search(text)
    if found is None:
        return text, digest, ()
    cleaned = _CONTROL.sub(lambda m: _BREAKS.get(m.group(), ""), text)
    removed = [m for m in _CONTROL.finditer(text) if m.group() not in _AS_LINE_BREAK]
    if not removed:
        return cleaned, digest, ()
    line = text.count("\n", 0, removed[0].start()) + 1
    what = "a control character" if len(removed) == 1 else f"{len(removed)} control characters"
    warning = Problem(
        path,
        line,
        f"{what} (U+{ord(removed[0].group()):04X}, from a word processor or a terminal) "
        "cannot be shown in a page or feed: removed",
        "Retype the text around it, or paste it as plain text, to make this warning go.",
    )
    return cleaned, digest, (warning,)


def read_text(path: Path) -> str:
    return decode(read_bytes(path), path)


FINGERPRINTED = (".css", ".js", ".svg", ".woff2")
"""Files under `assets/` published with a content hash in their names."""


def fingerprint(copies: Sequence[Copy]) -> tuple[list[Copy], dict[str, str]]:
    """Give the files under `assets/` a content hash in their names (`style.css` ->
    `style.3f9c2a41d0.css`), so a changed stylesheet is never served stale from a cache.

    Returns the renamed copies and the map from each plain name to the hashed one."""
    renamed: dict[str, str] = {}
    result: list[Copy] = []
    for copy in copies:
        stem, dot, suffix = copy.path.rpartition(".")
        if copy.path.startswith("assets/") and dot and f".{suffix}" in FINGERPRINTED:
            digest = hashlib.sha256(read_bytes_of(copy.source)).hexdigest()[:10]
            renamed[copy.path] = f"{stem}.{digest}.{suffix}"
            copy = Copy(renamed[copy.path], copy.source)
        result.append(copy)
    return result, renamed


def read_bytes_of(path: Path) -> bytes:
    """A theme or static file's bytes (no size limit: these are not entries)."""
    try:
        return path.read_bytes()
    except OSError as err:
        raise JournalError.at(path, f"cannot read this file: {err.strerror or err}") from err
