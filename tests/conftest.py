"""Shared fixtures: small journals written into tmp_path and built with a fixed clock."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from journalgen.build import BuildOptions, BuildReport, build
from journalgen.site import Selection

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
    ) -> BuildReport:
        return build(
            BuildOptions(
                site_dir=self.root,
                out_dir=self.out,
                selection=Selection(drafts=drafts, future=future),
                force=force,
                now=now,
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
