"""A journal published on Cloudflare Pages (`init --host cloudflare`): it builds, and its
forms are taken by its Pages Functions in wrangler's local runtime (workerd, the engine
Cloudflare runs; wrangler pinned in package-lock.json), which keep each submission in
Workers KV and nothing else; `journalgen forms --cloudflare` brings them in through a
local stand-in of Cloudflare's documented API, waiting for approval as ever."""

from __future__ import annotations

import http.server
import json
import os
import re
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import ClassVar

import pytest
import yaml

from conftest import written_by_the_family
from journalgen.cli import main
from journalgen.publishing import CLOUDFLARE_WORKFLOW, hosts

REPO = Path(__file__).resolve().parents[1]
WRANGLER = REPO / "node_modules" / ".bin" / "wrangler"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def _pages_dev(journal: Path, state: Path, home: Path) -> Iterator[str]:
    """`wrangler pages dev output` in the journal (its functions/ with it), KV kept in
    `state`; yields the address once it answers."""
    if not WRANGLER.exists():
        pytest.fail(f"{WRANGLER} is missing: run `make test` (it runs npm ci) or `npm ci`")
    port = _free_port()
    env = {**os.environ, "HOME": str(home), "WRANGLER_SEND_METRICS": "false", "CI": "true"}
    process = subprocess.Popen(
        [str(WRANGLER), "pages", "dev", "output", "--port", str(port), "--ip", "127.0.0.1",
         "--kv", "JOURNALGEN_FORMS", "--compatibility-date", "2026-04-01",
         "--persist-to", str(state)],
        cwd=journal, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    address = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(address, timeout=5) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, OSError):
                pass
            assert process.poll() is None, process.stdout.read() if process.stdout else ""
            assert time.monotonic() < deadline, "wrangler pages dev did not answer"
            time.sleep(0.5)
        yield address
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def _post(url: str, fields: dict[str, str], headers: dict[str, str]) -> tuple[int, str]:
    request = urllib.request.Request(
        url, data=urllib.parse.urlencode(fields).encode(), method="POST", headers=headers
    )
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, response.headers.get("Location", "")
    except urllib.error.HTTPError as err:
        return err.code, err.headers.get("Location", "")


