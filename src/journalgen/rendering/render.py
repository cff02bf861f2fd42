"""Render the assembled `Site` to HTML pages with Jinja2. Pure apart from reading templates."""

from __future__ import annotations

import hashlib
import html
import os
import re
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

from journalgen.config import SiteConfig, reveal
from journalgen.errors import JournalError
from journalgen.output.outputs import Output, Planned
from journalgen.parsing.entries import Entry, Page
from journalgen.publishing import headers
from journalgen.reading import sources
from journalgen.structure.guestbook import GuestbookPage
from journalgen.structure.i18n import Language
from journalgen.structure.site import (
    OWN_PAGES,
    Group,
    HomePage,
    Site,
)

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


def entry_page(site: Site, env: jinja2.Environment, entry: Entry) -> Output:
    """The page of one entry of `site`, made now."""
    planned = _Renderer(site, env).entry(entry)
    return Output(planned.path, planned.make())


def pages(site: Site, env: jinja2.Environment) -> list[Planned | Output]:
    """Every HTML page of the site, each planned with what it shows, plus the sitemap,
    robots.txt and `_headers`."""
    renderer = _Renderer(site, env)
    label = Language(site.config.language).label
    planned: list[Planned | Output] = [
        *(renderer.home(home) for home in site.home_pages),
        *(renderer.entry(entry) for entry in site.entries),
        *(renderer.page(page) for page in site.pages),
        *(renderer.listing(tag, "tag") for tag in site.tags),
        *(renderer.listing(author, "author") for author in site.authors),
        *(renderer.listing(year, "year") for year in site.years),
        *(renderer.listing(month, "month") for month in site.months),
        *(renderer.guestbook(guestbook_page) for guestbook_page in site.guestbook.pages),
        *(
            renderer.simple(own.template, own.path, label(own.label), own.shows)
            for own in OWN_PAGES
            if own.wanted(site.config)
        ),
    ]
    if site.config.is_public:
        planned.append(sitemap(site))
    planned += [robots(site.config), netlify_headers(site.config)]
    return planned


class _Renderer:
    """Plans each page: its file, what it shows, and how to make it."""

    def __init__(self, site: Site, env: jinja2.Environment) -> None:
        self.site = site
        self.env = env

    def _plan(
        self,
        template_name: str,
        path: str,
        shows: tuple[object, ...] | None = None,
        **context: Any,
    ) -> Planned:
        is_file = path.endswith((".html", ".xml", ".xsl", ".txt"))
        context.setdefault("current", path)
        context.setdefault("extra_feeds", ())
        context.setdefault("description", self.site.description)

        def make() -> bytes:
            text = render_template(self.env, template_name, site=self.site, **context)
            return text.encode("utf-8")

        return Planned(path if is_file else path + "index.html", make, shows)

    def home(self, home: HomePage) -> Planned:
        return self._plan("home.html", home.path, ("home", home), home=home)

    def entry(self, entry: Entry) -> Planned:
        return self._plan(
            "entry.html",
            entry.path,
            ("entry", entry),
            entry=entry,
            neighbours=self.site.neighbours[entry.path],
            preview=self.site.is_preview(entry),
            description=plain_text(entry.summary_html) or self.site.description,
        )

    def page(self, page: Page) -> Planned:
        return self._plan(
            "page.html",
            page.path,
            page=page,
            description=page.summary or plain_text(page.body_html),
        )

    def listing(self, group: Group, kind: str) -> Planned:
        feeds = (
            (
                (f"{group.title} (RSS)", "application/rss+xml", group.path + "feed.xml"),
                (f"{group.title} (Atom)", "application/atom+xml", group.path + "atom.xml"),
            )
            if kind == "tag"
            else ()
        )
        return self._plan(
            "list.html",
            group.path,
            ("group", group, kind),
            group=group,
            kind=kind,
            extra_feeds=feeds,
        )

    def guestbook(self, page: GuestbookPage) -> Planned:
        return self._plan("guestbook.html", page.path, guestbook_page=page)

    def simple(
        self, template_name: str, path: str, title: str, shows: tuple[object, ...] | None = None
    ) -> Planned:
        return self._plan(template_name, path, shows, title=title)


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


def template_fingerprint(site_dir: Path) -> tuple[tuple[str, str], ...]:
    """Every file under the site's templates/ with the digest of its bytes.

    Bytes rather than modification times: times are too coarse on some disks, and a new
    override must replace a theme template Jinja has already compiled.
    """
    found: list[tuple[str, str]] = []
    # The same rules as content/: a link to a file outside the journal is refused.
    for parts, item in sources.scan_folder(site_dir / SITE_TEMPLATES, site_dir):
        try:
            digest = hashlib.sha256(Path(item.path).read_bytes()).hexdigest()
        except OSError:
            digest = "unreadable"
        found.append(("/".join(parts), digest))
    return tuple(found)
