"""The book as a typeset PDF: the journal's entries, oldest first, with their photos and
the messages left for each, made by Typst (the `typst` package bundles its compiler and
its fonts: nothing to install) as an archival PDF/A with every font embedded.

Pure up to `compile_pdf`: the assembled `Site` (and where its built photos are) in, a
Typst document out. Each entry's HTML (already sanitized) is written as Typst markup, its
text always inside Typst strings, so nothing a writer typed is read as Typst code.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from PIL import Image

from journalgen.parsing.entries import Entry
from journalgen.structure.guestbook import Message
from journalgen.structure.i18n import Language
from journalgen.structure.site import Site

PAPERS = {"a4": "a4", "letter": "us-letter"}
TEXT_WIDTH_CM = 15.0
"""The text's width on A4 and US Letter alike (the margins make up the difference)."""
PHOTO_HEIGHT_CM = 9.0
"""A photo is never taller than this: at most a third of a page, so a photo that does not
fit where it stands leaves little blank before it on the page it moves from."""
FONT = "Libertinus Serif"
"""Typst's own serif (SIL Open Font License), bundled with the compiler."""


def string(text: str) -> str:
    """`text` as a Typst string literal (shown exactly as written)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + escaped.replace("\n", "\\n").replace("\r", "") + '"'


def _text(text: str) -> str:
    return f"#{string(text)}" if text else ""


@dataclass(slots=True)
class _Node:
    tag: str
    attrs: dict[str, str]
    children: list[_Node | str] = field(default_factory=list)


class _Tree(HTMLParser):
    """A fragment of HTML as a tree (void elements closed at once)."""

    VOID = frozenset({"br", "img", "source", "hr", "wbr", "col", "track"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Node("root", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = _Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in self.VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(_Node(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse(fragment: str) -> _Node:
    tree = _Tree()
    tree.feed(fragment)
    tree.close()
    return tree.root


PhotoFile = Callable[[str], Path | None]
"""The built photo file a page's image URL stands for (the largest JPEG or PNG), or None."""


