"""Render the assembled `Site` to HTML pages with Jinja2. Pure apart from reading templates."""

from __future__ import annotations

import functools
import html
import os
import re
import traceback
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

from journalgen import parallel
from journalgen.config import SiteConfig, reveal
from journalgen.errors import JournalError
from journalgen.incremental.keys import Key, PageKeys
from journalgen.output.outputs import Kept, Output
from journalgen.parsing.entries import Entry, Page
from journalgen.publishing import headers
from journalgen.structure.guestbook import THANKS_PATH, GuestbookPage
from journalgen.structure.i18n import Language
from journalgen.structure.site import Group, HomePage, Site

THEME_DIR = Path(__file__).parents[1] / "theme"
THEME_TEMPLATES = THEME_DIR / "templates"
THEME_STATIC = THEME_DIR / "static"
SITE_TEMPLATES = "templates"

T = TypeVar("T")

_TAGS = re.compile(r"<[^>]*>")
_SPACES = re.compile(r"\s+")


def plain_text(fragment: str, limit: int = 200) -> str:
    """An HTML fragment as one line of plain text (for meta descriptions)."""
    text = _SPACES.sub(" ", html.unescape(_TAGS.sub(" ", fragment))).strip()
    if len(text) > limit:
        text = text[: limit - 1].rsplit(" ", 1)[0] + "…"
    return text


