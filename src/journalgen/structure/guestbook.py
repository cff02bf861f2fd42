"""Guestbook messages: parse and check one message file, render its text safely, and
attach messages to the entries they answer. Pure: sources in, frozen dataclasses out.

A message is written by a stranger, so its text is hostile input. It is rendered with a
Markdown that knows only paragraphs, line breaks, emphasis and links (raw HTML is shown
as text), then cleaned by nh3, an allow-list sanitizer: only `p`, `br`, `em`, `strong`
and `a href` survive, links only to http, https and mailto addresses, each with
`rel="nofollow ugc noopener"`. Every other field (the name, the place) is plain text that
the templates escape. Nothing a reader wrote is ever evaluated as a template.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import PurePosixPath

import nh3
from markdown_it import MarkdownIt

from journalgen.config import SiteConfig
from journalgen.errors import JournalError, Problem
from journalgen.parsing.entries import Entry
from journalgen.parsing.slugs import slugify
from journalgen.reading.fields import Fields
from journalgen.reading.sources import Source
from journalgen.reading.yamltext import load_mapping
from journalgen.structure.paging import paginate

MESSAGE_KEYS = ("name", "date", "message", "entry", "location")
"""What a YAML message file may say."""
FRONT_MATTER_KEYS = ("name", "date", "entry", "location")
"""What the front matter of a Markdown message may say (the message is its body)."""
MAX_NAME_CHARS = 100
MAX_LOCATION_CHARS = 100
MAX_MESSAGE_CHARS = 10_000
"""About four pages of handwriting: longer is not a guestbook message (the form's text box
stops there too)."""

ALLOWED_TAGS = frozenset({"p", "br", "em", "strong", "a"})
URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow ugc noopener"
"""On every link in a message: search engines give it no weight (`nofollow ugc`) and the
page it opens cannot reach back into ours (`noopener`)."""

HONEYPOT_FIELD = "bot-field"
"""The form field people never see and robots fill in (Netlify's honeypot)."""

_SAFE_LINK = re.compile(r"^(?:https?://[^/\s]|mailto:[^\s])", re.IGNORECASE)


def _forbidden_characters() -> str:
    """Characters no message may contain: control characters other than tab and newline,
    surrogates and Unicode noncharacters. They are invisible, break feeds and HTML
    validators, and are only ever sent by robots or broken software."""
    ranges = [
        "\x00-\x08",
        "\x0b\x0c",
        "\x0e-\x1f",
        "\x7f-\x9f",
        "\ud800-\udfff",
        "\ufdd0-\ufdef",
    ]
    nonchars = "".join(
        chr(plane * 0x10000 + low) for plane in range(17) for low in (0xFFFE, 0xFFFF)
    )
    return "[" + "".join(ranges) + re.escape(nonchars) + "]"


FORBIDDEN = re.compile(_forbidden_characters())


@dataclass(frozen=True, slots=True)
class Message:
    """One approved guestbook message, checked and rendered."""

    source: Source
    """The file it comes from."""
    id: str
    """The file name without its extension: what `journalgen guestbook approve` takes."""
    name: str
    """Who wrote it, as they wrote it (one line; escaped when shown)."""
    date: dt.datetime
    """When it was written (aware, in the site's time zone)."""
    text: str
    """The message as written (Markdown)."""
    html: str
    """The message rendered and sanitized: safe to put in a page as it is."""
    entry: str | None
    """The slug (or `YYYY/MM/slug` path) of the entry it answers; None for the guestbook
    page only."""
    location: str | None
    """Where they wrote from, if they said (escaped when shown)."""

    @property
    def anchor(self) -> str:
        """The `id` of the message in pages, e.g. `message-2026-11-20-ruth`."""
        slug = slugify(self.id) or hashlib.sha256(self.id.encode()).hexdigest()[:12]
        return f"message-{slug}"


class MessageRenderer:
    """The restricted Markdown of guestbook messages; build it once per build."""

    def __init__(self) -> None:
        md = MarkdownIt("zero", {"html": False, "breaks": True, "maxNesting": 20})
        md.enable(["newline", "escape", "emphasis", "link", "autolink", "entity"])
        md.validateLink = _is_safe_link  # type: ignore[method-assign]
        self.md = md

    def render(self, text: str) -> str:
        """`text` (Markdown) as sanitized HTML: paragraphs, line breaks, emphasis, links."""
        return sanitize(self.md.render(text))


def _is_safe_link(url: str) -> bool:
    """markdown-it keeps a link only when this says yes (it sees the normalized URL)."""
    return bool(_SAFE_LINK.match(url.strip()))


def sanitize(html: str) -> str:
    """The allow-list pass that runs on every message, whatever produced its HTML."""
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags={"script", "style"},
        attributes={"a": {"href"}, "*": set()},  # "*": no `title`/`lang` on any tag
        url_schemes=set(URL_SCHEMES),
        url_relative="deny",
        link_rel=LINK_REL,
        strip_comments=True,
        set_tag_attribute_values={"p": {"dir": "auto"}},
    ).strip()


def forbidden_at(text: str) -> int | None:
    """The index of the first character a message may not contain, or None."""
    found = FORBIDDEN.search(text)
    return found.start() if found else None


