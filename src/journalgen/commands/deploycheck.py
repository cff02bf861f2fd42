"""`journalgen deploy-check`: the gate before a built site is published.

Every internal link and image must lead to a file, the feeds must be well-formed with
absolute links, nothing unpublished (drafts, held farewells, scheduled entries, preview
builds) may be in it anywhere, it must hold exactly the files the last build wrote, no page
may load a script or a frame or post a form elsewhere, and every Netlify form must be one
Netlify can detect.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import os
import re
import tomllib
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from journalgen import config as config_module
from journalgen import scaffold
from journalgen.build import STATIC_DIR
from journalgen.config import SiteConfig
from journalgen.errors import JournalError, Problem
from journalgen.incremental import record
from journalgen.output import writer
from journalgen.parsing.entries import Entry, parse_sources
from journalgen.parsing.htmlrewrite import is_dangerous_url
from journalgen.publishing import headers
from journalgen.reading import sources
from journalgen.rendering.render import plain_text
from journalgen.structure.i18n import Language

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
    dangers: tuple[str, ...] = ()
    """What could run code or show another site (see `_Collector._dangers`)."""
    noindex: bool = False
    """It asks search engines not to list it."""


_DANGER_HINT = (
    "journalgen writes no scripts and removes them from entries; it came from a template in "
    "templates/, a file in static/, allow_unsafe_html, or someone changed the built site."
)


def check_site(site_dir: Path, out_dir: Path, now: dt.datetime | None = None) -> CheckReport:
    """Check the built site in `out_dir` against the sources in `site_dir`."""
    settings = config_module.load(site_dir)
    if not out_dir.is_dir():
        raise JournalError.at(
            out_dir, "there is no built site here", hint="Run `journalgen build` first."
        )
    files, problems = _regular_files(out_dir)
    links = 0
    pages = sorted(f for f in files if f.endswith(".html"))
    texts: dict[str, str] = {}
    for page in pages:
        text = (out_dir / page).read_text(encoding="utf-8", errors="replace")
        texts[page] = text
        facts = _page_facts(text)
        links += len(facts.links)
        problems += _broken_links(settings, page, facts, files, out_dir)
        problems += _form_problems(settings, page, facts, out_dir)
        problems += [
            Problem(out_dir / page, None, f"this page has {danger}", _DANGER_HINT)
            for danger in dict.fromkeys(facts.dangers)
        ]
        own = (site_dir / STATIC_DIR / page).is_file()  # the family's own page
        if not settings.is_public and not facts.noindex and not own:
            problems.append(
                Problem(
                    out_dir / page,
                    None,
                    "this page of a journal that is not public does not ask search engines "
                    'to leave it out (<meta name="robots" content="noindex">)',
                    "Check your templates in templates/ keep base.html's robots line.",
                )
            )
        if facts.previews:
            problems.append(
                Problem(
                    out_dir / page,
                    None,
                    "this page is a preview of a draft or scheduled entry",
                    "Build without --drafts/--future before publishing.",
                )
            )
    for drawing in sorted(f for f in files if f.lower().endswith(".svg")):
        facts = _page_facts((out_dir / drawing).read_text(encoding="utf-8", errors="replace"))
        problems += [
            Problem(out_dir / drawing, None, f"this drawing has {danger}", _DANGER_HINT)
            for danger in dict.fromkeys(facts.dangers)
        ]
    problems += _netlify_forms_missing(settings, texts, out_dir)
    feeds = sorted(f for f in files if f.endswith(("feed.xml", "atom.xml")))
    for feed in feeds:
        problems += _feed_problems(settings, out_dir / feed, files)
    problems += _unpublished(site_dir, settings, out_dir, files, now)
    problems += _not_as_built(site_dir, out_dir, files)
    problems += _headers_disagree(site_dir, out_dir)
    return CheckReport(len(pages), links, len(feeds), tuple(problems))


def _regular_files(out_dir: Path) -> tuple[set[str], list[Problem]]:
    """The built site's files; any link in it (to a file or folder anywhere on the
    computer: /etc/passwd as robots.txt) is a problem, as journalgen never makes one."""
    files: set[str] = set()
    problems: list[Problem] = []
    for root, folders, names in os.walk(out_dir):
        for name in [*folders, *names]:
            path = Path(root) / name
            if path.is_symlink():
                problems.append(
                    Problem(
                        path,
                        None,
                        f"this is a link to {os.path.realpath(path)}, which would be published "
                        "as part of the site",
                        "Delete it: journalgen never puts links in the output folder.",
                    )
                )
            elif name in names and path.is_file():
                files.add(path.relative_to(out_dir).as_posix())
    return files, problems


def _not_as_built(site_dir: Path, out_dir: Path, files: set[str]) -> list[Problem]:
    """Every file must be, byte for byte, one the last build wrote: compared with the
    digests its record keeps outside the output folder (in .cache/journalgen/), so neither
    a file changed in place (its size and time kept) nor one added together with its name
    in the output's own list of files passes."""
    last = record.load(site_dir, out_dir)
    written = last.outputs
    if not written:
        return [
            Problem(
                out_dir,
                None,
                "this folder has no record of a journalgen build, so what is in it cannot be "
                "checked",
                "Run `journalgen build`, then check again.",
            )
        ]
    problems = []
    for rel in sorted(files):
        state = written.get(rel)
        if state is None:
            problems.append(
                Problem(
                    out_dir / rel,
                    None,
                    "this file was not written by the last build (added by hand, or left by "
                    "an interrupted program), and would be published",
                    "Delete it, or put files to publish in static/ and build again.",
                )
            )
            continue
        try:
            same = writer.file_digest(out_dir / rel) == state.digest
        except OSError:
            same = False
        if not same:
            problems.append(
                Problem(
                    out_dir / rel,
                    None,
                    "this file was changed after the last build wrote it, and would be "
                    "published as changed",
                    "Delete the output folder and run `journalgen build` again.",
                )
            )
    problems += [
        Problem(out_dir / rel, None, "the last build wrote this file, but it is missing")
        for rel in sorted(written.keys() - files)
    ]
    # Every warning of the build is a problem here, as `journalgen build --strict` says.
    problems += list(last.summary.warnings) if last.summary is not None else []
    return problems


