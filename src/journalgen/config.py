"""Site settings from `journalgen.yaml`, validated once into a frozen `SiteConfig`."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from journalgen.errors import JournalError
from journalgen.fields import Fields
from journalgen.i18n import supported_language
from journalgen.slugs import slugify
from journalgen.sources import read_text
from journalgen.yamltext import Mapping, load_mapping

CONFIG_NAME = "journalgen.yaml"

Privacy = Literal["private", "password", "public"]


@dataclass(frozen=True, slots=True)
class Author:
    """Someone who writes entries."""

    key: str
    """The short name entries use in `author:`, also the URL slug of their page."""
    name: str
    """The name shown to readers."""
    bio: str = ""
    """A line or two shown on their author page (Markdown is not rendered)."""


@dataclass(frozen=True, slots=True)
class SiteConfig:
    """Everything `journalgen.yaml` says, checked."""

    path: Path
    """The settings file itself."""
    title: str
    """The site's name, shown in every page header and in the feeds."""
    base_url: str
    """Where the site is published, ending in `/` (for feeds, share links and the sitemap)."""
    description: str
    """One sentence about the journal, for the home page, feeds and search engines."""
    language: str
    """Language code such as `en`, `fr`, `de`, `es`: `<html lang>`, dates and labels."""
    timezone: str
    """IANA zone (e.g. `Europe/London`) in which dates without a zone are read."""
    default_author: str | None
    """Key of the author of entries that name none."""
    authors: tuple[Author, ...]
    """Known authors; entries may also name someone not listed."""
    page_size: int
    """Entries per page on the home page."""
    feed_size: int
    """Newest entries in each RSS/Atom feed."""
    footer: str
    """Plain text shown at the bottom of every page (e.g. a copyright line)."""
    privacy: Privacy = "private"
    """`private` (default): pages ask search engines not to index them, no sitemap.
    `password`: private, and Netlify asks visitors for a password. `public`: indexed."""
    password: str | None = None
    """`user:password` for `privacy: password` (or the JOURNALGEN_PASSWORD variable)."""

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


KNOWN_KEYS = (
    "title",
    "base_url",
    "description",
    "language",
    "timezone",
    "author",
    "authors",
    "page_size",
    "feed_size",
    "footer",
    "privacy",
    "password",
)

PASSWORD_VARIABLE = "JOURNALGEN_PASSWORD"
"""Environment variable that may hold `user:password` instead of journalgen.yaml (so the
password need not be in the repository: set it in Netlify's environment variables)."""


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
    fields.reject_unknown(KNOWN_KEYS)
    title = fields.required_text("title", hint='Add a line such as `title: "Cooper\'s journal"`.')
    base_url = _base_url(fields)
    language = fields.text("language", "en") or "en"
    if not supported_language(language):
        raise fields.error(
            "language", f"unknown language {language!r}", hint="Use a code such as en, fr, de, es."
        )
    timezone = fields.text("timezone", "UTC") or "UTC"
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as err:
        raise fields.error(
            "timezone",
            f"unknown time zone {timezone!r}",
            hint="Use a name such as Europe/London or America/Toronto.",
        ) from err
    authors = _authors(fields, path)
    default_author = fields.text("author")
    return SiteConfig(
        path=path,
        title=title,
        base_url=base_url,
        description=fields.text("description", "") or "",
        language=language,
        timezone=timezone,
        default_author=default_author,
        authors=authors,
        page_size=fields.integer("page_size", 10),
        feed_size=fields.integer("feed_size", 20),
        footer=fields.text("footer", "") or "",
        **_privacy(fields, password_variable),
    )


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
    elif fields.has("password"):
        raise fields.error("password", "is only used with `privacy: password`")
    return {"privacy": privacy, "password": password if privacy == "password" else None}


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
            f"{url!r} is not a web address",
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
                f"author key {key_text!r} must be lower-case letters, digits and dashes",
            )
        if isinstance(value, str):
            authors.append(Author(key_text, value.strip() or key_text))
            continue
        if not isinstance(value, dict):
            raise fields.error("authors", f"author {key_text!r}: expected a name or name/bio")
        sub = Fields(Mapping({str(k): v for k, v in value.items()}, {}), path, "author")
        unknown = set(sub.mapping.values) - {"name", "bio"}
        if unknown:
            raise fields.error(
                "authors",
                f"author {key_text!r}: unknown key `{sorted(unknown)[0]}`",
                hint="An author has `name` and `bio`.",
            )
        authors.append(
            Author(key_text, sub.text("name", key_text) or key_text, sub.text("bio", "") or "")
        )
    return tuple(authors)
