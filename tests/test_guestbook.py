"""The guestbook as readers and the family see it: messages under entries and on the
guestbook page, counts in listings, the form Netlify needs, and clear errors for broken
message files."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from conftest import BASIC_CONFIG, SiteDir
from journalgen.errors import JournalError
from journalgen.structure import guestbook

GUESTBOOK = "content/guestbook"


def message(
    site: SiteDir,
    name: str,
    text: str,
    *,
    entry: str | None = None,
    date: str = "2026-11-21 10:00",
    location: str | None = None,
    folder: str = GUESTBOOK,
) -> Path:
    """Write one YAML message file (values quoted by json, which YAML reads)."""
    import json

    lines = [f"name: {json.dumps(name, ensure_ascii=False)}", f"date: {date}"]
    if entry is not None:
        lines.append(f"entry: {entry}")
    if location is not None:
        lines.append(f"location: {json.dumps(location, ensure_ascii=False)}")
    lines.append(f"message: {json.dumps(text, ensure_ascii=False)}")
    stem = re.sub(r"[^a-z0-9]+", "-", f"{date[:10]} {name}".lower()).strip("-") or "message"
    return site.write(f"{folder}/{stem}.yaml", "\n".join(lines) + "\n")


def journal(site: SiteDir, config_extra: str = "") -> SiteDir:
    site.write("journalgen.yaml", BASIC_CONFIG + config_extra)
    site.entry("2026-11-01-news.md", 'title: "The news"')
    site.entry("2026-11-10-halfway.md", 'title: "Halfway"\ntags: [scans]')
    site.entry("2026-11-20-quiet.md", 'title: "A quiet day"\ncomments: closed')
    return site


class Page(HTMLParser):
    """Elements of a built page: tags with attributes, and the text of the page."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text_parts: list[str] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text_parts.append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.text_parts).split())

    def find(self, tag: str, **wanted: str) -> list[dict[str, str | None]]:
        return [
            attrs
            for name, attrs in self.tags
            if name == tag and all(attrs.get(k.replace("_", "-")) == v for k, v in wanted.items())
        ]


def page(site: SiteDir, rel: str) -> Page:
    return Page(site.read(rel))


# --- Messages on the pages ---------------------------------------------------------------


def test_entry_page_ends_with_its_messages_and_the_form(site: SiteDir) -> None:
    journal(site)
    message(site, "Ruth", "Thinking of you all.", entry="halfway", date="2026-11-11 09:00")
    message(site, "Sam", "Brilliant news!", entry="halfway", date="2026-11-12 09:00")
    message(site, "Elsewhere", "For the news.", entry="news")
    report = site.build()
    assert report.warnings == ()
    built = site.read("2026/11/halfway/index.html")
    found = Page(built)
    assert "2 messages from friends" in found.text
    assert "Leave a message for the family" in found.text
    # Oldest first under the entry, as a conversation reads; only this entry's messages.
    assert found.text.index("Thinking of you all.") < found.text.index("Brilliant news!")
    assert "For the news." not in found.text
    assert built.index("Brilliant news!") > built.index('<article class="entry')
    assert "1 message from friends" in page(site, "2026/11/news/index.html").text


def test_closed_entry_shows_its_messages_but_no_form(site: SiteDir) -> None:
    journal(site)
    message(site, "Ruth", "An old message.", entry="quiet")
    site.build()
    found = page(site, "2026/11/quiet/index.html")
    assert "Messages are closed for this entry." in found.text
    assert "An old message." in found.text
    assert not found.find("form")
    assert "Leave a message for the family" not in found.text


def test_home_and_archive_listings_show_message_counts(site: SiteDir) -> None:
    journal(site)
    for day in ("11", "12", "13"):
        message(site, f"Friend {day}", "Hello.", entry="halfway", date=f"2026-11-{day} 10:00")
    message(site, "Nan", "Hello.", entry="news")
    site.build()
    home = page(site, "index.html").text  # page_size 2: A quiet day, Halfway
    assert "3 messages" in home
    assert "1 message" in page(site, "page/2/index.html").text  # The news
    month = site.read("2026/11/index.html")
    assert re.search(r'href="/2026/11/halfway/#gb-messages">3 messages<', month)
    assert re.search(r'href="/2026/11/news/#gb-messages">1 message<', month)
    tag = site.read("tags/scans/index.html")
    assert "3 messages" in tag
    assert "0 messages" not in site.read("2026/11/quiet/index.html")


