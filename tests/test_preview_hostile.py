"""`journalgen serve` as a stranger on the home network or an unlucky browser meets it,
over real HTTP: host configuration is never served, odd paths get a 404 and no traceback,
a large file is sent in bounded memory, and a burst of requests is answered."""

from __future__ import annotations

import concurrent.futures
import http.client
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from livehelpers import JournalgenProcess, make_site


@pytest.fixture(scope="module")
def preview(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, JournalgenProcess]]:
    site = make_site(tmp_path_factory.mktemp("preview") / "site")
    (site / "journalgen.yaml").write_text(
        (site / "journalgen.yaml").read_text() + "privacy: password\n", encoding="utf-8"
    )
    big = site / "static" / "video.bin"
    with big.open("wb") as handle:
        for _ in range(100):
            handle.write(b"\x5a" * (1024 * 1024))
    import os

    os.environ["JOURNALGEN_PASSWORD"] = "family:a-very-secret-phrase"
    try:
        server = JournalgenProcess(["serve", "--port", "0", "--site", str(site)], site)
    finally:
        del os.environ["JOURNALGEN_PASSWORD"]
    try:
        line = server.wait_for_line("Serving a preview at", timeout=60)
        port = int(re.search(r":(\d+)/", line).group(1))  # type: ignore[union-attr]
        yield port, server
    finally:
        server.kill()


def _get(port: int, path: str, timeout: float = 30) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def test_host_configuration_is_never_served(preview: tuple[int, JournalgenProcess]) -> None:
    port, _server = preview
    for path in ("/_headers", "/_redirects", "/netlify.toml", "/_headers?x=1", "/%5Fheaders"):
        status, body = _get(port, path)
        assert status == 404, path
        assert b"a-very-secret-phrase" not in body


def test_odd_paths_get_not_found_and_no_traceback(preview: tuple[int, JournalgenProcess]) -> None:
    port, server = preview
    for path in (
        "/" + "a" * 300,
        "/" + "%C3%A9" * 200 + "/",
        "/x/" + "%41" * 400,
        "/" + "b" * 5000,
    ):
        status, _body = _get(port, path)
        assert status in (400, 404), (path[:20], status)
    time.sleep(0.2)
    assert not any("Traceback" in line for line in server.errors + server.lines)


def _peak_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024  # type: ignore[union-attr]


def test_a_large_file_is_streamed_in_bounded_memory(
    preview: tuple[int, JournalgenProcess],
) -> None:
    port, server = preview
    before = _peak_mb(server.process.pid)
    with concurrent.futures.ThreadPoolExecutor(10) as pool:
        sizes = list(pool.map(lambda _: len(_get(port, "/video.bin", 120)[1]), range(10)))
    assert sizes == [100 * 1024 * 1024] * 10
    # Ten readers of a 100 MB file: the server's memory grows by far less than one copy.
    assert _peak_mb(server.process.pid) - before < 60, (before, _peak_mb(server.process.pid))


def test_a_burst_of_300_requests_is_answered(preview: tuple[int, JournalgenProcess]) -> None:
    """All at once: none refused, and none left waiting for the system to retry its
    connection (a queue of 5, as before, made some wait 3 to 15 s for SYN retries)."""
    port, _server = preview

    def timed(_: int) -> tuple[int, float]:
        started = time.monotonic()
        status = _get(port, "/", 60)[0]
        return status, time.monotonic() - started

    with concurrent.futures.ThreadPoolExecutor(300) as pool:
        results = list(pool.map(timed, range(300)))
    assert [status for status, _ in results] == [200] * 300
    assert max(seconds for _, seconds in results) < 3.0, sorted(s for _, s in results)[-5:]


def _post(port: int, path: str, fields: dict[str, str]) -> tuple[int, str]:
    from urllib.parse import urlencode

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        body = urlencode(fields)
        connection.request(
            "POST", path, body, {"Content-Type": "application/x-www-form-urlencoded"}
        )
        response = connection.getresponse()
        response.read()
        return response.status, response.getheader("Location") or ""
    finally:
        connection.close()