def _local_kv(journal: Path, state: Path, home: Path) -> dict[str, str]:
    """Every key and value the local runtime kept, read with wrangler's own commands."""
    env = {**os.environ, "HOME": str(home), "WRANGLER_SEND_METRICS": "false"}
    common = ["--namespace-id", "JOURNALGEN_FORMS", "--local", "--persist-to", str(state)]
    listed = subprocess.run(
        [str(WRANGLER), "kv", "key", "list", *common],
        cwd=journal, env=env, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    names = [item["name"] for item in json.loads(listed[listed.index("[") :])]
    values = {}
    for name in names:
        values[name] = subprocess.run(
            [str(WRANGLER), "kv", "key", "get", name, *common],
            cwd=journal, env=env, capture_output=True, text=True, check=True,
        ).stdout.strip()  # fmt: skip
    return values


class _Api(http.server.BaseHTTPRequestHandler):
    """Cloudflare's documented KV API (list keys, read a value), for one token."""

    store: ClassVar[dict[str, str]] = {}
    token = "a-read-token"

    def do_GET(self) -> None:
        if self.headers.get("Authorization") != f"Bearer {self.token}":
            self._send(403, json.dumps({"success": False, "errors": [{"code": 10000}]}))
            return
        parts = urllib.parse.urlsplit(self.path)
        found = re.fullmatch(
            r"/client/v4/accounts/acc1/storage/kv/namespaces/ns1/(keys|values/(.+))", parts.path
        )
        if found is None:
            self._send(404, "{}")
        elif found.group(1) == "keys":
            names = sorted(self.store)
            cursor = int(urllib.parse.parse_qs(parts.query).get("cursor", ["0"])[0] or 0)
            page = names[cursor : cursor + 1]  # one a page: the cursor is followed
            following = str(cursor + 1) if cursor + 1 < len(names) else ""
            result = [{"name": name} for name in page]
            info = {"count": len(page), "cursor": following}
            self._send(200, json.dumps({"success": True, "result": result, "result_info": info}))
        else:
            self._send(200, self.store[urllib.parse.unquote(found.group(2))])

    def _send(self, status: int, body: str) -> None:
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def _api(store: dict[str, str]) -> Iterator[str]:
    handler = type("Api", (_Api,), {"store": store})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/client/v4"
    finally:
        server.shutdown()
        server.server_close()


def test_a_cloudflare_journal_takes_a_message_and_brings_it_in(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    journal = tmp_path / "journal"
    assert main(["init", str(journal), "--host", "cloudflare", "--title", "Cooper's journal",
                 "--author", "Jenny", "--base-url", "https://cooper.pages.dev/"]) == 0  # fmt: skip
    written_by_the_family(journal, "https://cooper.pages.dev/")
    assert not (journal / "netlify.toml").exists()
    workflow = yaml.safe_load((journal / CLOUDFLARE_WORKFLOW).read_text())
    runs = [step["run"] for step in workflow["jobs"]["build"]["steps"] if "run" in step]
    assert runs.index("python -m journalgen deploy-check") < next(
        i for i, run in enumerate(runs) if f"wrangler@{hosts.WRANGLER} pages deploy output" in run
    )
    assert main(["build", "--site", str(journal), "--quiet"]) == 0
    assert main(["deploy-check", "--site", str(journal)]) == 0
    capsys.readouterr()
    page = next((journal / "output").glob("20*/*/*welcome*/index.html")).read_text()
    assert 'action="/guestbook/thanks/"' in page
    entry = re.search(r'name="entry" value="([^"]*)"', page)
    assert entry is not None
    state, home = tmp_path / "kv", tmp_path / "home"
    home.mkdir()
    with _pages_dev(journal, state, home) as address:
        own = {"Origin": address.rstrip("/"), "Sec-Fetch-Site": "same-origin"}
        message = {"form-name": "guestbook", "entry": entry.group(1), "bot-field": "",
                   "name": "Auntie Bea", "location": "Leeds",
                   "message": "Thinking of you all."}  # fmt: skip
        status, location = _post(address + "guestbook/thanks/", message, own)
        assert (status, urllib.parse.urlsplit(location).path) == (303, "/guestbook/thanks/")
        with urllib.request.urlopen(address + "guestbook/thanks/", timeout=30) as thanks:
            assert thanks.status == 200
        follow = {"form-name": "follow", "bot-field": "", "name": "Uncle Joe",
                  "email": "joe@example.org"}  # fmt: skip
        assert _post(address + "subscribe/thanks/", follow, own)[0] == 303
        # Another website, a robot, and a message too long: none kept.
        elsewhere = {"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}
        assert _post(address + "guestbook/thanks/", message, elsewhere)[0] == 403
        assert _post(address + "guestbook/thanks/", {**message, "bot-field": "x"}, own)[0] == 303
        long = {**message, "message": "x" * 10_001}
        assert _post(address + "guestbook/thanks/", long, own)[0] == 413
    kept = _local_kv(journal, state, home)
    assert sorted(name.split(":")[0] for name in kept) == ["follow", "guestbook"]
    assert all(json.loads(value)["data"]["bot-field"] == "" for value in kept.values())

    with _api(kept) as api:
        monkeypatch.setenv("JOURNALGEN_CLOUDFLARE_API", api)
        monkeypatch.setenv("CLOUDFLARE_API_TOKEN", "a-read-token")
        monkeypatch.setenv("CLOUDFLARE_ACCOUNT_ID", "acc1")
        monkeypatch.setenv("JOURNALGEN_FORMS_NAMESPACE", "ns1")
        assert main(["forms", "--cloudflare", "--site", str(journal)]) == 0
        said = capsys.readouterr().out
        assert "guestbook messages" in said and "follow requests" in said
        pending = list((journal / "content/guestbook/pending").glob("*.yaml"))
        assert len(pending) == 1 and "Thinking of you all." in pending[0].read_text()
        requests = list((journal / "followers/pending").glob("*.yaml"))
        assert len(requests) == 1 and "joe@example.org" in requests[0].read_text()
        # Again: nothing twice. A wrong token: a plain message.
        assert main(["forms", "--cloudflare", "--site", str(journal)]) == 0
        assert len(list((journal / "content/guestbook/pending").glob("*.yaml"))) == 1
        monkeypatch.setenv("CLOUDFLARE_API_TOKEN", "wrong")
        assert main(["forms", "--cloudflare", "--site", str(journal)]) == 1
        assert "Cloudflare refused to give the forms (403" in capsys.readouterr().err


def test_old_addresses_are_written_in_cloudflares_dialect(tmp_path: Path) -> None:
    """Cloudflare Pages follows every rule of `_redirects` before any file and reads no
    `!` and no query: a journal moved there (`upgrade --host cloudflare`) writes its old
    addresses so, leaving out the `?p=` ones, which only Netlify can keep."""
    journal = tmp_path / "journal"
    assert main(["init", str(journal), "--title", "Cooper's journal"]) == 0
    written_by_the_family(journal)
    welcome = next((journal / "content/entries").glob("*welcome.md")).name
    (journal / "content/redirects.yaml").write_text(
        f'"/?p=7": "entries/{welcome}"\n"/2011/05/05/welcome/": "entries/{welcome}"\n'
    )
    assert main(["build", "--site", str(journal), "--quiet"]) == 0
    netlify = (journal / "output/_redirects").read_text()
    assert "301!" in netlify and "p=7" in netlify
    assert main(["upgrade", "--host", "cloudflare", "--site", str(journal)]) == 0
    assert main(["build", "--site", str(journal), "--quiet"]) == 0
    rules = [
        line.split()
        for line in (journal / "output/_redirects").read_text().splitlines()
        if line and not line.startswith("#")
    ]
    assert rules and all(len(rule) == 3 and rule[2] == "301" for rule in rules), rules
    assert ["/2011/05/05/welcome/", rules[0][1], "301"] in rules
