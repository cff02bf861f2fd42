"""What the last build into an output folder read and wrote: the one record that decides
what a build may keep.

After every build (and every rebuild of `serve`/`watch`), journalgen keeps one record per
output folder, in the site's store (`store.py`, table `builds`):

- every file the build could read (journalgen.yaml, content/, templates/, static/ and
  journalgen's own code) with its size, modification time and inode, and for each Markdown
  file it read, the digest of what it read;
- every file it wrote, with what it was made from (the page's key, keys.py) and the digest
  of its bytes (`writer.FileState`), and the output's folders as it left them;
- its identity (options, password, installed libraries), when the next scheduled entry
  comes due, and what it reported.

Everything that decides whether earlier work is still valid asks this record:

- `up_to_date`: no file read changed, the output folder is as the build left it and no
  scheduled entry came due, so `journalgen build` has nothing to do;
- `known`: a Markdown file whose size, time and inode are unchanged is not read again (its
  parse is found by the recorded digest);
- `BuildRecord.outputs`: a page whose key is unchanged, and whose file is still as written,
  is not rendered again (writer.intact).

What is kept beside it (parses, the book's chapters: layer.py) is looked up by the digest of
what made it, never trusted for more. This module imports only the standard library, the
store and the writer's types, so `up_to_date` takes a few milliseconds.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from journalgen.errors import Problem
from journalgen.incremental.store import FILE, Store
from journalgen.output.writer import Folders, OutputState, folders_unchanged, intact
from journalgen.publishing import CLOUDFLARE_WORKFLOW

FORMAT = "3"
"""Raise when `BuildRecord`, `Summary` or `writer.FileState` change shape."""
INPUT_FOLDERS = ("content", "templates", "static")
CONFIG_NAME = "journalgen.yaml"
PASSWORD_VARIABLE = "JOURNALGEN_PASSWORD"
CODE = "journalgen:"
"""The label of journalgen's own files among the inputs."""

InputState = tuple[int, int, int, str]
"""A file's size, modification time (ns), inode and the digest of what the build read of
it ("" for a file it did not read as a source)."""


@dataclass(frozen=True, slots=True)
class Summary:
    """What a build reported, to report again when nothing changed."""

    entries: int
    pages: int
    files: int
    previews: int
    warnings: tuple[Problem, ...]


@dataclass(frozen=True, slots=True)
class BuildRecord:
    """What the last build into one output folder read and wrote."""

    ident: str = ""
    """Its options, the password and the installed libraries (`identity`)."""
    inputs: Mapping[str, InputState] = field(default_factory=dict)
    """Every file it could read, by its path in the site folder (journalgen's own files
    under `journalgen:`)."""
    outputs: OutputState = field(default_factory=dict)
    """Every file it wrote, with what it was made from."""
    folders: Folders = ()
    """The output's folders as it left them (a file added or removed changes one)."""
    valid_until: dt.datetime | None = None
    """When the next scheduled entry comes due (None: no entry is scheduled)."""
    summary: Summary | None = None
    """What it reported; None for a preview's rebuild, which never makes a build needless
    (it leaves the book out)."""

    def known(self, label: str, stat: os.stat_result) -> str | None:
        """The digest of the source file at `label` when its size, time and inode are those
        it had when this build read it (so it need not be read again)."""
        seen = self.inputs.get(label)
        if seen is None or not seen[3] or seen[:3] != _signature(stat):
            return None
        return seen[3]


def identity(
    site_dir: Path, out_dir: Path, *, drafts: bool, future: bool, strict: bool, photos: Path | None
) -> str:
    """What, besides the files, decides the output: the options, the password and the
    installed libraries."""
    password = os.environ.get(PASSWORD_VARIABLE, "")
    parts = (
        FORMAT,
        _installed(),
        str(site_dir.absolute()),
        str(out_dir.absolute()),
        repr((drafts, future, strict, str(photos))),
        hashlib.sha256(password.encode()).hexdigest(),
        # The host's dialect of `_redirects` (Cloudflare's: build.py) follows its workflow.
        str((site_dir / CLOUDFLARE_WORKFLOW).is_file()),
    )
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def _installed() -> str:
    """Python's version and the libraries installed beside journalgen, with their versions
    (as the names of their metadata folders): an upgrade may change the pages."""
    found: list[str] = []
    for folder in sys.path:
        if os.path.basename(folder) in ("site-packages", "dist-packages"):
            with contextlib.suppress(OSError):
                names = os.listdir(folder)
                found += sorted(n for n in names if n.endswith((".dist-info", ".egg-info")))
    return "\n".join([sys.version, *found])


def _key(out_dir: Path) -> bytes:
    return hashlib.blake2b(str(out_dir.absolute()).encode(), digest_size=16).digest()


def load(site_dir: Path, out_dir: Path) -> BuildRecord:
    """The record of the last build into `out_dir` (empty when there is none, or it cannot
    be read: then everything is made again)."""
    if not (site_dir / FILE).is_file():
        return BuildRecord()
    kept = Store(site_dir / FILE)
    try:
        return load_from(kept, out_dir)
    finally:
        kept.close()


def load_from(kept: Store, out_dir: Path) -> BuildRecord:
    """The record of the last build into `out_dir` in the open store `kept`."""
    found = kept.get("builds", _key(out_dir))
    return found if isinstance(found, BuildRecord) else BuildRecord()


def store(kept: Store, out_dir: Path, record: BuildRecord) -> None:
    """Keep `record` in the store (committed with the rest of the build's)."""
    kept.put("builds", [(_key(out_dir), record)])