class Writer:
    """HTML (an entry's body, a message) as Typst markup."""

    def __init__(self, photo: PhotoFile, root: Path) -> None:
        self.photo = photo
        self.root = root
        self.notes: dict[str, _Node] = {}

    def place(self, file: Path) -> str:
        """A file as Typst names it: from the root of the files it may read (`root`)."""
        return string("/" + posixpath.relpath(file.absolute().as_posix(), self.root.as_posix()))

    def write(self, fragment: str) -> str:
        tree = parse(fragment)
        self.notes = {}
        for section in _find(tree, lambda n: "footnotes" in n.attrs.get("class", "").split()):
            for item in _find(section, lambda n: n.tag == "li" and bool(n.attrs.get("id"))):
                self.notes["#" + item.attrs["id"]] = item
        return self.blocks(tree.children)

    # Blocks ---------------------------------------------------------------------------

    def blocks(self, nodes: list[_Node | str]) -> str:
        out: list[str] = []
        inline: list[_Node | str] = []

        def flush() -> None:
            text = self.inline(inline).strip()
            if text:
                out.append(f"#par[{text}]")
            inline.clear()

        for node in nodes:
            if isinstance(node, str) or node.tag not in _BLOCK_TAGS:
                inline.append(node)
                continue
            flush()
            made = self.block(node)
            if made:
                out.append(made)
        flush()
        return "\n".join(out)

    def block(self, node: _Node) -> str:
        tag = node.tag
        classes = node.attrs.get("class", "").split()
        if "footnotes" in classes or (tag == "hr" and "footnotes-sep" in classes):
            return ""
        if tag == "p":
            alone = [c for c in node.children if not (isinstance(c, str) and not c.strip())]
            if len(alone) == 1 and isinstance(alone[0], _Node) and _is_picture(alone[0]):
                return self.image(alone[0], "")  # a photo on its own line: a block
            text = self.inline(node.children).strip()
            return f"#par[{text}]" if text else ""
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            return f"#block(sticky: true, above: 1.2em)[#strong[{self.inline(node.children)}]]"
        if tag in ("ul", "ol"):
            if "gallery" in classes:
                return self.gallery(node)
            items = [
                f"[{self.blocks(item.children)}]"
                for item in node.children
                if isinstance(item, _Node) and item.tag == "li"
            ]
            kind = "enum" if tag == "ol" else "list"
            return f"#{kind}({', '.join(items)})" if items else ""
        if tag == "blockquote":
            return f"#quote(block: true)[{self.blocks(node.children)}]"
        if tag == "pre":
            return (
                f"#block(width: 100%, breakable: true)[#raw({string(_plain(node))}, block: true)]"
            )
        if tag == "figure":
            return self.figure(node)
        if tag == "picture" or tag == "img":
            return self.image(node, "")
        if tag == "table":
            return self.table(node)
        if tag in ("audio", "video", "iframe"):
            return ""
        if tag == "hr":
            return "#align(center)[#sym.ast.op #sym.ast.op #sym.ast.op]"
        if tag == "details":
            return self.blocks(node.children)
        return self.blocks(node.children)  # div, section, summary…

    def figure(self, node: _Node) -> str:
        caption = next(
            (c for c in node.children if isinstance(c, _Node) and c.tag == "figcaption"), None
        )
        words = self.inline(caption.children).strip() if caption is not None else ""
        pictures = list(_find(node, lambda n: n.tag == "img"))
        if not pictures:
            return self.blocks([c for c in node.children if c is not caption])
        return self.image(pictures[0], words)

    def image(self, node: _Node, caption: str, *, inline: bool = False) -> str:
        img = node if node.tag == "img" else next(_find(node, lambda n: n.tag == "img"), None)
        if img is None:
            return ""
        file = self.photo(img.attrs.get("src", ""))
        if file is None:
            alt = img.attrs.get("alt", "")
            return f"#par[#emph[{_text(alt)}]]" if alt else ""
        width = _width_cm(file)
        path = self.place(file)
        alt = string(img.attrs.get("alt", ""))
        shown = f"image({path}, width: {width:.2f}cm, alt: {alt})"
        if inline:
            return f"#box({shown})"
        if caption:
            return f"#figure({shown}, caption: [{caption}], supplement: none, numbering: none)"
        return f"#align(center)[#{shown}]"

    def gallery(self, node: _Node) -> str:
        cells = []
        for img in _find(node, lambda n: n.tag == "img"):
            file = self.photo(img.attrs.get("src", ""))
            if file is None:
                continue
            path = self.place(file)
            words = img.attrs.get("alt", "")
            cells.append(
                f'figure(image({path}, width: 100%, height: 5cm, fit: "contain", '
                f"alt: {string(words)}), caption: [{_text(words)}], supplement: none, "
                "numbering: none)"
            )
        if not cells:
            return ""
        return f"#grid(columns: (1fr, 1fr), gutter: 0.6cm, {', '.join(cells)})"

    def table(self, node: _Node) -> str:
        rows = list(_find(node, lambda n: n.tag == "tr"))
        if not rows:
            return ""
        cells: list[str] = []
        columns = 0
        for row in rows:
            found = [c for c in row.children if isinstance(c, _Node) and c.tag in ("td", "th")]
            columns = max(columns, sum(_span(c) for c in found))
            for cell in found:
                text = self.inline(cell.children).strip()
                text = f"#strong[{text}]" if cell.tag == "th" else text
                span = _span(cell)
                cells.append(f"table.cell(colspan: {span})[{text}]" if span > 1 else f"[{text}]")
        return f"#table(columns: {max(columns, 1)}, {', '.join(cells)})"

    # Inline ---------------------------------------------------------------------------

    def inline(self, nodes: list[_Node | str]) -> str:
        out: list[str] = []
        for node in nodes:
            if isinstance(node, str):
                out.append(_text(re.sub(r"\s+", " ", node)))
                continue
            tag = node.tag
            inner = self.inline(node.children)
            if tag in ("em", "i", "cite", "dfn", "var"):
                out.append(f"#emph[{inner}]")
            elif tag in ("strong", "b"):
                out.append(f"#strong[{inner}]")
            elif tag in ("del", "s"):
                out.append(f"#strike[{inner}]")
            elif tag == "sub":
                out.append(f"#sub[{inner}]")
            elif tag == "sup" and "footnote-ref" in node.attrs.get("class", ""):
                out.append(self.footnote(node))
            elif tag == "sup":
                out.append(f"#super[{inner}]")
            elif tag == "code" or tag == "kbd":
                out.append(f"#raw({string(_plain(node))})")
            elif tag == "br":
                out.append("#linebreak()")
            elif tag == "a":
                out.append(self.link(node, inner))
            elif _is_picture(node):  # in a line of text: held in a box (never a block)
                out.append(self.image(node, "", inline=True))
            elif tag in _BLOCK_TAGS:
                out.append(self.block(node))
            else:
                out.append(inner)
        return "".join(out)

    def footnote(self, node: _Node) -> str:
        link = next(_find(node, lambda n: n.tag == "a"), None)
        note = self.notes.get(link.attrs.get("href", "")) if link is not None else None
        if note is None:
            return ""
        kept = [
            c
            for c in note.children
            if not (isinstance(c, _Node) and "footnote-backref" in c.attrs.get("class", ""))
        ]
        body = self.inline(_without_backrefs(kept)).strip()
        return f"#footnote[{body}]"

    def link(self, node: _Node, inner: str) -> str:
        href = node.attrs.get("href", "")
        if href.startswith(("http://", "https://", "mailto:")):
            return f"#link({string(href)})[{inner}]"
        return inner