def test_guestbook_page_lists_all_messages_newest_first_paginated(site: SiteDir) -> None:
    journal(site, "guestbook:\n  page_size: 2\n")
    message(site, "First", "One.", entry="news", date="2026-11-02 10:00")
    message(site, "Second", "Two.", date="2026-11-03 10:00")
    message(site, "Third", "Three.", entry="halfway", date="2026-11-11 10:00")
    message(site, "Fourth", "Four.", entry="halfway", date="2026-11-12 10:00")
    message(site, "Fifth", "Five.", entry="quiet", date="2026-11-21 10:00")
    site.build()
    pages = ["guestbook/index.html", "guestbook/page/2/index.html", "guestbook/page/3/index.html"]
    texts = [page(site, rel).text for rel in pages]
    order = ["Five.", "Four.", "Three.", "Two.", "One."]
    joined = " | ".join(texts)
    assert [joined.index(word) for word in order] == sorted(joined.index(w) for w in order)
    assert "Five." in texts[0] and "Four." in texts[0] and "Three." not in texts[0]
    assert "One." in texts[2]
    first = site.read(pages[0])
    # Each message links to the entry it answers; the form is on the first page only.
    assert re.search(r'href="/2026/11/quiet/#message-[^"]+">About “A quiet day”<', first)
    assert re.search(r'href="/2026/11/halfway/#message-[^"]+">About “Halfway”<', first)
    assert Page(first).find("form", data_netlify="true")
    assert not Page(site.read(pages[1])).find("form")
    assert 'rel="next"' in first and "Page 1 of 3" in texts[0]
    # A message about no entry has no link.
    second = re.search(
        r'<li class="gb-message" id="message-[^"]*second">.*?</li>', site.read(pages[1]), re.DOTALL
    )
    assert second is not None and "Two." in second.group(0) and "About" not in second.group(0)


def test_guestbook_page_exists_with_no_messages(site: SiteDir) -> None:
    journal(site)
    site.build()
    found = page(site, "guestbook/index.html")
    assert "No messages yet." in found.text
    assert found.find("form", data_netlify="true")
    assert "Thank you for your message" in page(site, "guestbook/thanks/index.html").text


def test_guestbook_text_never_goes_into_a_feed(site: SiteDir) -> None:
    journal(site)
    message(site, "FEEDNAME", "FEEDMARKER text.", entry="halfway", location="FEEDPLACE")
    site.build()
    assert "FEEDMARKER" in site.read("2026/11/halfway/index.html")
    for rel, data in site.output_files().items():
        if rel.endswith(".xml"):
            for marker in (b"FEEDMARKER", b"FEEDNAME", b"FEEDPLACE"):
                assert marker not in data, f"{rel} contains {marker!r}"


def test_pending_and_rejected_messages_are_never_published(site: SiteDir) -> None:
    journal(site)
    message(site, "SECRETNAME", "SECRETTEXT", entry="halfway", folder=f"{GUESTBOOK}/pending")
    message(site, "NOPENAME", "NOPETEXT", entry="halfway", folder=f"{GUESTBOOK}/rejected")
    # A broken pending file does not break the build either: nobody approved it yet.
    site.write(f"{GUESTBOOK}/pending/broken.yaml", "name: [\n")
    site.write(f"{GUESTBOOK}/README.md", "# How we keep messages\n")
    site.write(f"{GUESTBOOK}/notes.txt", "not a message\n")
    site.build()
    for rel, data in site.output_files().items():
        assert "guestbook/pending" not in rel and "guestbook/rejected" not in rel
        assert not rel.endswith((".yaml", "notes.txt")), rel
        for marker in (b"SECRETNAME", b"SECRETTEXT", b"NOPENAME", b"NOPETEXT"):
            assert marker not in data, f"{rel} contains {marker!r}"


