"""What an export holds, read from either format (wordpress.py, blogger.py)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

PostKind = Literal["entry", "page"]
Visibility = Literal["published", "scheduled", "draft", "pending", "private", "password"]
CommentState = Literal["approved", "pending"]


@dataclass(frozen=True, slots=True)
class Comment:
    id: str
    name: str
    date: dt.datetime
    """Aware (UTC)."""
    html: str
    state: CommentState


@dataclass(frozen=True, slots=True)
class Post:
    """A post or page of the old blog."""

    id: str
    kind: PostKind
    title: str
    date: dt.datetime | None
    """Aware (UTC); None for a draft never dated."""
    author: str
    """The author's display name ('' when the export names nobody)."""
    tags: tuple[str, ...]
    excerpt: str
    """The post's own summary (plain text or HTML), often empty."""
    html: str
    """The body as the old blog stored it (HTML; WordPress's without paragraphs)."""
    slug: str
    visibility: Visibility
    old_paths: tuple[str, ...]
    """Its addresses on the old blog, as paths (`/2011/05/05/connect/`) or root queries
    (`/?p=123`)."""
    order: int = 0
    comments: tuple[Comment, ...] = ()
    wordpress: bool = False
    """Its HTML is WordPress's: paragraphs by blank lines, shortcodes."""


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file the old blog had uploaded (WordPress's attachments)."""

    id: str
    url: str
    path: str
    """Its path under wp-content/uploads/ (`2011/05/bread.jpg`), '' when unknown."""
    parent: str = ""
    """The post it was uploaded to (a gallery without `ids` shows these)."""
    title: str = ""


@dataclass(frozen=True, slots=True)
class Export:
    source: Literal["wordpress", "blogger"]
    title: str
    site_url: str
    posts: tuple[Post, ...]
    attachments: tuple[Attachment, ...] = ()
    skipped: tuple[tuple[str, int], ...] = ()
    """What was not brought in and why (`("menu items", 4)`), for the report."""
    dropped_comments: tuple[tuple[str, int], ...] = ()
    """Comments left out and why (spam, pingbacks…)."""
    exported_at: dt.datetime | None = None
    """When the export was made (its own date), if it says: a post dated later was
    scheduled, and an undated draft is dated by it (the same date on every import)."""