def _headers_disagree(site_dir: Path, out_dir: Path) -> list[Problem]:
    """netlify.toml and output/_headers must send the same headers."""
    toml_path = site_dir / "netlify.toml"
    if not toml_path.is_file() or not (out_dir / "_headers").is_file():
        return []
    try:
        settings = tomllib.loads(toml_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        return [Problem(toml_path, None, f"netlify.toml cannot be read: {err}")]
    written = headers.parse_headers_file((out_dir / "_headers").read_text(encoding="utf-8"))
    problems = []
    for rule in settings.get("headers", []):
        path = str(rule.get("for", ""))
        for name, value in dict(rule.get("values", {})).items():
            if written.get(path, {}).get(name) != str(value):
                problems.append(
                    Problem(
                        toml_path,
                        None,
                        f"{name} for {path} differs from what output/_headers sends",
                        "Run `journalgen upgrade` to write both from journalgen again.",
                    )
                )
    return problems


def _page_facts(text: str) -> _PageFacts:
    parser = _Collector()
    parser.feed(text)
    parser.close()
    return _PageFacts(
        tuple(parser.links),
        tuple(parser.forms),
        parser.previews,
        tuple(parser.dangers),
        any("noindex" in asked for asked in parser.robots),
    )


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str]] = []
        self.forms: list[dict[str, str]] = []
        self.previews = 0
        self.dangers: list[str] = []
        """What could run or load another site's page: scripts, frames, handlers…"""
        self.robots: list[str] = []
        """What its `<meta name="robots">` elements ask of search engines."""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        self._dangers(tag, values)
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
        if tag == "meta" and values.get("name", "").casefold() == "robots":
            self.robots.append(values.get("content", "").casefold())
        if tag == "form":
            self.forms.append(dict(values))
        if tag == "input" and values.get("name") == "form-name" and self.forms:
            self.forms[-1]["_hidden_form_name"] = values.get("value", "")

    def _dangers(self, tag: str, values: dict[str, str]) -> None:
        if tag == "script":
            where = values.get("src")
            self.dangers.append(f"a script ({where})" if where else "a script")
        elif tag in ("iframe", "frame", "frameset", "object", "embed", "applet"):
            self.dangers.append(f"a <{tag}> (another page inside this one)")
        elif tag == "base":
            self.dangers.append("a <base> element (it redirects every link)")
        elif tag == "meta" and values.get("http-equiv", "").casefold() == "refresh":
            target = _refresh_target(values.get("content", ""))
            if target is None:
                self.dangers.append("a <meta> refresh (it sends readers elsewhere)")
            else:  # an old address of an imported blog, sent on to its page here
                self.links.append(("content", target))
        for name, value in values.items():
            if name.startswith("on"):
                self.dangers.append(f"an event handler `{name}` on <{tag}>")
            elif name in (*LINK_ATTRIBUTES, *_ANIMATED, "srcset", "formaction", "xlink:href"):
                if _runs(value) and not (tag == "img" and _is_image_data(value)):
                    self.dangers.append(f"a `{name}` that runs code ({value[:40]!r})")
            elif name == "srcdoc":
                self.dangers.append(f"a `srcdoc` on <{tag}>")


