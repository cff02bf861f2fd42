"""A post's HTML as journalgen Markdown (pure): WordPress's paragraphs and shortcodes made
explicit, photos pointed at the copies brought into content/photos/, links to other posts
of the old blog pointed at their new files, then markdownify for the rest. HTML that
Markdown cannot say (a photo with its caption) stays HTML, which journalgen publishes
through the same sanitizer as everything else."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from urllib.parse import unquote, urljoin, urlsplit

from bs4 import BeautifulSoup, Tag
from markdownify import ATX, MarkdownConverter

from journalgen.importing.model import Attachment
from journalgen.parsing.slugs import slugify

PHOTOS = "photos"
_IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif")
_BLOCK_COMMENT = re.compile(r"<!--\s*/?wp:[^>]*?-->")
_MORE = re.compile(r"<!--\s*more\b[^>]*-->|<a\s+name=[\"']more[\"']\s*>\s*</a>", re.IGNORECASE)
_MORE_MARK = "JOURNALGENMOREMARK"
_GALLERY_MARK = "JOURNALGENGALLERY{}X"
_SHORTCODE = re.compile(r"\[(/?)([a-z_][a-z0-9_-]*)((?:\s+[^\]]*)?)\]")
_ATTRIBUTE = re.compile(r"""([a-z_-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|(\S+))""")
_SIZE_SUFFIX = re.compile(r"-(?:\d+x\d+|scaled|rotated)(?=\.[A-Za-z0-9]+$)")
_BLOCK_START = re.compile(
    r"^\s*<(?:p|div|figure|ul|ol|table|h[1-6]|blockquote|pre|hr|dl|section|iframe|video|"
    r"audio|details)",
    re.IGNORECASE,
)
_BARE_URL = re.compile(r"^\s*(https?://[^\s<>\"]+)\s*$")
_URL_LINE = re.compile(r"^[ \t]*(https?://[^\s<>\"\[\]]+)[ \t]*$", re.MULTILINE)
_URL_PARAGRAPH = re.compile(r'<p><a href="[^"]*">[^<]*</a></p>')


@dataclass(frozen=True, slots=True)
class Uploads:
    """The files of `--uploads` (a copy of wp-content/uploads, or Takeout's album folder),
    by their path there and by their name."""

    by_path: Mapping[str, str] = field(default_factory=dict)
    """Lower-cased path inside the folder → the path as it is."""
    by_name: Mapping[str, str] = field(default_factory=dict)
    """Lower-cased file name → the path of the first file with that name."""

    def find(self, url: str) -> str | None:
        """The file an image address of the old blog is, or None."""
        path = unquote(unquote(urlsplit(url).path))
        if "/wp-content/uploads/" in path:
            rel = path.split("/wp-content/uploads/", 1)[1]
            for candidate in (_SIZE_SUFFIX.sub("", rel), rel):
                found = self.by_path.get(candidate.lower())
                if found:
                    return found
        name = PurePosixPath(path).name.lower()
        if not name:
            return None
        return self.by_name.get(_SIZE_SUFFIX.sub("", name)) or self.by_name.get(name)


@dataclass(frozen=True, slots=True)
class Converted:
    markdown: str
    photos: tuple[str, ...] = ()
    """Files of --uploads the text shows (copied to content/photos/`photo_name(file)`)."""
    missing: tuple[str, ...] = ()
    """Image addresses no file of --uploads matched (shown as links to the old blog)."""
    unknown: tuple[str, ...] = ()
    """Shortcodes journalgen does not know, left in the text as they were."""


@dataclass(slots=True)
class _State:
    uploads: Uploads
    attachments: Mapping[str, Attachment]
    links: Mapping[str, str]
    site_url: str
    photos: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    galleries: list[list[tuple[str, str]]] = field(default_factory=list)


def convert(
    source_html: str,
    *,
    wordpress: bool,
    site_url: str,
    uploads: Uploads,
    attachments: Mapping[str, Attachment],
    links: Mapping[str, str],
    post_id: str = "",
) -> Converted:
    """`links`: old paths of the blog's posts → their new files, relative to an entry
    (`2011-05-05-connect.md`, `../pages/about.md`)."""
    state = _State(uploads, attachments, links, site_url.rstrip("/"))
    if wordpress:
        text = _MORE.sub(f"\n\n{_MORE_MARK}\n\n", source_html)
        text = _BLOCK_COMMENT.sub("", text)
        text = _shortcodes(text, state, post_id)
        text = _autop(text)
    else:
        text = _MORE.sub(f"<p>{_MORE_MARK}</p>", source_html)
    soup = BeautifulSoup(text, "html.parser")
    _images(soup, state)
    _links(soup, state)
    markdown = _Markdown(heading_style=ATX, bullets="-", escape_misc=False).convert_soup(soup)
    markdown = markdown.replace(_MORE_MARK, "<!-- more -->")
    for number, photos in enumerate(state.galleries):
        lines = [f"{_path(rel)} {alt}".rstrip() for rel, alt in photos]
        block = "```gallery\n" + "\n".join(lines) + "\n```" if lines else ""
        markdown = markdown.replace(_GALLERY_MARK.format(number), block)
    markdown = re.sub(r"\n{3,}", "\n\n", markdown).strip() + "\n"
    return Converted(
        markdown,
        tuple(dict.fromkeys(state.photos)),
        tuple(dict.fromkeys(state.missing)),
        tuple(dict.fromkeys(state.unknown)),
    )


def comment_markdown(source_html: str) -> str:
    """A comment's text (HTML, or WordPress's plain text with blank lines) as Markdown."""
    soup = BeautifulSoup(_autop(source_html), "html.parser")
    for image in soup.find_all("img"):
        image.decompose()  # a guestbook message shows no pictures
    markdown = _Markdown(heading_style=ATX, bullets="-", escape_misc=False).convert_soup(soup)
    return re.sub(r"\n{3,}", "\n\n", markdown).strip()


class _Markdown(MarkdownConverter):
    """markdownify, keeping a figure with its caption as HTML and turning what a page may
    not embed (frames, players) into a link to it."""

    def convert_figure(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        image = el.find("img")
        caption = el.find("figcaption")
        if not isinstance(image, Tag):
            return f"\n\n{text.strip()}\n\n"
        src = html.escape(str(image.get("src", "")))
        alt = html.escape(str(image.get("alt", "")))
        words = html.escape(caption.get_text(" ", strip=True)) if caption else ""
        inner = f'<img src="{src}" alt="{alt}">'
        if words:
            inner += f"<figcaption>{words}</figcaption>"
        return f"\n\n<figure>{inner}</figure>\n\n"

    def convert_iframe(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        src = str(el.get("src", ""))
        return f"\n\n<{src}>\n\n" if src.startswith(("http://", "https://")) else ""

    convert_embed = convert_iframe

    def convert_video(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        src = str(el.get("src", "")) or next(
            (str(s.get("src", "")) for s in el.find_all("source")), ""
        )
        return f"\n\n<{src}>\n\n" if src.startswith(("http://", "https://")) else ""


def photo_name(rel: str) -> str:
    """Where a file of --uploads goes under content/photos/: its folders and name made
    plain (`2011/05/Grandad garden.JPG` → `2011/05/grandad-garden.jpg`), so its address
    needs no escaping and no part of it can climb out of the folder."""
    parts = [p for p in rel.split("/") if p not in ("", ".", "..")]
    *folders, name = parts or ["photo"]
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    plain = [slugify(folder) or "folder" for folder in folders]
    plain.append((slugify(stem) or "photo") + (f".{suffix.lower()}" if suffix.isalnum() else ""))
    return "/".join(plain)


def _path(rel: str) -> str:
    """A photo's path from an entry's file, as Markdown writes it."""
    return f"../{PHOTOS}/{photo_name(rel)}"


def _attributes(text: str) -> dict[str, str]:
    return {
        m.group(1).lower(): next(g for g in m.groups()[1:] if g is not None)
        for m in _ATTRIBUTE.finditer(text)
    }


def _shortcodes(text: str, state: _State, post_id: str) -> str:
    """`[caption]`, `[gallery]` and `[embed]` as HTML; others reported and left as text."""

    def caption(match: re.Match[str]) -> str:
        attributes = _attributes(match.group(1))
        inner = match.group(2)
        image = re.search(r"(?:<a\b[^>]*>\s*)?<img\b[^>]*>(?:\s*</a>)?", inner, re.IGNORECASE)
        if image is None:
            return inner
        words = attributes.get("caption") or inner[image.end() :].strip()
        return f"<figure>{image.group(0)}<figcaption>{words}</figcaption></figure>"

    text = re.sub(
        r"\[(?:wp_)?caption\b([^\]]*)\](.*?)\[/(?:wp_)?caption\]",
        caption,
        text,
        flags=re.DOTALL | re.IGNORECASE,
    )
    text = re.sub(
        r"\[embed\b[^\]]*\]\s*(https?://[^\s\[]+)\s*\[/embed\]",
        lambda m: f"\n\n{m.group(1)}\n\n",
        text,
        flags=re.IGNORECASE,
    )

    def gallery(match: re.Match[str]) -> str:
        attributes = _attributes(match.group(1))
        ids = [i.strip() for i in attributes.get("ids", attributes.get("include", "")).split(",")]
        chosen = [state.attachments[i] for i in ids if i in state.attachments]
        if not any(ids):
            chosen = [a for a in state.attachments.values() if a.parent == post_id and a.parent]
        photos: list[tuple[str, str]] = []
        for attachment in chosen:
            found = state.uploads.find(attachment.url) or (
                state.uploads.by_path.get(attachment.path.lower()) if attachment.path else None
            )
            if found is None:
                state.missing.append(attachment.url)
                continue
            state.photos.append(found)
            photos.append((found, attachment.title))
        state.galleries.append(photos)
        return f"\n\n{_GALLERY_MARK.format(len(state.galleries) - 1)}\n\n"

    text = re.sub(r"\[gallery\b([^\]]*)\]", gallery, text, flags=re.IGNORECASE)
    for match in _SHORTCODE.finditer(text):
        closing, name, rest = match.groups()
        if closing or "=" in rest or re.search(rf"\[/{re.escape(name)}\]", text):
            state.unknown.append(f"[{name}]")
    return text


def _autop(text: str) -> str:
    """WordPress's paragraphs (wpautop, simplified): text without `<p>` is split at blank
    lines into paragraphs, and single line breaks become `<br>`. A link alone on its line
    (which WordPress showed as a player or a card) becomes a link in a paragraph."""
    text = _URL_LINE.sub(
        lambda m: (
            f'\n\n<p><a href="{html.escape(m.group(1))}">{html.escape(m.group(1))}</a></p>\n\n'
        ),
        text,
    )
    if re.search(r"<p[\s>]", _URL_PARAGRAPH.sub("", text), re.IGNORECASE):
        return text
    chunks = re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip())
    out = []
    for chunk in chunks:
        if not chunk.strip():
            continue
        if _BLOCK_START.match(chunk) or chunk.strip().startswith(_GALLERY_MARK[:17]):
            out.append(chunk)
            continue
        bare = _BARE_URL.match(chunk)
        if bare:  # WordPress showed a player or a card for a link alone on its line
            url = html.escape(bare.group(1))
            out.append(f'<p><a href="{url}">{url}</a></p>')
            continue
        out.append("<p>" + chunk.strip().replace("\n", "<br>\n") + "</p>")
    return "\n\n".join(out)


def _images(soup: BeautifulSoup, state: _State) -> None:
    for image in soup.find_all("img"):
        src = str(image.get("src", "")).strip()
        alt = " ".join(str(image.get("alt", "")).split())
        parent = image.parent
        if (
            isinstance(parent, Tag)
            and parent.name == "a"
            and len(parent.find_all(True)) == 1
            and str(parent.get("href", "")).lower().split("?")[0].endswith(_IMAGE_SUFFIXES)
        ):
            parent.unwrap()  # a link to the same photo, larger: the journal does that itself
        if src.startswith("data:") or not src:
            image.decompose()
            continue
        found = state.uploads.find(src)
        if found is None:
            state.missing.append(src)
            words = f"Photo: {alt}" if alt else "Photo"
            # On the old blog, where it still is: an address written from its root
            # (/wp-content/uploads/…) would lead into the new journal, to nothing.
            old = urljoin(state.site_url + "/", src) if state.site_url else src
            if urlsplit(old).scheme in ("http", "https"):
                link = soup.new_tag("a", href=old)
                link.string = words
                image.replace_with(link)
            else:
                image.replace_with(words)
            continue
        state.photos.append(found)
        image.attrs = {"src": _path(found), "alt": alt}


def _links(soup: BeautifulSoup, state: _State) -> None:
    """A link to another post of the old blog leads to its new file."""
    for link in soup.find_all("a"):
        href = str(link.get("href", ""))
        if not href:
            continue
        parts = urlsplit(href)
        if parts.netloc and state.site_url and not href.startswith(state.site_url):
            continue
        key = parts.path or "/"
        if parts.query and key == "/":
            key = "/?" + parts.query
        target = state.links.get(key) or state.links.get(key.rstrip("/") + "/")
        if target is not None:
            link["href"] = target + (f"#{parts.fragment}" if parts.fragment else "")
