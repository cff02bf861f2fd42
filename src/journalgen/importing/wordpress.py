"""WordPress's export (WXR 1.0 to 1.2, Tools → Export → All content) read into an `Export`.

What becomes what (see the README's "Bringing an old blog across"):
- `post` → an entry, `page` → a page; attachments are kept as a table for photos.
- `publish` → published; `future` → scheduled (`publish_on`); `draft`, `pending`,
  `private` and any post with a password → `draft: true`, so nothing private is ever
  published; `trash`, `auto-draft`, `inherit` and every other type (menu items, revisions,
  reusable blocks, styles…) → nothing.
- Approved comments (`1`) → guestbook messages; held ones (`0`) → waiting messages;
  spam, trash, pingbacks and trackbacks → nothing.
"""

from __future__ import annotations

import datetime as dt
import email.utils
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

from lxml import etree

from journalgen.errors import JournalError
from journalgen.importing.exportfile import local, text
from journalgen.importing.model import Attachment, Comment, Export, Post, Visibility

_CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
_DC_CREATOR = "{http://purl.org/dc/elements/1.1/}creator"
_SKIPPED_TYPES = {
    "nav_menu_item": "menu items",
    "revision": "revisions",
    "custom_css": "theme styles",
    "wp_block": "reusable blocks",
    "wp_template": "theme templates",
    "wp_template_part": "theme templates",
    "wp_global_styles": "theme styles",
    "wp_navigation": "menus",
}
_VISIBLE: dict[str, Visibility] = {
    "publish": "published",
    "future": "scheduled",
    "draft": "draft",
    "pending": "pending",
    "private": "private",
}


def parse(root: etree._Element, path: Path) -> Export:
    channel = root.find("channel")
    if root.tag != "rss" or channel is None or _wp(channel, "wxr_version") is None:
        raise JournalError.at(
            path,
            "this is not a WordPress export (no <rss> with a wp:wxr_version)",
            hint="In WordPress: Tools → Export → All content → Download Export File.",
        )
    site = (_wp_text(channel, "base_blog_url") or text(channel.find("link"))).rstrip("/")
    authors = {
        _wp_text(a, "author_login"): _wp_text(a, "author_display_name")
        or _wp_text(a, "author_login")
        for a in _wp_all(channel, "author")
    }
    posts: list[Post] = []
    attachments: list[Attachment] = []
    skipped: Counter[str] = Counter()
    dropped: Counter[str] = Counter()
    for item in channel.iter("item"):
        kind = _wp_text(item, "post_type")
        status = _wp_text(item, "status")
        if kind == "attachment":
            url = _wp_text(item, "attachment_url") or text(item.find("guid"))
            attached = _meta(item).get("_wp_attached_file", "")
            attachments.append(
                Attachment(
                    _wp_text(item, "post_id"),
                    url,
                    attached,
                    parent=_wp_text(item, "post_parent"),
                    title=text(item.find("title")).strip(),
                )
            )
            continue
        if kind not in ("post", "page"):
            skipped[_SKIPPED_TYPES.get(kind, f"records of type {kind or 'unknown'}")] += 1
            continue
        if status in ("trash", "auto-draft", "inherit") or status not in _VISIBLE:
            skipped[
                "posts in the bin" if status == "trash" else f"{kind}s with status {status!r}"
            ] += 1
            continue
        visibility = _VISIBLE[status]
        if _wp_text(item, "post_password"):
            visibility = "password"
        post_id = _wp_text(item, "post_id")
        comments, why = _comments(item)
        dropped.update(why)
        posts.append(
            Post(
                id=post_id,
                kind="entry" if kind == "post" else "page",
                title=text(item.find("title")).strip(),
                date=_date(_wp_text(item, "post_date_gmt")) or _date(_wp_text(item, "post_date")),
                author=authors.get(text(item.find(_DC_CREATOR)), text(item.find(_DC_CREATOR))),
                tags=_tags(item),
                excerpt=_excerpt(item),
                html=text(item.find(_CONTENT)),
                slug=_wp_text(item, "post_name"),
                visibility=visibility,
                old_paths=_old_paths(item, kind, post_id, site),
                order=_int(_wp_text(item, "menu_order")),
                comments=comments,
                wordpress=True,
            )
        )
    return Export(
        source="wordpress",
        title=text(channel.find("title")).strip(),
        site_url=site,
        posts=tuple(posts),
        attachments=tuple(attachments),
        skipped=tuple(sorted(skipped.items())),
        dropped_comments=tuple(sorted(dropped.items())),
        exported_at=_rfc822(text(channel.find("pubDate"))),
    )


