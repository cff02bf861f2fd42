"""The email an entry becomes (pure): a plain-text part and an HTML part, with every link
absolute and every photo a link to the site, never an image the email program would fetch
(a fetched image tells the sender who opened the email and when)."""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from email import policy as email_policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import format_datetime, make_msgid
from html.parser import HTMLParser
from urllib.parse import quote

import nh3

from journalgen.config import SiteConfig
from journalgen.following.followers import Follower
from journalgen.parsing.entries import Entry
from journalgen.rendering.feeds import entry_html
from journalgen.structure.i18n import Language
from journalgen.structure.site import Site

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


POLICY = email_policy.default.clone(max_line_length=998)
"""How the emails are written: lines up to RFC 5322's limit of 998, so a long
`List-Unsubscribe` stays one plain `<mailto:…>` that mail programs can offer as a button
(at 78 Python writes it as an encoded word, which no mail program reads)."""

HEADERS = (
    "Subject",
    "From",
    "To",
    "Date",
    "Message-ID",
    "List-Unsubscribe",
    "Content-Language",
    "Content-Type",
    "MIME-Version",
)
"""Every header an email journalgen sends has: no other is ever written."""


def header_text(text: str) -> str:
    """`text` (a title, a journal's or a person's name) as one line of a header that says
    exactly that text: line and paragraph breaks and other control characters become
    spaces, and `=?` is kept from being read as an RFC 2047 encoded word. Python before
    3.11.10 and 3.12.5 decodes such a word in a value and writes a line break in it back
    as a real one (CVE-2024-6923), so a title could otherwise add a `Bcc:` or `Reply-To:`
    to every follower's email."""
    kept = "".join(" " if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c for c in text)
    return " ".join(kept.split()).replace("=?", "=\u2060?")


def message(made: Letter, follower: Follower, site: Site) -> EmailMessage:
    """`made` addressed to `follower`, with the headers a mail program shows and uses, built
    from address objects. Read back with Python's strict parser, it must have exactly
    `HEADERS` and say exactly the subject, names and addresses meant; otherwise it is
    refused (ValueError) and nothing is sent."""
    config = site.config
    sender = config.email.sender
    assert sender is not None
    label = Language(config.language).label
    subject = header_text(made.subject)
    author = Address(header_text(config.email.name or site.title), addr_spec=sender)
    reader = Address(header_text(follower.name), addr_spec=follower.email)
    unsubscribe = f"<{unsubscribe_url(config, label)}>"
    mail = EmailMessage(policy=POLICY)
    mail["Subject"] = subject
    mail["From"] = author
    mail["To"] = reader
    mail["Date"] = format_datetime(site.now)
    mail["Message-ID"] = make_msgid(domain=author.domain)
    mail["List-Unsubscribe"] = unsubscribe
    mail.set_content(made.plain)
    mail.add_alternative(made.html, subtype="html")
    # After the parts exist: set before, it would move into the first part with them.
    mail["Content-Language"] = config.language
    _check(mail, subject, author, reader, unsubscribe)
    return mail


def _check(
    mail: EmailMessage, subject: str, author: Address, reader: Address, unsubscribe: str
) -> None:
    """Raise ValueError unless `mail`, as sent, reads back as exactly what was meant."""
    back = BytesParser(policy=email_policy.strict).parsebytes(mail.as_bytes())
    names = [name.lower() for name in back]
    if sorted(names) != sorted(name.lower() for name in HEADERS):
        raise ValueError(f"its headers would read as {', '.join(back.keys())}")
    said = {
        "subject": (str(back["Subject"]), subject),
        "from": (_one(back, "From"), (author.display_name, author.addr_spec)),
        "to": (_one(back, "To"), (reader.display_name, reader.addr_spec)),
        "list-unsubscribe": (str(back["List-Unsubscribe"]), unsubscribe),
    }
    for name, (got, meant) in said.items():
        if got != meant:
            raise ValueError(f"its {name} header would read as {got!r}")


def _one(mail: EmailMessage, name: str) -> tuple[str, str]:
    addresses = mail[name].addresses
    if len(addresses) != 1:
        raise ValueError(f"its {name} header would name {len(addresses)} addresses")
    return addresses[0].display_name, addresses[0].addr_spec


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
