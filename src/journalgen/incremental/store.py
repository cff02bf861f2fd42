"""The one file in which journalgen keeps what a build may reuse: `.cache/journalgen/store.sqlite`
in the site folder, an SQLite database (the standard library's `sqlite3`).

SQLite commits whole or not at all (a build killed mid-way leaves the last commit) and
notices a damaged file; a file it cannot read, or whose tables are not exactly the ones
journalgen makes, is set aside with a one-line notice and the store starts empty (every
build can make everything again: nothing kept here is ever needed, only reused).

Each table holds values by key, every key a digest of everything that made the value (a
file's bytes, the settings, journalgen's code), so nothing stale is ever found:

- `parses`: each file of content/ as parsed (`Entry`, `Page`);
- `linked`: each entry with its links resolved by `structure.site.assemble`;
- `probes`: what each photo is (its size and format), by the digest of its bytes;
- `parts`: parts of pages (the book's chapters), by the key of what they show;
- `builds`: each output folder's record (`record.BuildRecord`).

Values are stored as data that reading can never run (`encode`/`decode`: plain values and
journalgen's own frozen dataclasses, made again through their constructors), never as
pickles: a cache brought back by a deploy is only as trusted as its bytes.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import functools
import json
import re
import sqlite3
import sys
import zlib
from collections.abc import Iterable, Sequence
from pathlib import Path, PurePath
from typing import Any
from zoneinfo import ZoneInfo

FILE = Path(".cache") / "journalgen" / "store.sqlite"
"""Inside the site folder."""

FORMAT = 3
"""Raise when a table or a stored dataclass changes shape: the store then starts empty."""

TABLES = ("parses", "linked", "probes", "parts", "builds")
_SCHEMA = [f"CREATE TABLE {name} (key BLOB PRIMARY KEY, value BLOB NOT NULL)" for name in TABLES]

MAX_BYTES = 2 * 1024**3
"""No stored value expands beyond this."""


class Store:
    """The store of one site folder (or, with no folder, one kept in memory only)."""

    def __init__(self, file: Path | None) -> None:
        self.file = file
        self._db: sqlite3.Connection | None = None
        self._busy = False
        """Another journalgen held the file for too long: this build keeps nothing more."""

    @property
    def db(self) -> sqlite3.Connection:
        if self._db is None:
            self._db = _open(self.file)
        return self._db

    def get(self, table: str, key: bytes) -> Any:
        """The value kept under `key`, or None."""
        row = self._query(f"SELECT value FROM {_table(table)} WHERE key = ?", (key,))
        return _decode_row(row[0][0]) if row else None

    def prefixed(self, table: str, prefix: bytes = b"") -> dict[bytes, Any]:
        """Every value whose key starts with `prefix` (an index range, not a scan)."""
        sql = f"SELECT key, value FROM {_table(table)}"
        bounds: tuple[bytes, ...] = ()
        if prefix:
            sql += " WHERE key >= ?" + (" AND key < ?" if _after(prefix) else "")
            bounds = (prefix, _after(prefix)) if _after(prefix) else (prefix,)
        found: dict[bytes, Any] = {}
        for key, value in self._query(sql, bounds):
            decoded = _decode_row(value)
            if decoded is not None and isinstance(key, bytes):
                found[key] = decoded
        return found

    def drop_others(self, table: str, prefix: bytes) -> None:
        """Forget every value whose key does not start with `prefix`."""
        after = _after(prefix)
        if after:
            self._write(f"DELETE FROM {_table(table)} WHERE key < ? OR key >= ?", [(prefix, after)])
        else:
            self._write(f"DELETE FROM {_table(table)} WHERE key < ?", [(prefix,)])

    def put(self, table: str, items: Iterable[tuple[bytes, object]]) -> None:
        """Keep each value under its key (committed by `commit`)."""
        rows = [(key, encode(value)) for key, value in items]
        if rows:
            self._write(f"INSERT OR REPLACE INTO {_table(table)} VALUES (?, ?)", rows)

    def drop(self, table: str, keys: Iterable[bytes]) -> None:
        rows = [(key,) for key in keys]
        if rows:
            self._write(f"DELETE FROM {_table(table)} WHERE key = ?", rows)

    def commit(self) -> None:
        """Keep what was put since the last commit, whole; a disk that refuses is no reason
        to fail a build (the next one makes it again)."""
        if self._db is None:
            return
        try:
            if self._busy:
                self._db.rollback()
            else:
                self._db.commit()
        except sqlite3.Error as err:
            self._failed(err)
        self._busy = False

    def close(self) -> None:
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
            self._db = None

    def _query(self, sql: str, parameters: Iterable[object] = ()) -> list[Any]:
        try:
            return self.db.execute(sql, tuple(parameters)).fetchall()
        except sqlite3.Error as err:
            self._failed(err)
            return []

    def _write(self, sql: str, rows: Sequence[tuple[object, ...]]) -> None:
        if self._busy:
            return
        try:
            self.db.executemany(sql, rows)
        except sqlite3.Error as err:
            self._failed(err)

    def _failed(self, err: sqlite3.Error) -> None:
        """A query failed: the file is busy (another journalgen kept it for longer than
        `TIMEOUT`: this build keeps nothing, and takes nothing more from it) or damaged
        (set aside: the store starts again)."""
        if isinstance(err, sqlite3.OperationalError) and _BUSY.search(str(err)):
            self._busy = True
            with contextlib.suppress(sqlite3.Error):
                self.db.rollback()
            return
        self._reset(str(err))

    def reset(self, why: str) -> None:
        """Set the file aside and start empty (what the build kept could not be used)."""
        self._reset(why)

    def _reset(self, why: str) -> None:
        """Set the file aside and start empty (in memory when the disk refuses)."""
        self.close()
        if self.file is not None:
            print(f"notice: ignoring {self.file} ({why}); it will be made again.", file=sys.stderr)
            with contextlib.suppress(OSError):
                self.file.unlink()
            for suffix in ("-journal", "-wal", "-shm"):
                with contextlib.suppress(OSError):
                    self.file.with_name(self.file.name + suffix).unlink()
        try:
            self._db = _open(self.file)
        except sqlite3.Error:
            self._db = _open(None)


_BUSY = re.compile(r"\b(locked|busy)\b")

TIMEOUT = 30
"""Seconds a build waits for another journalgen's write to the store to end."""


