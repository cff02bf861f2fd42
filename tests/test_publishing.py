"""Publishing as a family does it: the files `journalgen init` writes install journalgen
from the journal itself with every library pinned and hashed, headers come from one place,
and scheduled entries cost one rebuild each (the trigger run against a local stand-in for
the build hook). The builds on Netlify's own engine are in test_netlify_engine.py."""

from __future__ import annotations

import datetime as dt
import hashlib
import http.server
import json
import os
import shlex
import shutil
import subprocess
import sys
import threading
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ClassVar

import pytest
import yaml

from browserpages import served
from conftest import SiteDir, written_by_the_family
from journalgen import __version__
from journalgen.cli import main
from journalgen.publishing import headers, hosts, vendor

REPO = Path(__file__).resolve().parents[1]


def _init(folder: Path, *extra: str) -> Path:
    assert main(["init", str(folder), "--privacy", "private", *extra]) == 0
    return folder


def _requirements(folder: Path) -> list[tuple[str, list[str]]]:
    """requirements.txt as (requirement, its hashes), continuation lines joined."""
    text = (folder / "requirements.txt").read_text(encoding="utf-8")
    joined = text.replace("\\\n", " ")
    found = []
    for line in joined.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        words = line.split()
        found.append((words[0], [w.split("=", 1)[1] for w in words if w.startswith("--hash=")]))
    return found


def test_every_requirement_is_a_file_in_the_journal_or_an_exact_hashed_version(
    tmp_path: Path,
) -> None:
    journal = _init(tmp_path / "j")
    found = _requirements(journal)
    names = [req for req, _ in found]
    assert f"./vendor/journalgen-{__version__}-py3-none-any.whl" in names
    for requirement, hashes in found:
        assert hashes, f"{requirement} has no hash"
        assert all(h.startswith("sha256:") for h in hashes)
        if requirement.startswith("./"):
            data = (journal / requirement).read_bytes()
            assert hashes == ["sha256:" + hashlib.sha256(data).hexdigest()]
        else:
            assert "==" in requirement, f"{requirement} is not an exact version"
    # Nothing is ever found by name alone: journalgen is not asked of the index.
    assert not any(req.split("==")[0] == "journalgen" for req in names)