def _preview_with_forms(tmp_path: Path) -> tuple[Path, JournalgenProcess, int]:
    """A journal with both forms (the guestbook's, and the follow form: email is set up),
    previewed by `journalgen serve` on a free port, built once."""
    site = make_site(tmp_path / "site")
    settings = site / "journalgen.yaml"
    settings.write_text(
        settings.read_text() + "email:\n  from: family@example.org\n  smtp_host: smtp.example.org\n"
    )
    server = JournalgenProcess(["serve", "--port", "0", "--site", str(site)], site)
    try:
        line = server.wait_for_line("Serving a preview at", timeout=60)
        port = int(re.search(r":(\d+)/", line).group(1))  # type: ignore[union-attr]
        server.wait_for_line("Built", timeout=60)
    except BaseException:
        server.kill()
        raise
    return site, server, port


def test_the_forms_sent_to_the_preview_wait_in_pending(tmp_path: Path) -> None:
    """The guestbook form and the follow form: kept where an import would put them, never
    published, and the thank-you page shown, as on the real site."""
    site, server, port = _preview_with_forms(tmp_path)
    try:
        form = {"form-name": "guestbook", "name": "Auntie Bea", "message": "Love to you all.",
                "entry": "hair", "location": "", "bot-field": ""}  # fmt: skip
        status, location = _post(port, "/guestbook/thanks/", form)
        assert (status, location) == (303, "/guestbook/thanks/")
        assert _get(port, location)[0] == 200
        pending = list((site / "content/guestbook/pending").glob("*.yaml"))
        assert len(pending) == 1 and "Love to you all." in pending[0].read_text()
        # A robot (the hidden field filled in) is thanked and not kept; other paths take
        # no form.
        assert (
            _post(port, "/guestbook/thanks/", {**form, "bot-field": "x", "name": "Bot"})[0] == 303
        )
        assert len(list((site / "content/guestbook/pending").glob("*.yaml"))) == 1
        assert _post(port, "/", form)[0] == 405
        follow = {"form-name": "follow", "name": "Uncle Joe", "email": "joe@example.org",
                  "bot-field": ""}  # fmt: skip
        status, location = _post(port, "/subscribe/thanks/", follow)
        assert (status, location) == (303, "/subscribe/thanks/")
        assert _get(port, location)[0] == 200
        requests = list((site / "followers/pending").glob("*.yaml"))
        assert len(requests) == 1 and "joe@example.org" in requests[0].read_text()
        assert not list((site / "followers").glob("*.yaml"))  # waiting, not approved
        time.sleep(1)
        previews = (site / ".journalgen" / "preview").rglob("*")
        assert not any(
            words in p.read_text(errors="ignore")
            for p in previews
            if p.is_file()
            for words in ("Love to you all.", "joe@example.org")
        )
    finally:
        server.kill()
    assert not any("Traceback" in line for line in server.errors)


def _post_from(
    port: int, path: str, fields: dict[str, str], headers: dict[str, str]
) -> tuple[int, str]:
    from urllib.parse import urlencode

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(
            "POST",
            path,
            urlencode(fields),
            {"Content-Type": "application/x-www-form-urlencoded", **headers},
        )
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        connection.close()


def _pending(site: Path) -> list[Path]:
    return sorted((site / "content/guestbook/pending").glob("*.yaml")) + sorted(
        (site / "followers/pending").glob("*.yaml")
    )