def test_markdown_message_files_work_like_yaml_ones(site: SiteDir) -> None:
    journal(site)
    site.write(
        f"{GUESTBOOK}/from-nan.md",
        "---\nname: Nan\ndate: 2026-11-12\nentry: halfway\nlocation: Cork\n---\n\n"
        "First paragraph, *with feeling*.\nA new line.\n\nSecond paragraph.\n",
    )
    site.build()
    built = site.read("2026/11/halfway/index.html")
    assert '<p dir="auto">First paragraph, <em>with feeling</em>.<br>\nA new line.</p>' in built
    assert '<p dir="auto">Second paragraph.</p>' in built
    assert '<bdi class="gb-location">Cork</bdi>' in built


def test_an_entry_given_by_its_path_picks_one_of_two_entries_with_one_slug(
    site: SiteDir,
) -> None:
    journal(site)
    site.entry("2026-10-05-news.md", 'title: "Older news"')
    message(site, "Both", "Which one?", entry="news")
    message(site, "Precise", "This one.", entry="2026/10/news")
    report = site.build()
    assert len(report.warnings) == 1
    assert "matches several entries" in report.warnings[0].message
    assert report.warnings[0].path is not None and report.warnings[0].path.name.endswith(
        "both.yaml"
    )
    assert "This one." in site.read("2026/10/news/index.html")
    assert "Which one?" not in site.read("2026/10/news/index.html")
    assert "Which one?" in site.read("guestbook/index.html")


def test_unknown_entry_is_a_warning_naming_the_file(site: SiteDir) -> None:
    journal(site)
    path = message(site, "Ruth", "Lost message.", entry="no-such-entry")
    report = site.build()
    assert [w.path for w in report.warnings] == [path]
    assert "no-such-entry" in report.warnings[0].message
    assert "Lost message." in site.read("guestbook/index.html")


def test_a_message_for_a_draft_waits_with_it_without_a_warning(site: SiteDir) -> None:
    """A message speaks of the entry it answers (an imported blog's comments on a private
    post, say): while that entry is a draft, the message is shown nowhere."""
    journal(site)
    draft = site.entry("2026-11-21-later.md", 'title: "Later"\ndraft: true')
    message(site, "Early bird", "For the draft.", entry="later")
    report = site.build()
    assert report.warnings == ()
    assert not (site.out / "2026/11/later").exists()
    shown = [p for p in site.out.rglob("*") if p.is_file() and b"For the draft." in p.read_bytes()]
    assert shown == []
    site.build(drafts=True)  # a preview shows it with its entry
    assert "For the draft." in site.read("2026/11/later/index.html")
    draft.write_text(draft.read_text(encoding="utf-8").replace("draft: true", "draft: false"))
    site.build()
    assert "For the draft." in site.read("guestbook/index.html")
    assert "For the draft." in site.read("2026/11/later/index.html")


def test_a_page_cannot_take_the_guestbook_address(site: SiteDir) -> None:
    journal(site)
    site.page("guestbook.md", 'title: "Guestbook"')
    with pytest.raises(JournalError, match="journalgen's own page at /guestbook/"):
        site.build()


# --- What strangers may write ------------------------------------------------------------


def test_names_and_fields_are_text_never_templates(site: SiteDir) -> None:
    journal(site)
    message(
        site,
        "{{ 7*7 }} <b>Bold</b> & Co",
        "{{ config.title }} {% if true %}x{% endif %} ${HOME}",
        entry="halfway",
        location="{{ site }}",
    )
    site.build()
    built = site.read("2026/11/halfway/index.html")
    assert "{{ 7*7 }} &lt;b&gt;Bold&lt;/b&gt; &amp; Co" in built
    assert "{{ config.title }} {% if true %}x{% endif %} ${HOME}" in built
    assert '<bdi class="gb-location">{{ site }}</bdi>' in built
    assert ">49<" not in built and "Test journal x" not in built