def test_the_same_journalgen_gives_the_same_files(tmp_path: Path) -> None:
    first = _init(tmp_path / "a")
    second = _init(tmp_path / "b")
    for rel in ("requirements.txt", f"vendor/journalgen-{__version__}-py3-none-any.whl"):
        assert (first / rel).read_bytes() == (second / rel).read_bytes(), rel
    # ...and `upgrade` with the same journalgen changes nothing.
    capsys_out = subprocess.run(
        [sys.executable, "-m", "journalgen", "upgrade", "--site", str(first)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "Nothing to change" in capsys_out


def test_the_vendored_wheel_holds_the_running_journalgen(tmp_path: Path) -> None:
    import zipfile

    journal = _init(tmp_path / "j")
    wheel = journal / "vendor" / f"journalgen-{__version__}-py3-none-any.whl"
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        metadata = archive.read(f"journalgen-{__version__}.dist-info/METADATA").decode()
        record = archive.read(f"journalgen-{__version__}.dist-info/RECORD").decode()
    source = Path(vendor.__file__).parents[1]
    for path in source.rglob("*"):
        rel = path.relative_to(source)
        if path.is_file() and "__pycache__" not in rel.parts:
            assert f"journalgen/{rel.as_posix()}" in names, rel
    assert "requires-dist: jinja2" in metadata.lower()
    assert len(record.splitlines()) == len(names)


def test_upgrade_moves_an_old_journal_and_says_what_changed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    journal = _init(tmp_path / "j")
    # A journal made by an older journalgen: another wheel, older pins, an older toml.
    (journal / "vendor" / f"journalgen-{__version__}-py3-none-any.whl").rename(
        journal / "vendor" / "journalgen-0.0.9-py3-none-any.whl"
    )
    old = (journal / "requirements.txt").read_text(encoding="utf-8")
    old = old.replace(f"journalgen-{__version__}-", "journalgen-0.0.9-")
    old = old.replace("jinja2==3.1.6", "jinja2==3.1.4")
    (journal / "requirements.txt").write_text(old, encoding="utf-8")
    older_toml = '[build]\ncommand = "journalgen build"\n'
    (journal / "netlify.toml").write_text(older_toml)
    record = json.loads((journal / hosts.RECORD).read_text())
    record["netlify.toml"] = hashlib.sha256(older_toml.encode()).hexdigest()
    (journal / hosts.RECORD).write_text(json.dumps(record))
    capsys.readouterr()
    assert main(["upgrade", "--site", str(journal)]) == 0
    said = capsys.readouterr().out
    assert f"journalgen 0.0.9 → {__version__}" in said
    assert "jinja2: 3.1.4 → 3.1.6" in said
    assert "netlify.toml" in said
    assert not (journal / "vendor" / "journalgen-0.0.9-py3-none-any.whl").exists()
    assert (journal / "vendor" / f"journalgen-{__version__}-py3-none-any.whl").is_file()
    fresh = _init(tmp_path / "fresh")
    for rel in ("requirements.txt", "netlify.toml"):
        assert (journal / rel).read_bytes() == (fresh / rel).read_bytes(), rel


def test_upgrade_leaves_a_hand_edited_file_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    journal = _init(tmp_path / "j")
    toml = journal / "netlify.toml"
    toml.write_text(toml.read_text() + '\n[[redirects]]\n  from = "/old"\n  to = "/"\n')
    edited = toml.read_text()
    (journal / "requirements.txt").write_text("jinja2\n")  # journalgen's alone: replaced
    capsys.readouterr()
    assert main(["upgrade", "--site", str(journal)]) == 0
    said = capsys.readouterr().out
    assert toml.read_text() == edited
    assert "netlify.toml was changed since journalgen wrote it" in said
    assert (journal / "netlify.toml.journalgen-new").read_bytes() == hosts.netlify_toml()
    assert (journal / "requirements.txt").read_text().startswith("# What Netlify")


def test_upgrade_moves_a_journal_to_github_pages(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    journal = _init(tmp_path / "j", "--schedule")
    capsys.readouterr()
    assert main(["upgrade", "--site", str(journal), "--host", "github-pages"]) == 0
    said = capsys.readouterr().out
    for gone in ("netlify.toml", hosts.NETLIFY_PLUGIN + "/index.js", hosts.SCHEDULE_WORKFLOW):
        assert not (journal / gone).exists(), gone
    assert (journal / hosts.PAGES_WORKFLOW).is_file()
    assert "set the guestbook's provider to email" in said
    assert hosts.detect(journal) == ("github-pages", True)
    assert main(["upgrade", "--site", str(journal)]) == 0
    assert "Nothing to change" in capsys.readouterr().out


def test_github_pages_cannot_promise_a_password(tmp_path: Path) -> None:
    assert (
        main(["init", str(tmp_path / "j"), "--host", "github-pages", "--privacy", "password"]) == 1
    )
    assert not (tmp_path / "j" / "journalgen.yaml").exists()


def _toml_headers(path: Path) -> dict[str, dict[str, str]]:
    settings = tomllib.loads(path.read_text(encoding="utf-8"))
    return {table["for"]: dict(table["values"]) for table in settings["headers"]}


@pytest.mark.parametrize("privacy", ["private", "public", "password"])
def test_headers_file_and_netlify_toml_agree_header_by_header(
    tmp_path: Path, privacy: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JOURNALGEN_PASSWORD", "family:a-long-phrase")
    journal = tmp_path / "j"
    assert main(["init", str(journal), "--privacy", privacy]) == 0
    assert main(["build", "--site", str(journal), "--quiet"]) == 0
    written = headers.parse_headers_file((journal / "output" / "_headers").read_text())
    in_toml = _toml_headers(journal / "netlify.toml")
    assert in_toml == headers.as_table(headers.FIXED)
    for path, values in in_toml.items():
        for name, value in values.items():
            assert written[path][name] == value, (path, name)
    extra = {
        (path, name)
        for path, values in written.items()
        for name in values
        if name not in in_toml.get(path, {})
    }
    expected = {
        "public": set(),
        "private": {("/*", "X-Robots-Tag")},
        "password": {("/*", "X-Robots-Tag"), ("/*", "Basic-Auth")},
    }[privacy]
    assert extra == expected
    # The password is never written into a file that is kept in git.
    assert "a-long-phrase" not in (journal / "netlify.toml").read_text()


def test_this_repository_sends_the_same_headers_as_a_new_journal() -> None:
    assert _toml_headers(REPO / "netlify.toml") == headers.as_table(headers.FIXED)


def test_netlify_toml_names_no_plugin_from_a_registry(tmp_path: Path) -> None:
    for path in (_init(tmp_path / "j") / "netlify.toml", REPO / "netlify.toml"):
        settings = tomllib.loads(path.read_text(encoding="utf-8"))
        for plugin in settings.get("plugins", []):
            package = plugin["package"]
            assert package.startswith("./"), package
            assert (path.parent / package / "manifest.yml").is_file(), package


# --- Scheduled entries -------------------------------------------------------------------


def test_every_build_publishes_when_the_next_scheduled_entry_comes_due(site: SiteDir) -> None:
    site.entry("2026-11-01-old.md", "title: Old\ndate: 2026-11-01")
    site.entry(
        "2026-11-30-soon.md", "title: Soon\ndate: 2026-11-30 09:00\npublish_on: 2026-11-30 09:00"
    )
    site.entry(
        "2026-12-24-later.md", "title: Later\ndate: 2026-12-24\npublish_on: 2026-12-24 08:00"
    )
    site.entry(
        "2026-11-25-draft.md", "title: Draft\ndate: 2026-11-25\npublish_on: 2026-11-25\ndraft: true"
    )
    site.build()
    data = json.loads(site.read("schedule.json"))
    assert data == {"next_update": "2026-11-30T09:00:00Z"}  # Europe/London is UTC in November
    for text in (site.read("schedule.json"),):
        assert "Soon" not in text and "later" not in text
    site.build(now=dt.datetime(2026, 12, 25, tzinfo=dt.UTC))
    assert json.loads(site.read("schedule.json")) == {"next_update": None}


def test_schedule_lists_what_will_appear_and_when(
    site: SiteDir, capsys: pytest.CaptureFixture[str]
) -> None:
    site.entry(
        "2099-01-01-far.md", "title: Far away\ndate: 2099-01-01 10:00\npublish_on: 2099-01-01 10:00"
    )
    site.entry("2026-11-25-draft.md", "title: Not yet\ndate: 2026-11-25\ndraft: true")
    assert main(["schedule", "--site", str(site.root)]) == 0
    said = capsys.readouterr().out
    assert "2099-01-01 10:00 GMT  Far away" in said
    assert "waits for you (draft): Not yet" in said


class _Stand_in(http.server.BaseHTTPRequestHandler):
    """The published site (schedule.json) and the build hook, in one server."""

    schedule: ClassVar[dict[str, Any]] = {"next_update": None}
    calls: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        if self.path != "/journal/schedule.json":
            self.send_error(404)
            return
        body = json.dumps(self.schedule).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        self.rfile.read(length)
        self.calls.append(self.path)
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def _stand_in() -> Iterator[tuple[str, type[_Stand_in]]]:
    handler = type("Handler", (_Stand_in,), {"calls": [], "schedule": {"next_update": None}})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", handler
    finally:
        server.shutdown()
        server.server_close()


def _run_trigger(journal: Path, site_url: str, hook: str, now: str, *extra: str) -> str:
    """The trigger script exactly as the journal carries it, with Python's standard library
    only (-I: no journalgen, no site packages), its clock set by faketime-free means: a
    small wrapper that passes `now`."""
    script = journal / hosts.TRIGGER_SCRIPT
    code = (
        "import datetime as dt, runpy, sys\n"
        f"module = runpy.run_path({str(script)!r})\n"
        f"sys.exit(module['main'](sys.argv[1:], now=dt.datetime.fromisoformat({now!r})))\n"
    )
    done = subprocess.run(
        [sys.executable, "-I", "-c", code, "--site-url", site_url, "--hook", hook, *extra],
        capture_output=True,
        text=True,
        cwd=journal,
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_the_trigger_calls_the_build_hook_once_when_an_entry_comes_due(tmp_path: Path) -> None:
    journal = _init(tmp_path / "j", "--schedule")
    workflow = yaml.safe_load((journal / hosts.SCHEDULE_WORKFLOW).read_text())
    steps = workflow["jobs"]["trigger"]["steps"]
    assert any(step.get("run") == f"python3 {hosts.TRIGGER_SCRIPT} --keep-alive" for step in steps)
    with _stand_in() as (address, handler):
        site, hook = f"{address}/journal/", f"{address}/build_hooks/abc"
        assert "Nothing is scheduled" in _run_trigger(journal, site, hook, "2026-12-01T10:00+00:00")
        handler.schedule = {"next_update": "2026-12-02T09:00:00Z"}
        for now in ("2026-12-01T10:00+00:00", "2026-12-02T08:59+00:00"):
            assert "no build yet" in _run_trigger(journal, site, hook, now)
        assert handler.calls == []
        said = _run_trigger(journal, site, hook, "2026-12-02T09:07+00:00")
        assert "Build hook called" in said
        assert handler.calls == ["/build_hooks/abc"]
        # The rebuilt site names the next moment (or none): no second call for the same entry.
        handler.schedule = {"next_update": None}
        _run_trigger(journal, site, hook, "2026-12-02T10:07+00:00")
        assert handler.calls == ["/build_hooks/abc"]


def test_the_trigger_reads_what_a_real_build_published(tmp_path: Path) -> None:
    journal = _init(tmp_path / "j", "--schedule")
    (journal / "content" / "entries" / "2099-01-01-later.md").write_text(
        '---\ntitle: "Later"\ndate: 2099-01-01 09:00\npublish_on: 2099-01-01 09:00\n---\n\nText.\n'
    )
    assert main(["build", "--site", str(journal), "--quiet"]) == 0
    with served(journal / "output") as address:
        said = _run_trigger(journal, address, address + "hook", "2026-12-01T00:00+00:00")
    assert "2099-01-01T09:00:00+00:00" in said and "no build yet" in said


# --- GitHub Pages: a host without a meter --------------------------------------------------


def test_a_github_pages_journal_builds_as_its_workflow_says(tmp_path: Path) -> None:
    """The workflow `init --host github-pages` writes: its shell steps run here, in order, in
    a fresh virtual environment (GitHub's own actions — checkout, setup-python, cache,
    upload and deploy — are GitHub's to run)."""
    journal = written_by_the_family(
        _init(tmp_path / "j", "--host", "github-pages"), "https://cooper.github.io/journal/"
    )
    assert not (journal / "netlify.toml").exists()
    settings = yaml.safe_load((journal / "journalgen.yaml").read_text())
    assert settings["guestbook"]["provider"] == "none"  # no forms on GitHub Pages
    workflow = yaml.safe_load((journal / hosts.PAGES_WORKFLOW).read_text())
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true
    assert set(triggers) == {"push", "workflow_dispatch", "schedule"}
    assert workflow["permissions"] == {"contents": "read"}
    assert workflow["jobs"]["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    jobs = workflow["jobs"]
    assert (
        jobs["build"]["needs"] == "due" and "needs.due.outputs.due == 'true'" in jobs["build"]["if"]
    )
    assert jobs["deploy"]["needs"] == "build"
    upload = next(s for s in jobs["build"]["steps"] if "upload-pages-artifact" in s.get("uses", ""))
    assert upload["with"]["path"] == ".pages"
    cache = next(s for s in jobs["build"]["steps"] if "actions/cache" in s.get("uses", ""))
    assert cache["with"]["path"].split() == [".cache/journalgen", "output"]
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    env = {
        "PATH": f"{venv / 'bin'}:/usr/bin:/bin",
        "HOME": str(tmp_path),
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    }

    def run_steps() -> str:
        said = ""
        for step in jobs["build"]["steps"]:
            if "run" in step:
                done = subprocess.run(
                    step["run"], shell=True, cwd=journal, env=env, capture_output=True, text=True
                )
                assert done.returncode == 0, (step["run"], done.stdout, done.stderr)
                said += done.stdout
        return said

    run_steps()
    out, published = journal / "output", journal / ".pages"
    assert (published / "index.html").is_file() and (published / "feed.xml").is_file()
    page = (published / "index.html").read_text(encoding="utf-8")
    assert "data-netlify" not in page and "github.io" in page
    assert not (published / "_headers").exists() and not (published / "_redirects").exists()
    assert (out / "_headers").is_file()  # the output stays whole, for the next build

    # The next run starts from a fresh checkout, with the cache and output/ brought back
    # as copies (other inodes and times): nothing changed, so nothing is built.
    shutil.rmtree(published)
    for name in ("output", ".cache"):
        shutil.copytree(journal / name, journal / f"{name}.restored")
        shutil.rmtree(journal / name)
        (journal / f"{name}.restored").rename(journal / name)
    assert "Nothing changed since the last build" in run_steps()
    assert (published / "index.html").read_text(encoding="utf-8") == page


def test_github_pages_builds_on_schedule_only_once_an_entry_is_due(tmp_path: Path) -> None:
    """The workflow's hourly `due` step: the same trigger script, writing due=true/false
    for the build job's condition."""
    journal = _init(tmp_path / "j", "--host", "github-pages")
    workflow = yaml.safe_load((journal / hosts.PAGES_WORKFLOW).read_text())
    step = next(s for s in workflow["jobs"]["due"]["steps"] if s.get("id") == "check")
    assert step["run"] == f"python3 {hosts.TRIGGER_SCRIPT} --keep-alive"
    with _stand_in() as (address, handler):
        for moment, expected in (
            (None, "false"),
            ("2099-01-01T00:00:00Z", "false"),
            ("2026-01-01T00:00:00Z", "true"),
        ):
            handler.schedule = {"next_update": moment}
            outputs = tmp_path / f"out-{expected}-{moment}"
            done = subprocess.run(
                [sys.executable, "-I", str(journal / hosts.TRIGGER_SCRIPT)],
                cwd=journal,
                env={"GITHUB_OUTPUT": str(outputs), "JOURNALGEN_SITE_URL": f"{address}/journal/"},
                capture_output=True,
                text=True,
            )
            assert done.returncode == 0, done.stdout + done.stderr
            assert outputs.read_text() == f"due={expected}\nkeepalive=false\n", moment
    assert handler.calls == []  # no hook on GitHub Pages: the workflow builds itself


def test_the_github_workflow_stops_at_the_gate(tmp_path: Path) -> None:
    """A journal whose build has a problem: the workflow's gate step fails before anything
    is prepared for GitHub Pages to publish."""
    journal = written_by_the_family(
        _init(tmp_path / "j", "--host", "github-pages"), "https://cooper.github.io/journal/"
    )
    entry = next((journal / "content/entries").glob("*welcome.md"))
    entry.write_text(entry.read_text() + "\n![Finn](../photos/missing-too.jpg)\n")
    workflow = yaml.safe_load((journal / hosts.PAGES_WORKFLOW).read_text())
    steps = [s["run"] for s in workflow["jobs"]["build"]["steps"] if "run" in s]
    gate = steps.index("python -m journalgen deploy-check")
    assert gate < next(i for i, run in enumerate(steps) if ".pages" in run)
    entry.write_text(entry.read_text().replace("![Finn](../photos/missing-too.jpg)", ""))
    entry.write_text(entry.read_text() + "\nSee [the photos](2026-01-01-nothing.md).\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    for run in steps[steps.index("python -m journalgen build") : gate + 1]:
        done = subprocess.run(
            run.replace("python ", f"{sys.executable} ", 1),
            shell=True,
            cwd=journal,
            env=env,
            capture_output=True,
            text=True,
        )
    assert done.returncode == 1, done.stderr
    assert "links to entries/2026-01-01-nothing.md" in done.stderr
    assert not (journal / ".pages").exists()


def test_a_quiet_repository_keeps_its_hourly_check_and_publishes_a_due_entry(
    tmp_path: Path,
) -> None:
    """GitHub stops a repository's scheduled workflows after 60 days without a commit. A
    memorial nobody touches, with an anniversary entry scheduled months ahead: run hourly
    (a fake clock, a day at a time), the workflow's steps commit before 60 quiet days ever
    pass, and the entry's build is called when it comes due."""
    journal = _init(tmp_path / "j", "--schedule")
    remote = tmp_path / "github.git"
    subprocess.run(["git", "init", "--bare", "--quiet", str(remote)], check=True)
    start = dt.datetime(2027, 1, 1, 12, tzinfo=dt.UTC)
    env = {
        **os.environ,
        "GIT_AUTHOR_DATE": start.isoformat(),
        "GIT_COMMITTER_DATE": start.isoformat(),
        "GIT_CONFIG_NOSYSTEM": "1",
        "HOME": str(tmp_path),
    }

    def git(*args: str, when: dt.datetime) -> str:
        stamped = {
            **env,
            "GIT_AUTHOR_DATE": when.isoformat(),
            "GIT_COMMITTER_DATE": when.isoformat(),
        }
        done = subprocess.run(
            ["git", *args], cwd=journal, env=stamped, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    git("init", "--quiet", "--initial-branch=main", when=start)
    git("-c", "user.name=Daniel", "-c", "user.email=d@example.org", "add", "--all", when=start)
    git(
        "-c",
        "user.name=Daniel",
        "-c",
        "user.email=d@example.org",
        "commit",
        "-qm",
        "Memorial",
        when=start,
    )
    git("remote", "add", "origin", str(remote), when=start)
    git("push", "--quiet", "--set-upstream", "origin", "main", when=start)
    workflow = yaml.safe_load((journal / hosts.SCHEDULE_WORKFLOW).read_text())
    assert workflow["permissions"] == {"contents": "write"}
    keep = next(s for s in workflow["jobs"]["trigger"]["steps"] if "keepalive" in s.get("if", ""))
    anniversary = start + dt.timedelta(days=150)
    with _stand_in() as (address, handler):
        site, hook = f"{address}/journal/", f"{address}/build_hooks/abc"
        handler.schedule = {"next_update": anniversary.isoformat()}
        longest_quiet = dt.timedelta(0)
        for day in range(1, 160):
            now = start + dt.timedelta(days=day)
            outputs = tmp_path / "outputs"
            outputs.unlink(missing_ok=True)
            _run_trigger(
                journal,
                site,
                hook,
                now.isoformat(),
                "--keep-alive",
                "--github-output",
                str(outputs),
            )
            said = dict(line.split("=", 1) for line in outputs.read_text().split())
            last = dt.datetime.fromisoformat(git("log", "-1", "--format=%cI", when=now).strip())
            longest_quiet = max(longest_quiet, now - last)
            assert now - last < dt.timedelta(days=60), f"GitHub would stop the check on {now}"
            if said["keepalive"] == "true":
                for line in keep["run"].strip().splitlines():
                    git(*shlex.split(line)[1:], when=now)
            if said["due"] == "true":
                handler.schedule = {"next_update": None}  # the rebuilt site: nothing more
        assert handler.calls == ["/build_hooks/abc"]
        assert dt.timedelta(days=49) < longest_quiet < dt.timedelta(days=51)
    pushed = subprocess.run(
        ["git", "--git-dir", str(remote), "log", "--format=%s", "main"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    assert (
        pushed.count("Keep the hourly check of scheduled entries running") == 3
    )  # days 50, 100, 150


def test_netlify_deploys_only_what_changes_the_site(tmp_path: Path) -> None:
    """Netlify's `ignore` command, as netlify.toml gives it, run by a shell in a real
    repository with the two variables Netlify sets: a push that changes only the README or
    a note makes no deploy; an entry or a setting does; a build without a cache (the two
    the same) or from a build hook always runs."""
    journal = written_by_the_family(_init(tmp_path / "j"))
    command = tomllib.loads((journal / "netlify.toml").read_text())["build"]["ignore"]
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(tmp_path)}
    who = ["-c", "user.name=Jenny", "-c", "user.email=j@example.org"]

    def commit(path: str, text: str) -> str:
        (journal / path).parent.mkdir(parents=True, exist_ok=True)
        (journal / path).write_text(text, encoding="utf-8")
        subprocess.run(["git", "add", "--all"], cwd=journal, env=env, check=True)
        subprocess.run(["git", *who, "commit", "-qm", path], cwd=journal, env=env, check=True)
        return subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=journal, env=env, capture_output=True, text=True
        ).stdout.strip()

    def deploys(cached: str, current: str) -> bool:
        done = subprocess.run(
            ["sh", "-c", command],
            cwd=journal,
            env={**env, "CACHED_COMMIT_REF": cached, "COMMIT_REF": current},
        )
        return done.returncode != 0  # Netlify: exit 0 means "skip this deploy"

    subprocess.run(["git", "init", "-q"], cwd=journal, env=env, check=True)
    first = commit("README.md", "Our journal.\n")
    assert deploys(first, first)  # no cache yet, or a build hook: always
    notes = commit("README.md", "Our journal, with notes.\n")
    assert not deploys(first, notes)
    other = commit("notes/ideas.txt", "Photos to ask Grandma for.\n")
    assert not deploys(notes, other)
    entry = commit("content/entries/2026-12-01-home.md", '---\ntitle: "Home"\n---\n\nHome.\n')
    assert deploys(other, entry)
    settings = journal / "journalgen.yaml"
    setting = commit("journalgen.yaml", settings.read_text() + "footer: With love.\n")
    assert deploys(entry, setting)
