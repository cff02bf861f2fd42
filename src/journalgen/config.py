"""Site settings from `journalgen.yaml`, validated once into a frozen `SiteConfig`."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from collections.abc import Callable
from dataclasses import MISSING, dataclass, field, fields
from pathlib import Path
from typing import Any, Literal, get_args, get_origin, get_type_hints
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from journalgen.errors import JournalError, excerpt
from journalgen.parsing.slugs import slugify
from journalgen.reading.fields import Fields
from journalgen.reading.sources import read_text
from journalgen.reading.yamltext import Mapping, group_lines, load_mapping
from journalgen.structure.i18n import supported_language

CONFIG_NAME = "journalgen.yaml"

Privacy = Literal["private", "password", "public"]


def setting(default: Any = MISSING, *, key: str = "", own: bool = False) -> Any:
    """A key of journalgen.yaml, declared once, as a field of the group that holds it: the
    field's type says how it is read (text, a whole number, yes or no, one of a `Literal`'s
    words), `default` is what an absent key means, and the docstring under the field is its
    help. `key`: its name in the file when not the field's; `own`: read by a function of its
    own, which checks more (an address, a group). Fields that are not settings (the file's
    path) are plain fields."""
    return field(default=default, metadata={"key": key, "own": own})


def keys_of(group: type) -> tuple[str, ...]:
    """The keys of journalgen.yaml that `group` (SiteConfig, GuestbookConfig…) declares."""
    return tuple(f.metadata["key"] or f.name for f in fields(group) if "own" in f.metadata)


def read_plain(values: Fields, group: type) -> dict[str, Any]:
    """The settings of `group` that are read by their type alone, by field name."""
    types = get_type_hints(group)
    found: dict[str, Any] = {}
    for item in fields(group):
        if item.metadata.get("own", True):
            continue
        key, kind = item.metadata["key"] or item.name, types[item.name]
        default: Any = item.default
        if kind is bool:
            found[item.name] = values.boolean(key, default)
        elif kind is int:
            found[item.name] = values.integer(key, default)
        elif get_origin(kind) is Literal:
            found[item.name] = values.choice(key, get_args(kind), default)
        elif kind is str:
            found[item.name] = values.text(key, default) or default
        elif kind == str | None:
            found[item.name] = values.text(key)
        else:  # declared plain, but no type above reads it: say so at the first parse
            raise TypeError(f"{group.__name__}.{item.name}: no plain reading for {kind}")
    return found


@dataclass(frozen=True, slots=True)
class Author:
    """Someone who writes entries."""

    key: str
    """The short name entries use in `author:`, also the URL slug of their page."""
    name: str
    """The name shown to readers."""
    bio: str = ""
    """A line or two shown on their author page (Markdown is not rendered)."""


GuestbookProvider = Literal["netlify", "email", "none"]


@dataclass(frozen=True, slots=True)
class GuestbookConfig:
    """The `guestbook:` group: how readers leave messages, and how many a page shows."""

    provider: GuestbookProvider = setting("netlify")
    """`netlify`: a Netlify Forms form; `email`: a link that opens the reader's email
    program; `none`: no way to write (messages already approved are still shown)."""
    page_size: int = setting(20)
    """Messages per page of the guestbook page (/guestbook/)."""
    recaptcha: bool = setting(False)
    """Ask Netlify to add a reCAPTCHA challenge to the form (it needs JavaScript)."""
    email: str | None = setting(None, own=True)
    """The address messages are sent to with `provider: email`."""
    form_name: str = setting("guestbook")
    """The form's name in Netlify's Forms tab (must not be used by another form)."""


EmailSecurity = Literal["starttls", "ssl", "none"]
FollowForm = Literal["netlify", "none"]


@dataclass(frozen=True, slots=True)
class EmailConfig:
    """The `email:` group: new entries sent to followers by email (`journalgen notify`),
    through the family's own email account, and the follow form on /subscribe/."""

    sender: str | None = setting(None, key="from", own=True)
    """`from:` the family's address: updates come from it, replies and requests to stop
    go to it. None: no email is sent (the subscribe page offers only feeds)."""
    name: str | None = setting(None, own=True)
    """The name shown beside the address in people's inboxes (default: the journal's title)."""
    smtp_host: str | None = setting(None, own=True)
    """The account's outgoing mail server, e.g. `smtp.gmail.com`."""
    smtp_port: int | None = setting(None, own=True)
    """Its port; None: 587 with `starttls`, 465 with `ssl`, 25 with `none`."""
    smtp_user: str | None = setting(None)
    """The account's user name (default: the `from` address)."""
    security: EmailSecurity = setting("starttls")
    """`starttls` (port 587) or `ssl` (port 465); `none` only for a server on this computer."""
    follow_form: FollowForm = setting("none", own=True)
    """`netlify`: a form on /subscribe/ where readers ask to follow by email (Netlify
    Forms, like the guestbook; the default once `from` is set and the guestbook uses
    Netlify); `none`: no form."""
    form_name: str = setting("follow")
    """The follow form's name in Netlify's Forms tab."""

    @property
    def port(self) -> int:
        if self.smtp_port is not None:
            return self.smtp_port
        return {"starttls": 587, "ssl": 465, "none": 25}[self.security]

    @property
    def user(self) -> str | None:
        return self.smtp_user or self.sender


