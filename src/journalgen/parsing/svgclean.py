"""SVG drawings from `content/`, cleaned so that nothing in them can run (pure).

A browser that opens an SVG file directly runs its scripts on the journal's own address:
`<script>`, `onload=`, a link animated into `javascript:` (`<set attributeName="href">`).
On a host that sends no headers (GitHub Pages) nothing stops them, and even with
journalgen's `script-src 'self'` a script file published beside them would be allowed. So
an SVG from `content/` (written by hand, or brought in by an import) is published as the
drawing only: SVG's drawing elements and presentation attributes, links only inside the
drawing (`#id`) and embedded pictures (`data:image/…`). Anything else is removed, and the
result is written fresh from the parsed tree, so no trick of the original's bytes
survives.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

SVG = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"
XML = "http://www.w3.org/XML/1998/namespace"

ELEMENTS = frozenset(
    {
        "svg", "g", "defs", "symbol", "use", "title", "desc", "switch", "view",
        "path", "rect", "circle", "ellipse", "line", "polyline", "polygon",
        "text", "tspan", "textPath", "image", "style",
        "linearGradient", "radialGradient", "stop", "pattern", "clipPath", "mask", "marker",
        "filter", "feBlend", "feColorMatrix", "feComponentTransfer", "feComposite",
        "feConvolveMatrix", "feDiffuseLighting", "feDisplacementMap", "feDistantLight",
        "feDropShadow", "feFlood", "feFuncA", "feFuncB", "feFuncG", "feFuncR",
        "feGaussianBlur", "feMerge", "feMergeNode", "feMorphology", "feOffset",
        "fePointLight", "feSpecularLighting", "feSpotLight", "feTile", "feTurbulence",
    }
)  # fmt: skip
"""What a drawing is made of. Not kept: `script`, `foreignObject` (HTML inside), `a`
(its content is kept), the animation elements (`set`, `animate…`: they can turn a link
into `javascript:`), `feImage` and anything outside SVG's namespace (an editor's notes)."""

UNWRAP = frozenset({"a"})
"""Elements removed with their content kept in their place."""

_LINK = re.compile(r"#[A-Za-z_][\w.:-]*|data:image/(?:png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]*")
"""The only links kept: to a part of the same drawing, or a picture inside it."""
_RUNS = re.compile(r"(?:java|vb)script:|data:|url\(\s*['\"]?\s*(?!#)", re.IGNORECASE)
"""A value that could run something or fetch another address."""
_DOCTYPE = re.compile(r"<!DOCTYPE[^>\[]*>", re.IGNORECASE)
_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_FETCHES = re.compile(r"url|@import|image-set|image\(|expression|\\", re.IGNORECASE)
"""CSS that could fetch another address (or hide such words behind an escape): a style
holding any of it is dropped whole, rather than mended."""


class NotADrawing(ValueError):
    """The file is not an SVG journalgen can read (the reason is the message)."""


def clean(data: bytes) -> bytes:
    """`data` (an SVG file) with only its drawing left: see the module's text."""
    try:
        text = data.decode("utf-16") if data[:2] in (b"\xff\xfe", b"\xfe\xff") else data.decode()
    except UnicodeDecodeError as err:
        raise NotADrawing("it is not text in UTF-8 or UTF-16") from err
    if "<!entity" in text.lower() or re.search(r"<!DOCTYPE[^>]*\[", text, re.IGNORECASE):
        raise NotADrawing("it declares entities, which journalgen does not read")
    text = _DECLARATION.sub("", _DOCTYPE.sub("", text.lstrip("\ufeff"), count=1), count=1)
    try:
        root = ET.fromstring(text)
    except ET.ParseError as err:
        raise NotADrawing(f"it is not readable XML ({err})") from err
    if root.tag != f"{{{SVG}}}svg":
        raise NotADrawing("it is not an SVG drawing (its first element is not <svg>)")
    _clean(root)
    root.set("xmlns", SVG)  # every element kept is SVG's, written without a prefix
    written: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=False)
    return written + b"\n"  # UTF-8, XML's own default: no declaration needed


def _clean(element: ET.Element) -> None:
    for name, value in list(element.attrib.items()):
        del element.attrib[name]
        if _kept_attribute(name, value):  # xlink:href as SVG 2's plain href
            element.set("href" if name == f"{{{XLINK}}}href" else name, value)
    element.tag = _local(element.tag)
    children = list(element)
    for child in children:
        element.remove(child)
    for child in children:
        local = _local(child.tag)
        ours = isinstance(child.tag, str) and child.tag == f"{{{SVG}}}{local}"
        if ours and local in UNWRAP:
            _clean(child)
            _adopt(element, child)
        elif ours and local in ELEMENTS:
            _clean(child)
            element.append(child)
        elif child.tail:  # the text after a removed element stays
            _append_text(element, child.tail)
    if element.tag == "style":
        css = "".join(element.itertext())
        for child in list(element):
            element.remove(child)
        element.text = None if _FETCHES.search(_without_local_urls(css)) else css


def _adopt(parent: ET.Element, unwrapped: ET.Element) -> None:
    """Put `unwrapped`'s text and children into `parent`, where it stood."""
    if unwrapped.text:
        _append_text(parent, unwrapped.text)
    for child in list(unwrapped):
        parent.append(child)
    if unwrapped.tail:
        _append_text(parent, unwrapped.tail)


def _append_text(parent: ET.Element, text: str) -> None:
    if len(parent):
        parent[-1].tail = (parent[-1].tail or "") + text
    else:
        parent.text = (parent.text or "") + text


def _kept_attribute(name: str, value: str) -> bool:
    local = _local(name)
    if name.startswith("{"):
        namespace = name[1:].split("}", 1)[0]
        if namespace == XML:
            return local in ("space", "lang")  # never xml:base, which moves every link
        if namespace != XLINK or local != "href":
            return False
    if local.lower().startswith("on"):
        return False
    plain = re.sub(r"[\x00-\x20]", "", value)
    if local == "href":
        return _LINK.fullmatch(value.strip()) is not None
    if local == "base" or "\\" in value:
        return False  # xml:base, and CSS escapes that could spell url( in disguise
    if local == "style":
        return _FETCHES.search(_without_local_urls(value)) is None
    return _RUNS.search(plain) is None


def _without_local_urls(css: str) -> str:
    """`css` without the references to a part of the same drawing (`url(#gradient)`)."""
    return re.sub(r"url\(\s*['\"]?#[\w.:-]*['\"]?\s*\)", "", css, flags=re.IGNORECASE)


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""