def scan_inputs(site_dir: Path) -> dict[str, InputState]:
    """Every file a build may read, with its size, time and inode (call before reading
    any): the site's, and journalgen's own code and theme."""
    found: dict[str, InputState] = {}
    for name in (CONFIG_NAME, *INPUT_FOLDERS):
        found.update(_walk(site_dir / name, name))
    found.update(_walk(Path(__file__).parents[1], CODE))
    return found


def settle(
    site_dir: Path, read: Mapping[str, InputState], last: Mapping[str, InputState]
) -> dict[str, InputState]:
    """The inputs to record for a build that noted `read` before reading (and the digests
    of the sources it read): each file's digest is the one it had when last recorded with
    the same size, time and inode, or is taken now; a file that changed while the build ran
    gets none (the next build then looks at it again, whatever it holds by then)."""
    after = scan_inputs(site_dir)
    settled: dict[str, InputState] = {}
    for label, state in read.items():
        digest = state[3]
        if after.get(label, (-1,))[:3] != state[:3] or state[0] < 0:
            digest = ""
        elif not digest:
            before = last.get(label)
            if before is not None and before[:3] == state[:3]:
                digest = before[3]
            else:
                digest = _digest(_path(site_dir, label), state[:3]) or ""
        settled[label] = (*state[:3], digest)
    return settled


def up_to_date(site_dir: Path, out_dir: Path, ident: str, now: dt.datetime) -> Summary | None:
    """The last build's summary when its output is still what a build would write now;
    None when something changed (or there is no record).

    A file is unchanged when its size, time and inode are as recorded, or else when its
    bytes are: a deploy's fresh checkout, with the output folder brought back by the
    host's cache, changes every time and inode but no byte."""
    record = load(site_dir, out_dir)
    if record.summary is None or record.ident != ident:
        return None
    if record.valid_until is not None and now >= record.valid_until:
        return None
    # Inputs first: fewer files, and what an edit changes.
    inputs = scan_inputs(site_dir)
    if inputs.keys() != record.inputs.keys():
        return None
    linked = _shared(record.inputs) | _shared(inputs)
    for label, state in inputs.items():
        known = record.inputs[label]
        if (
            state[:3] != known[:3]
            and not (
                known[3]
                and state[0] == known[0]
                # A file reached twice (a link, a hard link) counts once in a build: a change
                # of that kind is a change, whatever the bytes.
                and known[2] not in linked
                and state[2] not in linked
                and not os.path.islink(_path(site_dir, label))
                and _digest(_path(site_dir, label), state[:3]) == known[3]
            )
        ):
            return None
    return record.summary if _output_unchanged(out_dir, record) else None


def _shared(inputs: Mapping[str, InputState]) -> set[int]:
    """The inodes more than one input has (links to one file)."""
    seen: set[int] = set()
    shared: set[int] = set()
    for state in inputs.values():
        (shared if state[2] in seen else seen).add(state[2])
    return shared


def _output_unchanged(out_dir: Path, record: BuildRecord) -> bool:
    """The output folder holds exactly the files the build wrote there, with their bytes."""
    if not folders_unchanged(out_dir, record.folders):  # then look for added or removed
        found: set[str] = set()
        for root, folders, names in os.walk(out_dir):
            base = os.path.relpath(root, out_dir).replace(os.sep, "/")
            prefix = "" if base == "." else base + "/"
            found.update(prefix + name for name in names)
            if any(os.path.islink(os.path.join(root, name)) for name in folders):
                return False
        if found != record.outputs.keys():
            return False
    # Each file as the build left it, or holding the bytes it wrote (writer.intact).
    return len(intact(out_dir, record.outputs)) == len(record.outputs)


def _path(site_dir: Path, label: str) -> Path:
    if label.startswith(CODE):
        return Path(__file__).parents[1] / label[len(CODE) :]
    return site_dir / label


def _digest(path: Path, signature: tuple[int, int, int]) -> str | None:
    """The SHA-256 of the file's bytes (as sources.read_source takes it), when its size,
    time and inode are `signature` before and after it is read; else None."""
    try:
        with open(path, "rb") as handle:
            if _signature(os.fstat(handle.fileno())) != signature:
                return None
            digest = hashlib.file_digest(handle, "sha256").hexdigest()
            if _signature(os.fstat(handle.fileno())) != signature:
                return None  # written to while it was read
            return digest
    except OSError:
        return None


def _signature(stat: os.stat_result) -> tuple[int, int, int]:
    return (stat.st_size, stat.st_mtime_ns, stat.st_ino)


def _walk(top: Path, label: str) -> Iterator[tuple[str, InputState]]:
    try:
        info = os.stat(top)
    except OSError:
        yield (label, (-1, 0, 0, ""))
        return
    if not os.path.isdir(top):
        yield (label, (*_signature(info), ""))
        return
    stack = [(str(top), label)]
    seen = {(info.st_dev, info.st_ino)}  # folders reached twice (links, loops): walked once
    while stack:
        folder, prefix = stack.pop()
        try:
            items = list(os.scandir(folder))
        except OSError:
            yield (prefix + "/?", (-1, 0, 0, ""))
            continue
        for item in items:
            rel = f"{prefix}/{item.name}" if prefix != CODE else prefix + item.name
            if item.name == "__pycache__":
                continue
            try:
                stat = os.stat(item.path)
            except OSError:
                yield (rel, (-1, 0, 0, ""))
                continue
            if item.is_dir():
                if (stat.st_dev, stat.st_ino) not in seen:
                    seen.add((stat.st_dev, stat.st_ino))
                    stack.append((item.path, rel))
            else:
                yield (rel, (*_signature(stat), ""))
