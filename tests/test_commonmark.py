"""The Markdown engine follows the CommonMark specification: every example of the spec,
rendered as plain CommonMark (the engine without journalgen's extensions), gives exactly
the spec's HTML. Entries then add tables, footnotes, strikethrough and journalgen's own
additions (tests/test_slugs_markdown.py, tests/test_golden.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from journalgen.markdown import MarkdownRenderer

SPEC = Path(__file__).parent / "fixtures" / "commonmark" / "spec-0.31.2.json"
EXAMPLES: list[dict[str, Any]] = json.loads(SPEC.read_text(encoding="utf-8"))


def test_the_spec_file_is_whole() -> None:
    assert len(EXAMPLES) == 655
    assert [example["example"] for example in EXAMPLES] == list(range(1, 656))


@pytest.mark.parametrize(
    "example", EXAMPLES, ids=[f"{e['example']}-{e['section']}" for e in EXAMPLES]
)
def test_spec_example(example: dict[str, Any]) -> None:
    assert MarkdownRenderer.commonmark(example["markdown"]) == example["html"]


def test_an_entry_differs_from_plain_commonmark_only_by_its_additions() -> None:
    """A paragraph, a list and a quote come out of an entry as the spec says (sanitized),
    with no trace of the engine's source positions."""
    text = "Cooper *slept*.\n\n- soup\n- toast\n\n> Thank you.\n"
    rendered = MarkdownRenderer().render(text, "entries/2026-11-01-x.md")
    assert rendered.html == MarkdownRenderer.commonmark(text)
    assert "data-sourcepos" not in rendered.html
