"""Markdown to HTML with comrak: CommonMark plus tables, footnotes, strikethrough and
heading anchors. Relative links are resolved against the file they are written in."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass
from html import unescape
from urllib.parse import quote, unquote, urlsplit

import comrak

from journalgen.parsing import gallery, sanitize
from journalgen.parsing.htmlrewrite import UrlTransform, is_dangerous_url, rewrite_urls

CONTENT_LINK = "journalgen:"
"""Prefix of a link to a file inside `content/`, resolved to its site URL when the whole
site is known (see `site.resolve_links`)."""

MAX_NESTING = 40
"""Blocks nested deeper than this (lists in lists in quotes…) are refused with a message."""


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
    local: list[tuple[int, str]] = []
    made = {n: _typed_line(line, n, local) for n, line in enumerate(lines) if "](" in line}
    if not local and all(made[n] == lines[n] for n in made):
        return text, ()  # nothing to change: no need to know where code is
    skip = code_lines(text)
    local = [(line, path) for line, path in local if line - 1 not in skip]
    for number, line in made.items():
        if number not in skip:
            lines[number] = line
    return "\n".join(lines), tuple(local)


def _typed_line(line: str, number: int, local: list[tuple[int, str]]) -> str:
    """One line (0-based `number`) with its destinations typed; inline code stays as
    written."""
    parts = re.split(r"(`+[^`]*`+)", line)
    for index in range(0, len(parts), 2):
        parts[index] = _DESTINATION.sub(lambda m: _typed(m, number + 1, local), parts[index])
    return "".join(parts)


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
    indented_code: tuple[int, ...] = ()
    """Lines (within the text) where an indented line became a code block: pasted from a
    word processor with a tab or four spaces, it shows as a grey box that scrolls sideways."""


class MarkdownRenderer:
    """comrak (CommonMark in Rust) with tables, footnotes and strikethrough, and
    journalgen's additions made in one pass over its HTML (`_Shape`): heading ids, table
    alignment as classes, galleries, the summary and the nesting check. Build it once,
    render many documents."""

    def __init__(self) -> None:
        self._extensions = comrak.ExtensionOptions()
        self._extensions.table = True
        self._extensions.strikethrough = True
        self._extensions.footnotes = True
        self._parse = comrak.ParseOptions()
        self._options = comrak.RenderOptions()
        self._options.unsafe_ = True  # the writer's HTML is kept, then sanitized (below)
        self._options.sourcepos = True  # tells Markdown's blocks from the writer's HTML

    def _html(self, text: str) -> str:
        return comrak.render_markdown(text, self._extensions, self._parse, self._options)

    @staticmethod
    def commonmark(text: str) -> str:
        """`text` as the CommonMark spec says, by the same engine: no extensions, none of
        journalgen's additions, the writer's HTML kept as written."""
        options = comrak.RenderOptions()
        options.unsafe_ = True
        return comrak.render_markdown(text, None, None, options)

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
        text, local = typed_paths(text, code_lines)
        shape = _Shape(self._html(text), text)
        if shape.too_deep_at is not None:
            return Rendered("", "", (), shape.too_deep_at, local, shape.indented)
        links: list[str] = []
        resolve = _resolver(content_rel, links)
        clean = (lambda html: html) if raw_html else sanitize.clean

        def safe(html: str) -> str:
            return scrollable(clean(html), labels)

        body = rewrite_urls(safe(shape.html), resolve)
        summary = ""
        if shape.summary is not None:
            summary = rewrite_urls(_for_listing(safe(shape.summary)), resolve)
        return Rendered(body, summary, tuple(dict.fromkeys(links)), None, local, shape.indented)

    def render_inline(self, text: str) -> str:
        """A one-line summary written in front matter."""
        return self.render_summary(text, None)[0]

    def render_summary(
        self, text: str, content_rel: str | None, *, raw_html: bool = False
    ) -> tuple[str, tuple[str, ...]]:
        """A one-line summary written in front matter of the file at `content_rel`, and the
        content paths it links to (resolved like the body's, so they work on every page).
        Only inline Markdown counts: `# 1` or `- well` at its start stay as written."""
        links: list[str] = []
        made = _SOURCEPOS.sub("", self._html(_inline_only(text)))
        if made.startswith("<p>") and made.endswith("</p>\n") and made.count("<p>") == 1:
            made = made[3:-5]
        html = rewrite_urls(
            made if raw_html else sanitize.clean(made), _resolver(content_rel, links)
        )
        return html, tuple(dict.fromkeys(links))


_BLOCK_START = re.compile(
    r"^(?:#{1,6}(?:[ \t]|$)|>|[-*+](?:[ \t]|$)|([-*_])(?:[ \t]*\1){2,}[ \t]*$"
    r"|\d{1,9}[.)](?:[ \t]|$)|`{3,}(?!.*`)|~{3,}|\[[^\]]*\]:)"
)
"""What would make a line a heading, quote, list, rule, code block or link definition
(`**bold**` at the start stays bold)."""


def _inline_only(text: str) -> str:
    """`text` as one paragraph: lines joined, and a block marker at its start escaped."""
    line = " ".join(part.strip() for part in text.splitlines()).strip()
    if _BLOCK_START.match(line) is None:
        return line
    digits = len(line) - len(line.lstrip("0123456789"))
    return line[:digits] + "\\" + line[digits:]


_SOURCEPOS = re.compile(r' data-sourcepos="[^"]*"')
_POSITIONED = re.compile(
    r"<(?P<tag>blockquote|ul|ol|li|p|section|h[1-6]|pre)"
    r' data-sourcepos="(?P<a>\d+):(?P<b>\d+)-(?P<c>\d+):(?P<d>\d+)"'
)
_CONTAINERS = {"blockquote": 1, "ul": 1, "ol": 1, "li": 1, "section": 1}
_MORE_LINE = re.compile(r"^ {0,3}<!--\s*more\s*-->[ \t]*$", re.MULTILINE | re.IGNORECASE)
_DEL = re.compile(r'<del data-sourcepos="(\d+):(\d+)-[^"]*">(.*?)</del>', re.DOTALL)
_FOOTNOTE_MARK = re.compile(r'<sup [^>]*class="footnote-ref"[^>]*>.*?</sup>', re.DOTALL)
_HEADING = re.compile(r'<h([2-4]) data-sourcepos="[^"]*">(.*?)</h\1>', re.DOTALL)
_GALLERY = re.compile(
    r'<pre data-sourcepos="[^"]*"><code class="language-gallery">(.*?)</code></pre>\n',
    re.DOTALL | re.IGNORECASE,
)
_ALIGN = re.compile(r'<(t[hd]) align="(left|center|right)">')
_FOOTNOTE_DATA = re.compile(
    r' data-footnote[\w-]*(?:="[^"]*")?| aria-label="Back to reference [^"]*"'
)
_FOOTNOTE_NUMBER = re.compile(r'(<sup class="footnote-ref"><a [^>]*>)(\d+)</a></sup>')
"""A footnote's number is shown in brackets: `[1]` is easier to tap than a lone `1`. The
way back (↩) gets U+FE0E, so that phones draw it as text, not as an emoji."""
_FOOTNOTES = '<hr class="footnotes-sep">\n<section class="footnotes">'
_TAG = re.compile(r"<[^>]*>")


class _Shape:
    """comrak's HTML (with source positions) made journalgen's: `html`, `summary` (before
    `<!-- more -->`, else the first paragraph outside any list or quote; None if neither)
    and `too_deep_at` (the line where lists and quotes nest `MAX_NESTING` deep)."""

    def __init__(self, html: str, text: str) -> None:
        if "<del" in html:
            html = _single_tildes(html, text)
        self.too_deep_at: int | None = None
        self.summary: str | None = None
        lines = text.split("\n")
        indented: list[int] = []
        paragraphs: list[tuple[int, int]] = []  # the first top-level ones
        open_until: list[tuple[int, int]] = []  # where each enclosing list or quote ends
        for found in _POSITIONED.finditer(html):
            start = (int(found["a"]), int(found["b"]))
            while open_until and open_until[-1] < start:
                open_until.pop()
            tag = found["tag"]
            if tag in _CONTAINERS:
                open_until.append((int(found["c"]), int(found["d"])))
                if len(open_until) >= MAX_NESTING - 2:
                    self.too_deep_at = start[0]
                    break
            elif tag == "p" and len(paragraphs) < 2 and not open_until:
                end = html.find("</p>", found.end())
                paragraphs.append((found.start(), len(html) if end < 0 else end + len("</p>\n")))
            elif tag == "pre" and not _fenced(lines, start):
                indented.append(start[0])
        self.indented = tuple(indented)
        more = _MORE_LINE.search(html)
        if more is not None:
            self.summary = self._finish(html[: more.start()])
        elif paragraphs:
            # A greeting ("Dear everyone,") says nothing of the entry: the next one does.
            if len(paragraphs) > 1 and is_greeting(_TAG.sub("", html[slice(*paragraphs[0])])):
                paragraphs.pop(0)
            self.summary = self._finish(html[slice(*paragraphs[0])])
        self.html = self._finish(html)

    @staticmethod
    def _finish(html: str) -> str:
        html = _GALLERY.sub(lambda m: gallery.to_html(gallery.parse_lines(unescape(m[1]))), html)
        if "<h" in html:
            html = _headings(html)
        html = _SOURCEPOS.sub("", html)
        if "align=" in html:
            html = _ALIGN.sub(r'<\1 class="align-\2">', html)
        if "data-footnote" in html:
            html = _TAG.sub(lambda tag: _FOOTNOTE_DATA.sub("", tag[0]), html)
            html = _FOOTNOTE_NUMBER.sub(r"\1[\2]</a></sup>", html)
            html = html.replace('<section class="footnotes">', _FOOTNOTES, 1)
            html = html.replace(
                'class="footnote-backref">\u21a9', 'class="footnote-backref">\u21a9\ufe0e'
            )
        return html


def _fenced(lines: list[str], start: tuple[int, int]) -> bool:
    """The code block at `start` (line, column; 1-based) opens with ``` or ~~~, as code
    written on purpose does; else its lines were merely indented."""
    line = lines[start[0] - 1] if 0 < start[0] <= len(lines) else ""
    return (
        line.encode()[start[1] - 1 :].decode(errors="ignore").lstrip(" ").startswith(("```", "~~~"))
    )


