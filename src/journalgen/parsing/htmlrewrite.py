"""Rewrite the URLs in an HTML fragment, leaving everything else byte for byte as it was."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

URL_ATTRIBUTES = frozenset(
    {"href", "src", "action", "formaction", "poster", "cite", "background", "xlink:href", "data"}
)
"""Attributes whose value is one URL (`srcset` holds several and is handled too)."""

UrlTransform = Callable[[str, str, str], str | None]
"""(tag, attribute, url) -> the new url, or None to drop the attribute."""

_DANGEROUS = re.compile(r"^(?:javascript|vbscript|livescript|mocha):", re.IGNORECASE)
_INVISIBLE = re.compile(r"[\x00-\x20\x7f]+")

# A start tag, as the HTML tokenizer sees it: quoted values may contain `>`.
_START_TAG = re.compile(r"<(?P<tag>[a-zA-Z][^\s/>]*)(?P<attrs>(?:[^>\"']|\"[^\"]*\"|'[^']*')*)>")
# One attribute inside a start tag, with its value double-, single- or un-quoted.
_ATTRIBUTE = re.compile(
    r"(?P<space>[\s/]+)(?P<name>[^\s\"'>/=]+)"
    r"(?:(?P<eq>\s*=\s*)(?:\"(?P<dq>[^\"]*)\"|'(?P<sq>[^']*)'|(?P<uq>[^\s\"'=<>`]+)))?"
)
# Where browsers end them: a comment at `-->` or `--!>` (and `<!-->`, `<!--->` are whole
# comments), a raw-text element at its first end tag, even one with stray attributes.
_COMMENT_OR_RAW = re.compile(
    r"<!--(?:-?>|.*?--!?>)|<(script|style|textarea|title)\b.*?</\1(?:[\s/][^>]*)?>",
    re.DOTALL | re.IGNORECASE,
)
_URL_HINT = re.compile(r"(?:href|src|srcset|action|poster|cite|background|data)\s*=", re.IGNORECASE)


def is_dangerous_url(url: str) -> bool:
    """True for `javascript:` URLs and their disguises (entities, tabs, newlines, case)."""
    plain = _INVISIBLE.sub("", html.unescape(url))
    return bool(_DANGEROUS.match(plain))


def rewrite_urls(fragment: str, transform: UrlTransform) -> str:
    """Apply `transform` to every URL attribute (and each `srcset` candidate) in `fragment`.

    Comments and the raw text of script/style elements are left alone; everything but
    the rewritten attribute values stays exactly as written.
    """
    if not _URL_HINT.search(fragment):
        return fragment
    return _rewrite(fragment, transform, None)


def rewrite_attributes(fragment: str, names: frozenset[str], transform: UrlTransform) -> str:
    """Apply `transform` to the whole value of every attribute named in `names` (such as
    `id` or `for`), skipping comments and raw text exactly as `rewrite_urls` does."""
    return _rewrite(fragment, transform, names)


def _rewrite(fragment: str, transform: UrlTransform, names: frozenset[str] | None) -> str:
    """`names` None: the URL attributes (and `srcset`, candidate by candidate)."""
    pieces: list[str] = []
    position = 0
    for raw in _COMMENT_OR_RAW.finditer(fragment):
        pieces.append(_rewrite_tags(fragment[position : raw.start()], transform, names))
        opening = _START_TAG.match(raw.group(0))
        if opening is not None and raw.group(1):
            pieces.append(_rewrite_tag(opening, transform, names) + raw.group(0)[opening.end() :])
        else:
            pieces.append(raw.group(0))
        position = raw.end()
    pieces.append(_rewrite_tags(fragment[position:], transform, names))
    return "".join(pieces)


def _rewrite_tags(text: str, transform: UrlTransform, names: frozenset[str] | None) -> str:
    return _START_TAG.sub(lambda match: _rewrite_tag(match, transform, names), text)


def _rewrite_tag(
    match: re.Match[str], transform: UrlTransform, names: frozenset[str] | None = None
) -> str:
    attrs = match.group("attrs")
    if not attrs or "=" not in attrs:
        return match.group(0)
    tag = match.group("tag").lower()
    changed = False

    def attribute(found: re.Match[str]) -> str:
        nonlocal changed
        name = found.group("name").lower()
        if found.group("eq") is None:
            return found.group(0)
        if names is None and name not in URL_ATTRIBUTES and name != "srcset":
            return found.group(0)
        if names is not None and name not in names:
            return found.group(0)
        quoted = found.group("dq") if found.group("dq") is not None else found.group("sq")
        value = html.unescape(quoted if quoted is not None else found.group("uq") or "")
        if names is None and name == "srcset":
            new = _srcset(tag, value, transform)
        else:
            new = transform(tag, name, value)
        if new == value:
            return found.group(0)
        changed = True
        if new is None:
            return ""
        return f'{found.group("space")}{found.group("name")}="{html.escape(new)}"'

    rewritten = _ATTRIBUTE.sub(attribute, attrs)
    if not changed:
        return match.group(0)
    return f"<{match.group('tag')}{rewritten}>"


def _srcset(tag: str, value: str, transform: UrlTransform) -> str | None:
    candidates = []
    for candidate in value.split(","):
        bits = candidate.strip().split(None, 1)
        if not bits:
            continue
        url = transform(tag, "srcset", bits[0])
        if url is not None:
            candidates.append(" ".join([url, *bits[1:]]))
    return ", ".join(candidates) or None


Attributes = list[tuple[str, str | None]]
"""A start tag's attributes in order: (lower-cased name, unescaped value or None)."""

TagReplacer = Callable[[str, Attributes, str], str]
"""(lower-cased tag name, its attributes, the tag as written) -> the HTML to put instead."""


def replace_start_tags(fragment: str, names: frozenset[str], replace: TagReplacer) -> str:
    """Replace every start tag named in `names` by what `replace` returns, in document
    order, skipping comments and the raw text of script/style elements."""
    lowered = fragment.lower()
    if not any(f"<{name}" in lowered for name in names):
        return fragment

    def one(match: re.Match[str]) -> str:
        tag = match.group("tag").lower()
        if tag not in names:
            return match.group(0)
        attributes: Attributes = []
        for found in _ATTRIBUTE.finditer(match.group("attrs")):
            quoted = found.group("dq") if found.group("dq") is not None else found.group("sq")
            raw = quoted if quoted is not None else found.group("uq")
            value = None if found.group("eq") is None else html.unescape(raw or "")
            attributes.append((found.group("name").lower(), value))
        return replace(tag, attributes, match.group(0))

    pieces: list[str] = []
    position = 0
    for raw in _COMMENT_OR_RAW.finditer(fragment):
        pieces.append(_START_TAG.sub(one, fragment[position : raw.start()]))
        pieces.append(raw.group(0))
        position = raw.end()
    pieces.append(_START_TAG.sub(one, fragment[position:]))
    return "".join(pieces)
