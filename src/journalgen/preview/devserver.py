"""The preview web server of `journalgen serve`: the built preview folder, nothing else,
with live reload and the build's errors shown in the browser.

Built on the standard library's ThreadingHTTPServer, but it does not use
SimpleHTTPRequestHandler's path translation: every request path is decoded segment by
segment and the resolved file must lie inside the preview folder (mkdocs' dev server once
served any file on the disk: CVE-2021-40978). Requests whose Host header is not this
server's address are refused, so a web page elsewhere cannot reach it by DNS rebinding.
"""

from __future__ import annotations

import collections
import contextlib
import html
import ipaddress
import json
import os
import re
import secrets
import shutil
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, BinaryIO, Literal, cast
from urllib.parse import parse_qsl, quote, unquote

EVENTS_PATH = "/__journalgen/events"
"""The live-reload event stream (Server-Sent Events)."""

MANIFEST_NAME = ".journalgen-output.json"
"""The writer's list of files: part of the folder, not of the site."""

WAIT_FOR_BUILD = 60.0
"""Most seconds a request waits for a build in progress before it is answered anyway."""

KEEPALIVE = 15.0
"""Seconds between comments on an idle event stream, so dead connections are noticed."""

LOOPBACK_NAMES = ("localhost", "127.0.0.1", "[::1]")

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".xsl": "application/xml; charset=utf-8",
    ".json": "application/json",
    ".webmanifest": "application/manifest+json",
    ".txt": "text/plain; charset=utf-8",
    ".md": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".ico": "image/x-icon",
    ".pdf": "application/pdf",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".mp3": "audio/mpeg",
    ".m4a": "audio/mp4",
    ".mp4": "video/mp4",
    ".webm": "video/webm",
}
"""By suffix; anything else is sent as application/octet-stream (never sniffed)."""


def content_type(path: Path) -> str:
    return CONTENT_TYPES.get(path.suffix.lower(), "application/octet-stream")


# --- The state of the builds, shared by the rebuild loop and the request threads ---------


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The last finished build, as one request sees it."""

    build_id: str
    """Changes with every finished build and every server start (pages reload on change)."""
    error: str | None
    """The last build's problems, formatted, when it failed."""
    base_path: str
    """The path the site lives under (from base_url), e.g. `/` or `/journal/`."""


class BuildState:
    """Lets requests wait for the build in progress, and tells event streams when one ends.

    A build starts only once no request is reading files, and no request starts reading
    while a build runs, so nobody sees the moment the new folder is swapped in.
    """

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._instance = secrets.token_hex(4)
        self._number = 0
        self._building = False
        self._readers = 0
        self._error: str | None = None
        self._base_path = "/"
        self._early: dict[str, bytes] = {}
        self.closed = False

    def snapshot(self) -> Snapshot:
        with self._cond:
            return self._snapshot()

    def _snapshot(self) -> Snapshot:
        return Snapshot(f"{self._instance}-{self._number}", self._error, self._base_path)

    def begin_build(self) -> None:
        """Hold new requests, and wait until those reading files have finished."""
        with self._cond:
            self._building = True
            self._cond.wait_for(lambda: self._readers == 0, timeout=WAIT_FOR_BUILD)

    def show_early(self, rel: str, data: bytes) -> None:
        """Serve `data` as the page at `rel` (its path in the output folder) from now until
        the build in progress ends, and tell the pages to reload: the edited entry's page,
        made before the rest (earlypage.py). Other requests wait for the build from now on
        (the build calls `begin_build` next), so no page reloads into the previous build."""
        with self._cond:
            self._building = True
            self._early = {rel: data}
            self._number += 1
            self._cond.notify_all()

    def early(self) -> tuple[Snapshot, dict[str, bytes]] | None:
        """The early page shown while a build runs, if any, without waiting."""
        with self._cond:
            return (self._snapshot(), self._early) if self._early else None

    def end_build(
        self, error: str | None, base_path: str | None = None, *, as_shown: bool = False
    ) -> None:
        """Record the outcome and wake everyone waiting. `as_shown`: the build made the early
        page exactly as it was shown, so the pages need not reload again."""
        with self._cond:
            self._building = False
            if not (as_shown and self._early and error is None):
                self._number += 1
            self._early = {}
            self._error = error
            if base_path is not None:
                self._base_path = base_path
            self._cond.notify_all()

    @contextlib.contextmanager
    def reading(self) -> Iterator[Snapshot]:
        """Wait for the build in progress, then keep builds out while the caller reads."""
        with self._cond:
            self._cond.wait_for(lambda: not self._building or self.closed, timeout=WAIT_FOR_BUILD)
            self._readers += 1
            snapshot = self._snapshot()
        try:
            yield snapshot
        finally:
            with self._cond:
                self._readers -= 1
                self._cond.notify_all()

    def wait_for_change(self, seen: str | None, timeout: float) -> Snapshot:
        """The next finished build other than `seen` (or the same one after `timeout`)."""
        with self._cond:
            self._cond.wait_for(
                lambda: self.closed or self._snapshot().build_id != seen, timeout=timeout
            )
            return self._snapshot()

    def close(self) -> None:
        """The server is stopping: end every event stream."""
        with self._cond:
            self.closed = True
            self._cond.notify_all()