_BLOCK_TAGS = frozenset(
    {"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "blockquote", "pre", "figure"}
    | {"table", "hr", "div", "section", "details", "audio", "video", "iframe", "picture"}
)


def _without_backrefs(nodes: list[_Node | str]) -> list[_Node | str]:
    kept: list[_Node | str] = []
    for node in nodes:
        if isinstance(node, _Node):
            if "footnote-backref" in node.attrs.get("class", ""):
                continue
            if node.tag == "p":
                kept.extend(_without_backrefs(node.children))
                continue
            node = _Node(node.tag, node.attrs, _without_backrefs(node.children))
        kept.append(node)
    return kept


def _span(cell: _Node) -> int:
    """The columns a cell spans, as HTML reads `colspan` (a number from 1 to 50; anything
    else counts as 1)."""
    found = re.match(r"\s*(\d{1,3})", cell.attrs.get("colspan", ""))
    return min(max(int(found.group(1)), 1), 50) if found else 1


def _is_picture(node: _Node) -> bool:
    """A photo: an image, a `<picture>`, or a link around one (to its larger size)."""
    if node.tag in ("img", "picture"):
        return True
    parts = [c for c in node.children if not (isinstance(c, str) and not c.strip())]
    return (
        node.tag == "a"
        and len(parts) == 1
        and isinstance(parts[0], _Node)
        and (parts[0].tag in ("img", "picture"))
    )


def _find(node: _Node, wanted: Callable[[_Node], bool]) -> Iterator[_Node]:
    for child in node.children:
        if isinstance(child, _Node):
            if wanted(child):
                yield child
            yield from _find(child, wanted)


def _plain(node: _Node) -> str:
    return "".join(c if isinstance(c, str) else _plain(c) for c in node.children)


def _width_cm(file: Path) -> float:
    """The photo's width on paper: the text's width, or less so that it is never taller
    than `PHOTO_HEIGHT_CM` (a portrait photo then sits in the text like a landscape one)."""
    try:
        with Image.open(file) as image:
            width, height = image.size
    except OSError:
        return TEXT_WIDTH_CM / 2
    return min(TEXT_WIDTH_CM, PHOTO_HEIGHT_CM * width / max(height, 1))


def photo_files(out_dir: Path, base_path: str) -> PhotoFile:
    """How a page's image URL finds its built file: the image's own file, or for a
    processed photo the largest JPEG or PNG of its sizes (Typst reads no WebP)."""
    sizes: dict[str, list[tuple[int, Path]]] = {}
    for path in (out_dir / "photos").rglob("*") if (out_dir / "photos").is_dir() else []:
        found = re.fullmatch(r"(.+)-(\d+)\.([0-9a-f]{10})\.(jpg|png)", path.name)
        if found:
            stem = f"{path.parent.as_posix()}/{found[1]}.{found[3]}"
            sizes.setdefault(stem, []).append((int(found[2]), path))

    def file(url: str) -> Path | None:
        path = unquote(urlsplit(url).path)
        if not path.startswith(base_path):
            return None
        local = out_dir / path[len(base_path) :]
        found = re.fullmatch(r"(.+)-(\d+)\.([0-9a-f]{10})\.(jpg|png|webp)", local.name)
        if found:
            options = sizes.get(f"{local.parent.as_posix()}/{found[1]}.{found[3]}")
            if options:
                return max(options)[1]
        if local.suffix.lower() in (".jpg", ".jpeg", ".png", ".gif", ".svg") and local.is_file():
            return local
        return None

    return file


@dataclass(frozen=True, slots=True)
class BookSettings:
    paper: str = "a4"
    """`a4` or `letter`."""


def document(site: Site, out_dir: Path, root: Path, settings: BookSettings) -> str:
    """The whole book as a Typst document; its photos named from `root` (a folder that
    holds `out_dir`)."""
    config = site.config
    language = Language(config.language)
    label = language.label
    writer = Writer(photo_files(out_dir, config.base_path), root)
    entries = list(reversed(site.entries))
    lines = [
        f"#set document(title: {string(site.title)}, "
        f"author: {string(_authors(entries) or site.title)})",
        f'#set page(paper: "{PAPERS[settings.paper]}", margin: (x: 2.5cm, top: 2.4cm, '
        "bottom: 2.6cm))",
        f'#set text(font: "{FONT}", size: 11pt, lang: {string(config.language[:2])})',
        "#set par(justify: true, leading: 0.62em, spacing: 0.95em)",
        "#show heading.where(level: 1): set text(size: 17pt)",
        "#show heading: set block(sticky: true)",
        "#show link: underline",
        _title_page(site, writer, language),
        "#pagebreak()",
        f"#outline(title: [{_text(label('contents'))}], depth: 1)",
        "#pagebreak()",
        '#set page(numbering: "1", number-align: center)',
        "#counter(page).update(1)",
    ]
    for entry in entries:
        lines.append(_chapter(entry, site, writer, language))
    general = [m for m in reversed(site.guestbook.messages) if site.guestbook.entry_of(m) is None]
    if general:
        lines.append(f"= {_text(label('guestbook'))}")
        lines += [_message(message, writer, language) for message in general]
    return "\n\n".join(lines) + "\n"


def _authors(entries: list[Entry]) -> str:
    return ", ".join(dict.fromkeys(entry.author.name for entry in entries))


def _title_page(site: Site, writer: Writer, language: Language) -> str:
    config = site.config
    parts = ["#v(1fr)"]
    memorial = config.memorial
    if memorial is not None:
        if memorial.photo is not None:
            photo = writer.photo(_photo_url(site, memorial.photo))
            if photo is not None:
                path = writer.place(photo)
                parts.append(
                    f"#align(center)[#image({path}, height: 7cm, alt: "
                    f"{string(memorial.photo_alt)})]"
                )
                parts.append("#v(0.8cm)")
        parts.append(f"#align(center)[#text(size: 26pt)[{_text(memorial.name)}]]")
        dates = f"{language.date(memorial.born)} – {language.date(memorial.died)}"
        parts.append(f"#align(center)[#text(size: 13pt)[{_text(dates)}]]")
        if memorial.epitaph:
            parts.append(f"#align(center)[#emph[{_text(memorial.epitaph)}]]")
        parts.append("#v(1cm)")
        parts.append(f"#align(center)[{_text(site.title)}]")
    else:
        parts.append(f"#align(center)[#text(size: 26pt)[{_text(site.title)}]]")
        if site.description:
            parts.append(f"#align(center)[#emph[{_text(site.description)}]]")
    entries = site.entries
    if entries:
        span = f"{language.date(entries[-1].date)} – {language.date(entries[0].date)}"
        parts.append(f"#v(0.6cm)#align(center)[{_text(span)}]")
    parts.append("#v(2fr)")
    return "#page(numbering: none)[\n" + "\n".join(parts) + "\n]"


def _photo_url(site: Site, content_path: str) -> str:
    """The URL of a content photo's largest size, as the site's pages show it."""
    photo = site.catalog.photos.get(content_path)
    if photo is None or not photo.variants:  # a drawing (SVG), published where it is
        return site.config.base_path + content_path
    largest = max(photo.variants, key=lambda v: (v.width, v.format != "WEBP"))
    return site.config.base_path + largest.path


def _chapter(entry: Entry, site: Site, writer: Writer, language: Language) -> str:
    label = language.label
    moment = entry.date.astimezone(site.config.zone)
    byline = f"{language.date(moment)} · {entry.author.name}"
    parts = [
        f"= {_text(entry.title)}",
        f'#text(size: 9.5pt, style: "italic")[{_text(byline)}]',
    ]
    if entry.cover_html:
        parts.append(writer.write(entry.cover_html))
    parts.append(writer.write(entry.body_html))
    messages = site.guestbook.for_entry(entry)
    if messages:
        heading = (
            label("gb_count_one")
            if len(messages) == 1
            else label("gb_count_other", n=len(messages))
        )
        parts.append(f"#v(0.6em)#line(length: 30%, stroke: 0.4pt)\n#strong[{_text(heading)}]")
        parts += [_message(message, writer, language) for message in messages]
    return "\n".join(parts)


def _message(message: Message, writer: Writer, language: Language) -> str:
    who = message.name + (f", {message.location}" if message.location else "")
    when = language.date(message.date)
    body = writer.write(message.html)
    return (
        "#block(inset: (left: 1em), stroke: (left: 0.6pt + luma(160)), breakable: true)[\n"
        f"#text(size: 9.5pt)[#strong[{_text(who)}] · {_text(when)}]\n{body}\n]"
    )


def compile_pdf(source: str, main: Path, root: Path, when: dt.datetime) -> bytes:
    """Typeset `source` (written to `main`, a file under `root`; its images named from
    `root`) as PDF/A-2b: an archival PDF, every font embedded, nothing outside it. Only
    Typst's bundled fonts are used, so the book looks the same on every computer; `when`
    is its date (the newest entry's), so the same journal gives the same file."""
    import typst

    main.parent.mkdir(parents=True, exist_ok=True)
    main.write_text(source, encoding="utf-8")
    made = typst.compile(
        str(main),
        root=str(root),
        ignore_system_fonts=False,
        pdf_standards=["a-2b"],
        timestamp=int(when.timestamp()),
    )
    assert isinstance(made, bytes)
    return made