def _rfc822(value: str) -> dt.datetime | None:
    try:
        moment = email.utils.parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError):
        return None
    return moment.astimezone(dt.UTC) if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _wp(element: etree._Element, name: str) -> etree._Element | None:
    """A `wp:` child, whatever the export's version (its namespace carries it)."""
    for child in element:
        if local(child.tag) == name and "wordpress.org/export/" in str(child.tag):
            return child
    return None


def _wp_all(element: etree._Element, name: str) -> list[etree._Element]:
    return [c for c in element if local(c.tag) == name and "wordpress.org/export/" in str(c.tag)]


def _wp_text(element: etree._Element, name: str) -> str:
    return text(_wp(element, name)).strip()


def _excerpt(item: etree._Element) -> str:
    for child in item:
        if local(child.tag) == "encoded" and "/excerpt/" in str(child.tag):
            return text(child).strip()
    return ""


def _meta(item: etree._Element) -> dict[str, str]:
    return {_wp_text(m, "meta_key"): _wp_text(m, "meta_value") for m in _wp_all(item, "postmeta")}


def _tags(item: etree._Element) -> tuple[str, ...]:
    found: list[str] = []
    for category in item.findall("category"):
        if category.get("domain") not in ("category", "post_tag"):
            continue
        name = " ".join(text(category).split())
        if name and name.casefold() not in ("uncategorized", "non classé") and name not in found:
            found.append(name)
    return tuple(found)


def _date(value: str) -> dt.datetime | None:
    """`2011-05-05 17:04:00` in UTC; WordPress writes zeros for a draft never dated."""
    if not value or value.startswith("0000"):
        return None
    try:
        return dt.datetime.strptime(value, "%Y-%m-%d %H:%M:%S").replace(tzinfo=dt.UTC)
    except ValueError:
        return None


def _int(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        return 0


def _old_paths(item: etree._Element, kind: str, post_id: str, site: str) -> tuple[str, ...]:
    """Where readers knew it: its permalink, `?p=ID` (or `?page_id=ID`), its old slugs."""
    paths: list[str] = []
    link = text(item.find("link")).strip()
    if link:
        parts = urlsplit(link)
        base = urlsplit(site).path.rstrip("/")
        path = parts.path[len(base) :] if base and parts.path.startswith(base) else parts.path
        if parts.query and path in ("", "/"):
            paths.append("/?" + parts.query)
        elif path and path != "/":
            paths.append(path)
    if post_id.isdigit():
        query = f"/?p={post_id}" if kind == "post" else f"/?page_id={post_id}"
        if query not in paths:
            paths.append(query)
    return tuple(paths)


def _comments(item: etree._Element) -> tuple[tuple[Comment, ...], Counter[str]]:
    kept: list[Comment] = []
    dropped: Counter[str] = Counter()
    for element in _wp_all(item, "comment"):
        kind = _wp_text(element, "comment_type")
        approved = _wp_text(element, "comment_approved")
        if kind in ("pingback", "trackback"):
            dropped[f"{kind}s"] += 1
            continue
        if kind not in ("", "comment"):
            dropped[f"comments of type {kind!r}"] += 1
            continue
        if approved not in ("1", "0"):
            dropped["spam or deleted comments"] += 1
            continue
        date = _date(_wp_text(element, "comment_date_gmt"))
        if date is None:
            dropped["comments without a date"] += 1
            continue
        kept.append(
            Comment(
                id=_wp_text(element, "comment_id"),
                name=" ".join(_wp_text(element, "comment_author").split()) or "Anonymous",
                date=date,
                html=_wp_text(element, "comment_content"),
                state="approved" if approved == "1" else "pending",
            )
        )
    kept.sort(key=lambda c: (c.date, c.id.zfill(12)))
    return tuple(kept), dropped
