"""The Markdown engine follows the CommonMark specification: every example of the spec,
rendered as plain CommonMark (the engine without journalgen's extensions), gives exactly
the spec's HTML; rendered by the renderer entries use (tables, footnotes, strikethrough
and journalgen's own additions, the writer's HTML kept unsanitized), every example gives
the spec's HTML but for the differences listed in `ENTRY_DIFFERENCES`, each for a reason."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

import pytest

from journalgen.parsing.markdown import MarkdownRenderer

SPEC = Path(__file__).parent / "fixtures" / "commonmark" / "spec-0.31.2.json"
EXAMPLES: list[dict[str, Any]] = json.loads(SPEC.read_text(encoding="utf-8"))


ENTRY_DIFFERENCES = {
    31: "a URL with letters beyond ASCII is percent-encoded (the same address)",
    632: "a URL with letters beyond ASCII is percent-encoded (the same address)",
    79: "an empty heading is left out (a screen reader would announce it empty)",
    148: "HTML tables scroll sideways in their own named group",
    149: "HTML tables scroll sideways in their own named group",
    160: "HTML tables scroll sideways in their own named group",
    192: "HTML tables scroll sideways in their own named group",
    193: "HTML tables scroll sideways in their own named group",
    486: "a link to a file of the journal is resolved (./target.md is target.md)",
    645: "characters a URL may not hold are percent-encoded (spaces, line breaks)",
    646: "characters a URL may not hold are percent-encoded (a backslash)",
}
"""The examples whose HTML an entry's renderer makes differently from the spec, and why."""


def _as_compared(html: str) -> str:
    """What differs by design on every entry, left out: headings' ids, the named group a
    code block scrolls in, the `journalgen:` mark of links to the journal's own files, and
    the spelling of a URL (percent-encoded or not, the same address)."""
    html = html.replace("journalgen:", "")
    html = re.sub(r'<(h[2-4]) id="[^"]*">', r"<\1>", html)
    html = re.sub(r'<pre tabindex="0" role="group" aria-label="Code">', "<pre>", html)
    return re.sub(
        r'(href|src)="([^"]*)"',
        lambda m: (
            f'{m[1]}="{quote(unquote(m[2].replace("&amp;", "&")), safe="/:?#=&;@!$()*+,~.-_%")}"'
        ),
        html,
    )


def test_an_entry_renders_every_spec_example_as_the_spec_says_but_for_what_it_adds() -> None:
    renderer = MarkdownRenderer()
    different = {
        example["example"]
        for example in EXAMPLES
        if _as_compared(renderer.render(example["markdown"], "x.md", raw_html=True).html)
        != _as_compared(example["html"])
    }
    assert sorted(different) == sorted(ENTRY_DIFFERENCES)


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