_GREETING = re.compile(
    r"(?:dear|hi|hello|hey|dearest|bonjour|salut|coucou|chers?|ch[èe]res?|liebe[rs]?|hallo"
    r"|hola|querid[oa]s?)\b[^.?!]*[,:!]?|[^.?!]{0,60}[,:]",
    re.IGNORECASE,
)


def is_greeting(paragraph: str) -> bool:
    """A paragraph that only greets the readers: "Dear everyone,", "Hi all!", "Chers
    amis :" (a few words, ending as a salutation does)."""
    words = unescape(paragraph).split()
    return 0 < len(words) <= 6 and _GREETING.fullmatch(" ".join(words)) is not None


def _single_tildes(html: str, text: str) -> str:
    """Text between single tildes as written: only `~~` strikes through (`10~12 guests`,
    `~5 kg`), as in journalgen before; comrak, like GitHub, also takes one."""
    lines = text.split("\n")

    def keep(match: re.Match[str]) -> str:
        line, column = int(match[1]), int(match[2])
        written = lines[line - 1].encode() if 0 < line <= len(lines) else b""
        if written[column - 1 : column + 1] == b"~~":
            return match[0]
        return f"~{match[3]}~"

    return _DEL.sub(keep, html)


def _headings(html: str) -> str:
    """Headings of levels 2 to 4 get an id made from their words, unique in the page; one
    with no words (`## ` alone) is left out, as a screen reader would announce it empty."""
    taken: set[str] = set()

    def with_id(match: re.Match[str]) -> str:
        words = _TAG.sub("", _FOOTNOTE_MARK.sub("", match[2]))
        if not unescape(words).strip() and "<img" not in match[2]:
            return ""
        made = wanted = heading_id(unescape(words))
        number = 1
        while made in taken:
            made = f"{wanted}-{number}"
            number += 1
        taken.add(made)
        return f'<h{match[1]} id="{made}">{match[2]}</h{match[1]}>'

    return _HEADING.sub(with_id, html)


