"""The email an entry becomes (pure): a plain-text part and an HTML part, with every link
absolute and every photo a link to the site, never an image the email program would fetch
(a fetched image tells the sender who opened the email and when)."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid
from html.parser import HTMLParser
from urllib.parse import quote

import nh3

from journalgen.config import SiteConfig
from journalgen.entries import Entry
from journalgen.feeds import entry_html
from journalgen.following.followers import Follower
from journalgen.i18n import Language
from journalgen.site import Site

LabelFunction = Callable[..., str]
"""`Language.label`: a label's key and its values → the words."""


@dataclass(frozen=True, slots=True)
class Letter:
    """An entry as every follower receives it (only the `To:` differs)."""

    entry_path: str
    subject: str
    plain: str
    html: str


def letter(site: Site, entry: Entry) -> Letter:
    """The email of `entry`: its title, date, author and whole text, a link to it and to
    the guestbook, and how to stop."""
    config = site.config
    lang = Language(config.language)
    label = lang.label
    link = config.base_url + entry.path
    journal = site.title
    key = "mail_subject_farewell" if entry.kind == "farewell" else "mail_subject"
    subject = " ".join(label(key, journal=journal, title=entry.title).split())
    _, body = entry_html(entry, link)
    mail_html, text = mailable(body, label)
    byline = f"{lang.date(entry.date.astimezone(config.zone))} · {entry.author.name}"
    guestbook = config.base_url + "guestbook/" if config.guestbook.provider != "none" else None
    sender = config.email.sender or ""
    stop = label("mail_stop", email=sender)
    why = label("mail_why", journal=journal)

    plain_links = [f"{label('mail_read')}: {link}"]
    if guestbook:
        plain_links.append(f"{label('mail_guestbook')}: {guestbook}")
    plain = "\n".join(
        [
            entry.title,
            byline,
            "",
            text,
            "",
            "-- ",
            *plain_links,
            "",
            why,
            stop,
            "",
        ]
    )

    def a(href: str, words: str) -> str:
        return f'<a href="{html.escape(href)}">{html.escape(words)}</a>'

    stop_html = html.escape(stop).replace(
        html.escape(sender), a(unsubscribe_url(config, label), sender), 1
    )
    links_html = a(link, label("mail_read"))
    if guestbook:
        links_html += " · " + a(guestbook, label("mail_guestbook"))
    page = f"""<!DOCTYPE html>
<html lang="{html.escape(config.language)}">
<head><meta charset="utf-8"><title>{html.escape(entry.title)}</title></head>
<body>
<p>{a(config.base_url, journal)}</p>
<h1>{a(link, entry.title)}</h1>
<p>{html.escape(byline)}</p>
{mail_html}
<hr>
<p>{links_html}</p>
<p>{html.escape(why)}<br>{stop_html}</p>
</body>
</html>
"""
    return Letter(entry.path, subject, plain, page)


def unsubscribe_url(config: SiteConfig, label: LabelFunction) -> str:
    """`mailto:` the family, with a subject saying what the reader wants."""
    subject = quote(label("mail_stop_subject", journal=config.title), safe="")
    return f"mailto:{config.email.sender}?subject={subject}"


def message(made: Letter, follower: Follower, site: Site) -> EmailMessage:
    """`made` addressed to `follower`, with the headers a mail program shows and uses."""
    config = site.config
    sender = config.email.sender
    assert sender is not None
    label = Language(config.language).label
    mail = EmailMessage()
    mail["Subject"] = made.subject
    mail["From"] = formataddr((" ".join((config.email.name or site.title).split()), sender))
    mail["To"] = formataddr((follower.name, follower.email))
    mail["Date"] = format_datetime(site.now)
    mail["Message-ID"] = make_msgid(domain=Address(addr_spec=sender).domain)
    mail["List-Unsubscribe"] = f"<{unsubscribe_url(config, label)}>"
    mail["Content-Language"] = config.language
    mail.set_content(made.plain)
    mail.add_alternative(made.html, subtype="html")
    return mail


_BLOCKS = frozenset(
    {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "pre"}
    | {"table", "tr", "figure", "figcaption", "hr", "section", "aside", "details", "summary"}
    | {"dl", "dt", "dd"}
)
"""Elements that start a new paragraph of the plain text."""
_MAIL_TAGS = (
    _BLOCKS - {"div", "aside"}
    | {"a", "abbr", "b", "br", "code", "del", "em", "i", "ins", "kbd", "mark", "q", "s"}
    | {"small", "strong", "sub", "sup", "tbody", "td", "tfoot", "th", "thead", "u"}
)
"""Elements the email HTML keeps (images become links; nothing else is fetched)."""