# --- Which addresses may be asked for ----------------------------------------------------


@dataclass(frozen=True, slots=True)
class HostCheck:
    """The Host header values this server answers to (anything else is DNS rebinding)."""

    port: int
    names: frozenset[str]
    """Lower-case host names and IP literals (IPv6 in brackets), without the port."""
    any_ip: bool = False
    """Also accept any IP literal (when serving on every address of a LAN)."""

    @classmethod
    def for_address(cls, host: str, port: int) -> HostCheck:
        names = set(LOOPBACK_NAMES)
        wildcard = host in ("0.0.0.0", "::", "")
        if not wildcard:
            names.add(_bracket(host.lower()))
        else:
            hostname = socket.gethostname().lower()
            names.update({hostname, hostname + ".local"})
        return cls(port=port, names=frozenset(names), any_ip=wildcard)

    def allows(self, header: str | None) -> bool:
        parsed = split_host(header or "")
        if parsed is None:
            return False
        name, port = parsed
        if port != self.port:
            return False
        return name in self.names or (self.any_ip and _is_ip_literal(name))


def split_host(header: str) -> tuple[str, int] | None:
    """`name:port` from a Host header (port 80 when absent), or None when malformed."""
    match = re.fullmatch(r"(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?", header.strip())
    if match is None:
        return None
    port = int(match.group(2)) if match.group(2) else 80
    return match.group(1).lower().rstrip("."), port


def _bracket(host: str) -> str:
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


def _is_ip_literal(name: str) -> bool:
    try:
        ipaddress.ip_address(name.strip("[]"))
    except ValueError:
        return False
    return True


# --- Which file a request path means -----------------------------------------------------


@dataclass(frozen=True, slots=True)
class Target:
    """What a request path resolves to."""

    kind: Literal["file", "redirect", "missing", "bad"]
    path: Path | None = None
    """The file to send, for `file`."""
    location: str = ""
    """Where to go instead, for `redirect`."""


MAX_FORM_BYTES = 64 * 1024
"""A guestbook message is at most 10,000 characters: a larger form is not one of ours."""

HOST_FILES = frozenset({"_headers", "_redirects", "netlify.toml"})
"""Host configuration written into the output folder (`_headers` holds the password of
`privacy: password`): never served by the preview."""
MAX_NAME_BYTES = 255
"""The longest file name most disks allow."""


