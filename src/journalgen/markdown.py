"""Markdown to HTML with markdown-it-py: CommonMark plus tables, footnotes, strikethrough
and heading anchors. Relative links are resolved against the file they are written in."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote, unquote, urlsplit

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.footnote import footnote_plugin

from journalgen import sanitize
from journalgen.gallery import install as install_gallery
from journalgen.htmlrewrite import UrlTransform, is_dangerous_url, rewrite_urls

CONTENT_LINK = "journalgen:"
"""Prefix of a link to a file inside `content/`, resolved to its site URL when the whole
site is known (see `site.resolve_links`)."""

MAX_NESTING = 40
"""Blocks nested deeper than this (lists in lists in quotes…) are refused with a message."""

_MORE = re.compile(r"^<!--\s*more\s*-->\s*$", re.IGNORECASE)


_DESTINATION = re.compile(r"(!?\[[^\]\n]*\])\(((?:[^()\n]|\([^()\n]*\))*)\)")
"""A link or image with its destination (balanced parentheses allowed, as in a Windows
copy's `IMG_0412 (1).jpg` or a Wikipedia address)."""
_LOCAL = re.compile(
    r"^(?:file:|[A-Za-z]:[\\/]|\\\\|~/|/(?:home|Users)/[^/]+/|/Volumes/|/mnt/[a-z]/|/sdcard/"
    r"|/storage/emulated/)",
    re.IGNORECASE,
)
"""Where files live on the writer's own computer or phone: Windows, file:// addresses,
home folders on Linux and macOS, disks on macOS and WSL, Android's storage."""
_FILE_WITH_TITLE = re.compile(r'^(.*?\.[A-Za-z0-9]{2,5})(\s+"[^"]*")?$')


def typed_paths(
    text: str, code_lines: Callable[[str], set[int]]
) -> tuple[str, tuple[tuple[int, str], ...]]:
    """Paths as people type them into links and images, made to work: a destination with
    spaces (a phone's `WhatsApp Image 2026-11-28 at 14.03.22.jpeg`, `Cooper's day (1).jpg`)
    is wrapped in `<…>`. Also returns the destinations that point at the writer's own
    computer (`C:\\Users\\…`, `file:///…`, `/home/…`) with their line (1-based), which no
    reader can open. Code (`code_lines`: the 0-based lines of code blocks and raw HTML)
    and inline code are left alone."""
    if "](" not in text:
        return text, ()
    lines = text.split("\n")
    wanted = [n for n, line in enumerate(lines) if "](" in line]
    skip = code_lines(text) if wanted else set()
    local: list[tuple[int, str]] = []
    for number in wanted:
        if number in skip:
            continue
        parts = re.split(r"(`+[^`]*`+)", lines[number])  # inline code stays as written
        for index in range(0, len(parts), 2):
            parts[index] = _DESTINATION.sub(
                lambda m, n=number: _typed(m, n + 1, local), parts[index]
            )
        lines[number] = "".join(parts)
    return "\n".join(lines), tuple(local)


def _typed(match: re.Match[str], line: int, local: list[tuple[int, str]]) -> str:
    label, inside = match.group(1), match.group(2).strip()
    target = inside[1:-1] if inside.startswith("<") and inside.endswith(">") else inside
    if _LOCAL.match(target):
        local.append((line, target))
        return match.group(0)
    if inside.startswith("<") or not any(c in inside for c in " ()'"):
        return match.group(0)
    found = _FILE_WITH_TITLE.match(inside)
    if found is None or "://" in found.group(1):
        return match.group(0)  # not a file name with spaces (a title, an address)
    title = found.group(2) or ""
    return f"{label}(<{found.group(1)}>{title})"


@dataclass(frozen=True, slots=True)
class Rendered:
    """One Markdown document as HTML."""

    html: str
    """The whole body. Links to other content files are still `journalgen:` links."""
    summary_html: str
    """What comes before `<!-- more -->`, else the first paragraph."""
    links: tuple[str, ...]
    """Content paths this document links to, for checking they exist."""
    too_deep_at: int | None
    """Line (within the text) where blocks nest deeper than `MAX_NESTING`, if they do."""
    local_paths: tuple[tuple[int, str], ...] = ()
    """Links and images pointing at the writer's own computer: (line in the text, path)."""


class MarkdownRenderer:
    """A configured markdown-it parser; build it once, render many documents."""

    def __init__(self) -> None:
        self.md = (
            MarkdownIt("commonmark", {"html": True, "xhtmlOut": False, "maxNesting": MAX_NESTING})
            .enable(["table", "strikethrough"])
            .use(footnote_plugin)
            .use(anchors_plugin, min_level=2, max_level=4, slug_func=heading_id)
        )
        install_gallery(self.md)  # ```gallery blocks (gallery.py)

    def render(
        self,
        text: str,
        content_rel: str,
        *,
        raw_html: bool = False,
        labels: tuple[str, str] = ("Code", "Table"),
    ) -> Rendered:
        """Render `text`, the body of the file at `content_rel` (a path inside `content/`);
        its HTML is sanitized unless `raw_html` (`allow_unsafe_html: true`). `labels`: what
        a screen reader calls a code block and a table that scroll sideways."""
        env: dict[str, object] = {}
        text, local = typed_paths(text, self._code_lines)
        tokens = self.md.parse(text, env)
        _align_with_classes(tokens)
        summary_tokens = _summary_tokens(tokens)
        links: list[str] = []
        resolve = _resolver(content_rel, links)
        clean = (lambda html: html) if raw_html else sanitize.clean

        def safe(html: str) -> str:
            return scrollable(clean(html), labels)

        body = rewrite_urls(safe(self.md.renderer.render(tokens, self.md.options, env)), resolve)
        if summary_tokens is None:
            summary = ""
        else:
            summary = rewrite_urls(
                _for_listing(safe(self.md.renderer.render(summary_tokens, self.md.options, env))),
                resolve,
            )
        too_deep = next((t for t in tokens if t.level >= MAX_NESTING - 1), None)
        too_deep_at = None
        if too_deep is not None:
            with_map = next(
                (t for t in reversed(tokens[: tokens.index(too_deep) + 1]) if t.map), None
            )
            too_deep_at = with_map.map[0] + 1 if with_map and with_map.map else 1
        return Rendered(body, summary, tuple(dict.fromkeys(links)), too_deep_at, local)

    def _code_lines(self, text: str) -> set[int]:
        """The lines (0-based) of code blocks and raw HTML blocks in `text`."""
        found: set[int] = set()
        for token in self.md.parse(text):
            if token.type in ("fence", "code_block", "html_block") and token.map:
                found.update(range(token.map[0], token.map[1]))
        return found

    def render_inline(self, text: str) -> str:
        """A one-line summary written in front matter."""
        return self.render_summary(text, None)[0]

    def render_summary(
        self, text: str, content_rel: str | None, *, raw_html: bool = False
    ) -> tuple[str, tuple[str, ...]]:
        """A one-line summary written in front matter of the file at `content_rel`, and the
        content paths it links to (resolved like the body's, so they work on every page)."""
        links: list[str] = []
        inline = self.md.renderInline(text)
        html = rewrite_urls(
            inline if raw_html else sanitize.clean(inline), _resolver(content_rel, links)
        )
        return html, tuple(dict.fromkeys(links))


def _resolver(content_rel: str | None, links: list[str]) -> UrlTransform:
    """A URL transform that drops `javascript:` URLs and marks links to be resolved once the
    whole site is known: content files (collected in `links`) and site paths such as
    `/about/` (which need the site's base path in front)."""

    def resolve(tag: str, attr: str, url: str) -> str | None:
        if is_dangerous_url(url):
            return None
        if url.startswith("/") and not url.startswith("//"):
            return CONTENT_LINK + url
        target = content_target(url, content_rel) if content_rel else None
        if target is None:
            return url
        links.append(target.split("#", 1)[0])
        return CONTENT_LINK + escape_path(target)

    return resolve


_UNSAFE_IN_PATH = re.compile(r"[%\s]")


def escape_path(path: str) -> str:
    """`path` with `%` and white space percent-encoded (before any `#`), so that a file name
    with spaces stays one URL in `srcset` and in `journalgen:` links (`unquote` reverses it)."""
    name, sep, fragment = path.partition("#")
    return _UNSAFE_IN_PATH.sub(lambda m: quote(m.group(0)), name) + sep + fragment


def content_target(url: str, content_rel: str) -> str | None:
    """The content path a relative URL written in `content_rel` points to, or None.

    `../photos/a.jpg` in `entries/x.md` -> `photos/a.jpg`. Absolute URLs, site paths
    (`/about/`), fragments and `mailto:` links are not content links.
    """
    if not url or url.startswith(("#", "/", "?")):
        return None
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        return None
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(content_rel), unquote(parts.path)))
    if joined.startswith("..") or joined == ".":
        return None  # points outside content/: left as written
    return joined + (f"#{parts.fragment}" if parts.fragment else "")