def test_right_to_left_and_other_scripts_read_correctly(site: SiteDir) -> None:
    journal(site)
    message(site, "سميرة", "نفكر فيكم دائماً", entry="halfway", location="الرباط")
    message(site, "王芳", "祝早日康复 🌻💛", entry="halfway", date="2026-11-22 09:00")
    site.build()
    built = site.read("2026/11/halfway/index.html")
    assert '<p dir="auto">نفكر فيكم دائماً</p>' in built
    assert '<bdi class="gb-name">سميرة</bdi>' in built
    assert '<bdi class="gb-location">الرباط</bdi>' in built
    assert "祝早日康复 🌻💛" in built
    assert 'class="gb-text" dir="auto"' in built


def test_links_are_nofollow_and_only_web_and_mail_addresses_survive(site: SiteDir) -> None:
    journal(site)
    message(
        site,
        "Linker",
        "[site](https://example.org/a?b=1&c=2) [mail](mailto:nan@example.org) "
        "[rel](/about/) [proto](//evil.example/) [ftp](ftp://example.org/x) "
        "<https://auto.example.org/> ![pic](https://tracker.example/p.png)",
        entry="halfway",
    )
    site.build()
    found = Page(site.read("2026/11/halfway/index.html"))
    in_messages = [
        attrs["href"] for attrs in found.find("a") if attrs.get("rel") == "nofollow ugc noopener"
    ]
    assert in_messages == [
        "https://example.org/a?b=1&c=2",
        "mailto:nan@example.org",
        "https://auto.example.org/",
        "https://tracker.example/p.png",
    ]
    assert not found.find("img")
    assert "[rel](/about/)" in found.text and "[proto](//evil.example/)" in found.text


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Hi\x07there", "U+0007"),
        ("Hi\x1b[31mthere", "U+001B"),
        ("Hi\u0085there", "U+0085"),
        ("Hi\ufffethere", "U+FFFE"),
    ],
)
def test_control_characters_are_an_error_naming_file_and_line(
    site: SiteDir, text: str, found: str
) -> None:
    journal(site)
    path = site.write(
        f"{GUESTBOOK}/ctrl.md",
        f"---\nname: Bot\ndate: 2026-11-12\n---\n\nFirst line.\n\n{text}\n",
    )
    with pytest.raises(JournalError) as caught:
        site.build()
    problem = caught.value.problems[0]
    assert problem.path == path and problem.line == 8
    assert found in problem.message and "control character" in problem.message


def test_a_one_megabyte_message_is_refused_naming_the_file(site: SiteDir) -> None:
    journal(site)
    site.build()
    before = site.output_files()
    path = message(site, "Flood", "x" * (1024 * 1024), entry="halfway")
    with pytest.raises(JournalError) as caught:
        site.build()
    problem = caught.value.problems[0]
    assert problem.path == path
    assert "64 KB" in problem.message and "1024 KB" in problem.message
    assert site.output_files() == before  # the published site is untouched


def test_a_message_longer_than_the_form_allows_is_refused(site: SiteDir) -> None:
    journal(site)
    path = message(site, "Long", "word " * 2500, entry="halfway")
    with pytest.raises(JournalError) as caught:
        site.build()
    assert caught.value.problems[0].path == path
    assert "10,000" in caught.value.problems[0].message
    # The form's text box stops at the same length.
    template = (
        Path(guestbook.__file__).parents[1] / "theme" / "templates" / "_guestbook_macros.html"
    ).read_text(encoding="utf-8")
    assert f'maxlength="{guestbook.MAX_MESSAGE_CHARS}"' in template
    assert f'maxlength="{guestbook.MAX_NAME_CHARS}"' in template


