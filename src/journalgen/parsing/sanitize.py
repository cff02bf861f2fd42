"""Entries' and pages' HTML, cleaned with nh3 (the allow-list sanitizer the guestbook uses).

Markdown lets a writer type HTML, and entries will arrive by import from old blogs, so what
reaches pages and feeds is only what can be shown: text formatting, tables, figures,
`details`, photos, and audio and video from the journal itself. Nothing that can run:
no scripts or styles, no event handlers, no `javascript:`/`vbscript:` links, no `data:`
URLs except images, no frames, objects, forms, `meta` or `base`. Feeds carry the same HTML
(feed readers run what they are given). `allow_unsafe_html: true` in journalgen.yaml
keeps raw HTML for a journal that truly needs it.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import nh3

TAGS = frozenset(
    {
        "a", "abbr", "audio", "b", "bdi", "bdo", "blockquote", "br", "caption", "cite",
        "code", "col", "colgroup", "dd", "del", "details", "dfn", "div", "dl", "dt", "em",
        "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins",
        "kbd", "li", "mark", "ol", "p", "picture", "pre", "q", "rp", "rt", "ruby", "s",
        "samp", "section", "small", "source", "span", "strong", "sub", "summary", "sup",
        "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "track", "u", "ul",
        "var", "video", "wbr",
    }
)  # fmt: skip
ATTRIBUTES: dict[str, set[str]] = {
    "*": {"class", "dir", "id", "lang", "title"},
    "a": {"href", "hreflang", "rel"},
    "audio": {"controls", "loop", "muted", "preload", "src"},
    "blockquote": {"cite"},
    "col": {"span"},
    "colgroup": {"span"},
    "del": {"cite", "datetime"},
    "details": {"open"},
    "img": {"alt", "decoding", "height", "loading", "sizes", "src", "srcset", "width"},
    "ins": {"cite", "datetime"},
    "li": {"value"},
    "ol": {"reversed", "start", "type"},
    "q": {"cite"},
    "source": {"media", "sizes", "src", "srcset", "type"},
    "td": {"colspan", "headers", "rowspan"},
    "th": {"abbr", "colspan", "headers", "rowspan", "scope"},
    "time": {"datetime"},
    "track": {"default", "kind", "label", "src", "srclang"},
    "video": {"controls", "height", "loop", "muted", "playsinline", "poster", "preload",
              "src", "width"},
}  # fmt: skip
SCHEMES = frozenset({"http", "https", "mailto", "tel", "data", "journalgen"})
"""Allowed in links; `data:` only for images (see `_filter`), `journalgen:` is the
generator's own link to another file of the journal."""
_URL_ATTRIBUTES = frozenset({"href", "src", "cite", "poster", "srcset"})
_MEDIA = frozenset({"audio", "video", "source", "track"})


_CLASSES = ("footnote", "align-", "gallery", "language-", "task-list", "contains-task")
"""Classes Markdown itself gives (footnotes, table alignment, galleries, code languages):
other classes could dress an entry as the theme's own parts (a preview banner)."""
RESERVED_IDS = frozenset({"main", "share-heading"})


def _filter(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "class":
        kept = [name for name in value.split() if name.startswith(_CLASSES)]
        return " ".join(kept) or None
    if attribute == "id":
        reserved = value in RESERVED_IDS or value.startswith(("gb-", "book-"))
        return "section-" + value if reserved else value
    if attribute not in _URL_ATTRIBUTES:
        return value
    if tag in _MEDIA and value.strip().startswith("//"):
        return None  # another site's, without its scheme
    scheme = urlsplit(value.strip()).scheme.lower() if ":" in value else ""
    if scheme == "data":
        # Images only (an image cannot run anything); never a page, script or SVG document.
        if tag in ("img", "source") and attribute in ("src", "srcset"):
            return value if value.strip().lower().startswith("data:image/") else None
        return None
    if tag in _MEDIA and scheme in ("http", "https"):
        return None  # audio and video from the journal itself, not another site
    return value


def clean(html: str) -> str:
    """`html` with everything that could run removed (see the module's notes)."""
    return nh3.clean(
        html,
        tags=set(TAGS),
        clean_content_tags={"script", "style"},
        attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
        attribute_filter=_filter,
        url_schemes=set(SCHEMES),
        link_rel=None,
        strip_comments=True,
    )
