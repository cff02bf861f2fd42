"""The one place that reads the site's files: it returns their text, nothing parsed yet."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from journalgen.errors import JournalError, Problem

SourceKind = Literal["entry", "page"]

MAX_TEXT_BYTES = 5 * 1024 * 1024
"""An entry or page larger than this is refused: it is almost certainly not a diary entry
(a pasted file or a binary), and rendering it would make every build slow."""

CONTENT_DIR = "content"
ENTRIES_DIR = "entries"
PAGES_DIR = "pages"
TEXT_DIRS: dict[str, SourceKind] = {ENTRIES_DIR: "entry", PAGES_DIR: "page"}
SKIPPED_DIRS = frozenset({"guestbook"})
MARKDOWN_SUFFIXES = (".md", ".markdown")


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


def is_ignored_name(name: str) -> bool:
    """Hidden files, editor swap and backup files are never content."""
    return (
        name.startswith((".", "#", "~"))
        or name.endswith(("~", ".swp", ".swx", ".swo", ".tmp", ".bak"))
        or name == "4913"  # vim's probe file
    )


def discover(site_dir: Path) -> Tree:
    """Read every Markdown file under `content/entries` and `content/pages`.

    All unreadable files are reported together, so one build shows every problem.
    """
    content = site_dir / CONTENT_DIR
    sources: list[Source] = []
    assets: list[Asset] = []
    problems: list[Problem] = []
    if not content.is_dir():
        return Tree((), ())
    for path in sorted(_walk(content)):
        rel = path.relative_to(content).as_posix()
        top = rel.split("/", 1)[0]
        if top in SKIPPED_DIRS:
            continue
        kind = TEXT_DIRS.get(top)
        if path.suffix.lower() in MARKDOWN_SUFFIXES:
            if kind is None:
                continue  # notes kept beside the content, never published
            try:
                data = read_bytes(path)
                sources.append(
                    Source(path, rel, kind, decode(data, path), hashlib.sha256(data).hexdigest())
                )
            except JournalError as err:
                problems.extend(err.problems)
        else:
            assets.append(Asset(path, rel))
    if problems:
        raise JournalError(problems)
    return Tree(tuple(sources), tuple(assets))


def _walk(folder: Path) -> list[Path]:
    found: list[Path] = []
    for child in folder.iterdir():
        if is_ignored_name(child.name):
            continue
        if child.is_dir():
            found.extend(_walk(child))
        elif child.is_file():
            found.append(child)
    return found


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


def read_text(path: Path) -> str:
    return decode(read_bytes(path), path)
