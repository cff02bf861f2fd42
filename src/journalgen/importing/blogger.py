"""Blogger's exports read into an `Export`: the Atom file of Settings → "Back up content"
(each entry's kind in a `kind#post|page|comment|settings|template` category, drafts
marked `app:draft`, comments pointing at their post with `thr:in-reply-to`), and the
`feed.atom` of Google Takeout (the `blogger:` 2018 namespace: `blogger:type`,
`blogger:status`, `blogger:filename`, `blogger:parent`).

Posts and pages that are live become entries and pages; drafts and scheduled ones become
`draft: true` (Blogger has no other privacy); trashed ones, settings and the template
become nothing. Comments that are live become guestbook messages; others are left out.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

from lxml import etree

from journalgen.errors import JournalError
from journalgen.importing.exportfile import local, text
from journalgen.importing.model import Comment, Export, Post, PostKind, Visibility

ATOM = "{http://www.w3.org/2005/Atom}"
TAKEOUT = "{http://schemas.google.com/blogger/2018}"
_KIND = "http://schemas.google.com/g/2005#kind"
_KIND_PREFIX = "http://schemas.google.com/blogger/2008/kind#"
_REPLY = "{http://purl.org/syndication/thread/1.0}in-reply-to"


def parse(root: etree._Element, path: Path) -> Export:
    if root.tag != ATOM + "feed":
        raise JournalError.at(
            path,
            "this is not a Blogger export (no Atom <feed>)",
            hint="In Blogger: Settings → Back up content → Download; or the feed.atom file "
            "of a Google Takeout of Blogger.",
        )
    takeout = any(
        isinstance(child.tag, str) and child.tag.startswith(TAKEOUT)
        for entry in root.iter(ATOM + "entry")
        for child in entry
    )
    entries = list(root.iter(ATOM + "entry"))
    site = _site(root)
    posts: list[tuple[etree._Element, Post]] = []
    comments: list[tuple[str, Comment | None, str]] = []
    skipped: Counter[str] = Counter()
    for entry in entries:
        kind, status = _takeout_kind(entry) if takeout else _classic_kind(entry)
        if kind == "comment":
            comments.append(_comment(entry, takeout, status))
            continue
        if kind not in ("post", "page"):
            skipped[f"{kind or 'unknown'} records"] += 1
            continue
        visibility: Visibility
        if status == "live":
            visibility = "published"
        elif status == "scheduled":
            visibility = "scheduled"
        elif status == "draft":
            visibility = "draft"
        else:
            skipped[f"{kind}s {status.replace('_', ' ')}"] += 1
            continue
        posts.append(
            (entry, _post(entry, "entry" if kind == "post" else "page", visibility, site, takeout))
        )
    by_id = {post.id: post for _, post in posts}
    attached: dict[str, list[Comment]] = {}
    dropped: Counter[str] = Counter()
    for post_id, comment, why in comments:
        if comment is None:
            dropped[why] += 1
        elif post_id not in by_id:
            dropped["comments on posts not brought in"] += 1
        else:
            attached.setdefault(post_id, []).append(comment)
    made = tuple(_with_comments(post, attached.get(post.id, [])) for _, post in posts)
    title = text(root.find(ATOM + "title")).strip()
    return Export(
        source="blogger",
        title=title,
        site_url=site,
        posts=made,
        skipped=tuple(sorted(skipped.items())),
        dropped_comments=tuple(sorted(dropped.items())),
        exported_at=_date(text(root.find(ATOM + "updated"))),
    )


def _with_comments(post: Post, comments: list[Comment]) -> Post:
    from dataclasses import replace

    ordered = tuple(sorted(comments, key=lambda c: (c.date, c.id)))
    return replace(post, comments=ordered)


def _site(root: etree._Element) -> str:
    for link in root.findall(ATOM + "link"):
        if link.get("rel") == "alternate" and link.get("href"):
            return str(link.get("href")).rstrip("/")
    return ""


def _classic_kind(entry: etree._Element) -> tuple[str, str]:
    kind = ""
    for category in entry.findall(ATOM + "category"):
        if category.get("scheme") == _KIND:
            kind = str(category.get("term", "")).removeprefix(_KIND_PREFIX)
    draft = any(local(e.tag) == "draft" and text(e).strip().lower() == "yes" for e in entry.iter())
    return kind, "draft" if draft else "live"


def _takeout_kind(entry: etree._Element) -> tuple[str, str]:
    kind = text(entry.find(TAKEOUT + "type")).strip().lower()
    status = text(entry.find(TAKEOUT + "status")).strip().lower()
    if text(entry.find(TAKEOUT + "trashed")).strip():
        status = "trashed"
    return kind, status or "without a status"  # never published on a guess


def _id(value: str) -> str:
    """`tag:blogger.com,1999:blog-123.post-456` → `456`."""
    value = value.strip()
    for marker in (".post-", ".page-", ".comment-"):
        if marker in value:
            return value.rsplit(marker, 1)[1]
    return value


def _date(value: str) -> dt.datetime | None:
    try:
        moment = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)).astimezone(dt.UTC)


def _post(
    entry: etree._Element, kind: PostKind, visibility: Visibility, site: str, takeout: bool
) -> Post:
    old: list[str] = []
    if takeout:
        filename = text(entry.find(TAKEOUT + "filename")).strip()
        if filename:
            old.append(filename)
    for link in entry.findall(ATOM + "link"):
        if link.get("rel") == "alternate" and link.get("href"):
            path = urlsplit(str(link.get("href"))).path
            if path and path not in old:
                old.append(path)
    slug = old[0].rsplit("/", 1)[-1].removesuffix(".html") if old else ""
    tags = tuple(
        dict.fromkeys(
            " ".join(str(c.get("term", "")).split())
            for c in entry.findall(ATOM + "category")
            if c.get("scheme") != _KIND and c.get("term")
        )
    )
    author = entry.find(ATOM + "author")
    return Post(
        id=_id(text(entry.find(ATOM + "id"))),
        kind=kind,
        title=text(entry.find(ATOM + "title")).strip(),
        date=_date(text(entry.find(ATOM + "published"))),
        author=" ".join(text(author.find(ATOM + "name") if author is not None else None).split()),
        tags=tuple(t for t in tags if t),
        excerpt="",
        html=text(entry.find(ATOM + "content")),
        slug=slug,
        visibility=visibility,
        old_paths=tuple(old),
    )


def _comment(entry: etree._Element, takeout: bool, status: str) -> tuple[str, Comment | None, str]:
    """(the post's id, the comment or None, why it was left out)."""
    if takeout:
        post_id = _id(text(entry.find(TAKEOUT + "parent")))
    else:
        reply = entry.find(_REPLY)
        post_id = _id(str(reply.get("ref", ""))) if reply is not None else ""
    held = status not in ("live",)
    if any(word in status for word in ("spam", "trash", "ghost", "deleted", "without")):
        return post_id, None, f"comments {status.replace('_', ' ')}"
    date = _date(text(entry.find(ATOM + "published")))
    if date is None:
        return post_id, None, "comments without a date"
    author = entry.find(ATOM + "author")
    name = " ".join(text(author.find(ATOM + "name") if author is not None else None).split())
    return (
        post_id,
        Comment(
            id=_id(text(entry.find(ATOM + "id"))),
            name=name or "Anonymous",
            date=date,
            html=text(entry.find(ATOM + "content")),
            state="pending" if held else "approved",
        ),
        "",
    )
