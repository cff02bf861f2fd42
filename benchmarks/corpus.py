"""A deterministic journal of N generated entries, for benchmarks.

Each entry is about 3.5 KB of Markdown: headings, paragraphs with emphasis and links, a
list, a blockquote and an image; YAML front matter with a title, a date, 1-3 of a dozen
tags, one of three authors and a summary.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

TAGS = [
    "hospital",
    "home",
    "treatment",
    "scans",
    "school",
    "friends",
    "thanks",
    "food",
    "sleep",
    "family",
    "good-days",
    "hard-days",
]
AUTHORS = ["jenny", "mark", "nana"]
WORDS = [
    "the",
    "a",
    "we",
    "he",
    "she",
    "they",
    "today",
    "tonight",
    "doctor",
    "nurse",
    "ward",
    "bed",
    "home",
    "garden",
    "school",
    "letter",
    "friends",
    "soup",
    "walk",
    "sleep",
    "tired",
    "brave",
    "slowly",
    "quietly",
    "better",
    "blood",
    "counts",
    "scan",
    "result",
    "news",
    "morning",
    "evening",
    "laugh",
    "cry",
    "hope",
    "wait",
    "drive",
    "tea",
    "biscuits",
    "grandma",
    "cousin",
    "dog",
    "rain",
    "sun",
    "window",
]

CONFIG = """\
title: "Benchmark journal"
base_url: https://bench.example.org/
description: "A generated journal for benchmarks."
language: en
timezone: Europe/London
author: jenny
authors:
  jenny: {name: Jenny}
  mark: {name: Mark}
  nana: {name: Nana}
page_size: 10
feed_size: 20
"""


def sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def paragraph(rng: random.Random) -> str:
    parts = [sentence(rng, rng.randint(8, 16)) for _ in range(rng.randint(3, 5))]
    parts[1] = f"*{parts[1]}*"
    parts[2] = f"[{parts[2][:-1]}](https://example.org/{rng.randint(1, 999)})."
    return " ".join(parts)


def entry_text(rng: random.Random, index: int, date: dt.datetime) -> str:
    tags = rng.sample(TAGS, rng.randint(1, 3))
    body = [paragraph(rng), f"## {sentence(rng, 4)[:-1]}", paragraph(rng), paragraph(rng)]
    body.append("\n".join(f"- {sentence(rng, 6)}" for _ in range(4)))
    body.append("> " + sentence(rng, 14))
    body.append(f"![{sentence(rng, 5)[:-1]}](../photos/photo-{index % 7}.svg)")
    body += [paragraph(rng), f"## {sentence(rng, 3)[:-1]}", paragraph(rng), paragraph(rng)]
    body.append("\n".join(f"{n}. {sentence(rng, 7)}" for n in range(1, 4)))
    body += [paragraph(rng), paragraph(rng), paragraph(rng)]
    front = [
        "---",
        f'title: "{sentence(rng, 5)[:-1]} {index}"',
        f"date: {date:%Y-%m-%d %H:%M}",
        f"author: {rng.choice(AUTHORS)}",
        f"tags: [{', '.join(tags)}]",
        f'summary: "{sentence(rng, 12)}"',
        "---",
        "",
    ]
    return "\n".join(front) + "\n\n".join(body) + "\n"


def make_corpus(folder: Path, count: int, seed: int = 7) -> Path:
    """Write a journal of `count` entries into `folder` (created) and return it."""
    rng = random.Random(seed)
    entries = folder / "content" / "entries"
    photos = folder / "content" / "photos"
    entries.mkdir(parents=True)
    photos.mkdir(parents=True)
    (folder / "journalgen.yaml").write_text(CONFIG, encoding="utf-8")
    for n in range(7):
        (photos / f"photo-{n}.svg").write_text(
            f'<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40">'
            f'<circle cx="20" cy="20" r="{10 + n}"/></svg>\n',
            encoding="utf-8",
        )
    start = dt.datetime(2016, 1, 1, 8, 0)
    for index in range(count):
        date = start + dt.timedelta(hours=7 * index)
        name = f"{date:%Y-%m-%d}-entry-{index:05d}.md"
        (entries / name).write_text(entry_text(rng, index, date), encoding="utf-8")
    return folder
