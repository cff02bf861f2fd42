"""`journalgen init` and `journalgen new`: the files a new site or entry starts from."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from string import Template

from journalgen import files
from journalgen.config import CONFIG_NAME
from journalgen.errors import JournalError
from journalgen.publishing import hosts
from journalgen.publishing.hosts import Host
from journalgen.slugs import slugify

SCAFFOLD_DIR = Path(__file__).parent / "scaffold"

GUESTBOOK: dict[Host, str] = {
    "netlify": "# Messages from readers: a form under each entry and on /guestbook/\n"
    "# (Netlify Forms).\n"
    "guestbook:\n  provider: netlify\n",
    "github-pages": "# GitHub Pages cannot receive forms: readers write to you by email instead.\n"
    "# Put your address here and change `none` to `email`.\n"
    "guestbook:\n  provider: none\n  # email: you@example.org\n",
}


@dataclass(frozen=True, slots=True)
class SiteAnswers:
    """What `journalgen init` needs to know (all have defaults: it never asks)."""

    privacy: str
    """private, public or password (see SiteConfig.privacy)."""
    title: str
    base_url: str
    language: str
    author: str
    timezone: str
    host: Host = "netlify"
    """Where it will be published (see publishing/hosts.py)."""
    schedule: bool = False
    """Netlify: also write the hourly trigger for scheduled entries."""


def init_site(folder: Path, answers: SiteAnswers, today: dt.date) -> list[Path]:
    """Write a small working site into `folder` (which must not be a site already)."""
    if (folder / CONFIG_NAME).exists():
        raise JournalError.at(
            folder / CONFIG_NAME,
            "there is already a journal here",
            hint="Choose a new folder name.",
        )
    if folder.exists() and any(folder.iterdir()):
        raise JournalError.at(
            folder,
            "this folder is not empty",
            hint="journalgen init needs a new or empty folder, so it "
            "overwrites nothing. Choose a new folder name.",
        )
    values = {
        "title": json.dumps(answers.title, ensure_ascii=False),
        "base_url": answers.base_url,
        "language": answers.language,
        "author_key": slugify(answers.author) or "me",
        "author_name": json.dumps(answers.author, ensure_ascii=False),
        "timezone": answers.timezone,
        "today": today.isoformat(),
        "privacy": answers.privacy,
        "guestbook": GUESTBOOK[answers.host],
    }
    targets = {
        "journalgen.yaml": CONFIG_NAME,
        "welcome.md": f"content/entries/{today.isoformat()}-welcome.md",
        "about.md": "content/pages/about.md",
        "gitignore": ".gitignore",
        "templates-README.md": "templates/README.md",
        "photos-README.md": "content/photos/README.md",
    }
    made = {
        rel: Template((SCAFFOLD_DIR / name).read_text(encoding="utf-8"))
        .substitute(values)
        .encode("utf-8")
        for name, rel in targets.items()
    }
    if answers.host == "github-pages" and answers.privacy == "password":
        raise JournalError.at(
            None,
            "GitHub Pages cannot ask visitors for a password",
            hint="Choose --privacy private (not listed by search engines), or publish on "
            "Netlify (--host netlify), whose paid plans can.",
        )
    for rel, data in made.items():
        files.write_whole(folder / rel, data)
    written = hosts.write(folder, hosts.journal_files(answers.host, schedule=answers.schedule))
    (folder / "static").mkdir(exist_ok=True)
    return [folder / rel for rel in (*made, *written.changed)]


def new_entry(
    site_dir: Path,
    title: str,
    when: dt.datetime,
    *,
    author: str | None,
    tags: tuple[str, ...],
    draft: bool,
) -> Path:
    """Create `content/entries/YYYY-MM-DD-slug.md` with its front matter filled in."""
    slug = slugify(title)
    if not slug:
        raise JournalError.at(
            None,
            f"cannot make a file name from the title {title!r}",
            hint="Use a title with some letters or digits.",
        )
    folder = site_dir / "content" / "entries"
    path = folder / f"{when:%Y-%m-%d}-{slug}.md"
    if path.exists():
        raise JournalError.at(
            path,
            "an entry with this name already exists",
            hint="Open it in your editor, or choose another title.",
        )
    lines = [
        "---",
        f"title: {json.dumps(title, ensure_ascii=False)}",
        f"date: {when:%Y-%m-%d %H:%M}",
    ]
    if author:
        lines.append(f"author: {json.dumps(author, ensure_ascii=False)}")
    lines.append("tags: [" + ", ".join(json.dumps(t, ensure_ascii=False) for t in tags) + "]")
    if draft:
        lines.append("draft: true")
    lines += ["---", "", "Write your update here. A blank line starts a new paragraph.", ""]
    try:
        files.write_text_whole(path, "\n".join(lines), exclusive=True)
    except FileExistsError:
        raise JournalError.at(
            path,
            "an entry with this name already exists",
            hint="Open it in your editor, or choose another title.",
        ) from None
    return path
