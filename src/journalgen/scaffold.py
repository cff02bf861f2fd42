"""`journalgen init` and `journalgen new`: the files a new site or entry starts from."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from string import Template

from journalgen import config as config_module
from journalgen.config import CONFIG_NAME, SiteConfig
from journalgen.errors import JournalError, Problem
from journalgen.output import files
from journalgen.parsing.slugs import slugify
from journalgen.publishing import hosts
from journalgen.publishing.hosts import Host
from journalgen.reading.sources import Source, without_controls

SCAFFOLD_DIR = Path(__file__).parent / "scaffold"

GUESTBOOK: dict[Host, str] = {
    "netlify": "# Messages from readers: a form under each entry and on /guestbook/\n"
    "# (Netlify Forms).\n"
    "guestbook:\n  provider: netlify\n",
    "cloudflare": "# Messages from readers: a form under each entry and on /guestbook/\n"
    "# (received by the journal's functions/ on Cloudflare Pages; `provider: netlify` is\n"
    "# the name of this kind of form, posted to the site itself).\n"
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


STARTER_TEXTS = (
    "To write a new update, run `journalgen new",
    "Write your update here. A blank line starts a new paragraph.",
    "Who we are, and why we write this journal.",
)
"""What `init` and `new` write for the family to replace: published, it would tell readers
how to use journalgen."""
EXAMPLE_ADDRESSES = (
    "https://example.netlify.app/",
    "https://example.github.io/journal/",
    "https://example.pages.dev/",
)


def unfinished(config: SiteConfig, sources: Iterable[Source]) -> list[Problem]:
    """Starter texts still in `sources` (the entries and pages being published), and the
    example address still in the settings: one problem each, with the file and line."""
    found = []
    for source in sources:
        for phrase in STARTER_TEXTS:
            at = source.text.find(phrase)
            if at >= 0:
                found.append(
                    Problem(
                        source.path,
                        source.text.count("\n", 0, at) + 1,
                        "this is journalgen's starter text, not yours: it would be published "
                        "as it is",
                        "Replace it with your own words (or delete the file), then build again.",
                    )
                )
    if config.base_url in EXAMPLE_ADDRESSES:
        try:
            text = config.path.read_text(encoding="utf-8")
            line = next(
                (n for n, row in enumerate(text.splitlines(), 1) if row.startswith("base_url:")),
                None,
            )
        except OSError:
            line = None
        found.append(
            Problem(
                config.path,
                line,
                f"base_url is still the example address {config.base_url}: feeds and share "
                "links would point at a stranger's site",
                "Put your journal's own address here (Netlify shows it on the site's page, "
                "e.g. https://cooper-journal.netlify.app/).",
            )
        )
    return found


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
    if answers.host != "netlify" and answers.privacy == "password":
        raise JournalError.at(
            None,
            f"{answers.host} cannot ask visitors for a password as Netlify does",
            hint="Choose --privacy private (not listed by search engines), or publish on "
            "Netlify (--host netlify), whose paid plans can.",
        )
    # The settings must be valid before anything is written (a mistyped time zone): a
    # failed init leaves nothing behind, so the same command, corrected, just works. The
    # password itself is set later, outside the folder.
    try:
        config_module.parse(
            made["journalgen.yaml"].decode("utf-8"), folder / CONFIG_NAME, "check:only"
        )
    except JournalError as err:
        raise JournalError([_as_option(problem) for problem in err.problems]) from None
    existed = folder.exists()
    try:
        for rel, data in made.items():
            files.write_whole(folder / rel, data)
        host_files = hosts.journal_files(answers.host, schedule=answers.schedule)
        written = hosts.write(folder, host_files)
        (folder / "static").mkdir(exist_ok=True)
    except BaseException:
        _undo(folder, existed)
        raise
    return [folder / rel for rel in (*made, *written.changed)]


_OPTIONS = {"timezone": "--timezone", "base_url": "--base-url", "language": "--language"}


def _as_option(problem: Problem) -> Problem:
    """A problem of the settings init was about to write, as one with the option given
    (no file was written, so none is named)."""
    found = re.match(r"`(\w+)`: (.*)", problem.message, re.DOTALL)
    if found is None or found.group(1) not in _OPTIONS:
        return Problem(None, None, problem.message, problem.hint)
    return Problem(None, None, f"{_OPTIONS[found.group(1)]}: {found.group(2)}", problem.hint)


def _undo(folder: Path, existed: bool) -> None:
    """Remove what a failed init wrote: the folder it made, or what it put in an empty one."""
    if not existed:
        shutil.rmtree(folder, ignore_errors=True)
        return
    for item in folder.iterdir():
        if item.is_dir() and not item.is_symlink():
            shutil.rmtree(item, ignore_errors=True)
        else:
            item.unlink(missing_ok=True)


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
    title = without_controls(title)
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
