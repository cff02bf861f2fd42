"""Rewrite the URLs in an HTML fragment, leaving everything else byte for byte as it was."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from html.parser import HTMLParser

URL_ATTRIBUTES = frozenset(
    {"href", "src", "action", "formaction", "poster", "cite", "background", "xlink:href", "data"}
)
"""Attributes whose value is one URL."""

UrlTransform = Callable[[str, str, str], str | None]
"""(tag, attribute, url) -> the new url, or None to drop the attribute."""

_DANGEROUS = re.compile(r"^(?:javascript|vbscript|livescript|mocha):", re.IGNORECASE)
_INVISIBLE = re.compile(r"[\x00-\x20\x7f]+")


def is_dangerous_url(url: str) -> bool:
    """True for `javascript:` URLs and their disguises (entities, tabs, newlines, case)."""
    plain = _INVISIBLE.sub("", html.unescape(url))
    return bool(_DANGEROUS.match(plain))


def rewrite_urls(fragment: str, transform: UrlTransform) -> str:
    """Apply `transform` to every URL attribute (and each `srcset` candidate) in `fragment`."""
    if "=" not in fragment:
        return fragment
    rewriter = _Rewriter(transform)
    rewriter.feed(fragment)
    rewriter.close()
    return "".join(rewriter.out)


class _Rewriter(HTMLParser):
    def __init__(self, transform: UrlTransform) -> None:
        super().__init__(convert_charrefs=False)
        self.transform = transform
        self.out: list[str] = []

    def _tag(self, tag: str, attrs: list[tuple[str, str | None]], closing: bool) -> None:
        raw = self.get_starttag_text() or ""
        changed = False
        new_attrs: list[tuple[str, str | None]] = []
        for name, value in attrs:
            if value is not None and (name in URL_ATTRIBUTES or name == "srcset"):
                new = (
                    self._srcset(tag, value)
                    if name == "srcset"
                    else self.transform(tag, name, value)
                )
                if new != value:
                    changed = True
                if new is None:
                    continue
                value = new
            new_attrs.append((name, value))
        if not changed:
            self.out.append(raw)
            return
        parts = [f"<{tag}"]
        for name, value in new_attrs:
            parts.append(f" {name}" if value is None else f' {name}="{html.escape(value)}"')
        parts.append(" />" if closing else ">")
        self.out.append("".join(parts))

    def _srcset(self, tag: str, value: str) -> str | None:
        candidates = []
        for candidate in value.split(","):
            bits = candidate.strip().split(None, 1)
            if not bits:
                continue
            url = self.transform(tag, "srcset", bits[0])
            if url is not None:
                candidates.append(" ".join([url, *bits[1:]]))
        return ", ".join(candidates) or None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._tag(tag, attrs, closing=False)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._tag(tag, attrs, closing=True)

    def handle_endtag(self, tag: str) -> None:
        self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        self.out.append(data)

    def handle_entityref(self, name: str) -> None:
        self.out.append(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self.out.append(f"&#{name};")

    def handle_comment(self, data: str) -> None:
        self.out.append(f"<!--{data}-->")

    def handle_decl(self, decl: str) -> None:
        self.out.append(f"<!{decl}>")

    def handle_pi(self, data: str) -> None:
        self.out.append(f"<?{data}>")

    def unknown_decl(self, data: str) -> None:
        self.out.append(f"<![{data}]>")