class _Sandbox(ImmutableSandboxedEnvironment):
    """Jinja's sandbox, remembering its answer per kind of object and attribute name (the
    answer depends on nothing else), instead of working it out on every access."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._safe: dict[tuple[type, str], bool] = {}

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        key = (type(obj), attr)
        known = self._safe.get(key)
        if known is None:
            known = self._safe[key] = super().is_safe_attribute(obj, attr, value)
        return known


def environment(config: SiteConfig, site_dir: Path) -> jinja2.Environment:
    """Templates from the site's `templates/` first, then the theme's. When the site
    replaces a theme template, in Jinja's sandbox: a template someone added to the journal
    can show anything the site holds, but cannot reach Python (the environment's secrets,
    files, commands). Without one, only journalgen's own templates run, outside it (the
    sandbox's checks cost a third of the time pages take)."""
    loader = jinja2.FileSystemLoader([site_dir / SITE_TEMPLATES, THEME_TEMPLATES])
    kind = _Sandbox if replaces_theme(site_dir) else jinja2.Environment
    env = kind(
        loader=loader,
        autoescape=jinja2.select_autoescape(["html", "xml"], default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    language = Language(config.language)
    base_path = config.base_path
    origin = config.base_url[: -len(base_path)] if base_path != "/" else config.base_url[:-1]

    def url(path: str) -> str:
        return base_path + path

    def abs_url(path: str) -> str:
        return config.base_url + path

    def full_url(site_url: str) -> str:
        return origin + site_url if site_url.startswith("/") else site_url

    env.globals.update(
        config=config,
        lang=language,
        t=language.label,
        url=url,
        abs_url=abs_url,
        full_url=full_url,
    )
    env.filters["plain"] = plain_text
    env.filters["q"] = lambda value: quote(str(value), safe="")
    return env


def replaces_theme(site_dir: Path) -> bool:
    """True when the site's templates/ holds anything at the place of a theme template,
    where Jinja looks first (a README there, or a partial no override includes, is never
    loaded)."""
    folder = site_dir / SITE_TEMPLATES
    if not folder.is_dir():
        return False
    return any(
        os.path.lexists(folder / theme.relative_to(THEME_TEMPLATES))
        for theme in THEME_TEMPLATES.rglob("*")
        if theme.is_file()
    )


@dataclass(frozen=True, slots=True)
class Reuse:
    """What a build may take from the previous one instead of rendering it again."""

    keys: PageKeys | None = None
    """The keys of this build's pages (None: render every page)."""
    previous: Mapping[str, Key] = field(default_factory=dict)
    """The key each file of the previous build was made from, for the files still exactly
    as it wrote them."""
    fragments: Mapping[Key, str] = field(default_factory=dict)
    """Parts of pages (the book's chapters) the previous build made, by key."""
    used: dict[Key, str] = field(default_factory=dict)
    """The parts this build used or made (to keep for the next one)."""

    def unchanged(self, path: str, key: Key | None) -> bool:
        return key is not None and self.previous.get(path) == key


def entry_page(site: Site, env: jinja2.Environment, entry: Entry) -> Output:
    """The page of one entry of `site`, rendered whatever the previous build made."""
    made = _Renderer(site, env, Reuse()).entry(entry)
    assert isinstance(made, Output)
    return made


def pages(
    site: Site, env: jinja2.Environment, reuse: Reuse | None = None
) -> Iterator[Output | Kept]:
    """Every HTML page of the site, plus the sitemap and robots.txt. With `reuse`, a page
    made from the same key as the previous build's file is `Kept`, not rendered."""
    renderer = _Renderer(site, env, reuse or Reuse())
    work: list[Callable[[], Output | Kept]] = [
        *(functools.partial(renderer.home, home) for home in site.home_pages),
        *(functools.partial(renderer.entry, entry) for entry in site.entries),
        *(functools.partial(renderer.page, page) for page in site.pages),
        *(functools.partial(renderer.listing, tag, "tag") for tag in site.tags),
        *(functools.partial(renderer.listing, author, "author") for author in site.authors),
        *(functools.partial(renderer.listing, year, "year") for year in site.years),
        *(functools.partial(renderer.listing, month, "month") for month in site.months),
    ]
    for _, output in parallel.spread(work):  # on both cores where it pays (parallel.py)
        yield output
    label = Language(site.config.language).label
    key = renderer.key
    yield renderer.simple("tags.html", "tags/", label("tags"), key(lambda k: k.tags()))
    yield renderer.simple(
        "subscribe.html",
        SUBSCRIBE_PATH,
        label("subscribe_title"),
        key(lambda k: k.page("subscribe")),
    )
    yield renderer.simple(
        "feed.xsl", FEED_STYLE_PATH, label("rss_feed"), key(lambda k: k.page("feed.xsl"))
    )
    yield renderer.simple("archive.html", "archive/", label("archive"), key(lambda k: k.archive()))
    yield renderer.simple(
        "404.html", "404.html", label("not_found_title"), key(lambda k: k.page("404"))
    )
    for guestbook_page in site.guestbook.pages:
        yield renderer.guestbook(guestbook_page)
    if site.config.guestbook.provider == "netlify":
        yield renderer.simple(
            "guestbook_thanks.html",
            THANKS_PATH,
            label("gb_thanks"),
            key(lambda k: k.page("thanks")),
        )
    if site.config.email.follow_form == "netlify":
        yield renderer.simple(
            "follow_thanks.html",
            FOLLOW_THANKS_PATH,
            label("follow_thanks"),
            key(lambda k: k.page("follow-thanks")),
        )
    if site.config.is_public:
        yield sitemap(site)
    yield robots(site.config)
    yield netlify_headers(site.config)


class _Renderer:
    def __init__(self, site: Site, env: jinja2.Environment, reuse: Reuse) -> None:
        self.site = site
        self.env = env
        self.reuse = reuse
        self.keys = reuse.keys if reuse.keys is not None and reuse.keys.enabled else None

    def key(self, make: Callable[[PageKeys], Key]) -> Key | None:
        return make(self.keys) if self.keys is not None else None

    def _render(
        self, template_name: str, path: str, key: Key | None = None, **context: Any
    ) -> Output | Kept:
        is_file = path.endswith((".html", ".xml", ".xsl", ".txt"))
        file_path = path if is_file else path + "index.html"
        if key is not None and self.reuse.unchanged(file_path, key):
            return Kept(file_path, key)
        context.setdefault("current", path)
        context.setdefault("extra_feeds", ())
        context.setdefault("description", self.site.description)
        text = render_template(self.env, template_name, site=self.site, **context)
        return Output(file_path, text.encode("utf-8"), key)

    def home(self, home: HomePage) -> Output | Kept:
        return self._render("home.html", home.path, self.key(lambda k: k.home(home)), home=home)

    def entry(self, entry: Entry) -> Output | Kept:
        neighbours = self.site.neighbours[entry.path]
        return self._render(
            "entry.html",
            entry.path,
            self.key(lambda k: k.entry_page(entry)),
            entry=entry,
            neighbours=neighbours,
            preview=self.site.is_preview(entry),
            description=plain_text(entry.summary_html) or self.site.description,
        )

    def page(self, page: Page) -> Output | Kept:
        return self._render(
            "page.html",
            page.path,
            page=page,
            description=page.summary or plain_text(page.body_html),
        )

    def listing(self, group: Group, kind: str) -> Output | Kept:
        feeds = (
            (
                (f"{group.title} (RSS)", "application/rss+xml", group.path + "feed.xml"),
                (f"{group.title} (Atom)", "application/atom+xml", group.path + "atom.xml"),
            )
            if kind == "tag"
            else ()
        )
        return self._render(
            "list.html",
            group.path,
            self.key(lambda k: k.group(group, kind)),
            group=group,
            kind=kind,
            extra_feeds=feeds,
        )

    def guestbook(self, page: GuestbookPage) -> Output | Kept:
        return self._render("guestbook.html", page.path, guestbook_page=page)

    def simple(
        self, template_name: str, path: str, title: str, key: Key | None = None
    ) -> Output | Kept:
        return self._render(template_name, path, key, title=title)


def render_template(env: jinja2.Environment, name: str, **context: Any) -> str:
    """Render one template; a mistake in it becomes an error naming the file and line."""
    return _guarded(lambda: env.get_template(name).render(**context))


def _guarded(run: Callable[[], T]) -> T:
    try:
        return run()
    except jinja2.TemplateSyntaxError as err:
        raise JournalError.at(
            Path(err.filename) if err.filename else None,
            f"template error: {err.message}",
            line=err.lineno,
            hint="Fix the template (or delete your override to use the theme's).",
        ) from err
    except jinja2.TemplateNotFound as err:
        raise JournalError.at(None, f"template not found: {err.name}") from err
    except Exception as err:  # a runtime error inside a template (e.g. an undefined name)
        path, line = _template_frame(err)
        if path is None:
            raise
        raise JournalError.at(
            path,
            f"template error: {err}",
            line=line,
            hint="Fix the template (or delete your override to use the theme's).",
        ) from err


def _template_frame(err: BaseException) -> tuple[Path | None, int | None]:
    """The template file and line where `err` was raised, from Jinja's rewritten traceback."""
    found: tuple[Path | None, int | None] = (None, None)
    for frame in traceback.extract_tb(err.__traceback__):
        if frame.filename.endswith((".html", ".xml", ".txt")):
            found = (Path(frame.filename), frame.lineno)
    return found


def _xml_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def sitemap(site: Site) -> Output:
    """`sitemap.xml` listing every public page (never drafts: they are not in `site`)."""
    base = site.config.base_url
    rows: list[tuple[str, str | None]] = [("", None)]
    rows += [
        (e.path, (e.updated or e.date).isoformat()) for e in site.entries if not site.is_preview(e)
    ]
    rows += [(p.path, None) for p in site.pages]
    rows += [(g.path, None) for g in (*site.tags, *site.authors, *site.years, *site.months)]
    rows += [(g.path, None) for g in site.guestbook.pages]
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    for path, lastmod in rows:
        mod = f"<lastmod>{lastmod}</lastmod>" if lastmod else ""
        lines.append(f"  <url><loc>{_xml_text(base + path)}</loc>{mod}</url>")
    lines.append("</urlset>\n")
    return Output("sitemap.xml", "\n".join(lines).encode("utf-8"))


SUBSCRIBE_PATH = "subscribe/"
"""How to follow the journal, in words (the menu's "Subscribe" leads here, not to XML)."""
FEED_STYLE_PATH = "feed.xsl"
"""The stylesheet that shows a feed opened in a browser as a page (feeds.py links it)."""
FOLLOW_THANKS_PATH = "subscribe/thanks/"
"""Where the follow form leads once sent."""


def robots(config: SiteConfig) -> Output:
    """Crawlers may fetch every page: a private site's pages must be fetched for their
    `noindex` to be seen (a Disallow would leave them listed from links elsewhere)."""
    text = "User-agent: *\nAllow: /\n"
    if config.is_public:
        text += f"\nSitemap: {config.base_url}sitemap.xml\n"
    return Output("robots.txt", text.encode("utf-8"))


def netlify_headers(config: SiteConfig) -> Output:
    """`_headers` for Netlify: every header of the journal (publishing/headers.py), the
    same as netlify.toml's, plus the privacy headers that depend on the settings."""
    rules = headers.FIXED
    password = config.password if config.privacy == "password" else None
    privacy = headers.privacy_rule(
        config.is_public, reveal(password) if password is not None else None
    )
    if privacy is not None:
        rules += (privacy,)
    return Output("_headers", headers.headers_file(rules).encode("utf-8"))