def clean_text(text: str) -> str:
    """`text` with Windows/Mac line ends made `\\n` and forbidden characters removed (for
    submissions being imported: what the writer meant, without what a robot added)."""
    return FORBIDDEN.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def one_line(text: str) -> str:
    """Names and places: runs of spaces, tabs and newlines become one space."""
    return " ".join(unicodedata.normalize("NFC", text).split())


# --- One message file --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Body:
    fields: Fields
    message: str | None
    """The Markdown body of a `.md` message (None for YAML files)."""
    message_line: int
    """File line where the message text starts."""


def parse_message(source: Source, config: SiteConfig, renderer: MessageRenderer) -> Message:
    """Check one message file. Errors name the file, the line and what to do."""
    body = _split(source)
    fields = body.fields
    fields.reject_unknown(MESSAGE_KEYS if body.message is None else FRONT_MATTER_KEYS)
    name = _line_field(fields, "name", MAX_NAME_CHARS, required=True) or ""
    location = _line_field(fields, "location", MAX_LOCATION_CHARS, required=False)
    date = fields.moment("date", config.zone)
    if date is None:
        raise JournalError.at(
            source.path,
            "the message has no date",
            line=fields.mapping.line("date"),
            hint="Add a line such as `date: 2026-11-22 18:30` (when it was written).",
        )
    if body.message is None:
        raw = fields.raw("message")
        if raw is not None and not isinstance(raw, str | int | float):
            raise fields.error("message", "expected text")
        text = "" if raw is None else str(raw)
        line = fields.mapping.line("message") or 1
    else:
        text, line = body.message, body.message_line
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        raise JournalError.at(
            source.path,
            "the message is empty",
            line=line if body.message is not None else fields.mapping.line("message"),
            hint="Add `message: |` followed by the text, indented"
            if body.message is None
            else "Write the message below the closing `---` line.",
        )
    bad = forbidden_at(text)
    if bad is not None:
        at = line + text[:bad].count("\n") if body.message is not None else line
        raise JournalError.at(
            source.path,
            f"the message contains an invisible control character (U+{ord(text[bad]):04X})",
            line=at,
            hint="Delete it (it is usually left by copying from another program); "
            "`journalgen guestbook import` removes such characters by itself.",
        )
    if len(text) > MAX_MESSAGE_CHARS:
        raise JournalError.at(
            source.path,
            f"the message is {len(text):,} characters long; a guestbook message may be at "
            f"most {MAX_MESSAGE_CHARS:,}",
            line=line,
            hint="Shorten it, or publish it as an entry or a page instead.",
        )
    entry = fields.text("entry")
    return Message(
        source=source,
        id=PurePosixPath(source.rel).stem,
        name=name,
        date=date,
        text=text,
        html=renderer.render(text),
        entry=entry.strip("/") if entry else None,
        location=location,
    )


def _split(source: Source) -> _Body:
    text = source.text
    if not text.strip():
        raise JournalError.at(
            source.path,
            "this message file is empty",
            hint='Write it like this:\nname: "Ruth"\ndate: 2026-11-22\nmessage: |\n  '
            "Thinking of you all.",
        )
    if source.rel.lower().endswith((".yaml", ".yml")):
        mapping = load_mapping(text, source.path)
        return _Body(Fields(mapping, source.path, "message"), None, 1)
    # Split at \n only: splitlines() would also split at characters such as U+0085.
    lines = re.findall(r"[^\n]*\n|[^\n]+$", text)
    if lines[0].rstrip() != "---":
        raise JournalError.at(
            source.path,
            "the message does not start with front matter (a `---` line)",
            line=1,
            hint='Begin the file with:\n---\nname: "Ruth"\ndate: 2026-11-22\n---',
        )
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            mapping = load_mapping("".join(lines[1:index]), source.path, first_line=2)
            body = "".join(lines[index + 1 :])
            # The text starts at its first non-blank line (for line numbers in errors).
            skipped = len(body) - len(body.lstrip("\r\n"))
            first = index + 2 + body[:skipped].count("\n")
            return _Body(Fields(mapping, source.path, "message"), body, first)
    raise JournalError.at(
        source.path,
        "the front matter has no closing `---` line",
        line=1,
        hint="Add a line with just `---` after the name and date.",
    )


def _line_field(fields: Fields, key: str, limit: int, *, required: bool) -> str | None:
    value = fields.text(key)
    if value is None:
        if required:
            raise JournalError.at(
                fields.path,
                f"`{key}` is missing",
                line=fields.mapping.line(key),
                hint='Add a line such as `name: "Ruth and Sam"`.',
            )
        return None
    bad = forbidden_at(value)
    if bad is not None:
        raise fields.error(
            key,
            f"contains an invisible control character (U+{ord(value[bad]):04X})",
            hint="Delete it; it is usually left by copying from another program.",
        )
    value = one_line(value)
    if len(value) > limit:
        raise fields.error(key, f"is {len(value)} characters long; it may be at most {limit}")
    return value


