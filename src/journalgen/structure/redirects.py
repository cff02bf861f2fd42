"""The old addresses of an imported blog, kept working (pure).

`content/redirects.yaml` (written by `journalgen import`) maps each old address to the
file it now is:

    "/2011/05/05/connect/": "entries/2011-05-05-connect.md"
    "/2011/05/connect.html": "entries/2011-05-05-connect.md"
    "/?p=123": "entries/2011-05-05-connect.md"

Every build turns it into `_redirects` (Netlify: a permanent redirect, forced, since a page
also stands at the old address) and, for hosts without redirects (GitHub Pages), a small
page at each old path that sends the browser on (`<meta http-equiv="refresh">`, with a
link and `rel=canonical`). A query address (`/?p=123`) can only be redirected by Netlify.
Because the target is a file, an entry whose title or date changes later still receives
its old readers.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import unquote

from journalgen.errors import JournalError, Problem, excerpt
from journalgen.output.outputs import Output
from journalgen.reading.sources import Source
from journalgen.reading.yamltext import load_mapping
from journalgen.structure.site import OWN_ADDRESSES, Site


@dataclass(frozen=True, slots=True)
class Moved:
    old: str
    """The old address: a path (`/2011/05/connect.html`) or a root query (`/?p=123`)."""
    new: str
    """The site path it now is (`2011/05/connect/`)."""
    title: str


def resolve(
    source: Source | None, site: Site, files: frozenset[str]
) -> tuple[tuple[Moved, ...], tuple[Problem, ...]]:
    """The recorded addresses whose file is published (`files`: every entry and page file,
    drafts included); a warning for each one whose file is gone (deleted or renamed: its
    old readers would find nothing). A draft's old address waits until it is published."""
    if source is None:
        return (), ()
    mapping = load_mapping(source.text, source.path)
    targets = {e.source.rel: (e.path, e.title) for e in site.entries}
    targets.update({p.source.rel: (p.path, p.title) for p in site.pages})
    taken = _reserved(site)
    moved: list[Moved] = []
    warnings: list[Problem] = []
    for old, target in mapping.values.items():
        line = mapping.line(str(old))
        if not isinstance(target, str) or not valid_old_address(str(old)):
            raise JournalError.at(
                source.path,
                f"{excerpt(old)}: expected an old address of this site starting with / (a "
                "query only as key=value pairs, such as /?p=123) and the file it now is",
                hint='For example "/2011/05/connect.html": "entries/2011-05-05-connect.md". '
                "An address that leads to another website cannot be redirected from here.",
                line=line,
            )
        found = targets.get(target)
        if found is None and target in files:
            continue  # a draft, or scheduled: redirected once it is published
        if found is None:
            warnings.append(
                Problem(
                    source.path,
                    line,
                    f"the old address {old} leads to {target}, which does not exist",
                    "Write the file's new name here, or delete the line.",
                )
            )
            continue
        here = unquote(str(old)).lstrip("/").casefold()
        if "?" not in here and (
            here.split("/")[0] in _FOLDERS or here.rstrip("/") + "/" in taken or here in taken
        ):
            warnings.append(
                Problem(
                    source.path,
                    line,
                    f"the old address {old} is an address of this journal too: it is not "
                    "redirected (readers find the journal's own page there)",
                    "Delete the line to make this warning go.",
                )
            )
            continue
        if here.rstrip("/") == found[0].casefold().rstrip("/"):
            continue  # the same address: nothing to redirect (and no loop)
        moved.append(Moved(str(old), found[0], found[1]))
    return tuple(moved), tuple(warnings)


_QUERY_PAIR = re.compile(r"[A-Za-z0-9_.~-]+=[A-Za-z0-9_.~%+-]*")
"""One `key=value` of an old query address, as Netlify's `_redirects` syntax reads it:
any other word there (`//evil.example/`, `302!`) would be read as the rule's target or
status, sending readers to another site or making the journal's domain show it."""


_JS_SPACES = frozenset("\t\n\v\f\r \u00a0\u1680\u2028\u2029\u202f\u205f\u3000\ufeff")
_JS_SPACES |= frozenset(chr(c) for c in range(0x2000, 0x200B))
"""What Netlify's parser (JavaScript's `\\s`) splits a rule's words at."""


