"""The preview server over real HTTP on a free loopback port: it serves the preview folder
and nothing else, answers only to its own address, and waits for builds."""

from __future__ import annotations

import json
import os
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from journalgen.preview.devserver import (
    EVENTS_PATH,
    BuildState,
    DevServer,
    HostCheck,
    ServerConfig,
    make_server,
    resolve_target,
    split_host,
)

SECRET = "TOP-SECRET-OUTSIDE-THE-PREVIEW"
OWN_HOST = "<the server's own address>"


@dataclass(frozen=True)
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


@dataclass(frozen=True)
class Served:
    root: Path
    port: int
    state: BuildState
    server: DevServer

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.port}"

    def get(self, target: str | bytes, host: str | None = OWN_HOST, method: str = "GET") -> Reply:
        """Send exactly `target` (no client-side normalisation) and read the whole reply."""
        return raw_request(self.port, target, self.host if host == OWN_HOST else host, method)


def raw_request(port: int, target: str | bytes, host: str | None, method: str = "GET") -> Reply:
    raw_target = target if isinstance(target, bytes) else target.encode("utf-8")
    lines = [method.encode() + b" " + raw_target + b" HTTP/1.1"]
    if host is not None:
        lines.append(b"Host: " + host.encode())
    lines.append(b"Connection: close")
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(b"\r\n".join(lines) + b"\r\n\r\n")
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return Reply(int(status_line.split()[1]), headers, body)


def write(path: Path, data: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data, encoding="utf-8")


PAGE = "<!DOCTYPE html><html><head><title>{0}</title></head><body><p>{0}</p></body></html>\n"


def make_preview(tmp_path: Path) -> Path:
    """A built preview folder, with a secret beside it and symlinks pointing at it."""
    root = tmp_path / "site" / ".journalgen" / "preview"
    write(tmp_path / "secret.txt", SECRET)
    write(tmp_path / "site" / "journalgen.yaml", SECRET)
    write(root / "index.html", PAGE.format("Home page"))
    write(root / "404.html", PAGE.format("Custom not found"))
    write(root / "2026/11/hair/index.html", PAGE.format("On hair, and jars"))
    write(root / "feed.xml", "<?xml version='1.0'?><rss></rss>\n")
    write(root / "atom.xml", "<?xml version='1.0'?><feed></feed>\n")
    write(root / "photos/garden.webp", b"RIFF\x00\x00\x00\x00WEBP")
    write(root / "photos/garden.svg", "<svg xmlns='http://www.w3.org/2000/svg'></svg>")
    write(root / "data.json", "{}")
    write(root / "assets/style.css", "body { color: black }")
    write(root / ".well-known/security.txt", "Contact: mailto:x@example.org")
    write(root / ".journalgen-output.json", '{"files": []}')
    os.symlink(tmp_path, root / "escape-dir")
    os.symlink(tmp_path / "secret.txt", root / "escape-file.txt")
    os.symlink(root / "index.html", root / "inside-link.html")
    return root


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    root = make_preview(tmp_path)
    state = BuildState()
    state.end_build(None, "/")
    config = ServerConfig(root, state, HostCheck.for_address("127.0.0.1", 0))
    server = make_server("127.0.0.1", 0, config)
    port = server.server_address[1]
    server.config = ServerConfig(root, state, HostCheck.for_address("127.0.0.1", port))
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield Served(root, port, state, server)
    finally:
        state.close()
        server.shutdown()
        server.server_close()


TRAVERSALS = [
    "/../secret.txt",
    "/../../secret.txt",
    "/%2e%2e/secret.txt",
    "/%2E%2E/secret.txt",
    "/.%2e/secret.txt",
    "/%2e%2e%2fsecret.txt",
    "/..%2fsecret.txt",
    "/..%2Fsecret.txt",
    "/..%5csecret.txt",
    "/..\\secret.txt",
    "/%5c..%5csecret.txt",
    "/assets/../../secret.txt",
    "/assets/%2e%2e/%2e%2e/secret.txt",
    "//..//secret.txt",
    "/./../secret.txt",
    "/%252e%252e/secret.txt",
    "/..%c0%afsecret.txt",
    "/%c0%ae%c0%ae/secret.txt",
    "/escape-dir/secret.txt",
    "/escape-dir/site/journalgen.yaml",
    "/escape-file.txt",
    "/%00/../secret.txt",
    "/index.html%00.txt",
    "/..%00/secret.txt",
    "/../journalgen.yaml",
    "/../../journalgen.yaml",
    "/%2fetc%2fpasswd",
    "//etc/passwd",
    "/C:/Windows/win.ini",
    "/C:%5cWindows%5cwin.ini",
    "http://127.0.0.1/../secret.txt",
    "../secret.txt",
]


