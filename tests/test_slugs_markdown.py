"""URL slugs, the Markdown features entries use, and where an entry's summary comes from."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import BASIC_CONFIG, SiteDir
from journalgen import config
from journalgen.parsing.entries import Entry, parse_entry
from journalgen.parsing.markdown import MarkdownRenderer
from journalgen.parsing.slugs import MAX_LENGTH, is_safe_slug, slugify
from journalgen.reading.sources import Source


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Round two starts Monday!", "round-two-starts-monday"),
        ("Crème brûlée", "creme-brulee"),
        ("Ça va, Zoë?", "ca-va-zoe"),
        ("Straße", "strasse"),
        ("Œuvre & Æsir", "oeuvre-and-aesir"),
        ("Łódź, Dvořák", "lodz-dvorak"),
        ("İstanbul", "istanbul"),
        ("Καλημέρα κόσμε", "καλημέρα-κόσμε"),
        ("Мой путь", "мой-путь"),  # й is a letter of its own, not и with an accent
        ("Ёлка", "ёлка"),
        ("日本語の日記", "日本語の日記"),
        ("Hello,   World!!", "hello-world"),
        ("  --Hi--  ", "hi"),
        ("C'est l'été", "c-est-l-ete"),
        ("snake_case name", "snake-case-name"),
        ("50% better?", "50-better"),
        ("party 🎉 time", "party-time"),
        ("../../etc/passwd", "etc-passwd"),
        ("a/b\\c", "a-b-c"),
        ("...", ""),
        ("🎉", ""),
    ],
)
def test_slugify(text: str, slug: str) -> None:
    assert slugify(text) == slug


def test_long_titles_are_cut_between_words() -> None:
    slug = slugify("A very long day at the hospital " * 10)
    assert len(slug) <= MAX_LENGTH
    assert slug.startswith("a-very-long-day-at-the-hospital-a-very")
    assert set(slug.split("-")) <= {"a", "very", "long", "day", "at", "the", "hospital"}
    assert not slug.endswith("-")
    assert len(slugify("x" * 200)) == MAX_LENGTH


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_any_slug_is_one_safe_path_segment(text: str) -> None:
    slug = slugify(text)
    assert "/" not in slug and "\\" not in slug and ".." not in slug
    assert not slug.startswith("-") and not slug.endswith("-") and "--" not in slug
    assert len(slug) <= MAX_LENGTH
    assert re.fullmatch(r"[\w-]*", slug)
    assert slugify(slug) == slug
    assert is_safe_slug(slug) == bool(slug)


def render(text: str) -> str:
    return MarkdownRenderer().render(text, "entries/2026-11-01-x.md").html


def test_table() -> None:
    html = render("| Week | Plan |\n|------|------|\n| 1 | Rest |\n")
    assert "<table>" in html
    assert "<th>Week</th>" in html
    assert "<td>Rest</td>" in html


def test_footnote() -> None:
    html = render("Scans on Tuesday.[^1]\n\n[^1]: At the children's hospital.\n")
    assert '<sup class="footnote-ref"><a href="#fn-1" id="fnref-1">[1]</a></sup>' in html
    assert '<li id="fn-1">\n<p>At the children' in html
    assert 'href="#fnref-1" class="footnote-backref"' in html


def test_strikethrough() -> None:
    assert "<del>flowers</del>" in render("No ~~flowers~~ please.\n")


def test_heading_anchors_are_unique_ids() -> None:
    html = render("## What you can do\n\n## Plan\n\n### Plan\n\n## Café au lait\n")
    assert '<h2 id="what-you-can-do">What you can do</h2>' in html
    assert '<h2 id="plan">Plan</h2>' in html
    assert '<h3 id="plan-1">Plan</h3>' in html
    ids = re.findall(r'id="([^"]+)"', html)
    assert len(ids) == len(set(ids)) == 4


def test_links_to_other_files_are_resolved_when_the_site_is_known() -> None:
    rendered = MarkdownRenderer().render(
        "See [the garden](2026-10-18-garden.md) and ![it](../photos/a.jpg).\n",
        "entries/2026-11-01-x.md",
    )
    assert rendered.links == ("entries/2026-10-18-garden.md", "photos/a.jpg")
    assert 'href="journalgen:entries/2026-10-18-garden.md"' in rendered.html


SETTINGS = config.parse(BASIC_CONFIG, Path("journalgen.yaml"))


def entry(front: str, body: str) -> Entry:
    text = f"---\ntitle: Test\n{front}---\n\n{body}"
    source = Source(
        Path("/site/content/entries/2026-11-01-x.md"),
        "entries/2026-11-01-x.md",
        "entry",
        text,
        hashlib.sha256(text.encode()).hexdigest(),
    )
    return parse_entry(source, SETTINGS, MarkdownRenderer())


def test_summary_from_front_matter() -> None:
    found = entry('summary: "We pack the *blue* bag."\n', "First paragraph.\n\nSecond.\n")
    assert found.summary_html == "<p>We pack the <em>blue</em> bag.</p>\n"


def test_summary_is_what_comes_before_more() -> None:
    found = entry("", "One.\n\nTwo, still summary.\n\n<!-- more -->\n\nThree, body only.\n")
    assert "One." in found.summary_html
    assert "Two, still summary." in found.summary_html
    assert "Three" not in found.summary_html
    assert "Three, body only." in found.body_html


def test_summary_is_the_first_paragraph_otherwise() -> None:
    found = entry("", "## A heading\n\nFirst paragraph.\n\nSecond paragraph.\n")
    assert found.summary_html == "<p>First paragraph.</p>\n"


def test_summary_has_no_footnote_markers_or_ids_to_clash_on_the_home_page() -> None:
    found = entry("", "## Plan\n\nIt starts.[^1]\n\n<!-- more -->\n\nMore.\n\n[^1]: A note.\n")
    assert "footnote" not in found.summary_html
    assert "id=" not in found.summary_html
    assert "It starts." in found.summary_html
    assert 'id="fnref-1"' in found.body_html and 'id="plan"' in found.body_html


def test_summaries_and_anchors_in_the_built_site(site: SiteDir) -> None:
    site.entry(
        "2026-11-01-plan.md",
        'title: "The plan"',
        "It starts Monday.\n\n<!-- more -->\n\n## Week one\n\nDetails.\n",
    )
    site.entry(
        "2026-11-02-short.md",
        'title: "Short"\nsummary: "A photo, [here](../photos/a.svg)."',
        "Long text.\n",
    )
    site.write("content/photos/a.svg", '<svg xmlns="http://www.w3.org/2000/svg"/>\n')
    site.build()
    home = site.read("index.html")
    assert "<p>It starts Monday.</p>" in home
    assert "Details." not in home
    assert '<p>A photo, <a href="/photos/a.svg">here</a>.</p>' in home
    assert "Long text." not in home
    page = site.read("2026/11/plan/index.html")
    assert '<h2 id="week-one">Week one</h2>' in page
    assert '<meta name="description" content="It starts Monday.">' in page


def test_only_two_tildes_strike_through() -> None:
    html = render("We expect 10~12 guests, ~5 kg of soup. No ~~flowers~~.\n")
    assert "10~12 guests, ~5 kg" in html and "<del>flowers</del>" in html


def test_a_summary_in_front_matter_keeps_its_bold_and_its_first_characters() -> None:
    renderer = MarkdownRenderer()
    assert renderer.render_inline("**Big news:** we moved") == "<strong>Big news:</strong> we moved"
    assert renderer.render_inline("# 1 in the ward") == "# 1 in the ward"
    assert renderer.render_inline("- a good day") == "- a good day"
    assert renderer.render_inline("2. round of chemo") == "2. round of chemo"
    assert renderer.render_inline("#hopeful") == "#hopeful"


def test_an_indented_more_marker_still_ends_the_summary() -> None:
    found = entry("", "One.\n\nTwo.\n\n  <!-- more -->\n\nThree.\n")
    assert "Two." in found.summary_html and "Three" not in found.summary_html


def test_a_footnote_mark_in_a_heading_is_not_part_of_its_id() -> None:
    html = render("## Our trip[^1]\n\nText.\n\n[^1]: In May.\n")
    assert '<h2 id="our-trip">' in html