@pytest.mark.parametrize(
    ("name", "text", "line", "pattern"),
    [
        (
            "unknown.yaml",
            "name: A\ndate: 2026-11-12\nmesage: Hi\n",
            3,
            "unknown message key `mesage`",
        ),
        ("type.yaml", "name: [A, B]\ndate: 2026-11-12\nmessage: Hi\n", 1, "`name`: expected text"),
        ("date.yaml", "name: A\ndate: someday\nmessage: Hi\n", 2, "`date`: not a date"),
        ("nodate.yaml", "name: A\nmessage: Hi\n", None, "no date"),
        ("noname.yaml", "date: 2026-11-12\nmessage: Hi\n", None, "`name` is missing"),
        ("empty.yaml", "name: A\ndate: 2026-11-12\nmessage: '   '\n", None, "message is empty"),
        ("list.yaml", "name: A\ndate: 2026-11-12\nmessage: [a]\n", 3, "expected text"),
        ("yaml.yaml", "name: A\ndate: 2026-11-12\nmessage: 'unclosed\n", None, "invalid YAML"),
        ("front.md", "name: A\n", 1, "does not start with front matter"),
        ("both.md", "---\nname: A\ndate: 2026-11-12\nmessage: x\n---\nHi\n", 4, "unknown"),
        ("blank.md", "---\nname: A\ndate: 2026-11-12\n---\n\n", 6, "message is empty"),
        ("long-name.yaml", f"name: {'n' * 101}\ndate: 2026-11-12\nmessage: Hi\n", 1, "at most 100"),
    ],
)
def test_broken_message_files_are_errors_naming_file_and_line(
    site: SiteDir, name: str, text: str, line: int | None, pattern: str
) -> None:
    journal(site)
    path = site.write(f"{GUESTBOOK}/{name}", text)
    with pytest.raises(JournalError) as caught:
        site.build()
    problem = caught.value.problems[0]
    assert problem.path == path
    assert re.search(pattern, problem.message), problem.message
    if line is not None:
        assert problem.line == line


def test_every_broken_message_is_reported_at_once(site: SiteDir) -> None:
    journal(site)
    site.write(f"{GUESTBOOK}/a.yaml", "name: A\n")
    site.write(f"{GUESTBOOK}/b.yaml", "date: 2026-11-12\n")
    with pytest.raises(JournalError) as caught:
        site.build()
    assert {p.path.name for p in caught.value.problems if p.path} == {"a.yaml", "b.yaml"}


def test_two_message_files_with_one_name_are_an_error(site: SiteDir) -> None:
    journal(site)
    message(site, "Ruth", "One.")
    message(site, "Ruth", "Two.", folder=f"{GUESTBOOK}/2026")
    with pytest.raises(JournalError, match="same file name"):
        site.build()


# --- The form ----------------------------------------------------------------------------


class Forms(HTMLParser):
    """Every <form> with its fields, the labels, and which fields sit in hidden elements."""

    VOID = frozenset({"input", "br", "img", "meta", "link", "hr"})

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict[str, object]] = []
        self.labels_for: set[str] = set()
        self._stack: list[tuple[str, dict[str, str | None]]] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "form":
            self.forms.append({"attrs": found, "fields": [], "divs": []})
        elif self.forms and tag in ("input", "textarea", "select", "button"):
            hidden = any("hidden" in a for _, a in self._stack)
            wrapped = any(t == "label" for t, _ in self._stack)
            fields = self.forms[-1]["fields"]
            assert isinstance(fields, list)
            fields.append((tag, found, hidden, wrapped))
        elif self.forms and tag == "div":
            divs = self.forms[-1]["divs"]
            assert isinstance(divs, list)
            divs.append(found)
        if tag == "label" and found.get("for"):
            self.labels_for.add(str(found["for"]))
        if tag not in self.VOID:
            self._stack.append((tag, found))

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self._stack) - 1, -1, -1):
            if self._stack[index][0] == tag:
                del self._stack[index:]
                break


def netlify_form(
    text: str,
) -> tuple[dict[str, str | None], list[tuple[str, dict[str, str | None], bool, bool]], Forms]:
    parsed = Forms(text)
    forms = [
        f for f in parsed.forms if isinstance(f["attrs"], dict) and "data-netlify" in f["attrs"]
    ]
    assert len(forms) == 1, "expected exactly one Netlify form"
    attrs = forms[0]["attrs"]
    fields = forms[0]["fields"]
    assert isinstance(attrs, dict) and isinstance(fields, list)
    return attrs, fields, parsed


