"""What an import writes (pure): the entries, pages, guestbook messages, photos and old
addresses an `Export` becomes in this journal, and the report. Nothing here touches the
disk; `commands.py` reads the journal before and writes the plan after."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import unquote

from journalgen.config import SiteConfig
from journalgen.errors import JournalError
from journalgen.importing.convert import (
    PHOTOS,
    Uploads,
    comment_markdown,
    convert,
    photo_name,
)
from journalgen.importing.model import Comment, Export, Post
from journalgen.parsing.slugs import slugify
from journalgen.reading import sources
from journalgen.structure.guestbook import MAX_MESSAGE_CHARS, MessageRenderer, parse_message
from journalgen.structure.redirects import valid_old_address

REDIRECTS = sources.REDIRECTS_FILE
"""In content/: old address → the file it now is (see redirects.py)."""

_HELD = {
    "draft": "a draft on the old blog",
    "pending": "waiting for review on the old blog",
    "private": "private on the old blog",
    "password": "protected by a password on the old blog",
    "undated": "scheduled on the old blog, but without a date",
    "page_scheduled": "a page scheduled on the old blog (a page cannot wait for a date "
    "here: remove `draft: true` when it should be published)",
}
_UNDATED = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
"""The date of a draft never dated, when the export does not say when it was made."""


def visibility(post: Post, export: Export) -> str:
    """What the post is here: `published`, `scheduled` (dated later than the export was
    made, even if the old blog said published), or why it is held back as a draft."""
    if post.visibility == "scheduled" and post.date is None:
        return "undated"
    later = (
        post.date is not None and export.exported_at is not None and post.date > export.exported_at
    )
    if post.visibility == "published" and later:
        return "page_scheduled" if post.kind == "page" else "scheduled"
    if post.visibility == "scheduled" and post.kind == "page":
        return "page_scheduled"
    return post.visibility


def dated(post: Post, export: Export) -> dt.datetime:
    """The post's date, or (a draft never dated) the export's: the same on every import."""
    return post.date or export.exported_at or _UNDATED


@dataclass(frozen=True, slots=True)
class Journal:
    """What the import needs to know of the journal as it is."""

    config: SiteConfig
    files: Mapping[str, str]
    """The text of each file the import might write that exists already (path from the
    journal's folder), to leave equal ones alone and never overwrite others unasked."""
    message_keys: frozenset[str]
    """Keys of every guestbook message already anywhere in content/guestbook/."""
    redirects: Mapping[str, str]
    """The old addresses recorded by earlier imports."""


@dataclass(slots=True)
class Report:
    entries: int = 0
    pages: int = 0
    messages: int = 0
    waiting: int = 0
    photos: int = 0
    unchanged: int = 0
    held: list[str] = field(default_factory=list)
    scheduled: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    missing_photos: dict[str, list[str]] = field(default_factory=dict)
    """Image address → the files that show it."""
    unknown: dict[str, list[str]] = field(default_factory=dict)
    conflicts: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    redirects: int = 0


@dataclass(frozen=True, slots=True)
class Plan:
    texts: dict[str, str]
    """Journal path → text, for every file to write (new or changed)."""
    photos: dict[str, str]
    """content/photos/… → the file in --uploads to copy there."""
    authors: dict[str, str]
    """New author key → name, to add to journalgen.yaml."""
    report: Report


def plan(export: Export, journal: Journal, uploads: Uploads, force: bool) -> Plan:
    config = journal.config
    report = Report()
    export = replace(export, posts=_distinct(export.posts, report))
    report.skipped += [f"{count} {what}" for what, count in export.skipped]
    report.skipped += [f"{count} {what}" for what, count in export.dropped_comments]
    attachments = {a.id: a for a in export.attachments}
    names = _file_names(export, journal)
    links = {old: names[post.id] for post in export.posts for old in post.old_paths}
    authors = {a.name: a.key for a in config.authors}
    new_authors: dict[str, str] = {}
    texts: dict[str, str] = {}
    photos: dict[str, str] = {}
    renderer = MessageRenderer()
    redirects = dict(journal.redirects)
    for post in export.posts:
        rel = names[post.id]
        converted = convert(
            post.html,
            wordpress=post.wordpress,
            site_url=export.site_url,
            uploads=uploads,
            attachments=attachments,
            links={k: _from(rel, v) for k, v in links.items()},
            post_id=post.id,
        )
        for found in converted.photos:
            photos[f"content/{PHOTOS}/{photo_name(found)}"] = found
        for url in converted.missing:
            report.missing_photos.setdefault(url, []).append(rel)
        for code in converted.unknown:
            report.unknown.setdefault(code, []).append(rel)
        author_key = None
        if post.author:
            author_key = authors.get(post.author) or new_authors.get(post.author)
            if author_key is None:
                author_key = _new_key(post.author, config, new_authors)
                new_authors[post.author] = author_key
        text = _document(post, rel, author_key, converted.markdown, journal, export)
        shown = visibility(post, export)
        _put(texts, report, journal, f"content/{rel}", text, force)
        if post.kind == "entry":
            report.entries += 1
        else:
            report.pages += 1
        if shown in _HELD:
            report.held.append(f"{rel}: {_HELD[shown]}")
        elif shown == "scheduled":
            report.scheduled.append(rel)
        for old in post.old_paths:
            if not valid_old_address(old):
                report.skipped.append(f"the old address {old!r} (journalgen cannot redirect it)")
            elif old.casefold() != _new_path(post, rel, config).casefold() and old not in redirects:
                redirects[old] = rel
                report.redirects += 1
        if post.kind == "page" and post.comments:
            report.skipped.append(f"{len(post.comments)} comments on the page {rel}")
        if post.kind == "entry":
            # Comments on a post that is not public here wait for the family's approval.
            held = shown != "published"
            for comment in post.comments:
                _message(comment, post, rel, export, journal, renderer, texts, report, held)
    if redirects != dict(journal.redirects):
        _put(texts, report, journal, f"content/{REDIRECTS}", _redirects_text(redirects), True)
    report.authors = [f"{key} ({name})" for name, key in new_authors.items()]
    return Plan(texts, photos, {k: n for n, k in new_authors.items()}, report)


def _distinct(posts: tuple[Post, ...], report: Report) -> tuple[Post, ...]:
    """The posts with an id each: a post whose id an earlier one has (a damaged or merged
    export) is brought in too, under a new id, and its query address (`/?p=ID`, which
    leads to the first) is left out; the report says so."""
    seen: set[str] = set()
    kept: list[Post] = []
    for post in posts:
        new_id, number = post.id, 2
        while new_id in seen:
            new_id, number = f"{post.id}-{number}", number + 1
        if new_id != post.id:
            report.skipped.append(
                f"the old address /?p={post.id} for {post.title!r}: another post of the "
                "export has the same id (both were brought in; that address leads to the first)"
            )
            post = replace(
                post,
                id=new_id,
                old_paths=tuple(old for old in post.old_paths if not old.startswith("/?")),
            )
        seen.add(new_id)
        kept.append(post)
    return tuple(kept)


def _file_names(export: Export, journal: Journal) -> dict[str, str]:
    """Each post's file in content/ (entries/2011-05-05-connect.md, pages/about.md),
    distinct from each other whatever the old slugs were."""
    taken: set[str] = set()
    names: dict[str, str] = {}
    zone = journal.config.zone
    for post in sorted(export.posts, key=lambda p: (p.kind, p.id.zfill(12))):
        slug = slugify(unquote(post.slug)) or slugify(post.title) or _id_slug(post.id)
        slug = slug[:80].rstrip("-")
        if post.kind == "entry":
            day = dated(post, export).astimezone(zone)
            stem = f"entries/{day:%Y-%m-%d}-{slug}"
        else:
            stem = f"pages/{slug}"
        name, number = f"{stem}.md", 2
        while name.casefold() in taken:
            name, number = f"{stem}-{number}.md", number + 1
        taken.add(name.casefold())
        names[post.id] = name
    return names


def _id_slug(post_id: str) -> str:
    """A name made from the post's id alone, whatever the export put in it."""
    plain = slugify(post_id)
    if not plain or not plain.isascii():
        plain = hashlib.sha256(post_id.encode()).hexdigest()[:8]
    return f"post-{plain}"


def _from(here: str, target: str) -> str:
    """`target` (a path in content/) as a link from the file `here`."""
    if here.split("/")[0] == target.split("/")[0]:
        return target.split("/", 1)[1]
    return "../" + target


def _new_path(post: Post, rel: str, config: SiteConfig) -> str:
    """The address journalgen will give the post (to skip redirects to itself)."""
    stem = rel.rsplit("/", 1)[1].removesuffix(".md")
    if post.kind == "page":
        return f"/{stem}/"
    return f"/{stem[:4]}/{stem[5:7]}/{stem[11:]}/"


def _new_key(name: str, config: SiteConfig, taken: Mapping[str, str]) -> str:
    base = slugify(name) or "author"
    if not base.isascii():
        base = "author"
    used = {a.key for a in config.authors} | set(taken.values())
    key, number = base, 2
    while key in used:
        key, number = f"{base}-{number}", number + 1
    return key


def _quoted(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def _document(
    post: Post, rel: str, author: str | None, body: str, journal: Journal, export: Export
) -> str:
    zone = journal.config.zone
    shown = visibility(post, export)
    lines = ["---", f"title: {_quoted(post.title or '(untitled)')}"]
    if post.kind == "entry":
        moment = dated(post, export).astimezone(zone)
        lines.append(f"date: {moment:%Y-%m-%d %H:%M}")
        if author:
            lines.append(f"author: {author}")
        if post.tags:
            lines.append("tags: [" + ", ".join(_quoted(t) for t in post.tags) + "]")
        summary = " ".join(_plain(post.excerpt).split())
        if summary:
            lines.append(f"summary: {_quoted(summary)}")
    else:
        if post.order:
            lines.append(f"order: {max(-1000, min(post.order, 100000))}")
    if shown in _HELD:
        lines.append(f"# {_HELD[shown].capitalize()}: check it before publishing.")
        lines.append("draft: true")
    elif shown == "scheduled" and post.date is not None:
        lines.append(f"publish_on: {post.date.astimezone(zone):%Y-%m-%d %H:%M}")
    lines.append("---")
    return "\n".join(lines) + "\n\n" + body


def _plain(fragment: str) -> str:
    from bs4 import BeautifulSoup

    return BeautifulSoup(fragment, "html.parser").get_text(" ") if "<" in fragment else fragment


def _put(
    texts: dict[str, str], report: Report, journal: Journal, rel: str, text: str, force: bool
) -> None:
    before = journal.files.get(rel)
    if before == text:
        report.unchanged += 1
        return
    if before is not None and not force:
        report.conflicts.append(rel)
        return
    texts[rel] = text


def _message(
    comment: Comment,
    post: Post,
    rel: str,
    export: Export,
    journal: Journal,
    renderer: MessageRenderer,
    texts: dict[str, str],
    report: Report,
    held: bool,
) -> None:
    origin = f"{export.source}:{export.site_url}:{post.id}:{comment.id}"
    key = hashlib.sha256(origin.encode()).hexdigest()[:8]
    if key in journal.message_keys:
        report.unchanged += 1
        return
    message = comment_markdown(comment.html)
    if not message or len(message) > MAX_MESSAGE_CHARS:
        report.skipped.append(
            f"a comment by {comment.name} on {rel} "
            + ("(empty)" if not message else f"({len(message):,} characters, over the limit)")
        )
        return
    zone = journal.config.zone
    local = comment.date.astimezone(zone)
    slug = slugify(comment.name)[:40].rstrip("-")
    slug = slug if slug and slug.isascii() else "message"
    published = comment.state == "approved" and not held
    folder = "guestbook" if published else "guestbook/pending"
    name = f"{local:%Y-%m-%d}-{slug}-{key}.yaml"
    stem = rel.rsplit("/", 1)[1].removesuffix(".md")
    entry_slug = f"{stem[:4]}/{stem[5:7]}/{stem[11:]}"  # the entry's path: never ambiguous
    text = (
        f"# Brought in by `journalgen import` from a comment on the old blog ({export.source}).\n"
        f"name: {_quoted(comment.name[:100])}\n"
        f"date: {local:%Y-%m-%d %H:%M}\n"
        f"entry: {entry_slug}\n"
        f"message: {_quoted(message)}\n"
    )
    source = sources.Source(Path(f"{folder}/{name}"), f"{folder}/{name}", "message", text, "")
    try:
        parse_message(source, journal.config, renderer)
    except JournalError as err:
        reason = "; ".join(p.message for p in err.problems)
        report.skipped.append(f"a comment by {comment.name} on {rel} ({reason})")
        return
    texts[f"content/{folder}/{name}"] = text
    if published:
        report.messages += 1
    else:
        report.waiting += 1


def _redirects_text(redirects: Mapping[str, str]) -> str:
    lines = [
        "# The old blog's addresses, and the file each one now is. Written by",
        "# `journalgen import`; every build turns them into redirects (output/_redirects",
        "# for Netlify, and a small page at each old address for other hosts).",
    ]
    lines += [f"{_quoted(old)}: {_quoted(target)}" for old, target in sorted(redirects.items())]
    return "\n".join(lines) + "\n"
