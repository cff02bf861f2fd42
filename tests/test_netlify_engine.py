"""A new journal published the way Netlify publishes it: `netlify build --offline` (Netlify's
own build engine, @netlify/build, from the netlify-cli package pinned in package-lock.json)
with a fresh Python virtual environment on PATH into which nothing was installed, then the
result served by Netlify's local server. This is what a family's first deploy does."""

from __future__ import annotations

import http.client
import os
import shutil
import signal
import socket
import subprocess
import time
import tomllib
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import written_by_the_family
from journalgen.cli import main
from journalgen.publishing import headers, vendor

REPO = Path(__file__).resolve().parents[1]
CLI = REPO / "node_modules" / "netlify-cli" / "bin" / "run.js"


def _require_netlify() -> None:
    if CLI.is_file() and shutil.which("node"):
        return
    message = "Netlify's engine is needed: run `npm ci` (make test does)"
    if os.environ.get("CI", "").lower() in ("true", "1"):
        pytest.fail(message)
    pytest.skip(message)


def _node(folder: Path) -> str:
    """Node in a folder of its own. @netlify/build puts the folder of the node it runs
    under at the front of PATH; with Debian's node that is /usr/bin, whose python3 would
    hide the fresh virtual environment (Netlify's image has no Python there)."""
    real = Path(shutil.which("node") or "node").resolve()
    folder.mkdir(exist_ok=True)
    try:
        os.link(real, folder / "node")
    except OSError:
        shutil.copy2(real, folder / "node")
    return str(folder / "node")


def _environment(tmp: Path, venv: Path) -> dict[str, str]:
    found = dict(os.environ)
    # Only the public package index, as on Netlify's machines: none of this machine's own
    # wheel folders or mirrors (pip's cache of downloads is kept).
    for name in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "PIP_FIND_LINKS", "PIP_INDEX_URL"):
        found.pop(name, None)
    found["PIP_CONFIG_FILE"] = os.devnull
    found.update(
        PATH=f"{venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
        CI="true",  # no questions, no telemetry, no update check
        NO_UPDATE_NOTIFIER="1",
        NO_COLOR="1",
        BROWSER="none",
        XDG_CONFIG_HOME=str(tmp / "xdg"),
    )
    return found


@dataclass(frozen=True)
class Built:
    journal: Path
    env: dict[str, str]
    node: str
    log: str
    seconds: float


