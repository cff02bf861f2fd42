"""URL slugs: readable, safe on every disk, never able to leave the output folder."""

from __future__ import annotations

import functools
import re
import unicodedata

# Letters that Unicode does not decompose into a base letter plus an accent.
_SPECIAL = str.maketrans(
    {
        "ß": "ss",
        "æ": "ae",
        "œ": "oe",
        "ø": "o",
        "ł": "l",
        "đ": "d",
        "ð": "d",
        "þ": "th",
        "ı": "i",
        "&": " and ",
    }
)
_NOT_WORD = re.compile(r"[^\w]+", re.UNICODE)

MAX_LENGTH = 80


@functools.lru_cache(maxsize=1 << 14)
def slugify(text: str) -> str:
    """`Round two starts Monday!` -> `round-two-starts-monday`; `Crème brûlée` -> `creme-brulee`.

    Latin letters lose their accents; letters of other scripts (Greek, Cyrillic, Chinese…)
    are kept as they are, lower-cased, since browsers show them readably in the address bar.
    The result has only letters, digits and single dashes, so it can never contain `/`,
    `\\` or `..`.
    """
    text = unicodedata.normalize("NFKC", text).lower().translate(_SPECIAL)
    text = unicodedata.normalize("NFC", _strip_latin_accents(unicodedata.normalize("NFKD", text)))
    text = _NOT_WORD.sub("-", text).replace("_", "-")
    text = re.sub(r"-{2,}", "-", text).strip("-")
    if len(text) > MAX_LENGTH:
        text = text[:MAX_LENGTH].rsplit("-", 1)[0] or text[:MAX_LENGTH]
    return text


def _strip_latin_accents(decomposed: str) -> str:
    """Drop the accents of Latin letters only: `й` and Greek tonos are part of the word."""
    kept: list[str] = []
    base_is_latin = False
    for ch in decomposed:
        if unicodedata.combining(ch):
            if base_is_latin:
                continue
        else:
            base_is_latin = ch.isascii() or "LATIN" in unicodedata.name(ch, "")
        kept.append(ch)
    return "".join(kept)


def is_safe_slug(slug: str) -> bool:
    """True when `slug` is one path segment that cannot escape a folder."""
    return bool(slug) and slug == slugify(slug)