def _after(prefix: bytes) -> bytes:
    """The first key after every key starting with `prefix` (empty: there is none)."""
    stripped = prefix.rstrip(b"\xff")
    return stripped[:-1] + bytes([stripped[-1] + 1]) if stripped else b""


def _table(name: str) -> str:
    if name not in TABLES:
        raise ValueError(f"no table {name!r}")
    return name


def _open(file: Path | None) -> sqlite3.Connection:
    """The database in `file`, made when missing or not exactly journalgen's (another
    format, tables of another shape, or anything else in it: triggers, views)."""
    if file is None:
        return _made(sqlite3.connect(":memory:", check_same_thread=False))
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(file, timeout=TIMEOUT, check_same_thread=False)
    except (OSError, sqlite3.Error):
        return _made(sqlite3.connect(":memory:", check_same_thread=False))
    try:
        # Nothing in the file may run: no functions in its schema, no views or triggers.
        db.execute("PRAGMA trusted_schema = OFF")
        version = db.execute("PRAGMA user_version").fetchone()[0]
        schema = sorted(
            row[0] or "" for row in db.execute("SELECT sql FROM sqlite_schema WHERE sql NOT NULL")
        )
        if version == FORMAT and schema == sorted(_SCHEMA):
            # Damage further in is found when a query meets it (then `_reset`).
            db.execute("PRAGMA synchronous = NORMAL")
            return db
        if version or schema:  # another version's, or not journalgen's: start again
            if not 0 < version < FORMAT:  # an earlier journalgen's goes without a word
                print(
                    f"notice: ignoring {file} (not what journalgen keeps there); it "
                    "will be made again.",
                    file=sys.stderr,
                )
            db.close()
            file.unlink()
            db = sqlite3.connect(file, timeout=TIMEOUT, check_same_thread=False)
        return _made(db)
    except (OSError, sqlite3.Error) as err:
        with contextlib.suppress(sqlite3.Error):
            db.close()
        if isinstance(err, sqlite3.OperationalError) and _BUSY.search(str(err)):
            return _made(sqlite3.connect(":memory:", check_same_thread=False))  # not now
        print(f"notice: ignoring {file} ({err}); it will be made again.", file=sys.stderr)
        with contextlib.suppress(OSError):
            file.unlink()
        try:
            return _made(sqlite3.connect(file, timeout=TIMEOUT, check_same_thread=False))
        except sqlite3.Error:
            return _made(sqlite3.connect(":memory:", check_same_thread=False))


def _made(db: sqlite3.Connection) -> sqlite3.Connection:
    db.execute("PRAGMA trusted_schema = OFF")
    for statement in _SCHEMA:
        db.execute(statement)
    db.execute(f"PRAGMA user_version = {FORMAT}")
    db.execute("PRAGMA synchronous = NORMAL")
    db.commit()
    return db


# --- The encoding ---------------------------------------------------------------------------
# Lists are JSON arrays; every other kind is an object with one key saying what it is.


def encode(value: object) -> bytes:
    """Text as it is (the book's chapters), anything else as tagged JSON; compressed."""
    if isinstance(value, str):
        return b"t" + zlib.compress(value.encode("utf-8", "surrogatepass"), 1)
    text = json.dumps(_encode(value), separators=(",", ":"), ensure_ascii=False)
    return b"j" + zlib.compress(text.encode("utf-8"), 1)


