"""`journalgen import wordpress|blogger`: exports written for these tests (every case the
issue names: published, draft, pending, private, password-protected, scheduled and trashed
posts, menu items, attachments, approved, held and spam comments, pingbacks, captions,
galleries, embeds, unknown shortcodes, Blogger's classic backup and Takeout) brought into a
fresh journal, then built and checked as a reader would see it."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from PIL import Image

from journalgen.cli import main
from test_html_validity import vnu_jar

FIXTURES = Path(__file__).parent / "fixtures" / "imports"
WORDPRESS = FIXTURES / "wordpress.xml"
BLOGGER = FIXTURES / "blogger-backup.xml"
TAKEOUT = FIXTURES / "takeout-feed.atom"

NEVER_PUBLISHED = (
    "DRAFT TITLE", "DRAFT BODY", "PRIVATE TITLE", "PRIVATE BODY", "PROTECTED TITLE",
    "PROTECTED BODY", "PENDING TITLE", "PENDING BODY", "SCHEDULED TITLE", "SCHEDULED BODY",
    "TRASHED", "MENU ITEM", "SPAM TEXT", "PINGBACK TEXT", "Held comment", "maisie2019",
    "BLOGGER DRAFT", "TAKEOUT DRAFT", "TAKEOUT TRASHED", "TAKEOUT SPAM", "SETTINGS TEXT",
    "TEMPLATE TEXT", "SCRIPT", "PRIVATE COMMENT", "BLOGGER FUTURE", "TAKEOUT SCHEDULED",
    "TAKEOUT NO STATUS",
)  # fmt: skip


def journal(root: Path, title: str = "Team Maisie") -> Path:
    site = root / "journal"
    command = ["init", str(site), "--title", title, "--author", "Dawn"]
    command += ["--timezone", "Europe/London", "--base-url", "https://maisie.example.org/"]
    assert main(command) == 0
    for starter in (*site.glob("content/entries/*.md"), site / "content/pages/about.md"):
        starter.unlink()
    return site


def uploads(root: Path) -> Path:
    folder = root / "uploads"
    (folder / "2019/03").mkdir(parents=True)
    Image.new("RGB", (640, 480), (90, 120, 200)).save(folder / "2019/03/ward.jpg")
    Image.new("RGB", (300, 200), (90, 120, 200)).save(folder / "2019/03/ward-300x200.jpg")
    Image.new("RGB", (640, 480), (90, 160, 100)).save(folder / "Grandad garden.jpg")
    Image.new("RGB", (640, 480), (30, 160, 200)).save(folder / "sea.jpg")
    return folder


def run(site: Path, *args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main([*args, "--site", str(site)])
    out, err = capsys.readouterr()
    return code, out, err


def tree_hash(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not any(p.startswith(".") for p in path.relative_to(folder).parts):
            if path.relative_to(folder).parts[0] in ("output",):
                continue
            digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def output_text(site: Path) -> dict[str, str]:
    return {
        str(p.relative_to(site / "output")): p.read_text(encoding="utf-8", errors="replace")
        for p in (site / "output").rglob("*")
        if p.is_file() and p.suffix in (".html", ".xml", ".json", ".txt", "")
    }


class _Dangers(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "iframe", "object", "embed"):
            self.found.append(tag)
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{tag} {name}")
            if name in ("href", "src") and (value or "").strip().lower().startswith("javascript"):
                self.found.append(f"{tag} {name}={value}")


def test_a_wordpress_blog_becomes_a_journal_with_its_messages_photos_and_addresses(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = journal(tmp_path)
    code, out, err = run(
        site, "import", "wordpress", str(WORDPRESS), "--uploads", str(uploads(tmp_path)),
        capsys=capsys,
    )  # fmt: skip
    assert code == 0, err
    # The report: counts, what was held back and why, what needs a person, what to run.
    assert "7 entries, 1 pages, 2 guestbook messages (2 more waiting for approval), 1 photos" in out
    assert "protected by a password on the old blog" in out and "private on the old blog" in out
    assert "1 menu items" in out and "1 posts in the bin" in out and "1 pingbacks" in out
    assert "uploads/2019/03/swing.jpg (in entries/2019-03-11-home-for-the-weekend.md)" in out
    assert "unknown shortcode [contact-form-7]" in out
    assert "Next: journalgen build" in out
    settings = (site / "journalgen.yaml").read_text()
    assert 'dawn-fletcher:\n    name: "Dawn Fletcher"' in settings
    first = (site / "content/entries/2019-03-04-first-week.md").read_text()
    assert first.startswith('---\ntitle: "The first week on the ward"\ndate: 2019-03-04 20:15\n')
    assert 'tags: ["Hospital", "chemo"]' in first and "author: dawn-fletcher" in first
    assert 'summary: "The first block of chemo, and toast at 2am."' in first
    assert "**wonderful**" in first and "<!-- more -->" in first
    assert "[home for the weekend](2019-03-11-home-for-the-weekend.md)" in first
    assert (site / "content/photos/2019/03/ward.jpg").read_bytes() == (
        tmp_path / "uploads/2019/03/ward.jpg"
    ).read_bytes()
    weekend = (site / "content/entries/2019-03-11-home-for-the-weekend.md").read_text()
    assert "```gallery\n../photos/2019/03/ward.jpg ward\n```" in weekend
    assert "<https://www.youtube.com/watch?v=abc123>" in weekend
    scheduled = (site / "content/entries/2030-03-04-one-year-on.md").read_text()
    assert "publish_on: 2030-03-04 09:00" in scheduled
    for held in ("2019-04-01-money", "2019-04-02-family-only", "2019-04-03-guest-post"):
        assert "\ndraft: true\n" in (site / f"content/entries/{held}.md").read_text()
    # The held comment, and the comment on the private post, wait for approval.
    waiting = "\n".join(p.read_text() for p in (site / "content/guestbook/pending").glob("*"))
    assert waiting.count("name: ") == 2 and "PRIVATE COMMENT" in waiting
    assert "entry: 2019/03/first-week" in waiting

    assert main(["build", "--site", str(site), "--quiet"]) == 0
    pages = output_text(site)
    for rel, text in pages.items():
        for words in NEVER_PUBLISHED:
            assert words not in text, (words, rel)
    entry = pages["2019/03/first-week/index.html"]
    assert "Maisie started her first block of chemo on Monday." in entry
    assert "Sending all our love to Maisie." in entry and "Thank you Pat, he is!" in entry
    assert entry.index("Sending all our love") < entry.index("Thank you Pat")
    assert "<figcaption>Maisie and Geoffrey the giraffe</figcaption>" in entry
    assert re.search(r'src="/photos/2019/03/ward-\d+\.[0-9a-f]+\.(jpg|webp)"', entry)
    assert (
        "We were allowed home for two nights." in pages["2019/03/home-for-the-weekend/index.html"]
    )
    assert "Maisie is seven." in pages["about-maisie/index.html"]
    # Every old address leads to a page that exists.
    rules = [line.split() for line in pages["_redirects"].splitlines() if not line.startswith("#")]
    assert ["/2019/03/04/first-week/", "/2019/03/first-week/", "301!"] in rules
    assert ["/", "p=11", "/2019/03/first-week/", "301!"] in rules
    assert ["/", "page_id=31", "/about-maisie/", "301!"] in rules
    for rule in rules:
        assert (site / "output" / rule[-2].strip("/") / "index.html").is_file(), rule
    stub = pages["2019/03/04/first-week/index.html"]
    assert '<meta http-equiv="refresh" content="0; url=/2019/03/first-week/">' in stub
    # No redirect leads to something unpublished.
    assert "money" not in pages["_redirects"] and "p=16" not in pages["_redirects"]
    _check_html(site)
    assert main(["deploy-check", "--site", str(site)]) == 0, capsys.readouterr()


def _check_html(site: Path) -> None:
    java = shutil.which("java")
    assert java, "the Nu HTML Checker needs Java: run `make system-packages`"
    result = subprocess.run(
        [java, "-jar", str(vnu_jar()), "--errors-only", "--skip-non-html", "--format", "json",
         str(site / "output")],
        capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=300,
    )  # fmt: skip
    output = result.stderr + result.stdout
    report = json.loads(output[output.index('{"messages"') :].splitlines()[0])
    errors = [m["message"] for m in report["messages"] if m.get("type") != "info"]
    assert not errors, errors
    for path in (site / "output").rglob("*.html"):
        found = _Dangers()
        found.feed(path.read_text(encoding="utf-8"))
        assert not found.found, (path, found.found)


def test_importing_the_same_export_again_changes_nothing_and_a_later_one_adds_what_is_new(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = journal(tmp_path)
    folder = uploads(tmp_path)
    earlier = tmp_path / "earlier.xml"
    text = WORDPRESS.read_text()
    start = text.index("  <item>\n    <title><![CDATA[Home for the weekend]]>")
    end = text.index("  <item>", start + 10)
    earlier.write_text(text[:start] + text[end:])
    assert (
        run(site, "import", "wordpress", str(earlier), "--uploads", str(folder), capsys=capsys)[0]
        == 0
    )
    assert not (site / "content/entries/2019-03-11-home-for-the-weekend.md").exists()
    # The family corrects a typing mistake in an imported entry.
    first = site / "content/entries/2019-03-04-first-week.md"
    first.write_text(first.read_text().replace("More soon.", "More soon, love to all."))
    code, out, _ = run(
        site, "import", "wordpress", str(WORDPRESS), "--uploads", str(folder), capsys=capsys
    )
    assert code == 0
    assert (site / "content/entries/2019-03-11-home-for-the-weekend.md").is_file()
    assert "love to all" in first.read_text()  # never overwritten unasked
    assert "entries/2019-03-04-first-week.md exists and differs: not replaced" in out
    before = tree_hash(site)
    again = run(
        site, "import", "wordpress", str(WORDPRESS), "--uploads", str(folder), capsys=capsys
    )
    assert again[0] == 0
    assert tree_hash(site) == before
    # A message turned down is not brought back.
    pending = next((site / "content/guestbook/pending").glob("*.yaml"))
    assert main(["guestbook", "reject", pending.stem, "--site", str(site)]) == 0
    capsys.readouterr()
    before = tree_hash(site)
    assert (
        run(site, "import", "wordpress", str(WORDPRESS), "--uploads", str(folder), capsys=capsys)[0]
        == 0
    )
    assert tree_hash(site) == before


def test_blogger_backups_and_takeout_become_entries_with_their_comments(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = journal(tmp_path, "Grandad Joe")
    folder = uploads(tmp_path)
    code, out, err = run(
        site, "import", "blogger", str(BLOGGER), "--uploads", str(folder), capsys=capsys
    )
    assert code == 0, err
    assert "3 entries, 1 pages, 1 guestbook messages" in out and "1 settings records" in out
    code, out, err = run(
        site, "import", "blogger", str(TAKEOUT), "--uploads", str(folder), capsys=capsys
    )
    assert code == 0, err
    assert "1 posts soft trashed" in out and "1 comments spam" in out
    assert "posts without a status" in out
    later = (site / "content/entries/2031-07-05-later.md").read_text()
    assert "publish_on: 2031-07-05 11:00" in later and "draft" not in later
    connect = (site / "content/entries/2011-05-05-connect.md").read_text()
    assert "date: 2011-05-05 18:04" in connect  # 10:04 in California is 18:04 in London
    assert 'tags: ["surgery", "family"]' in connect
    # Dated after the backup was made: it was scheduled, whatever the backup says.
    assert (
        "publish_on: 2030-01-01 16:00"
        in (site / "content/entries/2030-01-01-future.md").read_text()
    )
    assert "![Grandad in the garden](../photos/grandad-garden.jpg)" in connect
    assert main(["build", "--site", str(site), "--quiet"]) == 0
    pages = output_text(site)
    for rel, text in pages.items():
        for words in NEVER_PUBLISHED:
            assert words not in text, (words, rel)
    entry = pages["2011/05/connect/index.html"]
    assert "Dad came through the operation." in entry and "More after the break." in entry
    assert "Lovely news, give him our love." in entry
    assert "She looks so happy!" in pages["2020/07/at-seaside/index.html"]
    assert "Joe was a carpenter" in pages["about-joe/index.html"]
    assert "0; url=/2011/05/connect/" in pages["2011/05/connect.html"]
    assert "0; url=/about-joe/" in pages["p/about-joe.html"]
    _check_html(site)


HOSTILE_POST = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Hostile</title><link>https://h.example</link><wp:wxr_version>1.2</wp:wxr_version>
<item><title><![CDATA[../../../etc/passwd]]></title>
<content:encoded><![CDATA[<script>alert("SCRIPT")</script><p onmouseover="x()">Text</p>
<img src="https://h.example/wp-content/uploads/../../../../etc/hostname" onerror="alert(1)">
<a href="javascript:alert(1)">link</a><iframe src="https://evil.example/"></iframe>]]></content:encoded>
<wp:post_id>1</wp:post_id><wp:post_date_gmt>2020-01-01 10:00:00</wp:post_date_gmt>
<wp:post_name><![CDATA[../../../etc/passwd]]></wp:post_name><wp:status>publish</wp:status>
<wp:post_type>post</wp:post_type>
<wp:comment><wp:comment_id>5</wp:comment_id>
<wp:comment_author><![CDATA[<b onclick=x()>Eve</b>]]></wp:comment_author>
<wp:comment_date_gmt>2020-01-02 10:00:00</wp:comment_date_gmt>
<wp:comment_content><![CDATA[Hi <script>alert("SCRIPT")</script>
<a href="javascript:alert(3)">x</a> <img src=x onerror=alert(4)>]]></wp:comment_content>
<wp:comment_approved>1</wp:comment_approved><wp:comment_type>comment</wp:comment_type></wp:comment>
</item>
<item><title>!!!</title><link>https://h.example/*</link><content:encoded>Star</content:encoded>
<wp:post_id>../../../../escaped</wp:post_id><wp:post_date_gmt>2020-01-03 10:00:00</wp:post_date_gmt>
<wp:post_name></wp:post_name><wp:status>publish</wp:status><wp:post_type>post</wp:post_type></item>
<item><title>Guestbook</title><link>https://h.example/guestbook/</link><content:encoded>G</content:encoded>
<wp:post_id>3</wp:post_id><wp:post_date_gmt>2020-01-04 10:00:00</wp:post_date_gmt>
<wp:post_name>guestbook</wp:post_name><wp:status>publish</wp:status><wp:post_type>post</wp:post_type></item>
<item><title>Off site</title><link>https://h.example/?go=1&amp;//evil.example/&amp;302!</link>
<content:encoded>O</content:encoded><wp:post_id>4</wp:post_id>
<wp:post_date_gmt>2020-01-05 10:00:00</wp:post_date_gmt><wp:post_name>off-site</wp:post_name>
<wp:status>publish</wp:status><wp:post_type>post</wp:post_type></item>
<item><title>Proxy</title><link>https://h.example/?go=2&amp;https://evil.example/&amp;200!</link>
<content:encoded>P</content:encoded><wp:post_id>5</wp:post_id>
<wp:post_date_gmt>2020-01-06 10:00:00</wp:post_date_gmt><wp:post_name>proxy</wp:post_name>
<wp:status>publish</wp:status><wp:post_type>post</wp:post_type></item>
</channel></rss>
"""

LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<rss version="2.0"><channel><title>&lol3;</title></channel></rss>
"""


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("laughs.xml", LAUGHS, "declares a DOCTYPE or entities"),
        ("broken.xml", HOSTILE_POST[:400], "is not readable XML"),
        ("external.xml", '<?xml version="1.0"?>\n<!DOCTYPE r SYSTEM "file:///etc/passwd">\n<r/>',
         "declares a DOCTYPE"),
        ("notwp.xml", "<rss version='2.0'><channel><title>x</title></channel></rss>",
         "not a WordPress export"),
    ],
)  # fmt: skip
def test_a_malformed_or_hostile_export_is_refused_and_the_journal_left_as_it_was(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, data: str, message: str
) -> None:
    site = journal(tmp_path)
    export = tmp_path / name
    export.write_text(data)
    before = tree_hash(site)
    code, _, err = run(site, "import", "wordpress", str(export), capsys=capsys)
    assert code == 1
    assert message in err and name in err
    assert tree_hash(site) == before


def test_a_huge_export_is_refused_before_it_is_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from journalgen.importing import exportfile

    site = journal(tmp_path)
    monkeypatch.setattr(exportfile, "MAX_BYTES", 1000)
    before = tree_hash(site)
    code, _, err = run(site, "import", "wordpress", str(WORDPRESS), capsys=capsys)
    assert code == 1 and "journalgen reads exports up to" in err
    assert tree_hash(site) == before


def test_scripts_and_path_tricks_in_an_export_are_neutralised(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = journal(tmp_path)
    export = tmp_path / "hostile.xml"
    export.write_text(HOSTILE_POST)
    folder = uploads(tmp_path)
    code, said, err = run(
        site, "import", "wordpress", str(export), "--uploads", str(folder), capsys=capsys
    )
    assert code == 0, err
    written = sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file())
    assert "content/entries/2020-01-01-etc-passwd.md" in written
    assert all(".." not in p and not p.startswith("etc") for p in written)
    assert not (tmp_path / "etc").exists() and not (tmp_path / "escaped.md").exists()
    assert "content/entries/2020-01-03-post-escaped.md" in written
    redirects = (site / "content/redirects.yaml").read_text()
    assert "*" not in redirects and '"/guestbook/"' in redirects
    assert main(["build", "--site", str(site), "--quiet"]) == 0
    page = (site / "output/2020/01/etc-passwd/index.html").read_text()
    assert "SCRIPT" not in page and "Text" in page and "Hi" in page
    # An old address that is one of the journal's own is left to the journal.
    sources = [line.split()[0] for line in (site / "output/_redirects").read_text().splitlines()]
    assert "/guestbook/" not in sources and "/guestbook" not in sources and "/*" not in sources
    # An old address that Netlify would read as a rule sending readers elsewhere (or
    # showing another site at the journal's address) is never written; Netlify's own
    # parser reads every rule as a redirect to a page of the journal.
    assert "evil.example" not in (site / "content/redirects.yaml").read_text()
    assert "evil.example" not in (site / "output/_redirects").read_text()
    assert "'/?go=1&//evil.example/&302!' (journalgen cannot redirect it)" in said
    if shutil.which("node"):
        from conftest import netlify_reads, off_site_rules

        rules = netlify_reads([site / "output/_redirects"])
        assert len(rules[str(site / "output/_redirects")]["redirects"]) >= 4
        assert off_site_rules([site / "output/_redirects"]) == []
    assert "Leave a message" in (site / "output/guestbook/index.html").read_text()
    _check_html(site)


@pytest.mark.parametrize(
    "old",
    ["/?go=1&//evil.example/&302!", "/?a=1&https://evil.example/&200!", "//evil.example/x",
     "/x?y=1", "/?p=1&:splat", "/a\tb", "/a\ufeff//evil.example/x\ufeff302",
     "/a\u00a0https://evil.example/\u3000200!"],
)  # fmt: skip
def test_a_hand_written_redirect_that_would_leave_the_journal_is_an_error_naming_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], old: str
) -> None:
    site = journal(tmp_path)
    (site / "content/entries/2020-01-01-x.md").write_text('---\ntitle: "X"\n---\n\nX.\n')
    (site / "content/redirects.yaml").write_text(
        f'"/2019/old/": "entries/2020-01-01-x.md"\n{json.dumps(old)}: "entries/2020-01-01-x.md"\n'
    )
    code, _, err = run(site, "build", capsys=capsys)
    assert code == 1
    assert "redirects.yaml:2" in err and "An address that leads to another website" in err
    assert not (site / "output").exists()


def test_what_wordpress_exports_get_wrong_is_brought_in_and_builds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A page WordPress scheduled (`future`), a photo given from the blog's root that is
    not in --uploads (inside a [caption] too), and two posts with the same id: every post
    arrives, the first build succeeds, and the photos lead to the old blog."""
    site = journal(tmp_path)
    code, said, err = run(
        site, "import", "wordpress", str(FIXTURES / "wordpress-mistakes.xml"), capsys=capsys
    )
    assert code == 0, err
    entries = sorted(p.name for p in (site / "content/entries").glob("*.md"))
    assert entries == ["2019-03-01-ward.md", "2019-03-02-ward-again.md"]
    assert "2 entries, 1 pages" in said
    assert "/?p=7 for 'Ward again': another post of the export has the same id" in said
    page = (site / "content/pages/coming-soon.md").read_text()
    assert "draft: true" in page and "publish_on" not in page
    assert "pages/coming-soon.md: a page scheduled on the old blog" in said
    ward = (site / "content/entries/2019-03-01-ward.md").read_text()
    assert "(https://old.example/wp-content/uploads/2019/03/gone.jpg)" in ward
    assert "(https://old.example/wp-content/uploads/2019/03/gone2.jpg)" in ward
    assert "photo not found in --uploads: /wp-content/uploads/2019/03/gone.jpg" in said
    assert main(["build", "--site", str(site), "--quiet"]) == 0
    assert (site / "output/2019/03/ward-again/index.html").is_file()
    assert "/wp-content/" not in (site / "output/2019/03/ward/index.html").read_text().replace(
        "https://old.example/wp-content/", ""
    )