@dataclass(frozen=True, slots=True)
class PhotoSettings:
    """The `photos:` group: how photos are resized and re-encoded (see photos.py)."""

    widths: tuple[int, ...] = setting((480, 960, 1600), own=True)
    """Widths in pixels of the sizes made of each photo, smallest first (a photo is never
    made wider than it is)."""
    quality: int = setting(80, own=True)
    """JPEG and WebP quality, 30 to 100: 80 looks like the original on a phone."""
    strip_static: bool = setting(True)
    """Re-save the images of static/ without their metadata (location, camera, date);
    `false` copies them exactly as they are."""


@dataclass(frozen=True, slots=True)
class SiteConfig:
    """Everything `journalgen.yaml` says, checked."""

    path: Path
    """The settings file itself."""
    title: str = setting(own=True)
    """The site's name, shown in every page header and in the feeds."""
    base_url: str = setting(own=True)
    """Where the site is published, ending in `/` (for feeds, share links and the sitemap)."""
    description: str = setting("")
    """One sentence about the journal, for the home page, feeds and search engines."""
    language: str = setting("en", own=True)
    """Language code such as `en`, `fr`, `de`, `es`: `<html lang>`, dates and labels."""
    timezone: str = setting("UTC", own=True)
    """IANA zone (e.g. `Europe/London`) in which dates without a zone are read."""
    default_author: str | None = setting(None, key="author")
    """Key of the author of entries that name none."""
    authors: tuple[Author, ...] = setting((), own=True)
    """Known authors; entries may also name someone not listed."""
    page_size: int = setting(10)
    """Entries per page on the home page."""
    feed_size: int = setting(20)
    """Newest entries in each RSS/Atom feed."""
    footer: str = setting("")
    """Plain text shown at the bottom of every page (e.g. a copyright line)."""
    privacy: Privacy = setting("private", own=True)
    """`private` (default): pages ask search engines not to index them, no sitemap.
    `password`: private, and Netlify asks visitors for a password. `public`: indexed."""
    password: Secret | None = setting(None, own=True)
    """`user:password` for `privacy: password` (or the JOURNALGEN_PASSWORD variable):
    hidden from templates, read only with `reveal`."""
    memorial: Memorial | None = setting(None, own=True)
    """Set when the site has become a memorial (the `memorial:` group); None otherwise."""
    guestbook: GuestbookConfig = setting(GuestbookConfig(), own=True)
    """The `guestbook:` group (messages from readers)."""
    email: EmailConfig = setting(EmailConfig(), own=True)
    """The `email:` group (followers by email)."""
    photos: PhotoSettings = setting(PhotoSettings(), own=True)
    """The `photos:` group (sizes and quality of processed photos)."""
    allow_unsafe_html: bool = setting(False)
    """Keep the HTML written in entries and pages as it is, scripts included (sanitize.py
    removes everything that could run unless this is set)."""
    domain_renewal: dt.date | None = setting(None, own=True)
    """When the journal's own domain name must be renewed (`journalgen status` reminds)."""
    keepsake: bool = False
    """Set only by `journalgen keepsake` (never in journalgen.yaml): pages made to be read
    from a disk, without forms, feeds or anything that needs the website."""
    share_links: bool | None = setting(None, own=True)
    """Links to share an entry (email, WhatsApp, Facebook, X) under it: None (the default)
    shows them on a public journal's entries, never on a private one's or on a farewell."""

    def shares(self, kind: str) -> bool:
        """Whether an entry of `kind` shows share links."""
        if self.keepsake:
            return False
        if self.share_links is not None:
            return self.share_links
        return self.is_public and kind != "farewell"

    @property
    def is_public(self) -> bool:
        return self.privacy == "public"

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def base_path(self) -> str:
        """The path part of `base_url`: `/` for a site at the root of its domain."""
        return urlsplit(self.base_url).path or "/"

    def author(self, key_or_name: str) -> Author:
        for author in self.authors:
            if key_or_name in (author.key, author.name):
                return author
        return Author(key=slugify(key_or_name) or "author", name=key_or_name)


