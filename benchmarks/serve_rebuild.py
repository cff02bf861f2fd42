"""Time `journalgen serve`'s edit-to-page-rewritten delay on a copy of the example journal
and on a generated 1,000-entry journal.

    python benchmarks/serve_rebuild.py            # 20 edits per site
    python benchmarks/serve_rebuild.py 1000 4000  # other generated sizes

Each edit saves one entry with an atomic rename (as many editors do) while the real watcher,
debouncer and rebuild loop run, and waits until the entry's preview page holds the new
text. Reported: the median delay over the edits (it includes the 0.03 s quiet period that
merges an editor's several events into one rebuild), the build time alone, and a cold
build without the cache for comparison. Run by hand: timings depend on the machine.
"""

from __future__ import annotations

import io
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from corpus import make_corpus

from journalgen.build import BuildOptions, build
from journalgen.preview.changes import Batch, ChangeFilter
from journalgen.preview.live import Outcome, Rebuilder, preview_dir, run_loop
from journalgen.preview.watcher import Watcher
from journalgen.structure.site import Selection

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
EDITS = 20


class TimedRebuilder(Rebuilder):
    """Remembers how long each build took."""

    def __init__(self, options: BuildOptions) -> None:
        super().__init__(options, out=io.StringIO())
        self.seconds: list[float] = []

    def rebuild(self, batch: Batch | None = None) -> Outcome:
        started = time.perf_counter()
        outcome = super().rebuild(batch)
        self.seconds.append(time.perf_counter() - started)
        return outcome


def measure(name: str, site: Path) -> dict[str, float | str | int]:
    options = BuildOptions(site, preview_dir(site), Selection(drafts=True, future=True), True)
    started = time.perf_counter()
    build(options)
    cold = time.perf_counter() - started
    rebuilder = TimedRebuilder(options)
    watcher = Watcher(ChangeFilter(site.resolve(), (options.out_dir.resolve(),)))
    watcher.start()
    rebuilder.rebuild()
    stop = threading.Event()
    loop = threading.Thread(target=run_loop, args=(watcher, rebuilder, stop), daemon=True)
    loop.start()
    try:
        delays = [_edit_and_wait(site, options.out_dir, n) for n in range(EDITS)]
    finally:
        stop.set()
        loop.join()
        watcher.stop()
    builds = rebuilder.seconds[1:]
    return {
        "site": name,
        "entries": len(list((site / "content" / "entries").glob("*.md"))),
        "cold_build_s": cold,
        "median_edit_to_page_s": statistics.median(delays),
        "min_edit_to_page_s": min(delays),
        "max_edit_to_page_s": max(delays),
        "median_rebuild_s": statistics.median(builds),
        "rebuilds": len(builds),
    }


def _edit_and_wait(site: Path, out_dir: Path, number: int) -> float:
    """Save the newest entry with a new sentence; seconds until its page holds it."""
    entry = sorted((site / "content" / "entries").glob("*.md"))[-1]
    marker = f"Benchmark edit number {number}."
    text = entry.read_text(encoding="utf-8").rstrip("\n") + f"\n\n{marker}\n"
    temp = entry.with_name(f".{entry.name}.tmp")
    temp.write_text(text, encoding="utf-8")
    page = _page_of(entry, out_dir)  # found before the clock starts: it reads every page
    started = time.perf_counter()
    os.replace(temp, entry)
    while True:
        try:
            if marker in page.read_text(encoding="utf-8"):
                delay = time.perf_counter() - started
                break
        except FileNotFoundError:
            pass  # the output folder is being swapped
        time.sleep(0.002)
    time.sleep(0.3)  # let the loop go idle, so edits do not overlap
    return delay


def _page_of(entry: Path, out_dir: Path) -> Path:
    """The built page whose source is `entry` (found once, by its title)."""
    title = next(
        line.split(":", 1)[1].strip().strip('"')
        for line in entry.read_text(encoding="utf-8").splitlines()
        if line.startswith("title:")
    )
    for page in out_dir.rglob("index.html"):
        text = page.read_text(encoding="utf-8")
        if f"<h1>{title}</h1>" in text and "<article" in text:
            return page
    raise SystemExit(f"no page found for {entry}")


def main(argv: list[str]) -> int:
    sizes = [int(arg) for arg in argv] or [1000]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        example = Path(tmp) / "example"
        example.mkdir()
        shutil.copy(REPO / "journalgen.yaml", example)
        shutil.copytree(REPO / "content", example / "content")
        rows.append(measure("example journal (copy)", example))
        for size in sizes:
            rows.append(measure(f"{size} entries", make_corpus(Path(tmp) / f"n{size}", size)))
    print("| site | cold build | rebuild (cached) | edit to page: median (min-max) |")
    print("|---|---|---|---|")
    for row in rows:
        print(
            f"| {row['site']} | {row['cold_build_s']:.2f} s | {row['median_rebuild_s']:.2f} s "
            f"| {row['median_edit_to_page_s']:.2f} s ({row['min_edit_to_page_s']:.2f}-"
            f"{row['max_edit_to_page_s']:.2f}) |"
        )
    results = HERE / "results"
    results.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    summary = {"machine": platform.platform(), "python": platform.python_version(), "rows": rows}
    (results / f"serve-rebuild-{stamp}.json").write_text(
        json.dumps(summary, indent=2) + "\n", encoding="utf-8"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