def resolve_target(root: Path, request_path: str, base_path: str = "/") -> Target:
    """Map a request path to a file inside `root`, or say why not.

    Each segment is percent-decoded on its own, so `%2f` cannot create a separator and
    `%2e%2e` is refused like `..`. The resolved path (symlinks followed) must still be
    inside `root`.
    """
    raw = request_path.split("?", 1)[0].split("#", 1)[0]
    if not raw.startswith("/") or "\\" in raw or "\x00" in raw:
        return Target("bad")
    if base_path != "/" and raw in ("/", base_path.rstrip("/")):
        return Target("redirect", location=base_path)
    if not raw.startswith(base_path):
        return Target("missing")
    segments = _segments(raw[len(base_path) :])
    if segments is None:
        return Target("bad")
    if segments and segments[0].casefold().rstrip(". ") in HOST_FILES:
        return Target("missing")
    if any(len(name.encode("utf-8", "surrogateescape")) > MAX_NAME_BYTES for name in segments):
        return Target("missing")  # no disk holds such a name
    inside = _inside(root, root.joinpath(*segments))
    if inside is None or inside.name == MANIFEST_NAME:
        return Target("missing")
    if inside.is_dir():
        if segments and not raw.endswith("/"):
            return Target("redirect", location=base_path + "/".join(map(quote, segments)) + "/")
        inside = _inside(root, inside / "index.html")
    if inside is None or not inside.is_file():
        return Target("missing")
    return Target("file", inside)


def _segments(raw: str) -> list[str] | None:
    """The decoded path segments, or None when one is not a plain file or folder name."""
    segments = []
    for part in raw.split("/"):
        try:
            name = unquote(part, errors="strict")
        except UnicodeDecodeError:
            return None
        if not name:
            continue
        if name in (".", "..") or any(c in name for c in "/\\\x00:"):
            return None
        segments.append(name)
    return segments


def _inside(root: Path, candidate: Path) -> Path | None:
    """`candidate` with symlinks resolved, if it is inside `root`."""
    try:
        resolved = candidate.resolve()
        return resolved if resolved.is_relative_to(root.resolve()) else None
    except (OSError, RuntimeError, ValueError):
        return None


# --- What the browser gets besides the site ---------------------------------------------

RELOAD_SCRIPT = """<script>
(function () {
  var build = %(build)s, key = "journalgen-scroll:" + location.pathname;
  var saved = sessionStorage.getItem(key);
  if (saved !== null) {
    sessionStorage.removeItem(key);
    var restore = function () { window.scrollTo(0, Number(saved)); };
    restore();
    window.addEventListener("load", restore);
  }
  var events = null;
  function connect() {
    events = new EventSource("%(events)s");
    events.onmessage = function (message) {
      var state = JSON.parse(message.data);
      if (state.build !== build) {
        events.close();
        sessionStorage.setItem(key, String(window.scrollY));
        location.reload();
      }
    };
    events.onerror = function () {
      if (events.readyState === EventSource.CLOSED) { setTimeout(connect, 1000); }
    };
  }
  // Hidden tabs let go of their connection: browsers allow only six per server.
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden" && events) { events.close(); events = null; }
    else if (document.visibilityState === "visible" && !events) { connect(); }
  });
  connect();
})();
</script>
"""
"""Injected into HTML responses only, never written to the preview folder. It reloads the
page after each finished build, keeps the scroll position, and reconnects (reloading) when
the server is restarted."""

ERROR_OVERLAY = """<div id="journalgen-error" role="alert" style="position:fixed;inset:0;
z-index:2147483647;overflow:auto;margin:0;padding:2rem;background:#fff8f6;color:#3b0a00;
font:16px/1.5 system-ui,sans-serif;border-top:6px solid #c0392b">
<h1 style="font-size:1.4rem;margin:0 0 1rem">journalgen could not rebuild the site</h1>
<pre style="white-space:pre-wrap;font:15px/1.5 ui-monospace,monospace;background:#fff;
padding:1rem;border:1px solid #e6b8b0">%(message)s</pre>
<p>Fix the file and save it: this page comes back by itself.</p>
</div>
"""
"""Shown over every page while the last build has failed (the message is escaped)."""