PASSWORD_VARIABLE = "JOURNALGEN_PASSWORD"
"""Environment variable that may hold `user:password` instead of journalgen.yaml (so the
password need not be in the repository: set it in Netlify's environment variables)."""


SMTP_PASSWORD_VARIABLE = "JOURNALGEN_SMTP_PASSWORD"
"""Environment variable holding the email account's password for `journalgen notify` (it
is never read from journalgen.yaml, which is kept in git)."""


def load(site_dir: Path) -> SiteConfig:
    """Read and check `journalgen.yaml` in `site_dir`."""
    path = site_dir / CONFIG_NAME
    if not path.is_file():
        raise JournalError.at(
            path,
            "no settings file here",
            hint=f"Run journalgen inside your site's folder (the one with {CONFIG_NAME}), "
            "pass --site FOLDER, or create a site with `journalgen init FOLDER`.",
        )
    return parse(read_text(path), path, os.environ.get(PASSWORD_VARIABLE))


def parse(text: str, path: Path, password_variable: str | None = None) -> SiteConfig:
    """Check the text of a settings file; `path` is only used in messages.

    `password_variable` is the value of JOURNALGEN_PASSWORD, if set."""
    fields = Fields(load_mapping(text, path), path, "setting")
    fields.reject_unknown(keys_of(SiteConfig))
    title = fields.required_text("title", hint='Add a line such as `title: "Cooper\'s journal"`.')
    base_url = _base_url(fields)
    language = fields.text("language", "en") or "en"
    if not supported_language(language):
        raise fields.error(
            "language",
            f"unknown language {excerpt(language)}",
            hint="Use a code such as en, fr, de, es.",
        )
    timezone = fields.text("timezone", "UTC") or "UTC"
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as err:
        raise fields.error(
            "timezone",
            f"unknown time zone {excerpt(timezone)}",
            hint="Use a name such as Europe/London or America/Toronto.",
        ) from err
    guestbook = _guestbook(fields, text, path)
    return SiteConfig(
        path=path,
        title=title,
        base_url=base_url,
        language=language,
        timezone=timezone,
        authors=_authors(fields, path),
        **read_plain(fields, SiteConfig),
        **_privacy(fields, password_variable),
        memorial=_memorial(fields, text, path),
        guestbook=guestbook,
        email=_email(fields, text, path, guestbook),
        photos=_photos(fields, text, path),
        share_links=fields.boolean("share_links") if fields.has("share_links") else None,
        domain_renewal=_memorial_date(fields, "domain_renewal"),
    )