def parse_messages(found: Iterable[Source], config: SiteConfig) -> list[Message]:
    """Parse every message file, collecting every file's problem before failing."""
    renderer = MessageRenderer()
    messages: list[Message] = []
    problems: list[Problem] = []
    for source in found:
        try:
            messages.append(parse_message(source, config, renderer))
        except JournalError as err:
            problems.extend(err.problems)
    if problems:
        raise JournalError(problems)
    return messages


# --- The guestbook of a site -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GuestbookPage:
    """One page of the paginated guestbook page (/guestbook/, /guestbook/page/2/…)."""

    number: int
    path: str
    messages: tuple[Message, ...]
    """Newest first."""
    newer_path: str | None
    older_path: str | None
    count: int
    """How many guestbook pages there are."""


@dataclass(frozen=True, slots=True)
class Guestbook:
    """Every published message, and which entry each one answers."""

    messages: tuple[Message, ...] = ()
    """All messages, newest first."""
    by_entry: Mapping[str, tuple[Message, ...]] = field(default_factory=dict)
    """Messages answering each entry (keyed by the entry's path), oldest first, as a
    conversation reads."""
    answers: Mapping[str, Entry] = field(default_factory=dict)
    """The entry each message answers (keyed by the message's anchor), when it is in the
    build."""
    pages: tuple[GuestbookPage, ...] = ()

    def for_entry(self, entry: Entry) -> tuple[Message, ...]:
        return self.by_entry.get(entry.path, ())

    def count(self, entry: Entry) -> int:
        return len(self.by_entry.get(entry.path, ()))

    def entry_of(self, message: Message) -> Entry | None:
        return self.answers.get(message.anchor)


GUESTBOOK_PATH = "guestbook/"
THANKS_PATH = "guestbook/thanks/"


def assemble_guestbook(
    messages: Sequence[Message],
    published: Sequence[Entry],
    known: Sequence[Entry],
    page_size: int,
) -> tuple[Guestbook, list[Problem]]:
    """Attach each message to the published entry it answers; warn about messages that
    answer an entry that does not exist at all. The messages answering an entry that is
    not published (a draft, a scheduled entry, a farewell held back) wait with it: they
    are shown nowhere until it is, since they speak of it."""
    _check_ids(messages)
    ordered = sorted(messages, key=lambda m: (m.date, m.source.rel), reverse=True)
    by_entry: dict[str, list[Message]] = {}
    answers: dict[str, Entry] = {}
    warnings: list[Problem] = []
    waiting: set[str] = set()
    for message in ordered:
        if message.entry is None:
            continue
        matches = _matching(message.entry, published)
        if not matches and _matching(message.entry, known):
            waiting.add(message.anchor)
        elif len(matches) == 1:
            by_entry.setdefault(matches[0].path, []).append(message)
            answers[message.anchor] = matches[0]
        elif len(matches) > 1:
            paths = ", ".join(entry.path.rstrip("/") for entry in matches)
            warnings.append(
                Problem(
                    message.source.path,
                    None,
                    f"`entry: {message.entry}` matches several entries ({paths}), so the "
                    "message is shown only on the guestbook page",
                    f"Write the entry's full path instead, e.g. `entry: {paths.split(', ')[0]}`.",
                )
            )
        elif not matches:
            warnings.append(
                Problem(
                    message.source.path,
                    None,
                    f"`entry: {message.entry}` is not the slug of any entry, so the message "
                    "is shown only on the guestbook page",
                    "Use the last part of the entry's address (for /2026/11/halfway/ write "
                    "`entry: halfway`), or remove the line.",
                )
            )
    ordered = [message for message in ordered if message.anchor not in waiting]
    return (
        Guestbook(
            messages=tuple(ordered),
            by_entry={path: tuple(reversed(found)) for path, found in by_entry.items()},
            answers=answers,
            pages=_pages(tuple(ordered), page_size),
        ),
        warnings,
    )


def _matching(wanted: str, entries: Sequence[Entry]) -> list[Entry]:
    """Entries whose slug is `wanted`, or whose path is `wanted` (`2026/11/halfway`)."""
    key = wanted.strip("/").casefold()
    by_path = [entry for entry in entries if entry.path.rstrip("/").casefold() == key]
    return by_path or [entry for entry in entries if entry.slug.casefold() == key]


def _check_ids(messages: Sequence[Message]) -> None:
    """Two files with the same name (in different folders) would share an anchor."""
    seen: dict[str, Message] = {}
    problems: list[Problem] = []
    for message in messages:
        other = seen.get(message.anchor)
        if other is not None:
            problems.append(
                Problem(
                    message.source.path,
                    None,
                    f"this message has the same file name as content/{other.source.rel}",
                    "Rename one of them: each message file needs its own name.",
                )
            )
        seen[message.anchor] = message
    if problems:
        raise JournalError(problems)


def _pages(messages: tuple[Message, ...], size: int) -> tuple[GuestbookPage, ...]:
    return tuple(
        GuestbookPage(
            number=slot.number,
            path=slot.path,
            messages=slot.items,
            newer_path=slot.newer_path,
            older_path=slot.older_path,
            count=slot.count,
        )
        for slot in paginate(messages, size, GUESTBOOK_PATH)
    )