_ANIMATED = ("data", "to", "from", "by", "values")
"""Attributes whose value an SVG animation (`<set attributeName="href" to=…>`) puts into
a link."""


def _refresh_target(content: str) -> str | None:
    """The page a `<meta http-equiv=refresh>` sends readers to, when it is a page of this
    site (`0; url=/2011/05/connect/`, as redirects.py writes); None otherwise."""
    found = re.fullmatch(r"\s*0\s*;\s*url=(/[^/\\][^\s]*|/)\s*", content, re.IGNORECASE)
    return found.group(1) if found else None


def _runs(url: str) -> bool:
    """A URL whose scheme makes the browser run something: `javascript:` and its
    disguises (htmlrewrite's test, as for entries), or a `data:` document."""
    return is_dangerous_url(url) or re.sub(r"[\x00-\x20]", "", url).lower().startswith("data:")


def _is_image_data(url: str) -> bool:
    return url.strip().lower().startswith("data:image/")


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
        if re.match(r"^(file:|[A-Za-z]:[\\/]|\\\\)", url.strip(), re.IGNORECASE):
            what = "image" if attribute in ("src", "srcset") else "link"
            problems.append(
                Problem(
                    out_dir / page,
                    None,
                    f"{what} to {url}, a file on someone's own computer, which no reader can open",
                )
            )
            continue
        target = _internal_target(settings, page, url)
        if target is None or target in files or f"{target}/index.html" in files:
            continue
        what = "image" if attribute in ("src", "srcset") else "link"
        problems.append(
            Problem(out_dir / page, None, f"{what} to {url} leads to no file in the built site")
        )
    return problems


def _form_problems(
    settings: SiteConfig, page: str, facts: _PageFacts, out_dir: Path
) -> list[Problem]:
    problems = []
    for form in facts.forms:
        action = form.get("action", "")
        if action and _internal_target(settings, page, action) is None:
            problems.append(
                Problem(
                    out_dir / page,
                    None,
                    f"a form sends what readers type to {action}, outside the journal",
                    "Only the journal's own forms (Netlify's) belong in it: check your "
                    "templates and entries.",
                )
            )
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


def _netlify_forms_missing(
    settings: SiteConfig, texts: dict[str, str], out_dir: Path
) -> list[Problem]:
    """Netlify must find the guestbook form (with `provider: netlify`) and the follow form
    (with `follow_form: netlify`) in some page, or it collects nothing."""
    wanted: dict[str, tuple[str, str]] = {}
    if settings.guestbook.provider == "netlify":
        wanted[settings.guestbook.form_name] = (
            "guestbook form",
            "messages",
        )
    if settings.email.follow_form == "netlify":
        wanted[settings.email.form_name] = ("follow form", "requests to follow by email")
    for text in texts.values():
        if not wanted:
            break
        for form in _page_facts(text).forms:
            if "data-netlify" in form or "netlify" in form:
                wanted.pop(form.get("name", ""), None)
    return [
        Problem(
            out_dir,
            None,
            f"no page has the Netlify {what} {name!r}, so Netlify will not collect {collects}",
            "Check templates that replace the theme's pages (entry, guestbook, subscribe).",
        )
        for name, (what, collects) in wanted.items()
    ]


_ATOM = "{http://www.w3.org/2005/Atom}"
_CONTENT = "http://purl.org/rss/1.0/modules/content/"


