"""`journalgen serve` and `journalgen watch`: build, then rebuild after every save.

The parts live elsewhere: `changes` decides what a change is, `watcher` hears them,
`devserver` shows the result. Here they are put together, and the terminal is told one
line per rebuild and each problem once.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from types import FrameType
from typing import TextIO

from journalgen import config as config_module
from journalgen.build import BuildOptions, BuildReport, build
from journalgen.errors import JournalError
from journalgen.incremental import store
from journalgen.incremental.layer import Incremental
from journalgen.output import lock
from journalgen.output.outputs import Output
from journalgen.preview.changes import PREVIEW_DIR, Batch, ChangeFilter
from journalgen.preview.devserver import (
    BuildState,
    DevServer,
    FormRefused,
    HostCheck,
    ServerConfig,
    make_server,
)
from journalgen.preview.watcher import Watcher
from journalgen.rendering import book, earlypage
from journalgen.structure.site import Site

PREVIEW_OUTPUT = "preview"
"""The preview folder inside `.journalgen/`: never output/, so a preview that shows drafts
cannot be published by mistake."""

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


def preview_dir(site_dir: Path) -> Path:
    return site_dir / PREVIEW_DIR / PREVIEW_OUTPUT


@dataclass(frozen=True, slots=True)
class Outcome:
    """How one build went."""

    ok: bool
    report: BuildReport | None
    error: str | None
    """The problems, formatted as the terminal shows them."""


class Rebuilder:
    """Runs one build at a time and reports it: a line per build, each problem once."""

    def __init__(
        self,
        options: BuildOptions,
        state: BuildState | None = None,
        *,
        out: TextIO | None = None,
        debug: bool = False,
    ) -> None:
        self.options = options
        self.state = state
        self.layer = Incremental(options.site_dir / store.FILE)
        """What the session keeps between rebuilds (and in the site's store)."""
        self.out = out or sys.stdout
        self.debug = debug
        self.builds = 0
        self._last_error: str | None = None
        self._last_warnings: tuple[str, ...] = ()
        self._site: Site | None = None
        """The last build's site, while it is the one the preview shows."""
        self._on_demand: dict[str, bytes] = {}
        """Pages made when asked for since the last build (`on_demand`)."""
        self._on_demand_lock = threading.Lock()

    def rebuild(self, batch: Batch | None = None) -> Outcome:
        """Build now (after `batch`'s changes, or the first time), holding requests meanwhile.
        After an entry was edited, its page is shown first (earlypage.py)."""
        early = self._early_page(batch)
        if self.state is not None:
            if early is not None:
                self.state.show_early(early.path, early.data)
            self.state.begin_build()
        started = time.perf_counter()
        outcome = self._build()
        seconds = time.perf_counter() - started
        self._site = outcome.report.site if outcome.report is not None else None
        self._on_demand = {}
        if self.state is not None:
            self.state.end_build(
                outcome.error,
                self._base_path() if outcome.ok else None,
                as_shown=early is not None and self._built_as(early),
            )
        self.builds += 1
        self._tell(outcome, batch, seconds)
        return outcome

    def _early_page(self, batch: Batch | None) -> Output | None:
        """The edited entry's page, when one entry changed and it can be made at once."""
        if self.state is None or batch is None or self._site is None or len(batch.paths) != 1:
            return None
        site = self._site
        try:
            env = self.layer.environment(site.config, self.options.site_dir)
            return earlypage.entry_page(site, env, self.layer.renderer, batch.paths[0])
        except Exception:  # the whole build that follows shows what is wrong
            return None

    def on_demand(self, rel: str) -> bytes | None:
        """The page at `rel` (its path in the output folder) when it is one the preview
        makes only when asked for: the book (`BuildOptions.book`). Called by the server's
        threads while no build runs."""
        site = self._site
        if site is None or self.options.book or site.book_path is None:
            return None
        if rel != site.book_path + "index.html":
            return None
        with self._on_demand_lock:
            if rel not in self._on_demand:
                env = self.layer.environment(site.config, self.options.site_dir)
                self._on_demand = {page.path: page.make() for page in book.render(site, env)}
            return self._on_demand.get(rel)

    def _built_as(self, early: Output) -> bool:
        try:
            return (self.options.out_dir / early.path).read_bytes() == early.data
        except OSError:
            return False

    def _build(self) -> Outcome:
        try:
            with lock.held(self.options.site_dir, "journalgen serve (or watch)"):
                report = build(self.options, self.layer)
        except JournalError as err:
            return Outcome(False, None, _format_problems(err, self._base()))
        except Exception as err:  # a bug or a full disk must not stop the preview
            text = f"journalgen ran into a problem it did not expect: {err!r}"
            if self.debug:
                text += "\n" + traceback.format_exc()
            return Outcome(False, None, text)
        return Outcome(True, report, None)

    def _tell(self, outcome: Outcome, batch: Batch | None, seconds: float) -> None:
        if outcome.report is not None:
            self._say(self._success_line(outcome.report, batch, seconds))
            self._warn(outcome.report)
            self._last_error = None
        elif outcome.error == self._last_error:
            self._say(f"Still the same problem as above ({_changed(batch)}).")
        else:
            self._say(f"Rebuild failed ({_changed(batch)}):\n{outcome.error}")
            self._last_error = outcome.error

    def _success_line(self, report: BuildReport, batch: Batch | None, seconds: float) -> str:
        stats = self.layer.stats
        parsed = f"parsed {stats.parsed} of {stats.parsed + stats.reused} files"
        verb = "Fixed: built" if self._last_error is not None else "Built"
        if batch is None:
            entries = _plural(report.entries, "entry", "entries")
            return (
                f"Built {entries} and {_plural(report.pages, 'page', 'pages')} in {seconds:.2f} s."
            )
        return f"{verb} in {seconds:.2f} s ({_changed(batch)}; {parsed})."

    def _warn(self, report: BuildReport) -> None:
        warnings = tuple(w.format(self._base()) for w in report.warnings)
        for warning in warnings:
            if warning not in self._last_warnings:
                self._say("warning: " + warning)
        self._last_warnings = warnings

    def _base(self) -> Path:
        return self.options.site_dir.absolute()

    def _base_path(self) -> str | None:
        try:
            return config_module.load(self.options.site_dir).base_path
        except JournalError:
            return None

    def _say(self, text: str) -> None:
        print(text, file=self.out, flush=True)


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _changed(batch: Batch | None) -> str:
    return "first build" if batch is None else f"{batch.describe()} changed"


def _format_problems(err: JournalError, base: Path) -> str:
    return "\n".join("error: " + problem.format(base) for problem in err.problems)


@dataclass(frozen=True, slots=True)
class ServeOptions:
    build: BuildOptions
    host: str = "127.0.0.1"
    port: int = 8000
    debug: bool = False


def serve(options: ServeOptions, out: TextIO | None = None) -> int:
    """Build a preview, serve it and rebuild on every save until Ctrl-C."""
    out = out or sys.stdout
    state = BuildState()
    build_options = replace(options.build, book=False)  # made when it is asked for
    rebuilder = Rebuilder(build_options, state, out=out, debug=options.debug)
    server = _bind(options, state, rebuilder.on_demand)

    def started() -> None:
        # At once, before the first build (which may take a while with many photos): the
        # server answers as soon as the preview is ready.
        announce(options, server.server_address[1], _base_path(options.build.site_dir), out)
        print("Building the preview…", file=out, flush=True)

    threading.Thread(target=server.serve_forever, name="journalgen-server", daemon=True).start()
    try:
        return _run(options.build, rebuilder, started, out, announce_first=True)
    finally:
        state.close()
        server.shutdown()
        server.server_close()


def watch(options: BuildOptions, *, debug: bool = False, out: TextIO | None = None) -> int:
    """Build into the output folder and rebuild on every save until Ctrl-C."""
    out = out or sys.stdout
    rebuilder = Rebuilder(options, out=out, debug=debug)

    def started() -> None:
        print(f"Watching {options.site_dir} for changes. Press Ctrl-C to stop.", file=out)

    return _run(options, rebuilder, started, out)


def _base_path(site_dir: Path) -> str:
    """The path part of the journal's address (`/` when the settings cannot be read yet:
    the first build will say why)."""
    try:
        return config_module.load(site_dir).base_path
    except JournalError:
        return "/"


def _run(
    options: BuildOptions,
    rebuilder: Rebuilder,
    started: Callable[[], None],
    out: TextIO,
    *,
    announce_first: bool = False,
) -> int:
    """Watch (before the first build, so no save is missed), build, rebuild until Ctrl-C."""
    watcher = _watcher(options, out)
    try:
        with _stop_on_sigterm():
            watcher.start()
            if announce_first:
                started()
            rebuilder.rebuild()
            if not announce_first:
                started()
            run_loop(watcher, rebuilder)
    except KeyboardInterrupt:
        print("Stopped.", file=out, flush=True)
    finally:
        watcher.stop()
    return 0


def run_loop(watcher: Watcher, rebuilder: Rebuilder, stop: threading.Event | None = None) -> None:
    """Rebuild after each batch until `stop` is set (or Ctrl-C); the short timeout keeps
    Ctrl-C responsive on Windows, where waiting on a lock cannot be interrupted."""
    while stop is None or not stop.is_set():
        batch = watcher.next_batch(timeout=0.25)
        if batch is not None:
            rebuilder.rebuild(batch)


@contextlib.contextmanager
def _stop_on_sigterm() -> Iterator[None]:
    """`kill` (SIGTERM, as service managers send) stops as cleanly as Ctrl-C."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _watcher(options: BuildOptions, out: TextIO) -> Watcher:
    site = options.site_dir.resolve()
    out_dir = options.out_dir.resolve()
    return Watcher(
        ChangeFilter(site, (out_dir,)),
        say=lambda text: print(text, file=out, flush=True),
    )


def _bind(
    options: ServeOptions, state: BuildState, on_demand: Callable[[str], bytes | None]
) -> DevServer:
    """The server, bound at once so a busy port is reported before any build."""
    hosts = HostCheck.for_address(options.host, options.port)
    config = ServerConfig(
        options.build.out_dir,
        state,
        hosts,
        log=options.debug,
        on_form=lambda path, fields: _take_form(options, path, fields),
        on_demand=on_demand,
    )
    try:
        server = make_server(options.host, options.port, config)
    except OSError as err:
        raise JournalError.at(
            None,
            f"cannot serve on {options.host} port {options.port}: {err.strerror or err}",
            hint="Another program (perhaps another journalgen serve) uses that port: stop it "
            f"or pass another one, e.g. --port {options.port + 1}.",
        ) from err
    if options.port == 0:  # the system chose a free port: answer to that one
        port = server.server_address[1]
        server.config = replace(config, hosts=HostCheck.for_address(options.host, port))
    return server


def _take_form(
    options: ServeOptions, path: str, fields: dict[str, str]
) -> str | FormRefused | None:
    """A form of the site sent to the preview, kept where an imported one would go (never
    published or sent to: approving it is the family's decision), then its thank-you page:
    the guestbook's in content/guestbook/pending/, the follow form's in followers/pending/."""
    from journalgen import inbox
    from journalgen.following import commands as following
    from journalgen.structure.guestbook import THANKS_PATH
    from journalgen.structure.site import FOLLOW_THANKS_PATH

    site_dir = options.build.site_dir
    base = _base_path(site_dir)
    forms = {
        base + THANKS_PATH: (inbox.store_posted, "A message", "content/guestbook/pending/"),
        base + FOLLOW_THANKS_PATH: (
            following.store_posted,
            "A request to follow",
            "followers/pending/",
        ),
    }
    if path not in forms:
        return None
    store, what, where = forms[path]
    with lock.held(site_dir, "journalgen serve (a form sent to the preview)"):
        try:
            name = store(site_dir, fields, dt.datetime.now(dt.UTC))
        except JournalError as err:
            return FormRefused(" ".join(_why(problem.message) for problem in err.problems))
    if name is not None:
        print(
            f"{what} sent with the preview's form was kept in {where}{name}: nothing "
            "happens with it until you approve it.",
            flush=True,
        )
    return path


def _why(message: str) -> str:
    """A form's problem as the person who sent it reads it: what is wrong with it."""
    what = message.split(": ", 1)[-1].removesuffix(" (skipped)")
    return what[:1].upper() + what[1:] + ("" if what.endswith(".") else ".")


def announce(options: ServeOptions, port: int, base_path: str, out: TextIO) -> None:
    host = options.host
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "localhost") else host
    if ":" in shown:
        shown = f"[{shown}]"
    lines = [f"Serving a preview at http://{shown}:{port}{base_path}"]
    if options.build.selection.drafts or options.build.selection.future:
        lines.append("Drafts and scheduled entries are included and marked as previews.")
    lines.append(f"(The preview is in {options.build.out_dir}; publish output/ as usual.)")
    if host not in LOOPBACK_HOSTS:
        lines.append(
            f"Warning: --host {host} lets other computers on your network see this preview, "
            "drafts included. Use it only on a network you trust."
        )
    lines.append("Edit and save any file: the page reloads by itself. Press Ctrl-C to stop.")
    print("\n".join(lines), file=out, flush=True)