NOT_FOUND_PAGE = b"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Not found</title></head>
<body><h1>Not found</h1><p>There is no page here (yet).</p></body></html>
"""
"""Used when the preview has no 404.html (before the first good build)."""


def inject(page: bytes, snapshot: Snapshot) -> bytes:
    """Add the reload script (and the error overlay, if any) before `</body>`."""
    extra = RELOAD_SCRIPT % {
        "build": json.dumps(snapshot.build_id),
        "events": EVENTS_PATH,
    }
    if snapshot.error is not None:
        extra = ERROR_OVERLAY % {"message": html.escape(snapshot.error)} + extra
    data = extra.encode("utf-8")
    at = page.lower().rfind(b"</body>")
    return page + data if at < 0 else page[:at] + data + page[at:]


# --- The server --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FormRefused:
    """A form the preview did not keep, and why, in words for the person who sent it."""

    why: str


FORMS_PER_MINUTE = 20
FORMS_PER_PREVIEW = 200
"""What posting to one running preview can write at most: a page elsewhere that makes
the browser post in a loop (or a person's mistake) fills no disk."""


class FormBudget:
    """How many forms this preview has kept, lately and in all (shared by its threads)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._recent: collections.deque[float] = collections.deque()
        self._total = 0

    def take(self, now: float) -> bool:
        """Count one more form, or say False when the bounds are reached."""
        with self._lock:
            while self._recent and now - self._recent[0] >= 60:
                self._recent.popleft()
            if len(self._recent) >= FORMS_PER_MINUTE or self._total >= FORMS_PER_PREVIEW:
                return False
            self._recent.append(now)
            self._total += 1
            return True


def same_origin(host: str | None, origin: str | None, fetch_site: str | None) -> bool:
    """A form post comes from the preview's own pages: browsers say where a post comes
    from, so a page on any other website cannot use the family's browser to write into
    their journal. `Sec-Fetch-Site` (every current browser) decides; without it, `Origin`
    must be the preview's own (the preview's `no-referrer` policy makes a browser send
    `Origin: null` even for its own pages, so `null` is trusted only with
    `Sec-Fetch-Site`). A post with neither header is not a browser's cross-site post."""
    if fetch_site is not None:
        return fetch_site.strip().lower() in ("same-origin", "none")
    if origin is None:
        return True
    return host is not None and origin.strip().lower() == f"http://{host.strip().lower()}"


@dataclass(frozen=True, slots=True)
class ServerConfig:
    """What the request handler needs to know."""

    root: Path
    """The preview folder: nothing outside it is ever sent."""
    state: BuildState
    hosts: HostCheck
    log: bool = False
    """Print one line per request (--debug)."""
    on_form: Callable[[str, dict[str, str]], str | FormRefused | None] | None = None
    """Takes a form sent to the preview (its path and fields) and returns where to send
    the browser next (the thank-you page), why it was not kept, or None when the path
    takes no form."""
    on_demand: Callable[[str], bytes | None] | None = None
    """Pages the preview makes only when they are asked for (the book), by their path in
    the output folder; None for any other path."""
    extra_headers: tuple[tuple[str, str], ...] = field(
        default=(
            ("Cache-Control", "no-store"),
            ("X-Content-Type-Options", "nosniff"),
            ("Referrer-Policy", "no-referrer"),
        )
    )


class DevServer(ThreadingHTTPServer):
    """One thread per request; threads are daemons so event streams never delay Ctrl-C."""

    daemon_threads = True
    request_queue_size = 1024
    """Connections waiting to be accepted (the default, 5, makes a burst of requests
    wait seconds for retries)."""

    def __init__(self, address: tuple[str, int], config: ServerConfig, ipv6: bool) -> None:
        self.address_family = socket.AF_INET6 if ipv6 else socket.AF_INET
        self.config = config
        self.forms = FormBudget()
        super().__init__(address, RequestHandler)

    def handle_error(
        self, request: socket.socket | tuple[bytes, socket.socket], client_address: Any
    ) -> None:
        """A browser closing a connection early is normal, not worth a traceback."""
        if isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            return
        super().handle_error(request, client_address)


def _refused_page(why: str) -> bytes:
    """What the person who sent a form the preview did not keep sees: why, and what to do."""
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>Not sent</title></head>\n<body>\n<main>\n<h1>Not sent</h1>\n"
        f"<p>{html.escape(why)}</p>\n"
        "<p>Go back, change it and send it again: what you wrote is still in the form.</p>\n"
        "</main>\n</body>\n</html>\n"
    ).encode()