def _feed_problems(settings: SiteConfig, path: Path, files: set[str]) -> list[Problem]:
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as err:
        return [Problem(path, err.position[0], f"the feed is not well-formed XML: {err}")]
    links = [el.text or "" for el in root.iter("link") if el.text] + [
        el.get("href", "") for el in root.iter(f"{_ATOM}link")
    ]
    problems = []
    carried = [el.text or "" for el in root.iter("description")]
    carried += [el.text or "" for el in root.iter(f"{_ATOM}content")]
    carried += [el.text or "" for el in root.iter(f"{_ATOM}summary")]
    carried += [el.text or "" for el in root.iter(f"{{{_CONTENT}}}encoded")]
    for danger in dict.fromkeys(d for text in carried for d in _page_facts(text).dangers):
        problems.append(Problem(path, None, f"the feed carries {danger}", _DANGER_HINT))
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
    now: dt.datetime | None,
) -> list[Problem]:
    """Drafts, held farewells and entries not yet due must be nowhere: not as a page, and
    no stretch of their text in any file (pages, feeds, anything)."""
    moment = now or dt.datetime.now(dt.UTC)
    tree = sources.discover(site_dir)
    entries, pages = parse_sources(tree.sources, settings)
    hidden = [entry for entry in entries if not entry.is_published(moment)]
    shown_sources = [e.source for e in entries if e.is_published(moment) and not e.draft]
    # Starter texts and the example address are not for publishing either.
    problems = scaffold.unfinished(settings, (*shown_sources, *(p.source for p in pages)))
    # Each draft's own runs of words (and a short draft whole), indexed by run.
    owners: dict[str, list[Entry]] = {}
    short: list[tuple[Entry, str]] = []
    for entry in hidden:
        if entry.path + "index.html" in files:
            problems.append(
                Problem(
                    entry.source.path, None, f"this entry is {_why(entry)} but its page is built"
                )
            )
            continue
        words = _words(plain_text(entry.body_html, limit=200_000))
        if len(words) < SHINGLE:
            if len(words) >= 3:
                short.append((entry, " ".join(words)))
            continue
        for run in _word_runs(words):
            owners.setdefault(run, []).append(entry)
    if not owners and not short:
        return problems
    # Runs the draft shares with what is published anyway prove nothing: entries and pages,
    # the theme's labels, the settings' texts, published guestbook messages.
    label = Language(settings.language)
    anyway = [
        *(e.body_html for e in entries if e.is_published(moment)),
        *(page.body_html for page in pages),
        *(source.text for source in tree.messages),
        *label.labels().values(),
        settings.title,
        settings.description,
        settings.footer,
        *(f"{author.name} {author.bio}" for author in settings.authors),
    ]
    for text in anyway:
        words = _words(plain_text(text, limit=200_000))
        for run in _word_runs(words):
            owners.pop(run, None)
        joined = " " + " ".join(words) + " "
        short = [(entry, phrase) for entry, phrase in short if f" {phrase} " not in joined]
    reported: set[tuple[Path, str]] = set()
    for rel in sorted(files):
        words = _words(_readable(out_dir / rel))
        hits = [(run, owner) for run in _word_runs(words) for owner in owners.get(run, ())]
        joined = " " + " ".join(words) + " "
        hits += [(phrase, entry) for entry, phrase in short if f" {phrase} " in joined]
        for run, entry in hits:
            if (entry.source.path, rel) in reported:
                continue
            reported.add((entry.source.path, rel))
            problems.append(
                Problem(
                    entry.source.path,
                    None,
                    f"this entry is {_why(entry)} but its words (“{run}”) are in {rel}",
                    "Build again (journalgen build) and check that nothing else puts "
                    "files into the output folder.",
                )
            )
    return problems


def _word_runs(words: list[str]) -> Iterator[str]:
    """Every run of `SHINGLE` words in a row."""
    for start in range(len(words) - SHINGLE + 1):
        yield " ".join(words[start : start + SHINGLE])


SHINGLE = 6
"""Words in a row that, found together in a built file, show an entry's text is there."""


def _why(entry: Entry) -> str:
    if entry.undated or (entry.draft and entry.kind == "farewell"):
        return "a held farewell"
    return "a draft" if entry.draft else "scheduled for later"


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.casefold())


def _readable(path: Path) -> str:
    """A built file as the words a reader could find in it (markup and escapes undone)."""
    try:
        data = path.read_bytes()
    except OSError:
        return ""
    text = data.decode("utf-8", errors="replace")
    for _ in range(2):  # feeds escape the HTML they carry: undo both layers
        text = html.unescape(re.sub(r"<[^>]*>", " ", text))
    return text


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
        "leads somewhere, the feeds are valid, no draft, held farewell or scheduled entry "
        "is in it (not even a sentence of one), it holds only the files the last build "
        "wrote, no page loads a script or a frame or sends a form elsewhere, and Netlify "
        "can detect the guestbook form. Exits with an error listing the problems.",
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