def _netlify_build(
    journal: Path, env: dict[str, str], node: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [node, str(CLI), "build", "--offline"],
        cwd=journal,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    _require_netlify()
    tmp = tmp_path_factory.mktemp("netlify")
    made = tmp / "made"
    assert main(["init", str(made), "--title", "Cooper's journal"]) == 0
    written_by_the_family(made)
    # The old addresses an imported blog leaves (journalgen import writes this file).
    welcome = next((made / "content/entries").glob("*welcome.md")).name
    (made / "content/redirects.yaml").write_text(
        f'"/?p=7": "entries/{welcome}"\n"/2011/05/05/welcome/": "entries/{welcome}"\n'
        f'"/2011/05/welcome.html": "entries/{welcome}"\n'
    )
    # The family's own Netlify rules, kept from the site it came from.
    (made / "static").mkdir(exist_ok=True)
    (made / "static/_redirects").write_text("/donate / 302\n")
    (made / "static/_headers").write_text("/guestbook/*\n  X-Family-Rule: kept\n")
    journal = tmp / "copy" / "journal"  # copied, as a family's repository is cloned
    shutil.copytree(made, journal)
    venv = tmp / "venv"
    subprocess.run(["python3", "-m", "venv", str(venv)], check=True)
    env = _environment(tmp, venv)
    node = _node(tmp / "node")
    started = time.monotonic()
    done = _netlify_build(journal, env, node)
    seconds = time.monotonic() - started
    assert done.returncode == 0, done.stdout + done.stderr
    return Built(journal, env, node, done.stdout, seconds)


def test_netlify_builds_a_new_journal_from_nothing(built: Built) -> None:
    out = built.journal / "output"
    assert (out / "index.html").is_file()
    entries = list(out.glob("20*/*/*welcome*/index.html"))
    assert entries, sorted(p.name for p in out.iterdir())
    for feed in ("feed.xml", "atom.xml"):
        assert (out / feed).read_bytes().startswith(b"<?xml")
    assert "Cooper" in (out / "index.html").read_text(encoding="utf-8")
    # journalgen came from the journal's own wheel, into the fresh environment, with
    # exactly the libraries requirements.txt pins.
    venv = built.journal.parents[1] / "venv"
    where = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import journalgen; print(journalgen.__file__)"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert where.startswith(str(venv)), where
    frozen = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "freeze", "--all"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    lines = (built.journal / "requirements.txt").read_text().splitlines()
    # Libraries for other systems only (colorama, on Windows) are not installed here.
    pinned = vendor.pinned_versions("\n".join(line for line in lines if ";" not in line))
    installed = vendor.pinned_versions(frozen)
    for name, version in pinned.items():
        assert installed.get(name) == version, (name, installed.get(name))
    print("installed by the journal's build:", " ".join(frozen.split()))
    print(f"netlify build --offline took {built.seconds:.1f} s")


def test_netlify_merges_every_header_of_the_journal(built: Built) -> None:
    """What Netlify will send: its engine's merged settings (netlify.toml and _headers)."""
    merged = tomllib.loads((built.journal / ".netlify" / "netlify.toml").read_text())
    table: dict[str, dict[str, str]] = {}
    for rule in merged.get("headers", []):
        table.setdefault(rule["for"], {}).update(rule["values"])
    for path, values in headers.as_table(headers.FIXED).items():
        for name, value in values.items():
            assert table[path][name] == value, (path, name)
    assert table["/*"]["X-Robots-Tag"] == "noindex, nofollow"  # init makes it private


def test_the_cache_survives_between_deploys(built: Built) -> None:
    """A deploy starts from a fresh checkout: Netlify brings back journalgen's cache
    (processed photos, parses, the record of the last build) and the last output, so a
    deploy with nothing changed builds nothing, and after an edit the pages that did not
    change are the brought-back copies, not made again."""
    out = built.journal / "output"
    pages = sorted(out.rglob("*.html"))
    expected = {page: page.read_bytes() for page in pages}

    def deploy() -> tuple[int, str]:
        """A fresh checkout: only what Netlify's cache brings back."""
        shutil.rmtree(built.journal / ".cache" / "journalgen")
        shutil.rmtree(out)
        started = time.time_ns()
        done = _netlify_build(built.journal, built.env, built.node)
        assert done.returncode == 0, done.stdout
        assert "journalgen: cache restored" in done.stdout
        return started, done.stdout

    started, said = deploy()
    assert "Nothing changed since the last build" in said
    assert {page: page.read_bytes() for page in pages} == expected
    assert all(page.stat().st_mtime_ns < started for page in pages)  # brought back

    entry = next((built.journal / "content" / "entries").glob("*welcome.md"))
    entry.write_text(entry.read_text(encoding="utf-8") + "\nOne more line.\n", "utf-8")
    started, said = deploy()
    assert "Built " in said
    page = next(out.glob("20*/*/welcome/index.html"))
    assert b"One more line." in page.read_bytes() and page.stat().st_mtime_ns >= started
    same = [page for page in pages if page.read_bytes() == expected[page]]
    assert len(same) >= 5  # the about page, the guestbook, the 404 page, ...
    assert all(page.stat().st_mtime_ns < started for page in same)  # not written again


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _get(url: str) -> tuple[int, dict[str, str]]:
    with urllib.request.urlopen(url, timeout=10) as response:
        response.read()
        return response.status, {k.lower(): v for k, v in response.headers.items()}


@pytest.fixture(scope="module")
def served(built: Built) -> Iterator[str]:
    port = _free_port()
    process = subprocess.Popen(
        [
            built.node,
            str(CLI),
            "dev",
            "--offline",
            "--dir",
            str(built.journal / "output"),
            "--port",
            str(port),
            "--no-open",
            "--skip-gitignore",
            "--internal-disable-edge-functions",  # else it fetches Deno on the first request
        ],
        cwd=built.journal,
        env=built.env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    address = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 90
        while True:
            if process.poll() is not None:
                assert process.stdout is not None
                raise AssertionError(process.stdout.read().decode(errors="replace"))
            try:
                if _get(address)[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "netlify dev did not answer"
            time.sleep(0.3)
        yield address
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def test_netlify_serves_the_journal_with_its_headers(built: Built, served: str) -> None:
    out = built.journal / "output"
    entry = next(out.glob("20*/*/*welcome*/index.html")).parent.relative_to(out).as_posix()
    asset = next((out / "assets").glob("style.*.css")).relative_to(out).as_posix()
    for path in ("", f"{entry}/", "feed.xml", asset):
        status, sent = _get(served + path)
        assert status == 200, path
        assert sent["content-security-policy"] == headers.CSP, path
        assert sent["x-content-type-options"] == "nosniff", path
        assert sent["referrer-policy"] == "same-origin", path
        assert "geolocation=()" in sent["permissions-policy"], path
        assert sent["x-robots-tag"] == "noindex, nofollow", path


def test_this_repository_builds_on_netlify(tmp_path: Path) -> None:
    """The repository's own netlify.toml (the example journal, journalgen from the
    checkout) through the same engine."""
    _require_netlify()
    files = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    copy = tmp_path / "repo"
    for name in filter(None, files):
        rel = name.decode()
        source = REPO / rel
        if not source.is_file():
            continue
        (copy / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, copy / rel)
    venv = tmp_path / "venv"
    subprocess.run(["python3", "-m", "venv", str(venv)], check=True)
    done = _netlify_build(copy, _environment(tmp_path, venv), _node(tmp_path / "node"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert (copy / "output" / "index.html").is_file()
    assert "Finn" in (copy / "output" / "index.html").read_text(encoding="utf-8")


def _status(url: str) -> tuple[int, str]:
    """The status and Location of one request, redirects not followed."""
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=10)
    try:
        connection.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""))
        response = connection.getresponse()
        response.read()
        return response.status, response.getheader("Location") or ""
    finally:
        connection.close()


def test_netlify_sends_an_imported_blogs_old_addresses_on(built: Built, served: str) -> None:
    out = built.journal / "output"
    entry = "/" + next(out.glob("20*/*/*welcome*/index.html")).parent.relative_to(out).as_posix()
    for old in ("?p=7", "2011/05/05/welcome/", "2011/05/05/welcome", "2011/05/welcome.html"):
        status, location = _status(served + old)
        assert status == 301, (old, status)
        assert urllib.parse.urlsplit(location).path == entry + "/", (old, location)
    # Another query, and the home page itself, are not redirected.
    assert _status(served + "?p=8")[0] == 200
    assert _status(served)[0] == 200
    # The journal's own rules (static/_redirects and static/_headers) are kept beside
    # journalgen's.
    status, location = _status(served + "donate")
    assert status == 302 and urllib.parse.urlsplit(location).path == "/"
    assert _get(served + "guestbook/")[1].get("x-family-rule") == "kept"
    assert "content-security-policy" in _get(served + "guestbook/")[1]


def test_netlify_does_not_publish_a_build_the_gate_refuses(built: Built, tmp_path: Path) -> None:
    """The build command `init` writes ends with deploy-check: a broken link (any warning,
    as `build --strict` says) fails the deploy, so Netlify keeps the site it has."""
    journal = tmp_path / "journal"
    shutil.copytree(built.journal, journal, ignore=shutil.ignore_patterns(".netlify"))
    entry = next((journal / "content" / "entries").glob("*welcome.md"))
    entry.write_text(
        entry.read_text(encoding="utf-8") + "\nSee [the photos](2026-01-01-nothing.md).\n",
        encoding="utf-8",
    )
    done = _netlify_build(journal, built.env, built.node)
    assert done.returncode != 0, done.stdout
    said = done.stdout + done.stderr
    assert "journalgen deploy-check" in said
    assert "links to entries/2026-01-01-nothing.md, which is not in content/" in said