def decode(data: bytes) -> Any:
    """What `encode` made; raises ValueError on anything else."""
    try:
        inflate = zlib.decompressobj()
        text = inflate.decompress(data[1:], MAX_BYTES)
        if inflate.unconsumed_tail:
            raise ValueError("larger than anything journalgen keeps")
        if data[:1] == b"t":
            return text.decode("utf-8", "surrogatepass")
        if data[:1] != b"j":
            raise ValueError("not a value journalgen stored")
        return json.loads(text.decode("utf-8"), object_hook=_decode_object)
    except (TypeError, KeyError, AttributeError, RecursionError, zlib.error) as err:
        raise ValueError(str(err) or type(err).__name__) from err


def _decode_row(data: object) -> Any:
    """A stored value, or None when it is not one journalgen stored (then it is made
    again: a row is never trusted for more than its key says)."""
    if not isinstance(data, bytes):
        return None
    try:
        return decode(data)
    except Exception:  # whatever a damaged or altered value makes the decoder raise
        return None


def _encode(value: object) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list):
        return [_encode(item) for item in value]
    if isinstance(value, tuple):
        return {"t": [_encode(item) for item in value]}
    if isinstance(value, bytes):
        return {"b": value.hex()}
    if isinstance(value, dict):
        return {"d": [[_encode(k), _encode(v)] for k, v in value.items()]}
    if isinstance(value, frozenset | set):
        kind = "fs" if isinstance(value, frozenset) else "s"
        return {kind: [_encode(item) for item in value]}
    if isinstance(value, dt.datetime):  # the fold tells the two 01:30s of an autumn night
        return {
            "dt": value.replace(tzinfo=None, fold=0).isoformat(),
            "z": [_zone(value.tzinfo), value.fold],
        }
    if isinstance(value, dt.date):
        return {"da": value.isoformat()}
    if isinstance(value, PurePath):
        return {"p": str(value)}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        cls = type(value)
        if not cls.__module__.startswith("journalgen."):
            raise TypeError(f"cannot store {cls!r}")
        names = _fields(cls)
        return {
            "c": f"{cls.__module__}:{cls.__qualname__}",
            "f": [_encode(getattr(value, n)) for n in names],
        }
    raise TypeError(f"cannot store a {type(value).__name__}")


def _zone(zone: dt.tzinfo | None) -> Any:
    if zone is None:
        return None
    if isinstance(zone, ZoneInfo):
        return zone.key
    offset = zone.utcoffset(None)
    if offset is None:
        raise TypeError(f"cannot store the time zone {zone!r}")
    return {"o": offset.total_seconds()}


def _decode_object(value: dict[str, Any]) -> Any:
    """One JSON object, its contents already decoded (json calls this innermost first):
    every object is one of the tagged kinds `_encode` makes."""
    if len(value) == 1:
        (tag, inner), *_ = value.items()
        if tag == "t":
            return tuple(inner)
        if tag == "b":
            return bytes.fromhex(inner)
        if tag == "d":
            return {key: item for key, item in inner}
        if tag == "fs":
            return frozenset(inner)
        if tag == "s":
            return set(inner)
        if tag == "da":
            return dt.date.fromisoformat(inner)
        if tag == "p":
            return Path(inner)
        if tag == "o":
            return value  # a time zone's offset: read by the "dt" below
    elif "dt" in value and len(value) == 2:
        moment = dt.datetime.fromisoformat(value["dt"])
        zone, fold = value["z"]
        if zone is None:
            return moment.replace(fold=fold)
        if isinstance(zone, str):
            return moment.replace(tzinfo=ZoneInfo(zone), fold=fold)
        seconds = float(zone["o"])
        tz = dt.UTC if seconds == 0 else dt.timezone(dt.timedelta(seconds=seconds))
        return moment.replace(tzinfo=tz, fold=fold)
    elif "c" in value and len(value) == 2:
        return _make(value["c"], value["f"])
    raise ValueError(f"unknown stored value {sorted(value)!r}")


@functools.cache
def _fields(cls: type) -> tuple[str, ...]:
    """The names of a dataclass's fields its constructor takes, in order."""
    return tuple(f.name for f in dataclasses.fields(cls) if f.init)


def _make(name: str, values: list[Any]) -> Any:
    """One of journalgen's own dataclasses, from a module already loaded (nothing is
    imported on a stored value's say-so), made through its constructor."""
    module_name, _, qualname = name.partition(":")
    module = sys.modules.get(module_name) if module_name.startswith("journalgen.") else None
    cls: Any = module
    for part in qualname.split("."):
        cls = getattr(cls, part, None)
    if not (
        isinstance(cls, type)
        and dataclasses.is_dataclass(cls)
        and cls.__module__.startswith("journalgen.")
    ):
        raise ValueError(f"not a journalgen dataclass: {name}")
    names = _fields(cls)
    if not isinstance(values, list) or len(values) != len(names):
        raise ValueError(f"{name} has changed shape")
    return cls(*values)