class Secret:
    """A value no template may show (the password of `privacy: password`). In a page it
    reads `(hidden)`, its repr shows only a digest, and a template in Jinja's sandbox
    cannot reach the value (`_value`: the sandbox refuses names starting with `_`); only
    journalgen's own code reads it, with `reveal`."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def __str__(self) -> str:
        return "(hidden)"

    def __repr__(self) -> str:
        return f"Secret(sha256:{hashlib.sha256(self._value.encode()).hexdigest()[:16]})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


def reveal(secret: Secret) -> str:
    """The value of `secret` (for the host's Basic-Auth rule only)."""
    return secret._value


_PASSWORD = re.compile(r"[^\s:]+:[^\s]+")
"""`user:password` as Netlify's Basic-Auth reads it: rules are separated by spaces, so a
space would cut the password short and a line break would start a new header rule."""


def _privacy(fields: Fields, password_variable: str | None) -> dict[str, Any]:
    privacy = fields.choice("privacy", ("private", "password", "public"), "private")
    password = fields.text("password") or password_variable
    if privacy == "password":
        if not password or ":" not in password or password.startswith(":"):
            raise fields.error(
                "privacy",
                "`privacy: password` needs a user name and password",
                hint=f"Set the environment variable {PASSWORD_VARIABLE} to `family:a-long-phrase`"
                " (in Netlify: Site configuration > Environment variables), or add "
                "`password: family:a-long-phrase` here if this folder is never shared.",
            )
        if not _PASSWORD.fullmatch(password) or not password.isprintable():
            where = "password" if fields.has("password") else "privacy"
            raise fields.error(
                where,
                "the user name and password of `privacy: password` may not hold spaces, "
                "line breaks or other invisible characters (Netlify would cut the password "
                "at a space)",
                hint="Join the words of a pass phrase with hyphens, e.g. "
                f"family:blue-kettle-morning, in {PASSWORD_VARIABLE} or `password:`.",
            )
    elif fields.has("password"):
        raise fields.error("password", "is only used with `privacy: password`")
    secret = Secret(password) if privacy == "password" and password else None
    return {"privacy": privacy, "password": secret}


def _base_url(fields: Fields) -> str:
    url = fields.required_text(
        "base_url",
        hint="Add the address where the site will live, e.g. "
        "`base_url: https://cooper-journal.netlify.app/`.",
    )
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise fields.error(
            "base_url",
            f"{excerpt(url)} is not a web address",
            hint="It must start with https:// (or http://), e.g. https://cooper-journal.netlify.app/",
        )
    if parts.query or parts.fragment:
        raise fields.error("base_url", "must not contain `?` or `#`")
    return url if url.endswith("/") else url + "/"


_KEY_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")


def _authors(fields: Fields, path: Path) -> tuple[Author, ...]:
    raw = fields.raw("authors")
    if raw is None:
        return ()
    if not isinstance(raw, dict):
        raise fields.error(
            "authors",
            "expected a group of authors",
            hint="Write one author per line under `authors:`, e.g.\n"
            "    authors:\n      jenny: {name: Jenny, bio: Cooper's mum}",
        )
    authors: list[Author] = []
    for key, value in raw.items():
        key_text = str(key)
        if not _KEY_RE.match(key_text):
            raise fields.error(
                "authors",
                f"author key {excerpt(key_text)} must be lower-case letters, digits and dashes",
            )
        if isinstance(value, str):
            authors.append(Author(key_text, value.strip() or key_text))
            continue
        if not isinstance(value, dict):
            raise fields.error(
                "authors", f"author {excerpt(key_text)}: expected a name or name/bio"
            )
        sub = Fields(Mapping({str(k): v for k, v in value.items()}, {}), path, "author")
        unknown = set(sub.mapping.values) - {"name", "bio"}
        if unknown:
            raise fields.error(
                "authors",
                f"author {excerpt(key_text)}: unknown key `{sorted(unknown)[0]}`",
                hint="An author has `name` and `bio`.",
            )
        authors.append(
            Author(key_text, sub.text("name", key_text) or key_text, sub.text("bio", "") or "")
        )
    return tuple(authors)


@dataclass(frozen=True, slots=True)
class Memorial:
    """The `memorial:` group: the journal has become a memorial to someone who has died."""

    name: str = setting(own=True)
    """Their name as readers should see it, e.g. `Margaret Ellis`."""
    born: dt.date = setting(own=True)
    """Their date of birth."""
    died: dt.date = setting(own=True)
    """The day they died."""
    photo: str | None = setting(own=True)
    """Their photo: a path inside content/, e.g. `photos/margaret.jpg` (None: no photo)."""
    photo_alt: str = setting(own=True)
    """What the photo shows, for people who cannot see it (required with `photo`)."""
    epitaph: str = setting(own=True)
    """A short line shown under their name (may be empty)."""
    photo_line: int | None = None
    """The line of `photo:` in journalgen.yaml, for the message when the file is missing."""


MAX_EPITAPH = 300
"""Characters: the epitaph is a line under the name, also used in feeds and link previews."""
_MEMORIAL_EXAMPLE = (
    '    memorial:\n      name: "Margaret Ellis"\n      born: 1941-03-02\n      died: 2026-10-30'
)
_IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif", ".svg")


def _group(
    fields: Fields, text: str, path: Path, key: str, what: str, example: str
) -> Fields | None:
    """The settings indented under `key:` (None when it is absent), whose errors point at
    the line of each key inside it; `what` lists a few keys and `example` shows the group,
    for the message when `key:` is not a group."""
    raw = fields.raw(key)
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise fields.error(
            key,
            f"expected a group of settings ({what})",
            hint=f"Write it like this, indented under `{key}:`:\n" + example,
        )
    lines = group_lines(text, key)
    values = {str(name): value for name, value in raw.items()}
    return Fields(Mapping(values, {k: v for k, v in lines.items() if k in values}), path, key)


def _memorial(fields: Fields, text: str, path: Path) -> Memorial | None:
    """Check the `memorial:` group; errors point at the line of the key inside it."""
    group = _group(fields, text, path, "memorial", "name, born, died…", _MEMORIAL_EXAMPLE)
    if group is None:
        return None
    group.reject_unknown(keys_of(Memorial))
    where = fields.mapping.line("memorial")

    def missing(key: str, example: str) -> JournalError:
        return JournalError.at(
            path,
            f"`memorial:` needs `{key}`",
            line=where,
            hint=f"Add a line such as `{key}: {example}` under `memorial:` (indented).",
        )

    name = group.text("name")
    if name is None:
        raise missing("name", '"Margaret Ellis"')
    born = _memorial_date(group, "born")
    died = _memorial_date(group, "died")
    if born is None:
        raise missing("born", "1941-03-02")
    if died is None:
        raise missing("died", "2026-10-30")
    if died < born:
        raise group.error(
            "died", f"{died.isoformat()} is before the date of birth ({born.isoformat()})"
        )
    photo = _memorial_photo(group)
    photo_alt = group.text("photo_alt", "") or ""
    if photo and not photo_alt:
        raise group.error(
            "photo",
            "the photo needs a description in `photo_alt`",
            hint='Add e.g. `photo_alt: "Margaret laughing in her garden"` so that people who '
            "cannot see the photo know what it shows.",
        )
    if photo_alt and not photo:
        raise group.error("photo_alt", "describes a photo, but there is no `photo:`")
    epitaph = group.text("epitaph", "") or ""
    if len(epitaph) > MAX_EPITAPH:
        raise group.error(
            "epitaph",
            f"is {len(epitaph)} characters long; it may be at most {MAX_EPITAPH}",
            hint="The epitaph is one short line under the name. Longer words belong in an "
            "entry or a page.",
        )
    return Memorial(
        name=name,
        born=born,
        died=died,
        photo=photo,
        photo_alt=photo_alt,
        epitaph=epitaph,
        photo_line=group.mapping.line("photo"),
    )


def _memorial_date(group: Fields, key: str) -> dt.date | None:
    """A whole date of the settings (YYYY-MM-DD): the memorial's dates, the renewal."""
    value = group.raw(key)
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError as err:
        raise group.error(
            key,
            f"not a date: {excerpt(value)}",
            hint="Write the whole date as year-month-day, e.g. 1941-03-02.",
        ) from err


def _memorial_photo(group: Fields) -> str | None:
    """The photo's path inside content/ (`content/` or a leading `/` written in front of it
    is accepted and dropped)."""
    photo = group.text("photo")
    if photo is None:
        return None
    rel = photo.removeprefix("/").removeprefix("content/")
    parts = urlsplit(rel)
    if parts.scheme or parts.netloc or rel.startswith("/") or ".." in rel.split("/"):
        raise group.error(
            "photo",
            f"{excerpt(photo)} must be a file inside content/, e.g. photos/margaret.jpg",
            hint="Put the photo in content/photos/ and write its path from there; photos are "
            "never loaded from other websites.",
        )
    if not rel.lower().endswith(_IMAGE_SUFFIXES):
        raise group.error(
            "photo",
            f"{excerpt(photo)} is not an image file name",
            hint="Use a .jpg, .png, .webp or .svg file.",
        )
    return rel


_EMAIL = re.compile(r"^[^@\s?&#/:<>\"']+@[^@\s?&#/:<>\"']+\.[^@\s?&#/:<>\"']+$")


_PLAIN_EMAIL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+-]*@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")