@pytest.mark.parametrize("target", TRAVERSALS)
def test_traversal_attempts_never_reach_a_file_outside(served: Served, target: str) -> None:
    reply = served.get(target)
    assert reply.status in (400, 404), reply
    assert SECRET.encode() not in reply.body
    assert b"root:" not in reply.body


def test_absolute_paths_of_real_files_stay_inside(served: Served, tmp_path: Path) -> None:
    reply = served.get(str(tmp_path / "secret.txt"))
    assert reply.status == 404
    assert SECRET.encode() not in reply.body


def test_raw_nul_byte_in_the_path(served: Served) -> None:
    reply = served.get(b"/\x00/../secret.txt")
    assert reply.status in (400, 404)
    assert SECRET.encode() not in reply.body


def test_symlink_inside_the_preview_is_served(served: Served) -> None:
    assert served.get("/inside-link.html").status == 200


def test_the_writer_manifest_is_not_part_of_the_site(served: Served) -> None:
    assert served.get("/.journalgen-output.json").status == 404


def test_dot_folders_of_static_are_served(served: Served) -> None:
    reply = served.get("/.well-known/security.txt")
    assert reply.status == 200
    assert reply.body.startswith(b"Contact:")


@pytest.mark.parametrize(
    "host",
    [
        "evil.example.com:{port}",
        "127.0.0.1.evil.example.com:{port}",
        "localhost.evil.example.com:{port}",
        "127.0.0.1:1",
        "localhost",
        "127.0.0.1",
        "192.168.1.20:{port}",
        "127.0.0.1:{port}@evil.example.com",
        "",
        None,
    ],
)
def test_requests_for_other_hosts_are_refused(served: Served, host: str | None) -> None:
    reply = served.get("/", host=None if host is None else host.format(port=served.port))
    assert reply.status == 403
    assert b"Home page" not in reply.body


@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "localhost:{port}", "[::1]:{port}"])
def test_loopback_names_with_the_port_are_accepted(served: Served, host: str) -> None:
    reply = served.get("/", host=host.format(port=served.port))
    assert reply.status == 200
    assert b"Home page" in reply.body


def test_host_check_for_a_lan_address() -> None:
    check = HostCheck.for_address("0.0.0.0", 8000)
    assert check.allows("192.168.1.20:8000")
    assert check.allows("[fe80::1]:8000")
    assert check.allows("localhost:8000")
    assert not check.allows("192.168.1.20:8001")
    assert not check.allows("evil.example.com:8000")
    named = HostCheck.for_address("192.168.1.20", 8000)
    assert named.allows("192.168.1.20:8000")
    assert not named.allows("evil.example.com:8000")


def test_split_host() -> None:
    assert split_host("LocalHost:8000") == ("localhost", 8000)
    assert split_host("[::1]:8000") == ("[::1]", 8000)
    assert split_host("example.org") == ("example.org", 80)
    assert split_host("a b:80") is None
    assert split_host("x:80:80") is None


@pytest.mark.parametrize(
    ("target", "content_type"),
    [
        ("/", "text/html; charset=utf-8"),
        ("/feed.xml", "application/xml; charset=utf-8"),
        ("/atom.xml", "application/xml; charset=utf-8"),
        ("/photos/garden.webp", "image/webp"),
        ("/photos/garden.svg", "image/svg+xml"),
        ("/data.json", "application/json"),
        ("/assets/style.css", "text/css; charset=utf-8"),
    ],
)
def test_content_types(served: Served, target: str, content_type: str) -> None:
    reply = served.get(target)
    assert reply.status == 200
    assert reply.headers["content-type"] == content_type
    assert reply.headers["x-content-type-options"] == "nosniff"
    assert reply.headers["cache-control"] == "no-store"


def test_directories_serve_their_index_and_redirect_without_slash(served: Served) -> None:
    page = served.get("/2026/11/hair/")
    assert page.status == 200
    assert b"On hair, and jars" in page.body
    moved = served.get("/2026/11/hair?x=1")
    assert moved.status == 301
    assert moved.headers["location"] == "/2026/11/hair/?x=1"


def test_a_redirect_never_leaves_the_site(served: Served) -> None:
    moved = served.get("//assets")
    assert moved.status == 301
    assert moved.headers["location"] == "/assets/"


