"""Shared fixtures: small journals written into tmp_path and built with a fixed clock."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from journalgen.build import BuildOptions, BuildReport, build
from journalgen.structure.site import Selection

NOW = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC)
"""The moment every test build happens at (scheduled entries are judged against it)."""

BASIC_CONFIG = """\
title: "Test journal"
base_url: https://journal.example.org/
privacy: public
description: "A journal for tests."
language: en
timezone: Europe/London
author: jenny
authors:
  jenny: {name: Jenny, bio: "Cooper's mum"}
  mark: {name: Mark}
page_size: 2
feed_size: 20
"""


class SiteDir:
    """A journal folder under tmp_path that a test writes files into and builds."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.out = root / "output"
        (root / "content" / "entries").mkdir(parents=True)
        (root / "content" / "pages").mkdir(parents=True)
        self.write("journalgen.yaml", BASIC_CONFIG)

    def write(self, rel: str, text: str | bytes) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    def entry(self, name: str, front: str, body: str = "Some text.\n") -> Path:
        """Write content/entries/NAME with `front` (YAML lines) as front matter."""
        return self.write(f"content/entries/{name}", f"---\n{front.strip()}\n---\n\n{body}")

    def page(self, name: str, front: str, body: str = "Page text.\n") -> Path:
        return self.write(f"content/pages/{name}", f"---\n{front.strip()}\n---\n\n{body}")

    def build(
        self,
        *,
        drafts: bool = False,
        future: bool = False,
        force: bool = False,
        now: dt.datetime = NOW,
        strict: bool = False,
    ) -> BuildReport:
        return build(
            BuildOptions(
                site_dir=self.root,
                out_dir=self.out,
                selection=Selection(drafts=drafts, future=future),
                force=force,
                now=now,
                strict=strict,
            )
        )

    def read(self, rel: str) -> str:
        return (self.out / rel).read_text(encoding="utf-8")

    def output_files(self) -> dict[str, bytes]:
        """Every file of the built site, by its path inside output/."""
        return {
            p.relative_to(self.out).as_posix(): p.read_bytes()
            for p in sorted(self.out.rglob("*"))
            if p.is_file()
        }


@pytest.fixture
def site(tmp_path: Path) -> SiteDir:
    return SiteDir(tmp_path / "journal")


@pytest.fixture
def make_site(tmp_path: Path) -> Callable[[str], SiteDir]:
    def make(name: str) -> SiteDir:
        return SiteDir(tmp_path / name)

    return make


REDIRECT_READER = Path(__file__).with_name("netlify_redirects.mjs")


def netlify_reads(files: list[Path]) -> dict[str, dict[str, list[Any]]]:
    """What Netlify's own parser (@netlify/redirect-parser, pinned) takes each `_redirects`
    file to mean: its rules and its errors, by the file's path."""
    found: dict[str, dict[str, list[Any]]] = {}
    for start in range(0, len(files), 200):
        result = subprocess.run(
            ["node", str(REDIRECT_READER), *map(str, files[start : start + 200])],
            capture_output=True,
            text=True,
            check=True,
            cwd=REDIRECT_READER.parent.parent,
            timeout=300,
        )
        found.update(json.loads(result.stdout))
    return found


def off_site_rules(files: list[Path]) -> list[str]:
    """Every rule in `files` (as Netlify reads them) that sends a reader anywhere but a
    page of the journal, or shows another site at the journal's address (a proxy), or
    that Netlify cannot read; a journal's own rules (its static/_redirects) excepted."""
    own: dict[Path, Path] = {}
    for file in files:
        for folder in file.parents:
            if (folder / "journalgen.yaml").is_file():
                if (folder / "static/_redirects").is_file():
                    own[file] = folder / "static/_redirects"
                break
    meanings = netlify_reads(sorted(set(files) | set(own.values())))
    wrong: list[str] = []
    for file in files:
        meant = meanings[str(file)]
        family = meanings[str(own[file])]["redirects"] if file in own else []
        wrong += [f"{file}: {error}" for error in meant["errors"]]
        for rule in meant["redirects"]:
            if rule in family:
                continue
            to = str(rule.get("to", ""))
            ours = to.startswith("/") and not to.startswith(("//", "/\\"))
            if not ours or rule.get("status") not in (301, 302) or rule.get("conditions"):
                wrong.append(f"{file}: {rule}")
    return wrong


@pytest.fixture(scope="session", autouse=True)
def every_redirects_file_a_test_wrote(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[None]:
    """After the tests: every `_redirects` file any of them left (a build's, a preview's,
    one Netlify's engine published), read by Netlify's own parser, sends readers only to
    the journal's own pages."""
    yield
    if (
        shutil.which("node") is None
        or not (REDIRECT_READER.parent.parent / "node_modules/@netlify/redirect-parser").is_dir()
    ):
        return  # the tests that need Node say so themselves
    files = [p for p in tmp_path_factory.getbasetemp().rglob("_redirects") if p.is_file()]
    files = [p for p in files if "static" not in p.parent.name]
    wrong = off_site_rules(files) if files else []
    assert not wrong, "\n".join(wrong[:20])


def written_by_the_family(
    journal: Path, address: str = "https://cooper-journal.netlify.app/"
) -> Path:
    """A journal `journalgen init` made, as a family has it before the first publish:
    their own words instead of the starter text, and their site's address."""
    settings = journal / "journalgen.yaml"
    lines = settings.read_text(encoding="utf-8").splitlines(keepends=True)
    settings.write_text(
        "".join(f"base_url: {address}\n" if x.startswith("base_url:") else x for x in lines),
        encoding="utf-8",
    )
    for entry in (journal / "content/entries").glob("*-welcome.md"):
        entry.write_text(
            '---\ntitle: "Welcome"\n---\n\nWe started this journal today, to keep everyone '
            "up to date without forty phone calls.\n",
            encoding="utf-8",
        )
    (journal / "content/pages/about.md").write_text(
        '---\ntitle: "About"\n---\n\nCooper is five, loves dinosaurs and hates porridge.\n',
        encoding="utf-8",
    )
    return journal