def is_email(text: str) -> bool:
    """Whether `text` is one plain address (family@example.org): ASCII letters, digits and
    `. _ + -`, nothing a mail header could read as two addresses or a comment."""
    return len(text) <= 254 and bool(_PLAIN_EMAIL.match(text)) and ".." not in text


_FORM_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")


def _guestbook(fields: Fields, text: str, path: Path) -> GuestbookConfig:
    """Check the `guestbook:` group; errors point at the line of the key inside it."""
    group = _group(
        fields,
        text,
        path,
        "guestbook",
        "provider, page_size…",
        "    guestbook:\n      provider: netlify\n      page_size: 20",
    )
    if group is None:
        return GuestbookConfig()
    group.reject_unknown(keys_of(GuestbookConfig))
    plain = read_plain(group, GuestbookConfig)
    provider, recaptcha, form_name = plain["provider"], plain["recaptcha"], plain["form_name"]
    if recaptcha and provider != "netlify":
        raise group.error(
            "recaptcha",
            f"reCAPTCHA is part of Netlify Forms, but the provider is {provider}",
            hint="Remove `recaptcha:`, or use `provider: netlify`.",
        )
    email = _address(group, "email", _EMAIL.match)
    if provider == "email" and email is None:
        raise JournalError.at(
            path,
            "`guestbook:` with `provider: email` needs the address to send messages to",
            line=group.mapping.line("provider"),
            hint="Add a line such as `email: family@example.org` under `guestbook:`.",
        )
    if not _FORM_NAME.match(form_name):
        raise group.error(
            "form_name",
            f"{excerpt(form_name)} may contain only letters, digits, `-` and `_`",
            hint="For example `form_name: guestbook`.",
        )
    return GuestbookConfig(email=email, **plain)