THEME_IDS = sanitize.RESERVED_IDS
"""Ids the theme's pages use; ids of the theme's guestbook and book start with `gb-` and
`book-`, footnotes' with `fn`."""


def heading_id(title: str) -> str:
    """The id of a heading (to link to it): its words, never empty, never one of the
    page's own ids (`## Main` beside the theme's `<main id="main">`)."""
    made = re.sub(r"[^\w\u4e00-\u9fff\- ]", "", title.lower().replace(" ", "-")).strip("-")
    if not made:
        return "section"
    if made in THEME_IDS or made.startswith(("gb-", "book-", "fn")):
        return "section-" + made
    return made


_PRE = re.compile(r"<pre>")
_TABLE_TAG = re.compile(r"<(/?)table\b[^>]*>")


def scrollable(html: str, labels: tuple[str, str]) -> str:
    """Code blocks and tables scroll sideways on a narrow screen: each can take keyboard
    focus (to scroll with the arrow keys) and is named for screen readers. Only the outer
    table of tables inside tables (old blogs' layouts) is wrapped."""
    code, table = (label.replace('"', "&quot;") for label in labels)
    html = _PRE.sub(f'<pre tabindex="0" role="region" aria-label="{code}">', html)
    if "<table" not in html:
        return html
    opening = f'<div class="table-scroll" tabindex="0" role="region" aria-label="{table}">'
    parts: list[str] = []
    depth = 0
    last = 0
    for match in _TABLE_TAG.finditer(html):
        closing = bool(match.group(1))
        parts.append(html[last : match.start()])
        if not closing:
            parts.append((opening if depth == 0 else "") + match.group(0))
            depth += 1
        else:
            depth = max(0, depth - 1)
            parts.append(match.group(0) + ("</div>" if depth == 0 else ""))
        last = match.end()
    parts.append(html[last:])
    return "".join(parts)