def test_a_form_from_another_website_is_refused_and_posting_is_bounded(tmp_path: Path) -> None:
    """A page on any website the family visits cannot post the guestbook or follow form
    to their preview (Origin and Sec-Fetch-Site as browsers send them); the preview's own
    form still works; a burst writes at most a bounded number of files; a message too long
    to keep gets a page that says so."""
    site, server, port = _preview_with_forms(tmp_path)
    try:
        form = {"form-name": "guestbook", "name": "A stranger", "message": "Hello.",
                "entry": "hair", "location": "", "bot-field": ""}  # fmt: skip
        follow = {"form-name": "follow", "name": "A stranger", "email": "thief@evil.example",
                  "bot-field": ""}  # fmt: skip
        own = f"http://127.0.0.1:{port}"
        for headers in (
            {"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"},
            {"Origin": "https://evil.example"},
            {"Sec-Fetch-Site": "cross-site"},
            {"Origin": "null", "Sec-Fetch-Site": "cross-site"},
            {"Origin": f"http://localhost:{port + 1}", "Sec-Fetch-Site": "same-site"},
            {"Origin": f"http://127.0.0.1:{port + 1}"},
            {"Origin": f"{own}.evil.example"},
            {"Origin": "null"},
            {"Origin": own, "Sec-Fetch-Site": "same-site"},
        ):
            for path, fields in (("/guestbook/thanks/", form), ("/subscribe/thanks/", follow)):
                status, body = _post_from(port, path, fields, headers)
                assert status == 403, (headers, status, body)
        assert _pending(site) == []

        # The preview's own page (as Chromium sends it) and a post with neither header.
        same = {"Origin": own, "Sec-Fetch-Site": "same-origin"}
        assert _post_from(port, "/guestbook/thanks/", form, same)[0] == 303
        assert _post_from(port, "/subscribe/thanks/", follow, {})[0] == 303
        assert len(_pending(site)) == 2

        # Too long: a page that says so, and nothing kept.
        long = {**form, "name": "Auntie Bea", "message": "x" * 10_001}
        status, body = _post_from(port, "/guestbook/thanks/", long, same)
        assert status == 422 and "10,000" in body and "<title>Not sent</title>" in body
        assert len(_pending(site)) == 2

        # A burst of 300 posts: a bounded number kept, the rest told to wait.
        def post(n: int) -> int:
            fields = {**form, "name": f"Robot {n}", "message": f"Message {n} " + "y" * 5000}
            return _post_from(port, "/guestbook/thanks/", fields, same)[0]

        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            statuses = list(pool.map(post, range(300)))
        assert set(statuses) == {303, 429}
        kept = _pending(site)
        assert len(kept) <= 2 + 20, len(kept)
        assert sum(p.stat().st_size for p in kept) < 200_000
    finally:
        server.kill()
    assert not any("Traceback" in line for line in server.errors)


def test_the_preview_form_works_in_a_browser_and_a_page_elsewhere_cannot_post_to_it(
    tmp_path: Path,
) -> None:
    """Chromium: the guestbook form on the preview's page is sent and thanked; a page on
    another origin that submits the same form to the preview is refused and writes
    nothing."""
    from browserpages import chromium, served

    site = make_site(tmp_path / "site")
    server = JournalgenProcess(["serve", "--port", "0", "--site", str(site)], site)
    evil = tmp_path / "evil"
    evil.mkdir()
    try:
        line = server.wait_for_line("Serving a preview at", timeout=60)
        port = int(re.search(r":(\d+)/", line).group(1))  # type: ignore[union-attr]
        server.wait_for_line("Built", timeout=60)
        (evil / "index.html").write_text(
            f"""<!DOCTYPE html><title>Win a prize</title>
<form method="post" action="http://127.0.0.1:{port}/guestbook/thanks/">
<input name="form-name" value="guestbook"><input name="name" value="Stranger">
<input name="message" value="Planted."><input name="entry" value="hair">
<input name="bot-field" value=""></form>
<script>document.forms[0].submit()</script>""",
            encoding="utf-8",
        )
        with chromium() as browser, served(evil) as elsewhere:
            page = browser.new_page()
            answer: list[int] = []
            page.on(
                "response",
                lambda r: answer.append(r.status) if r.request.method == "POST" else None,
            )
            page.goto(elsewhere)
            page.wait_for_timeout(1500)
            assert answer == [403], answer
            assert _pending(site) == []

            own = browser.new_page()
            posted: list[int] = []
            own.on(
                "response",
                lambda r: posted.append(r.status) if r.request.method == "POST" else None,
            )
            own.goto(f"http://127.0.0.1:{port}/guestbook/")
            own.fill("#gb-name", "Auntie Bea")
            own.fill("#gb-message", "Thinking of you all.")
            own.click("form[name=guestbook] [type=submit]")
            # (The preview may reload the page once the message is kept: wait for the file.)
            deadline = time.monotonic() + 20
            while not _pending(site) and time.monotonic() < deadline:
                time.sleep(0.1)
            assert posted and posted[0] == 303, posted
            kept = _pending(site)
            assert len(kept) == 1 and "Thinking of you all." in kept[0].read_text()
    finally:
        server.kill()
