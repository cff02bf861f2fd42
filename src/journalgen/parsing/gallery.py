"""Galleries: a grid of photos, each opening its full-size version (no JavaScript).

In an entry, a fenced block with one photo per line, its path then what it shows:

    ```gallery
    ../photos/beach.jpg Rosa and Finn building a sand castle
    ../photos/<ice cream.jpg> Finn with a strawberry ice cream
    ```

(a path with spaces goes between `<` and `>`), or the same lines as a front-matter list:

    gallery:
      - ../photos/beach.jpg Rosa and Finn building a sand castle
      - {image: ../photos/ice-cream.jpg, alt: "Finn with a strawberry ice cream"}

Both become the same HTML: a list of links to each photo, each showing the photo. Paths
are resolved like any other link (markdown.py), and `photos.rewrite_images` turns each
image into a `<picture>` of small sizes; the link opens the largest size.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass

FENCE_INFO = "gallery"
"""The word after the three backticks that makes a code block a gallery."""

GALLERY_CLASS = "gallery-photo"
"""The class of each `<img>` of a gallery (photos.py gives them smaller `sizes`)."""

_LINE = re.compile(
    r"^\s*(?:(?P<before>[^\s<]*)<(?P<bracketed>[^>]+)>(?P<after>\S*)|(?P<plain>\S+))"
    r"(?:\s+(?P<alt>.*?))?\s*$"
)
"""A path (with spaces between `<` and `>`: `../photos/<ice cream.jpg>`), then the words."""


@dataclass(frozen=True, slots=True)
class GalleryItem:
    """One photo of a gallery."""

    path: str
    """As written: relative to the entry's file, e.g. `../photos/beach.jpg`."""
    alt: str
    """What it shows (empty when the author wrote nothing: a build warning)."""


_PICTURE = re.compile(r"\.(?:jpe?g|png|gif|webp|avif|heic|heif|svg)(?=\s|$)", re.IGNORECASE)
"""Where a photo's name ends: a phone's names have spaces (`WhatsApp Image 2026-11-01 at
10.00.00.jpeg`), and a line written without `<…>` still means the whole name."""


def parse_lines(text: str) -> list[GalleryItem]:
    """The photos of a gallery block, one per non-empty line."""
    items: list[GalleryItem] = []
    for line in text.splitlines():
        match = _LINE.match(line)
        if match is None:
            continue
        if match.group("bracketed"):
            path = match.group("before") + match.group("bracketed") + match.group("after")
        else:
            path = match.group("plain") or ""
        alt = match.group("alt") or ""
        named = _PICTURE.search(line)
        if match.group("plain") and _PICTURE.search(path) is None:
            # No photo's ending after the first word: the name goes on to the first ending,
            # or (none at all) is the whole line, so a mistake names the whole name.
            end = named.end() if named is not None else len(line)
            path, alt = line[:end].strip(), line[end:]
        items.append(GalleryItem(path.strip(), " ".join(alt.split())))
    return items


def fence(items: Sequence[GalleryItem]) -> str:
    """A gallery as the Markdown block that makes it (front-matter galleries use it)."""
    lines = []
    for item in items:
        path = f"<{item.path}>" if any(c.isspace() for c in item.path) else item.path
        lines.append(f"{path} {item.alt}".rstrip())
    return "```" + FENCE_INFO + "\n" + "\n".join(lines) + "\n```\n"


def to_html(items: Sequence[GalleryItem]) -> str:
    """The grid: links to the photos, each with the photo inside (resolved later)."""
    rows = [
        f'<li><a href="{_attr(item.path)}"><img src="{_attr(item.path)}" '
        f'alt="{html.escape(item.alt)}" class="{GALLERY_CLASS}"></a></li>'
        for item in items
    ]
    return '<ul class="gallery">\n' + "\n".join(rows) + "\n</ul>\n"


def _attr(path: str) -> str:
    """A path as an attribute value: spaces escaped as in a URL, then HTML-escaped."""
    return html.escape(path.replace(" ", "%20"))


def from_front_matter(value: object) -> list[GalleryItem] | str:
    """The items of a front-matter `gallery:` list, or what is wrong with it."""
    if not isinstance(value, list):
        return "expected a list of photos, one per line starting with `- `"
    items: list[GalleryItem] = []
    for raw in value:
        if isinstance(raw, str):
            items.extend(parse_lines(raw.replace("\n", " ")))
        elif isinstance(raw, dict) and set(map(str, raw)) <= {"image", "alt"} and "image" in raw:
            alt = raw.get("alt")
            items.append(GalleryItem(str(raw["image"]).strip(), " ".join(str(alt or "").split())))
        else:
            return f"each photo is `path what it shows` or {{image: path, alt: text}}; got {raw!r}"
    return items