def mailable(fragment: str, label: LabelFunction) -> tuple[str, str]:
    """An entry's HTML (absolute links) as email HTML and as plain text: each image
    becomes a link to it, named by its description; nothing is fetched when it is read."""
    converter = _Converter(label)
    converter.feed(fragment)
    converter.close()
    cleaned = nh3.clean(
        "".join(converter.html),
        tags=set(_MAIL_TAGS),
        attributes={
            "a": {"href", "title"},
            "td": {"colspan", "rowspan"},
            "th": {"colspan", "rowspan"},
        },
        url_schemes={"http", "https", "mailto"},
        link_rel=None,
    )
    return cleaned, converter.text()


class _Converter(HTMLParser):
    """Walks the entry's HTML once, writing the email HTML and the plain text side by side."""

    def __init__(self, label: LabelFunction) -> None:
        super().__init__(convert_charrefs=True)
        self.label = label
        self.html: list[str] = []
        self.lines: list[str] = []
        self.current: list[str] = []
        self.lists: list[list[int]] = []  # per open list: [number or 0 for bullets]
        self.href: list[str | None] = []
        self.link_text: list[list[str]] = []
        self.pre = 0

    # Email HTML ------------------------------------------------------------------------

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "img":
            self._image(values)
            return
        if tag in ("picture", "source", "video", "audio", "iframe", "svg"):
            return
        self.html.append(self.get_starttag_text() or "")
        self._start_text(tag, values)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in ("img", "br", "hr"):
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("img", "picture", "source", "video", "audio", "iframe", "svg"):
            return
        self.html.append(f"</{tag}>")
        self._end_text(tag)

    def handle_data(self, data: str) -> None:
        self.html.append(html.escape(data, quote=False))
        if self.pre:
            self.current.append(data)
            return
        text = re.sub(r"\s+", " ", data)
        if self.link_text:
            self.link_text[-1].append(text)
        self.current.append(text)

    def _image(self, values: dict[str, str]) -> None:
        src = values.get("src", "")
        alt = " ".join(values.get("alt", "").split())
        words = self.label("mail_photo", alt=alt) if alt else self.label("mail_photo_plain")
        if not src.startswith(("http://", "https://")):
            return
        self.html.append(f'<a href="{html.escape(src)}">[{html.escape(words)}]</a>')
        self.current.append(f"[{words}: {src}]")

    # Plain text ------------------------------------------------------------------------

    def _start_text(self, tag: str, values: dict[str, str]) -> None:
        if tag in _BLOCKS:
            self._break()
        if tag == "br":
            self.current.append("\n")
        elif tag == "pre":
            self.pre += 1
        elif tag in ("ul", "ol"):
            self.lists.append([1 if tag == "ol" else 0])
        elif tag == "li":
            marker = "-"
            if self.lists and self.lists[-1][0]:
                marker = f"{self.lists[-1][0]}."
                self.lists[-1][0] += 1
            self.current.append("  " * max(len(self.lists) - 1, 0) + marker + " ")
        elif tag == "a":
            self.href.append(values.get("href"))
            self.link_text.append([])
        elif tag in ("td", "th") and self.current:
            self.current.append(" | ")
        elif tag == "hr":
            self.current.append("* * *")
            self._break()

    def _end_text(self, tag: str) -> None:
        if tag == "a" and self.href:
            href = self.href.pop()
            words = "".join(self.link_text.pop()).strip()
            absolute = href and href.startswith(("http://", "https://")) and "#" not in href
            if absolute and words and words != href:
                self.current.append(f" <{href}>")
            if self.link_text:
                self.link_text[-1].append(words)
        elif tag == "pre":
            self.pre = max(self.pre - 1, 0)
            self._break()
        elif tag in ("ul", "ol") and self.lists:
            self.lists.pop()
            self._break()
        elif tag in _BLOCKS:
            self._break()

    def _break(self) -> None:
        text = "".join(self.current)
        self.current = []
        if self.pre:
            self.lines.append(text.rstrip("\n"))
            return
        text = "\n".join(line.strip(" ") for line in text.split("\n")).strip()
        if text:
            self.lines.append(text)

    def text(self) -> str:
        self._break()
        out: list[str] = []
        for line in self.lines:
            if out and _ITEM.match(line) and _ITEM.match(out[-1]):
                out[-1] += "\n" + line  # the items of one list, one per line
            else:
                out.append(line)
        return "\n\n".join(out)


_ITEM = re.compile(r"^\s*(?:-|\d+\.) ")