def code_lines(text: str) -> set[int]:
    """The lines (0-based) of code blocks and raw HTML blocks in `text` (markdown-it's block
    parser, loaded only for the few texts `typed_paths` has something to change in)."""
    from markdown_it import MarkdownIt

    found: set[int] = set()
    for token in MarkdownIt("commonmark", {"maxNesting": MAX_NESTING}).parse(text):
        if token.type in ("fence", "code_block", "html_block") and token.map:
            found.update(range(token.map[0], token.map[1]))
    return found


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


_UNSAFE_IN_PATH = re.compile(r'[%\s"<>\\^`{|}\x00-\x1f\x7f]')
"""What a URL may not hold as it is (RFC 3986 and CommonMark's renderer agree): letters
beyond ASCII stay as they are, as browsers show them."""


def escape_path(path: str) -> str:
    """`path` with `%`, white space and the characters a URL may not hold percent-encoded
    (before any `#`): a file name with spaces stays one URL in `srcset` and in `journalgen:`
    links, and `foo\\bar` becomes `foo%5Cbar` as CommonMark says (`unquote` reverses it)."""
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
    html = _PRE.sub(f'<pre tabindex="0" role="group" aria-label="{code}">', html)
    if "<table" not in html:
        return html
    opening = f'<div class="table-scroll" tabindex="0" role="group" aria-label="{table}">'
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
    r'<sup class="footnote-ref"><a href="#fn-[^"]*" id="fnref-[^"]*">.*?</a></sup>'
)
_ID_ATTRIBUTE = re.compile(r'\sid="[^"]*"')


def _for_listing(summary_html: str) -> str:
    """A summary is shown beside others (home page, feeds): drop its footnote markers (the
    notes are not there) and its ids (they would repeat on the page and clash)."""
    return _ID_ATTRIBUTE.sub("", _FOOTNOTE_REF.sub("", summary_html))