_HOST = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$|^\[?[0-9A-Fa-f:.]+\]?$")
_EMAIL_EXAMPLE = (
    "    email:\n      from: family@example.org\n      smtp_host: smtp.example.org\n"
    "      security: starttls"
)


def _address(group: Fields, key: str, valid: Callable[[str], object]) -> str | None:
    """An email address setting, checked (None when it is absent)."""
    value = group.text(key)
    if value is not None and not valid(value):
        raise group.error(
            key, f"{excerpt(value)} is not an email address", hint="Write it as family@example.org."
        )
    return value


def _email(fields: Fields, text: str, path: Path, guestbook: GuestbookConfig) -> EmailConfig:
    """Check the `email:` group; errors point at the line of the key inside it."""
    group = _group(fields, text, path, "email", "from, smtp_host…", _EMAIL_EXAMPLE)
    if group is None:
        return EmailConfig()
    values = group.mapping.values
    if "password" in values or "smtp_password" in values:
        key = "password" if "password" in values else "smtp_password"
        raise group.error(
            key,
            "the email password must not be written in journalgen.yaml (it is kept in git)",
            hint=f"Remove this line and set the environment variable {SMTP_PASSWORD_VARIABLE} "
            "when you run `journalgen notify`.",
        )
    group.reject_unknown(keys_of(EmailConfig))
    plain = read_plain(group, EmailConfig)
    sender = _address(group, "from", is_email)
    host = group.text("smtp_host")
    if host is not None and not _HOST.match(host):
        raise group.error(
            "smtp_host",
            f"{excerpt(host)} is not a server name",
            hint="Write only the name, such as smtp.gmail.com (no https://, no port).",
        )
    port = group.integer("smtp_port", 0) or None
    if port is not None and port > 65535:
        raise group.error("smtp_port", f"must be at most 65535, got {port}")
    # The form promises emails: shown once there is an address to send them from, where
    # the site takes forms (Netlify, like the guestbook).
    default_form = "netlify" if sender and guestbook.provider == "netlify" else "none"
    follow_form = group.choice("follow_form", ("netlify", "none"), default_form)
    form_name = plain["form_name"]
    if not _FORM_NAME.match(form_name):
        raise group.error(
            "form_name",
            f"{excerpt(form_name)} may contain only letters, digits, `-` and `_`",
            hint="For example `form_name: follow`.",
        )
    if form_name == guestbook.form_name:
        raise group.error(
            "form_name",
            f"the guestbook's form is already called {excerpt(form_name)}",
            hint="Give the follow form another name, such as `form_name: follow`.",
        )
    return EmailConfig(
        sender=sender,
        name=" ".join((group.text("name") or "").split()) or None,
        smtp_host=host,
        smtp_port=port,
        follow_form="none" if follow_form == "none" else "netlify",
        **plain,
    )