def test_missing_pages_get_404_html_with_status_404(served: Served) -> None:
    for target in ("/nope/", "/2026/12/", "/assets/", "/photos/missing.webp"):
        reply = served.get(target)
        assert reply.status == 404, target
        assert b"Custom not found" in reply.body
        assert EVENTS_PATH.encode() in reply.body  # it reloads once the page exists


def test_head_has_the_length_of_get_and_no_body(served: Served) -> None:
    get = served.get("/feed.xml")
    head = served.get("/feed.xml", method="HEAD")
    assert head.status == 200
    assert head.body == b""
    assert head.headers["content-length"] == get.headers["content-length"]


def test_reload_script_is_added_to_html_responses_only(served: Served) -> None:
    html = served.get("/2026/11/hair/")
    assert html.body.count(b"<script>") == 1
    assert html.body.index(EVENTS_PATH.encode()) < html.body.index(b"</body>")
    assert int(html.headers["content-length"]) == len(html.body)
    on_disk = (served.root / "2026/11/hair/index.html").read_bytes()
    assert EVENTS_PATH.encode() not in on_disk
    for target in ("/feed.xml", "/assets/style.css", "/photos/garden.svg", "/data.json"):
        assert EVENTS_PATH.encode() not in served.get(target).body


def test_a_failed_build_shows_an_escaped_error_over_every_page(served: Served) -> None:
    served.state.begin_build()
    served.state.end_build(
        "error: content/entries/hair.md:3: invalid YAML: <script>alert(1)</script>"
    )
    reply = served.get("/2026/11/hair/")
    assert reply.status == 200
    assert b'id="journalgen-error"' in reply.body
    assert b"content/entries/hair.md:3: invalid YAML: &lt;script&gt;alert(1)" in reply.body
    assert b"<script>alert(1)" not in reply.body
    missing = served.get("/nope/")
    assert missing.status == 404
    assert b'id="journalgen-error"' in missing.body
    served.state.begin_build()
    served.state.end_build(None)
    assert b"journalgen-error" not in served.get("/2026/11/hair/").body


def test_requests_wait_for_the_build_in_progress(served: Served) -> None:
    served.state.begin_build()
    replies: list[Reply] = []
    done = threading.Event()

    def ask() -> None:
        replies.append(served.get("/"))
        done.set()

    threading.Thread(target=ask, daemon=True).start()
    assert not done.wait(0.3)  # held while the build runs
    (served.root / "index.html").write_text(PAGE.format("New home"), encoding="utf-8")
    served.state.end_build(None)
    assert done.wait(10)
    assert b"New home" in replies[0].body
    assert json.dumps(served.state.snapshot().build_id).encode() in replies[0].body


def test_the_event_stream_announces_every_finished_build(served: Served) -> None:
    with socket.create_connection(("127.0.0.1", served.port), timeout=10) as sock:
        request = f"GET {EVENTS_PATH} HTTP/1.1\r\nHost: {served.host}\r\n\r\n"
        sock.sendall(request.encode())
        reader = sock.makefile("rb")
        assert b"200" in reader.readline()
        first = _next_event(reader)
        assert first == {"build": served.state.snapshot().build_id, "ok": True}
        served.state.begin_build()
        served.state.end_build("error: journalgen.yaml:2: invalid YAML")
        second = _next_event(reader)
        assert second["build"] != first["build"]
        assert second["ok"] is False


def _next_event(reader: object) -> dict[str, object]:
    readline = reader.readline  # type: ignore[attr-defined]
    while True:
        line: bytes = readline()
        assert line, "the stream ended"
        if line.startswith(b"data: "):
            data: dict[str, object] = json.loads(line[6:])
            return data


def test_a_site_under_a_base_path(served: Served) -> None:
    served.state.begin_build()
    served.state.end_build(None, "/journal/")
    assert b"On hair" in served.get("/journal/2026/11/hair/").body
    moved = served.get("/journal")
    assert (moved.status, moved.headers["location"]) == (301, "/journal/")
    assert served.get("/2026/11/hair/").status == 404


def test_resolve_target_without_a_server(tmp_path: Path) -> None:
    root = make_preview(tmp_path)
    assert resolve_target(root, "/").path == (root / "index.html").resolve()
    assert resolve_target(root, "/2026/11/hair/?a=b#c").kind == "file"
    assert resolve_target(root, "/2026/11/hair").location == "/2026/11/hair/"
    assert resolve_target(root, "/a%20b/").kind == "missing"
    assert resolve_target(root, "/..").kind == "bad"
    assert resolve_target(root, "/escape-file.txt").kind == "missing"