def check_netlify_form(text: str, *, action: str, entry: str, form_name: str = "guestbook") -> None:
    """Everything Netlify's form detection and a reader without JavaScript need."""
    attrs, fields, parsed = netlify_form(text)
    assert attrs["data-netlify"] == "true"
    assert attrs["name"] == form_name
    assert str(attrs["method"]).upper() == "POST"
    assert attrs["action"] == action
    by_name = {f[1].get("name"): f for f in fields}
    # The hidden form-name field Netlify needs for forms in static HTML.
    tag, field, _, _ = by_name["form-name"]
    assert tag == "input" and field["type"] == "hidden" and field["value"] == form_name
    tag, field, _, _ = by_name["entry"]
    assert field["type"] == "hidden" and field["value"] == entry
    # The honeypot: named by the form, present, and hidden from people.
    honeypot = attrs["data-netlify-honeypot"]
    assert honeypot and honeypot in by_name
    assert by_name[honeypot][2], "the honeypot field must be inside a hidden element"
    # Every field a person fills in has a label; the essential ones are required.
    for tag, field, hidden, wrapped in fields:
        if field.get("type") in ("hidden", "submit") or tag == "button" or hidden:
            continue
        assert wrapped or field.get("id") in parsed.labels_for, f"{field} has no label"
    assert "required" in by_name["name"][1] and "required" in by_name["message"][1]
    assert by_name["message"][0] == "textarea"
    assert any(f[0] == "button" and f[1].get("type") == "submit" for f in fields)
    assert "<script" not in text.lower()


def test_built_form_has_everything_netlify_needs(site: SiteDir) -> None:
    journal(site)
    site.build()
    check_netlify_form(
        site.read("2026/11/halfway/index.html"), action="/guestbook/thanks/", entry="halfway"
    )
    check_netlify_form(site.read("guestbook/index.html"), action="/guestbook/thanks/", entry="")
    assert (site.out / "guestbook/thanks/index.html").is_file()
    attrs, _, _ = netlify_form(site.read("guestbook/index.html"))
    assert "data-netlify-recaptcha" not in attrs


def test_form_under_a_base_path_with_recaptcha_and_its_own_name(site: SiteDir) -> None:
    config = BASIC_CONFIG.replace("https://journal.example.org/", "https://example.org/lea/")
    site.write(
        "journalgen.yaml",
        config + "guestbook:\n  recaptcha: true\n  form_name: lea-guestbook\n",
    )
    site.entry("2026-11-10-halfway.md", 'title: "Halfway"')
    site.build()
    text = site.read("2026/11/halfway/index.html")
    check_netlify_form(
        text, action="/lea/guestbook/thanks/", entry="halfway", form_name="lea-guestbook"
    )
    attrs, _, parsed = netlify_form(text)
    assert attrs["data-netlify-recaptcha"] == "true"
    divs = parsed.forms[0]["divs"]
    assert isinstance(divs, list) and {"data-netlify-recaptcha": "true"} in divs


def test_every_page_uses_one_form_with_the_same_fields(site: SiteDir) -> None:
    """Netlify keeps one form per name: every copy must have the same fields (the
    subscribe page's follow form is another form, with another name)."""
    journal(site)
    site.build()
    shapes: dict[str, set[tuple[str, ...]]] = {}
    for rel, data in site.output_files().items():
        if rel.endswith(".html") and b"data-netlify" in data and not rel.startswith("subscribe/"):
            attrs, fields, _ = netlify_form(data.decode())
            names = tuple(sorted(str(f[1].get("name")) for f in fields))
            shapes.setdefault(str(attrs["name"]), set()).add(names)
    assert list(shapes) == ["guestbook"], shapes
    assert len(shapes["guestbook"]) == 1, shapes


