"""`journalgen serve` shows an edited entry's page first (earlypage.py), before the rest of
the rebuild: that page must be byte for byte the page the whole build then makes, and an
edit that reaches further waits for the whole build. The book is made only when it is
asked for."""

from __future__ import annotations

import io
import tempfile
import threading
import urllib.error
import urllib.request
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from journalgen.build import BuildOptions, build
from journalgen.output.outputs import Output
from journalgen.preview.changes import Batch
from journalgen.preview.devserver import BuildState, HostCheck, ServerConfig, make_server
from journalgen.preview.live import Rebuilder, preview_dir
from journalgen.structure.site import Selection
from livehelpers import ENTRY_URL, atomic_write, make_site

NAME = "content/entries/2026-11-20-hair.md"
BATCH = Batch((NAME,), frozenset({"content"}))
BODY_WORDS = st.text(
    alphabet=st.sampled_from([*"abc xyz*_`#>-[]()!.\n<&\"'", "é", "ü", "\u00a0"]),
    max_size=120,
)


def entry(title: str, body: str, date: str = "2026-11-20 18:30", tags: str = "home") -> str:
    return f'---\ntitle: "{title}"\ndate: {date}\ntags: [{tags}]\n---\n\nFirst.\n\n{body}\n'


class Watching(Rebuilder):
    """A Rebuilder whose early pages are recorded."""

    def __init__(self, site: Path, state: BuildState) -> None:
        options = BuildOptions(site, preview_dir(site), Selection(drafts=True, future=True), True)
        super().__init__(options, state, out=io.StringIO())
        self.early: list[bytes] = []

    def _early_page(self, batch: Batch | None) -> Output | None:
        made = super()._early_page(batch)
        self.early.append(b"" if made is None else made.data)
        return made


def bump(build_id: str) -> str:
    instance, _, number = build_id.rpartition("-")
    return f"{instance}-{int(number) + 1}"


def journal(tmp_path: Path) -> tuple[Path, Watching, BuildState]:
    site = make_site(tmp_path / "journal")
    atomic_write(site / "content/entries/2026-11-19-before.md", entry("Before", "B.", "2026-11-19"))
    atomic_write(site / "content/entries/2026-11-21-after.md", entry("After", "A.", "2026-11-21"))
    atomic_write(site / NAME, entry("On hair, and jars", "The start."))
    state = BuildState()
    rebuilder = Watching(site, state)
    assert rebuilder.rebuild().ok
    return site, rebuilder, state


@settings(max_examples=25, deadline=None)
@given(body=BODY_WORDS, tags=st.sampled_from(["home", "home, school", "jars"]))
def test_the_early_page_is_the_page_the_whole_build_makes(body: str, tags: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        site, rebuilder, state = journal(Path(tmp))
        atomic_write(site / NAME, entry("On hair, and jars", body, tags=tags))
        before = state.snapshot().build_id
        assert rebuilder.rebuild(BATCH).ok
        page = (preview_dir(site) / ENTRY_URL / "index.html").read_bytes()
        assert rebuilder.early[-1] == page
        # The pages reloaded once, when the early page was shown: not again after the build.
        assert state.snapshot().build_id == bump(before)


def test_an_edit_that_reaches_other_pages_waits_for_the_whole_build(tmp_path: Path) -> None:
    site, rebuilder, _ = journal(tmp_path)
    for text in (
        entry("A new title", "Body."),  # the neighbours show the title
        entry("On hair, and jars", "Body.", date="2026-11-22 09:00"),  # its place changes
        entry("On hair, and jars", "![A jar](../photos/jar.jpg)"),  # a photo not made yet
        "---\ntitle: [unclosed\n---\n",  # a mistake: the build shows it
    ):
        atomic_write(site / NAME, text)
        rebuilder.rebuild(BATCH)
        assert rebuilder.early[-1] == b""


def test_the_early_page_is_served_while_the_build_runs(tmp_path: Path) -> None:
    """Over HTTP: once shown, the early page (and the stylesheet it uses) is answered at
    once, without waiting for the build in progress; other pages wait for it."""
    site, rebuilder, state = journal(tmp_path)
    root = preview_dir(site)
    server = make_server("127.0.0.1", 0, ServerConfig(root, state, HostCheck.for_address("", 0)))
    port = server.server_address[1]
    server.config = ServerConfig(root, state, HostCheck.for_address("127.0.0.1", port))
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        atomic_write(site / NAME, entry("On hair, and jars", "Served early."))
        made = rebuilder._early_page(BATCH)
        assert made is not None
        state.show_early(made.path, made.data)
        state.begin_build()  # a build in progress: files wait
        base = f"http://127.0.0.1:{port}/"
        with urllib.request.urlopen(base + ENTRY_URL, timeout=5) as response:
            html = response.read().decode()
        assert "Served early." in html
        sheet = next(
            part.split('"')[0] for part in html.split('href="/')[1:] if part.startswith("assets/")
        )
        with urllib.request.urlopen(base + sheet, timeout=5) as response:
            assert response.status == 200
        waited: list[str] = []
        other = threading.Thread(
            target=lambda: waited.append(urllib.request.urlopen(base, timeout=10).read().decode())
        )
        other.start()
        other.join(0.5)
        assert other.is_alive()  # the home page waits for the build
        state.end_build(None, "/", as_shown=True)
        other.join(10)
        assert waited
    finally:
        state.close()
        server.shutdown()
        server.server_close()


def test_serve_makes_the_book_when_it_is_asked_for(tmp_path: Path) -> None:
    """The book (the whole journal on one page) is left out of `serve`'s rebuilds and made
    when a browser asks for it: the same page `journalgen build` writes."""
    site = make_site(tmp_path / "journal")
    atomic_write(site / NAME, entry("On hair, and jars", "The start."))
    build(BuildOptions(site, tmp_path / "output"))
    expected = (tmp_path / "output" / "book" / "index.html").read_bytes()
    state = BuildState()
    options = BuildOptions(site, preview_dir(site), Selection(), True, book=False)
    rebuilder = Rebuilder(options, state, out=io.StringIO())
    assert rebuilder.rebuild().ok
    assert not (preview_dir(site) / "book").exists()
    root = preview_dir(site)
    server = make_server("127.0.0.1", 0, ServerConfig(root, state, HostCheck.for_address("", 0)))
    port = server.server_address[1]
    server.config = ServerConfig(
        root, state, HostCheck.for_address("127.0.0.1", port), on_demand=rebuilder.on_demand
    )
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}/"
    try:
        with urllib.request.urlopen(base + "book/", timeout=30) as response:
            served = response.read()
        script = served[served.rfind(b"<script>") : served.rfind(b"</body>")]
        assert served.replace(script, b"") == expected
        try:
            urllib.request.urlopen(base + "nothing/", timeout=30)
            raise AssertionError("a page that does not exist was served")
        except urllib.error.HTTPError as err:
            assert err.code == 404
    finally:
        state.close()
        server.shutdown()
        server.server_close()
