"""Every HTTP header a journal needs, from one place.

The same rules are written to `output/_headers` (so a folder dragged onto Netlify keeps
them) and to the `[[headers]]` tables of `netlify.toml` (so they are in the repository for
anyone to read). `deploy-check` compares the two. The privacy rules (`X-Robots-Tag`, and
the Basic-Auth password of `privacy: password`) depend on the settings and on a secret, so
they are written to `_headers` only, never to a file kept in git.
"""

from __future__ import annotations

from dataclasses import dataclass

CSP = (
    "default-src 'none'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; font-src 'self'; media-src 'self'; form-action 'self'; base-uri 'self'; "
    "frame-ancestors 'none'; manifest-src 'self'"
)
"""Styles only from the site's own stylesheet, forms only to the site itself (as Netlify
Forms needs), fetches only from the site (which lets auditing tools read robots.txt). No
inline script can run, and no script from elsewhere: `script-src 'self'` is there because
browsers treat the stylesheet that shows a feed as a page (feed.xsl, an XSLT file) as a
script; journalgen publishes no other, and `deploy-check` refuses pages that load one."""


@dataclass(frozen=True, slots=True)
class Rule:
    """Headers sent with every file whose address matches `path` (Netlify's syntax)."""

    path: str
    values: tuple[tuple[str, str], ...]
    note: str = ""


FIXED: tuple[Rule, ...] = (
    Rule(
        "/*",
        (
            ("Content-Security-Policy", CSP),
            ("X-Content-Type-Options", "nosniff"),
            ("Referrer-Policy", "same-origin"),
            (
                "Permissions-Policy",
                "camera=(), microphone=(), geolocation=(), payment=(), usb=(), browsing-topics=()",
            ),
            ("Cache-Control", "public, max-age=0, must-revalidate"),
        ),
        "Every page: a strict Content-Security-Policy, no sniffing, no referrer sent to "
        "other sites, no camera, microphone or location.",
    ),
    Rule(
        "/assets/*",
        (("Cache-Control", "public, max-age=31536000, immutable"),),
        "Stylesheets and processed photos have a content hash in their names: cached for a year.",
    ),
    Rule(
        "/feed.xml",
        (
            ("Content-Type", "application/xml; charset=utf-8"),
            ("Cache-Control", "public, max-age=300"),
        ),
        "Feeds as XML, which browsers show as a page (feed.xsl); fresh within five minutes.",
    ),
    Rule(
        "/atom.xml",
        (
            ("Content-Type", "application/xml; charset=utf-8"),
            ("Cache-Control", "public, max-age=300"),
        ),
    ),
    Rule(
        "/feed.xsl",
        (("Content-Type", "application/xslt+xml; charset=utf-8"),),
        "How a browser shows a feed: what a feed is, and how to follow the journal.",
    ),
)
"""The rules that do not depend on the settings."""


def privacy_rule(is_public: bool, password: str | None) -> Rule | None:
    """A private journal asks search engines not to list it; a password one also asks
    visitors for the password (Netlify's Basic-Auth)."""
    if is_public:
        return None
    values = [("X-Robots-Tag", "noindex, nofollow")]
    if password:
        values.append(("Basic-Auth", password))
    return Rule("/*", tuple(values))


def headers_file(rules: tuple[Rule, ...]) -> str:
    """Netlify's `_headers` format: a path, then its headers indented below it."""
    lines = ["# Written by journalgen on every build (see netlify.toml)."]
    for rule in rules:
        lines.append(rule.path)
        lines += [f"  {name}: {value}" for name, value in rule.values]
    return "\n".join(lines) + "\n"


def toml_tables(rules: tuple[Rule, ...]) -> str:
    """The same rules as `[[headers]]` tables of netlify.toml."""
    blocks = []
    for rule in rules:
        lines = [f"# {rule.note}"] if rule.note else []
        lines += ["[[headers]]", f'  for = "{rule.path}"', "  [headers.values]"]
        lines += [f'    {name} = "{_toml_escape(value)}"' for name, value in rule.values]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def _toml_escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"')


def parse_headers_file(text: str) -> dict[str, dict[str, str]]:
    """`_headers` read back: path → header → value (repeated headers joined with ', ')."""
    found: dict[str, dict[str, str]] = {}
    current: dict[str, str] | None = None
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace():
            current = found.setdefault(line.strip(), {})
            continue
        name, sep, value = line.strip().partition(":")
        if current is None or not sep:
            continue
        name, value = name.strip(), value.strip()
        current[name] = f"{current[name]}, {value}" if name in current else value
    return found


def as_table(rules: tuple[Rule, ...]) -> dict[str, dict[str, str]]:
    """Rules as path → header → value, the shape `parse_headers_file` reads back."""
    found: dict[str, dict[str, str]] = {}
    for rule in rules:
        for name, value in rule.values:
            found.setdefault(rule.path, {})[name] = value
    return found