def _path_character(c: str) -> bool:
    """A character an old address may hold: the URL's own (`*`, `:` and `#` excepted:
    Netlify reads them as a pattern, a placeholder, a comment), or a letter beyond ASCII
    that no parser takes for a space or a control character."""
    if c < "\x80":
        return c.isalnum() or c in "._~!$&'()+,;=@%/?-"
    return c not in _JS_SPACES and unicodedata.category(c)[0] not in "ZC"


def valid_old_address(old: str) -> bool:
    """An address journalgen can redirect: a path from the root, or a query on the root
    made of `key=value` pairs (`/?p=123&lang=en`), without what Netlify would read as a
    pattern (`*`, `:name`), a comment (`#`), spaces, `..`, a second slash at the start or
    parts longer than a file name may be."""
    if not old.startswith("/") or old.startswith("//") or not all(map(_path_character, old)):
        return False
    path, _, query = old.partition("?")
    if "?" in old and (path != "/" or not all(map(_QUERY_PAIR.fullmatch, query.split("&")))):
        return False
    parts = unquote(path).split("/")
    return all(part not in (".", "..") and len(part.encode()) <= 200 for part in parts)


def _reserved(site: Site) -> set[str]:
    """Every page address of the journal, lower-cased (Netlify matches without case)."""
    groups = (*site.tags, *site.authors, *site.years, *site.months)
    paths = {e.path for e in site.entries} | {p.path for p in site.pages}
    paths |= {g.path for g in groups} | {h.path for h in site.home_pages}
    paths |= {g.path for g in site.guestbook.pages}
    return {path.casefold() for path in paths} | {""}


_FOLDERS = OWN_ADDRESSES | {"photos", "book"}
"""What journalgen itself publishes at the top of the site (and the journal's photos, and
the book): never an old address."""


def _stub_path(old: str) -> str | None:
    """Where the page for a host without redirects goes (the decoded path, as a host
    looks it up); None for a query address."""
    if "?" in old or "#" in old:
        return None
    rel = unquote(old).lstrip("/")
    if not rel or any(
        part in ("", ".", "..") or part.startswith(".") or "\\" in part
        for part in rel.rstrip("/").split("/")
    ):
        return None
    if rel.endswith("/"):
        return rel + "index.html"
    if rel.rsplit("/", 1)[-1].count(".") == 1 and rel.endswith((".html", ".htm")):
        return rel
    return rel + "/index.html"


def render(moved: tuple[Moved, ...], site: Site, *, cloudflare: bool = False) -> list[Output]:
    """`_redirects` and the forwarding pages. `cloudflare`: in Cloudflare Pages' dialect of
    the file, which follows every rule before any file (no `!`) and matches no query (an
    old `/?p=123` address cannot be kept there)."""
    if not moved:
        return []
    base = site.config.base_path
    force = "" if cloudflare else "!"
    lines = ["# Old addresses of the blog this journal came from (content/redirects.yaml)."]
    pages: list[Output] = []
    for item in moved:
        new = base + item.new
        if item.old.startswith("/?"):
            if not cloudflare:
                lines.append(f"/ {item.old[2:].replace('&', ' ')} {new} 301!")
            continue
        lines.append(f"{item.old} {new} 301{force}")
        if item.old.endswith("/") and len(item.old) > 1:
            lines.append(f"{item.old.rstrip('/')} {new} 301{force}")
        stub = _stub_path(item.old)
        if stub is not None:
            pages.append(Output(stub, _page(item, new, site).encode("utf-8")))
    return [Output("_redirects", ("\n".join(lines) + "\n").encode("utf-8")), *pages]


def _page(item: Moved, new: str, site: Site) -> str:
    title = html.escape(item.title)
    href = html.escape(new)
    absolute = html.escape(site.config.base_url + item.new)
    label = site.language.label
    return f"""<!DOCTYPE html>
<html lang="{html.escape(site.config.language)}">
<head>
<meta charset="utf-8">
<title>{title} · {html.escape(site.title)}</title>
<meta name="robots" content="noindex">
<link rel="canonical" href="{absolute}">
<meta http-equiv="refresh" content="0; url={href}">
</head>
<body>
<main id="main">
<h1>{title}</h1>
<p><a href="{href}">{html.escape(label("moved_here"))}</a></p>
</main>
</body>
</html>
"""
