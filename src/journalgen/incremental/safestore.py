"""What journalgen keeps between builds, stored so that reading it can never run code.

Not pickle (whose loading can run any command): a tagged JSON that can hold only plain
values (numbers, text, bytes, lists, tuples, dictionaries, sets, dates and times, paths)
and journalgen's own frozen dataclasses, made again through their constructors. A file
starts with a digest of what follows, so a truncated or damaged file is noticed and
ignored: the cache is rebuilt, and the build never fails because of it. (The digest is not
a signature: whoever can write the cache folder can write valid content into it; what it
holds is data that is shown, never code that is run.)
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import json
import os
import sys
import zlib
from pathlib import Path, PurePath
from typing import Any
from zoneinfo import ZoneInfo

MAGIC = b"journalgen-store-2\n"
MAX_BYTES = 2 * 1024**3
"""No stored file expands beyond this."""


class Unreadable(ValueError):
    """A stored file that is not what journalgen wrote (corrupt, foreign or older)."""


class Outdated(Unreadable):
    """A file an earlier version of journalgen stored: made again without a word."""


def dumps(value: object) -> bytes:
    payload = zlib.compress(
        json.dumps(_encode(value), separators=(",", ":"), ensure_ascii=False).encode("utf-8"), 1
    )
    return MAGIC + hashlib.sha256(payload).hexdigest().encode("ascii") + b"\n" + payload


def loads(data: bytes) -> Any:
    if not data.startswith(MAGIC):
        if data.startswith(MAGIC.rstrip(b"0123456789\n")):
            raise Outdated("stored by an earlier version")
        raise Unreadable("not a journalgen store")
    digest, _, payload = data[len(MAGIC) :].partition(b"\n")
    if hashlib.sha256(payload).hexdigest().encode("ascii") != digest:
        raise Unreadable("its digest does not match (truncated or altered)")
    try:
        inflate = zlib.decompressobj()
        text = inflate.decompress(payload, MAX_BYTES)
        if inflate.unconsumed_tail:
            raise Unreadable("it is larger than any cache journalgen writes")
        return json.loads(text.decode("utf-8"), object_hook=_decode_object)
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError, zlib.error) as err:
        raise Unreadable(str(err) or type(err).__name__) from err


def load(file: Path, notice: bool = True) -> Any:
    """What `store` kept in `file`; None when there is none, or (with a one-line notice on
    standard error) when it cannot be read."""
    try:
        data = file.read_bytes()
    except OSError:
        return None
    try:
        return loads(data)
    except Unreadable as err:
        if notice and not isinstance(err, Outdated):
            print(
                f"notice: ignoring {file} ({err}); it will be made again.",
                file=sys.stderr,
            )
        with contextlib.suppress(OSError):
            file.unlink()
        return None


def store(file: Path, value: object) -> None:
    """Keep `value` in `file`, whole or not at all (written beside and renamed); a disk
    that refuses is no reason to fail a build."""
    temp = file.with_name(f".{file.name}.journalgen-{os.getpid()}.tmp")
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        temp.write_bytes(dumps(value))
        os.replace(temp, file)
    except (OSError, TypeError, ValueError, RecursionError):
        with contextlib.suppress(OSError):
            temp.unlink()


# --- The encoding --------------------------------------------------------------------------
# Lists are JSON arrays; every other kind is an object with one key saying what it is.


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
    if isinstance(value, dt.datetime):
        return {"dt": value.replace(tzinfo=None).isoformat(), "z": _zone(value.tzinfo)}
    if isinstance(value, dt.date):
        return {"da": value.isoformat()}
    if isinstance(value, PurePath):
        return {"p": str(value)}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        cls = type(value)
        if not cls.__module__.startswith("journalgen."):
            raise TypeError(f"cannot store {cls!r}")
        fields = [
            [f.name, _encode(getattr(value, f.name))] for f in dataclasses.fields(value) if f.init
        ]
        return {"c": f"{cls.__module__}:{cls.__qualname__}", "f": fields}
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
        zone = value["z"]
        if zone is None:
            return moment
        if isinstance(zone, str):
            return moment.replace(tzinfo=ZoneInfo(zone))
        seconds = float(zone["o"])
        tz = dt.UTC if seconds == 0 else dt.timezone(dt.timedelta(seconds=seconds))
        return moment.replace(tzinfo=tz)
    elif "c" in value and len(value) == 2:
        return _make(value["c"], value["f"])
    raise ValueError(f"unknown stored value {sorted(value)!r}")


def _make(name: str, fields: list[list[Any]]) -> Any:
    """One of journalgen's own dataclasses, from a module already loaded (nothing is
    imported on a stored file's say-so), made through its constructor."""
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
    return cls(**{str(key): item for key, item in fields})