def make_server(host: str, port: int, config: ServerConfig) -> DevServer:
    """Bind now (so a busy port is reported at once); serve with `serve_forever`."""
    return DevServer((host, port), config, ipv6=":" in host)


@dataclass(frozen=True, slots=True)
class Response:
    """An answer, prepared while builds are held off and sent after."""

    status: HTTPStatus
    content_type: str = "text/plain; charset=utf-8"
    data: bytes = b""
    location: str | None = None
    stream: BinaryIO | None = None
    """A large file, opened while builds were held off (so it is the file of one build
    even if the next replaces it) and sent in chunks: memory stays small."""
    length: int = 0
    """The size of `stream`."""


def respond(config: ServerConfig, request_path: str, snapshot: Snapshot) -> Response:
    """The answer to GET `request_path` (after the Host header was checked)."""
    target = resolve_target(config.root, request_path, snapshot.base_path)
    if target.kind == "bad":
        return Response(HTTPStatus.BAD_REQUEST, data=b"Bad request path.\n")
    if target.kind == "redirect":
        query = request_path.partition("?")[2]
        location = target.location + (f"?{query}" if query else "")
        return Response(HTTPStatus.MOVED_PERMANENTLY, location=location)
    if target.path is not None:
        with contextlib.suppress(OSError):
            return _file_response(HTTPStatus.OK, target.path, snapshot)
    made = _on_demand(config, request_path, snapshot.base_path)
    if made is not None:
        return Response(HTTPStatus.OK, CONTENT_TYPES[".html"], inject(made, snapshot))
    page = _inside(config.root, config.root / "404.html")
    if page is not None and page.is_file():
        with contextlib.suppress(OSError):
            return _file_response(HTTPStatus.NOT_FOUND, page, snapshot)
    return Response(HTTPStatus.NOT_FOUND, CONTENT_TYPES[".html"], inject(NOT_FOUND_PAGE, snapshot))


FINGERPRINTED = ("assets/", "photos/")
"""Folders of the output whose files an edited entry does not change: the theme's
stylesheets (with a digest of their content in their names) and the processed photos."""


def _on_demand(config: ServerConfig, request_path: str, base_path: str) -> bytes | None:
    """The page made on demand for a folder address such as `/book/`, if it is one."""
    raw = request_path.split("?", 1)[0].split("#", 1)[0]
    if config.on_demand is None or not raw.endswith("/") or not raw.startswith(base_path):
        return None
    segments = _segments(raw[len(base_path) :])
    if not segments:
        return None
    return config.on_demand("/".join([*segments, "index.html"]))


STREAM_ABOVE = 256 * 1024
"""Files larger than this (photos, PDFs, videos in static/) are sent in chunks."""


def _file_response(status: HTTPStatus, path: Path, snapshot: Snapshot) -> Response:
    kind = content_type(path)
    if not kind.startswith("text/html"):
        handle = path.open("rb")
        size = os.fstat(handle.fileno()).st_size
        if size > STREAM_ABOVE:
            return Response(status, kind, stream=handle, length=size)
        with handle:
            return Response(status, kind, handle.read())
    return Response(status, kind, inject(path.read_bytes(), snapshot))


