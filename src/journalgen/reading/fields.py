"""Typed reading of YAML values: a wrong type is an error naming the file, line and key."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from journalgen.errors import JournalError, excerpt
from journalgen.reading.yamltext import Mapping


class Fields:
    """Reads the values of one YAML mapping, checking each key's type."""

    def __init__(self, mapping: Mapping, path: Path, what: str) -> None:
        self.mapping = mapping
        self.path = path
        self.what = what

    def reject_unknown(self, known: Iterable[str]) -> None:
        allowed = set(known)
        for key in self.mapping.values:
            if key not in allowed:
                close = _closest(key, allowed)
                hint = f"Did you mean `{close}`? " if close else ""
                raise JournalError.at(
                    self.path,
                    f"unknown {self.what} key `{key}`",
                    line=self.mapping.line(key),
                    hint=hint + "Known keys: " + ", ".join(sorted(allowed)) + ".",
                )

    def error(self, key: str, message: str, hint: str = "") -> JournalError:
        return JournalError.at(
            self.path, f"`{key}`: {message}", line=self.mapping.line(key), hint=hint
        )

    def has(self, key: str) -> bool:
        return self.mapping.values.get(key) is not None

    def raw(self, key: str) -> Any:
        return self.mapping.values.get(key)

    def text(self, key: str, default: str | None = None) -> str | None:
        value = self.raw(key)
        if value is None:
            return default
        if isinstance(value, (bool, dict | list)):
            raise self.error(key, f"expected text, got {_kind(value)}")
        text = str(value).strip()
        return text or default

    def required_text(self, key: str, hint: str) -> str:
        value = self.text(key)
        if value is None:
            raise JournalError.at(
                self.path, f"`{key}` is missing", line=self.mapping.line(key), hint=hint
            )
        return value

    def boolean(self, key: str, default: bool = False) -> bool:
        value = self.raw(key)
        if value is None:
            return default
        if not isinstance(value, bool):
            raise self.error(key, f"expected true or false, got {excerpt(value)}")
        return value

    def integer(self, key: str, default: int, minimum: int = 1) -> int:
        value = self.raw(key)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.error(key, f"expected a whole number, got {excerpt(value)}")
        if value < minimum:
            raise self.error(key, f"must be at least {minimum}, got {value}")
        return value

    def choice(self, key: str, choices: tuple[str, ...], default: str) -> str:
        value = self.text(key, default)
        assert value is not None
        if value not in choices:
            raise self.error(key, f"must be one of {', '.join(choices)}; got {excerpt(value)}")
        return value

    def text_list(self, key: str) -> tuple[str, ...]:
        value = self.raw(key)
        if value is None:
            return ()
        if isinstance(value, str):
            items: list[Any] = [part for part in value.split(",")]
        elif isinstance(value, list):
            items = value
        else:
            raise self.error(key, f"expected a list, got {_kind(value)}")
        result: list[str] = []
        for item in items:
            if isinstance(item, dict | list) or item is None:
                raise self.error(key, f"each item must be text, got {_kind(item)}")
            text = str(item).strip()
            if text and text not in result:
                result.append(text)
        return tuple(result)

    def moment(self, key: str, zone: ZoneInfo) -> dt.datetime | None:
        """A date or date-time; naive values are in the site's time zone."""
        value = self.raw(key)
        if value is None:
            return None
        try:
            return to_datetime(value, zone)
        except ValueError as err:
            raise self.error(
                key,
                f"not a date: {excerpt(value)}",
                hint="Write dates as 2026-11-22 or 2026-11-22 09:30 (optionally with a "
                "time zone such as +01:00).",
            ) from err


def to_datetime(value: object, zone: ZoneInfo) -> dt.datetime:
    """Turn a YAML date, date-time or ISO text into an aware date-time in `zone`."""
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        moment = dt.datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        text = value.strip().replace(" ", "T", 1)
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        moment = dt.datetime.fromisoformat(text)
    else:
        raise ValueError(value)
    if moment.tzinfo is None:
        return moment.replace(tzinfo=zone)
    # PyYAML gives fixed-offset times; keep the instant, show it in the site's zone.
    return moment.astimezone(zone)


def _kind(value: object) -> str:
    if isinstance(value, dict):
        return "a group of keys"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return "true/false"
    if value is None:
        return "nothing"
    return excerpt(value)


def _closest(key: str, allowed: set[str]) -> str | None:
    import difflib

    matches = difflib.get_close_matches(key, sorted(allowed), n=1, cutoff=0.7)
    return matches[0] if matches else None