MAX_PHOTO_WIDTHS = 6


def _photos(fields: Fields, text: str, path: Path) -> PhotoSettings:
    """Check the `photos:` group; errors point at the line of the key inside it."""
    group = _group(
        fields,
        text,
        path,
        "photos",
        "widths, quality, strip_static",
        "    photos:\n      widths: [480, 960, 1600]\n      quality: 80",
    )
    if group is None:
        return PhotoSettings()
    group.reject_unknown(keys_of(PhotoSettings))
    defaults = PhotoSettings()
    widths = defaults.widths
    raw_widths = group.raw("widths")
    if raw_widths is not None:
        items = raw_widths if isinstance(raw_widths, list) else [raw_widths]
        if (
            not items
            or len(items) > MAX_PHOTO_WIDTHS
            or not all(
                isinstance(w, int) and not isinstance(w, bool) and 64 <= w <= 4096 for w in items
            )
        ):
            raise group.error(
                "widths",
                f"expected 1 to {MAX_PHOTO_WIDTHS} widths in pixels between 64 and 4096, "
                f"got {excerpt(raw_widths)}",
                hint="For example `widths: [480, 960, 1600]`.",
            )
        widths = tuple(sorted(set(items)))
    quality = group.integer("quality", defaults.quality, minimum=30)
    if quality > 100:
        raise group.error("quality", f"must be at most 100, got {quality}")
    return PhotoSettings(widths=widths, quality=quality, **read_plain(group, PhotoSettings))