class RequestHandler(BaseHTTPRequestHandler):
    server_version = "journalgen"
    sys_version = ""

    @property
    def config(self) -> ServerConfig:
        return cast(DevServer, self.server).config

    def do_GET(self) -> None:
        self._respond(body=True)

    def do_HEAD(self) -> None:
        self._respond(body=False)

    def do_POST(self) -> None:
        """A form of the site (the guestbook) sent to the preview: kept where an imported
        message would go, then the thank-you page, as on the real site."""
        host = self.headers.get("Host")
        if not self.config.hosts.allows(host):
            self._send(Response(HTTPStatus.FORBIDDEN, data=b"This address is not served here.\n"))
            return
        if not same_origin(host, self.headers.get("Origin"), self.headers.get("Sec-Fetch-Site")):
            self._send(
                Response(
                    HTTPStatus.FORBIDDEN,
                    data=b"Only the preview's own pages can send a form to the preview.\n",
                )
            )
            return
        try:
            length = int(self.headers.get("Content-Length") or "0")
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_FORM_BYTES or self.config.on_form is None:
            self._send(Response(HTTPStatus.BAD_REQUEST, data=b"This form cannot be sent here.\n"))
            return
        body = self.rfile.read(length).decode("utf-8", errors="replace")
        if not cast(DevServer, self.server).forms.take(time.monotonic()):
            self._send(
                Response(
                    HTTPStatus.TOO_MANY_REQUESTS,
                    data=b"Too many forms were sent to this preview; this one was not kept. "
                    b"Wait a minute (or restart journalgen serve) and send it again.\n",
                )
            )
            return
        fields = {key: value for key, value in parse_qsl(body, keep_blank_values=True)}
        target = self.config.on_form(self.path.split("?", 1)[0], fields)
        if target is None:
            self._send(Response(HTTPStatus.METHOD_NOT_ALLOWED, data=b"No form is sent here.\n"))
        elif isinstance(target, FormRefused):
            self._send(
                Response(
                    HTTPStatus.UNPROCESSABLE_ENTITY,
                    content_type="text/html; charset=utf-8",
                    data=_refused_page(target.why),
                )
            )
        else:
            self._send(Response(HTTPStatus.SEE_OTHER, location=target))

    def log_message(self, format: str, *args: Any) -> None:
        if self.config.log:
            super().log_message(format, *args)

    def _respond(self, *, body: bool) -> None:
        if not self.config.hosts.allows(self.headers.get("Host")):
            self._send(Response(HTTPStatus.FORBIDDEN, data=b"This address is not served here.\n"))
            return
        if self.path.split("?", 1)[0] == EVENTS_PATH:
            self._events()
            return
        early = self._early()
        if early is not None:
            self._send(early, body=body)
            return
        with self.config.state.reading() as snapshot:
            try:
                response = respond(self.config, self.path, snapshot)
            except (OSError, ValueError):  # a path no disk can hold, or one that vanished
                response = Response(HTTPStatus.NOT_FOUND, data=b"Not found.\n")
        self._send(response, body=body)

    def _early(self) -> Response | None:
        """While a build runs after an entry was edited: its page, made first, and the
        stylesheets and photos it shows (their names change with their content, so the
        folder being built holds the same bytes under the same name)."""
        found = self.config.state.early()
        if found is None:
            return None
        snapshot, pages = found
        root = self.config.root
        try:
            target = resolve_target(root, self.path, snapshot.base_path)
            if target.kind != "file" or target.path is None:
                return None
            rel = target.path.relative_to(root.resolve()).as_posix()
        except (OSError, ValueError):
            return None
        page = pages.get(rel)
        if page is not None:
            return Response(HTTPStatus.OK, CONTENT_TYPES[".html"], inject(page, snapshot))
        if rel.startswith(FINGERPRINTED):
            with contextlib.suppress(OSError):
                return _file_response(HTTPStatus.OK, target.path, snapshot)
        return None

    def _send(self, response: Response, *, body: bool = True) -> None:
        self.send_response(response.status)
        if response.location is not None:
            self.send_header("Location", response.location)
        self.send_header("Content-Type", response.content_type)
        length = response.length if response.stream is not None else len(response.data)
        self.send_header("Content-Length", str(length))
        for name, value in self.config.extra_headers:
            self.send_header(name, value)
        self.end_headers()
        if response.stream is not None:
            with response.stream:
                if body:
                    shutil.copyfileobj(response.stream, self.wfile, 64 * 1024)
        elif body:
            self.wfile.write(response.data)

    def _events(self) -> None:
        """Stream `{"build": id, "ok": bool}` after every finished build until closed."""
        state = self.config.state
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        for name, value in self.config.extra_headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(b"retry: 1000\n\n")
        seen: str | None = None
        while not state.closed:
            snapshot = state.wait_for_change(seen, KEEPALIVE)
            if snapshot.build_id != seen:
                seen = snapshot.build_id
                message = json.dumps({"build": seen, "ok": snapshot.error is None})
                self.wfile.write(f"data: {message}\n\n".encode())
            else:
                self.wfile.write(b": still here\n\n")
            self.wfile.flush()