_FOOTNOTE_REF = re.compile(
    r'<sup class="footnote-ref"><a href="#fn\d+(?::\d+)?" id="fnref[^"]*">.*?</a></sup>'
)
_ID_ATTRIBUTE = re.compile(r'\sid="[^"]*"')


def _for_listing(summary_html: str) -> str:
    """A summary is shown beside others (home page, feeds): drop its footnote markers (the
    notes are not there) and its ids (they would repeat on the page and clash)."""
    return _ID_ATTRIBUTE.sub("", _FOOTNOTE_REF.sub("", summary_html))


def _align_with_classes(tokens: list[Token]) -> None:
    """Table column alignment as a class, not a `style` attribute, which a strict
    Content-Security-Policy (no 'unsafe-inline') would block."""
    for token in tokens:
        if token.type in ("th_open", "td_open"):
            style = str(token.attrs.pop("style", ""))
            if style.startswith("text-align:"):
                token.attrSet("class", "align-" + style.removeprefix("text-align:"))


def _summary_tokens(tokens: list[Token]) -> list[Token] | None:
    for index, token in enumerate(tokens):
        if token.type == "html_block" and _MORE.match(token.content.strip()):
            return tokens[:index]
    for index, token in enumerate(tokens):
        if token.type == "paragraph_open" and token.level == 0:
            for end in range(index, len(tokens)):
                if tokens[end].type == "paragraph_close" and tokens[end].level == 0:
                    return tokens[index : end + 1]
    return None