def test_email_provider_gives_a_prefilled_mailto_link(site: SiteDir) -> None:
    journal(site, "guestbook:\n  provider: email\n  email: family@example.org\n")
    message(site, "Ruth", "Still shown.", entry="halfway")
    site.build()
    found = Page(site.read("2026/11/halfway/index.html"))
    assert not found.find("form")
    assert "Still shown." in found.text
    links = [a["href"] for a in found.find("a") if str(a.get("href")).startswith("mailto:")]
    link = next(href for href in links if "family@example.org" in str(href))
    parts = urlsplit(str(link))
    assert parts.path == "family@example.org"
    query = parse_qs(parts.query)
    assert query["subject"] == ["A message about “Halfway”"]
    assert "https://journal.example.org/2026/11/halfway/" in query["body"][0]
    assert "\r\n" in query["body"][0]
    assert not (site.out / "guestbook/thanks").exists()
    general = Page(site.read("guestbook/index.html")).find("a")
    link = next(str(a["href"]) for a in general if str(a.get("href")).startswith("mailto:"))
    assert parse_qs(urlsplit(link).query)["subject"] == ["A message for the family"]


def test_no_provider_shows_messages_but_no_way_to_write(site: SiteDir) -> None:
    journal(site, "guestbook:\n  provider: none\n")
    message(site, "Ruth", "Still shown.", entry="halfway")
    site.build()
    for rel in ("2026/11/halfway/index.html", "guestbook/index.html", "2026/11/quiet/index.html"):
        found = Page(site.read(rel))
        assert not found.find("form")
        assert "Leave a message" not in found.text
        assert "Messages are closed" not in found.text
    assert "Still shown." in page(site, "2026/11/halfway/index.html").text
    assert not (site.out / "guestbook/thanks").exists()


def test_the_guestbook_speaks_the_site_language(site: SiteDir) -> None:
    journal(site)
    site.write("journalgen.yaml", BASIC_CONFIG.replace("language: en", "language: fr"))
    message(site, "Ruth", "Bravo.", entry="halfway")
    site.build()
    text = page(site, "2026/11/halfway/index.html").text
    assert "1 message d’un proche" in text
    assert "Laisser un message à la famille" in text
    assert "Votre message" in text
    assert "Livre d’or" in page(site, "guestbook/index.html").text


# --- Settings ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("group", "offset", "pattern"),
    [
        ("guestbook:\n  provider: carrier-pigeon\n", 2, "must be one of netlify, email, none"),
        ("guestbook:\n  page_size: 10\n  colour: red\n", 3, "unknown guestbook key `colour`"),
        ("guestbook:\n  provider: email\n", 2, "needs the address"),
        ("guestbook:\n  provider: email\n  email: not-an-address\n", 3, "not an email"),
        ("guestbook:\n  provider: none\n  recaptcha: true\n", 3, "reCAPTCHA"),
        ("guestbook:\n  page_size: 0\n", 2, "at least 1"),
        ("guestbook:\n  recaptcha: yes please\n", 2, "true or false"),
        ("guestbook:\n  form_name: my form\n", 2, "letters, digits"),
        ("guestbook: netlify\n", 1, "expected a group"),
    ],
)
def test_guestbook_settings_are_checked_with_their_line(
    site: SiteDir, group: str, offset: int, pattern: str
) -> None:
    """`offset` is the line of the faulty key counted from the `guestbook:` line (1)."""
    site.write("journalgen.yaml", BASIC_CONFIG + group)
    line = BASIC_CONFIG.count("\n") + offset
    with pytest.raises(JournalError) as caught:
        site.build()
    problem = caught.value.problems[0]
    assert problem.path == site.root / "journalgen.yaml"
    assert re.search(pattern, problem.message), problem.message
    assert problem.line == line


def test_sanitize_keeps_only_the_allowed_tags() -> None:
    dirty = (
        '<p onclick="x()">a <b>b</b> <em>c</em> <a href="javascript:alert(1)">d</a> '
        '<a href="https://e.org" target="_blank" title="t">e</a><script>bad()</script>'
        '<img src=x onerror=alert(1)><iframe src="https://e.org"></iframe></p>'
    )
    assert guestbook.sanitize(dirty) == (
        '<p dir="auto">a b <em>c</em> <a rel="nofollow ugc noopener">d</a> '
        '<a href="https://e.org" rel="nofollow ugc noopener">e</a></p>'
    )
