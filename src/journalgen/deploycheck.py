"""`journalgen deploy-check`: look over a built site before it is published.

Every internal link and image must lead to a file, the feeds must be well-formed with
absolute links, nothing unpublished (drafts, scheduled entries, preview builds) may be in
it, and every Netlify form must be one Netlify can detect.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from journalgen import config as config_module
from journalgen import sources
from journalgen.build import parse_sources
from journalgen.config import SiteConfig
from journalgen.entries import Entry
from journalgen.errors import JournalError, Problem
from journalgen.render import plain_text

LINK_ATTRIBUTES = ("href", "src", "action", "poster")


@dataclass(frozen=True, slots=True)
class CheckReport:
    pages: int
    links: int
    feeds: int
    problems: tuple[Problem, ...]


@dataclass(frozen=True, slots=True)
class _PageFacts:
    """What deploy-check needs from one HTML page."""

    links: tuple[tuple[str, str], ...]
    """(attribute, url) of every link, image, form action and srcset candidate."""
    forms: tuple[dict[str, str], ...]
    """The attributes of each <form>, plus `_hidden_form_name`: its form-name input."""
    previews: int
    """Elements marked as previews (class preview-banner)."""


def check_site(site_dir: Path, out_dir: Path, now: dt.datetime | None = None) -> CheckReport:
    """Check the built site in `out_dir` against the sources in `site_dir`."""
    settings = config_module.load(site_dir)
    if not out_dir.is_dir():
        raise JournalError.at(
            out_dir, "there is no built site here", hint="Run `journalgen build` first."
        )
    files = {p.relative_to(out_dir).as_posix() for p in out_dir.rglob("*") if p.is_file()}
    problems: list[Problem] = []
    links = 0
    pages = sorted(f for f in files if f.endswith(".html"))
    texts: dict[str, str] = {}
    for page in pages:
        text = (out_dir / page).read_text(encoding="utf-8", errors="replace")
        texts[page] = text
        facts = _page_facts(text)
        links += len(facts.links)
        problems += _broken_links(settings, page, facts, files, out_dir)
        problems += _form_problems(page, facts, out_dir)
        if facts.previews:
            problems.append(
                Problem(
                    out_dir / page,
                    None,
                    "this page is a preview of a draft or scheduled entry",
                    "Build without --drafts/--future before publishing.",
                )
            )
    problems += _guestbook_form_missing(settings, texts, out_dir)
    feeds = sorted(f for f in files if f.endswith(("feed.xml", "atom.xml")))
    for feed in feeds:
        problems += _feed_problems(settings, out_dir / feed, files)
    problems += _unpublished(site_dir, settings, out_dir, files, texts, now)
    return CheckReport(len(pages), links, len(feeds), tuple(problems))


def _page_facts(text: str) -> _PageFacts:
    parser = _Collector()
    parser.feed(text)
    parser.close()
    return _PageFacts(tuple(parser.links), tuple(parser.forms), parser.previews)


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str]] = []
        self.forms: list[dict[str, str]] = []
        self.previews = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if "preview-banner" in values.get("class", "").split():
            self.previews += 1
        if tag == "link" and values.get("rel") in ("canonical", "alternate"):
            return  # absolute addresses of the live site, checked through the feeds
        for name in LINK_ATTRIBUTES:
            if values.get(name):
                self.links.append((name, values[name]))
        for candidate in values.get("srcset", "").split(","):
            if candidate.strip():
                self.links.append(("srcset", candidate.split()[0]))
        if tag == "form":
            self.forms.append(dict(values))
        if tag == "input" and values.get("name") == "form-name" and self.forms:
            self.forms[-1]["_hidden_form_name"] = values.get("value", "")


def _internal_target(settings: SiteConfig, page: str, url: str) -> str | None:
    """The output file an internal URL points to (None for other sites, mailto:, #…)."""
    page_url = settings.base_url + page
    absolute = urljoin(page_url, url)
    parts = urlsplit(absolute)
    base = urlsplit(settings.base_url)
    if (parts.scheme, parts.netloc) != (base.scheme, base.netloc):
        return None
    if not parts.path.startswith(base.path):
        return "/" + parts.path  # on our host but outside the site: always broken
    rel = unquote(parts.path[len(base.path) :])
    if rel == "" or rel.endswith("/"):
        rel += "index.html"
    return rel


def _broken_links(
    settings: SiteConfig, page: str, facts: _PageFacts, files: set[str], out_dir: Path
) -> list[Problem]:
    problems = []
    for attribute, url in facts.links:
        target = _internal_target(settings, page, url)
        if target is None or target in files or f"{target}/index.html" in files:
            continue
        what = "image" if attribute in ("src", "srcset") else "link"
        problems.append(
            Problem(out_dir / page, None, f"{what} to {url} leads to no file in the built site")
        )
    return problems


def _form_problems(page: str, facts: _PageFacts, out_dir: Path) -> list[Problem]:
    problems = []
    for form in facts.forms:
        if "data-netlify" not in form and "netlify" not in form:
            continue
        name = form.get("name", "")
        if not name:
            problems.append(
                Problem(
                    out_dir / page, None, "a Netlify form has no name, so Netlify cannot detect it"
                )
            )
        elif form.get("_hidden_form_name") != name:
            problems.append(
                Problem(
                    out_dir / page,
                    None,
                    f"the Netlify form {name!r} lacks a hidden form-name input with its name",
                )
            )
    return problems


def _guestbook_form_missing(
    settings: SiteConfig, texts: dict[str, str], out_dir: Path
) -> list[Problem]:
    """With `provider: netlify`, Netlify must find the guestbook form in some page."""
    wanted = settings.guestbook.form_name
    if settings.guestbook.provider != "netlify":
        return []
    for text in texts.values():
        for form in _page_facts(text).forms:
            if form.get("name") == wanted and ("data-netlify" in form or "netlify" in form):
                return []
    return [
        Problem(
            out_dir,
            None,
            f"no page has the Netlify guestbook form {wanted!r}, so Netlify will not collect "
            "messages",
            "Check templates that replace the theme's entry or guestbook page.",
        )
    ]


_ATOM = "{http://www.w3.org/2005/Atom}"


def _feed_problems(settings: SiteConfig, path: Path, files: set[str]) -> list[Problem]:
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as err:
        return [Problem(path, err.position[0], f"the feed is not well-formed XML: {err}")]
    links = [el.text or "" for el in root.iter("link") if el.text] + [
        el.get("href", "") for el in root.iter(f"{_ATOM}link")
    ]
    problems = []
    for link in links:
        if not link.startswith(("http://", "https://")):
            problems.append(Problem(path, None, f"the feed has a relative link {link!r}"))
            continue
        target = _internal_target(settings, "", link)
        if target is not None and target not in files:
            problems.append(Problem(path, None, f"the feed links to {link}, which is not built"))
    return problems


def _unpublished(
    site_dir: Path,
    settings: SiteConfig,
    out_dir: Path,
    files: set[str],
    texts: dict[str, str],
    now: dt.datetime | None,
) -> list[Problem]:
    """Drafts and entries not yet due must be nowhere: not as a page, not as text."""
    moment = now or dt.datetime.now(dt.UTC)
    entries, _pages = parse_sources(sources.discover(site_dir).sources, settings)
    hidden = [entry for entry in entries if not entry.is_published(moment)]
    feeds = {
        f: (out_dir / f).read_text(encoding="utf-8", errors="replace")
        for f in files
        if f.endswith(".xml")
    }
    everything = {**texts, **feeds}
    problems = []
    for entry in hidden:
        why = "a draft" if entry.draft else "scheduled for later"
        if entry.path + "index.html" in files:
            problems.append(
                Problem(
                    entry.source.path,
                    None,
                    f"this entry is {why} but its page is in the built site",
                )
            )
            continue
        marker = _fingerprint(entry)
        found = next((name for name, text in everything.items() if marker and marker in text), None)
        if found is not None:
            problems.append(
                Problem(entry.source.path, None, f"this entry is {why} but its text is in {found}")
            )
    return problems


def _fingerprint(entry: Entry) -> str:
    """A stretch of the entry's text unlikely to appear anywhere else."""
    words = plain_text(entry.body_html, limit=10_000).split()
    longest = max((words[i : i + 8] for i in range(max(1, len(words) - 7))), key=len, default=[])
    text = " ".join(longest)
    return text if len(text) >= 24 and not re.search(r"[<>&\"']", text) else ""


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
    site: argparse.ArgumentParser,
) -> None:
    check = commands.add_parser(
        "deploy-check",
        parents=[common, site],
        help="check the built site before publishing it",
        description="Check the built site before you publish it: every link and image "
        "leads somewhere, the feeds are valid, no draft or scheduled entry is in it, and "
        "Netlify can detect the guestbook form. Exits with an error listing the problems.",
    )
    check.add_argument(
        "--output",
        metavar="FOLDER",
        help="the built site to check (default: output/ in the site folder)",
    )
    check.set_defaults(run=_run)


def _run(args: argparse.Namespace) -> int:
    site_dir = Path(args.site)
    out_dir = Path(args.output) if args.output else site_dir / "output"
    report = check_site(site_dir, out_dir)
    if report.problems:
        raise JournalError(report.problems)
    print(
        f"deploy-check: {report.pages} pages, {report.links} links and {report.feeds} feeds "
        "checked; nothing to fix."
    )
    return 0
