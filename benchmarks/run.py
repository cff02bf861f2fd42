"""Time journalgen as whole processes on generated journals, beside Pelican.

    python benchmarks/run.py                          # N = 1000 and 4000
    python benchmarks/run.py --sizes 1000 4000 16000  # other sizes
    python benchmarks/run.py --sizes 1000 --no-pelican --edits 10

For each size N it generates the deterministic corpus (corpus.py) in benchmarks/.corpus/
and measures, median of 3 runs with min and max, each as a separate process:

1. a cold build (output/ and .cache/ deleted first);
2. a rebuild with nothing changed (and how many output files were rewritten: a changed
   inode or modification time);
3. a rebuild after editing one entry's body;
4. a rebuild after adding one entry;
5. under `journalgen watch`, the time from saving an entry to its page being rewritten
   (median and 95th percentile over 20 edits);
6. under `journalgen serve`, the time from saving an entry to its page, asked for over
   HTTP, holding the change (the same);

with the peak memory (RSS) of each process, and a cold Pelican build of the same corpus
(its default theme, tag pages, pagination and feeds on; installed with pip into
benchmarks/.pelican-venv on first use). Beside the cold builds, Hugo builds a site of the
same shape (hugo.py), run by run, and the table gives journalgen ÷ Hugo for the cold build,
for a deploy (a fresh checkout with .cache/ and output/ brought back, with nothing changed
and with one entry edited) and for peak memory. Prints a Markdown table and writes the numbers as
JSON to benchmarks/results/. Run by hand: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import hugo
from corpus import make_corpus
from serve_rebuild import _page_of

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
CORPORA = HERE / ".corpus"
PELICAN_VENV = HERE / ".pelican-venv"
RUNS = 3

Row = dict[str, object]


def run_process(
    command: list[str], cwd: Path | None = None, env: dict[str, str] | None = None
) -> tuple[float, float]:
    """Run `command` to the end; its wall-clock seconds and peak RSS in MB (of the process
    itself: journalgen's forked copy shares most of its memory and is not counted)."""
    # Python's compiled modules are kept, as on any machine that installed the programs
    # (a shell that switched that off would time compiling them on every run).
    env = {**(os.environ if env is None else env)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    started = time.perf_counter()
    child = subprocess.Popen(
        command,
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    assert child.stderr is not None
    errors = child.stderr.read()
    _pid, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{errors.decode(errors='replace')}")
    return seconds, usage.ru_maxrss / 1024


def journalgen_build(site: Path) -> tuple[float, float]:
    env = {key: value for key, value in os.environ.items() if key != "CI"}
    return run_process(
        [
            sys.executable,
            "-m",
            "journalgen",
            "build",
            "--quiet",
            "--site",
            str(site),
            "--output",
            str(site / "output"),
        ],
        env=env,
    )


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file under `folder` with its inode and modification time."""
    found: dict[str, tuple[int, int]] = {}
    for root, _dirs, names in os.walk(folder):
        for name in names:
            info = os.stat(os.path.join(root, name))
            found[os.path.relpath(os.path.join(root, name), folder)] = (
                info.st_ino,
                info.st_mtime_ns,
            )
    return found


def rewritten(before: dict[str, tuple[int, int]], after: dict[str, tuple[int, int]]) -> int:
    """Output files that are new or were written again (other inode or time)."""
    return sum(1 for rel, stamp in after.items() if before.get(rel) != stamp)


def summary(name: str, times: list[float], rss: list[float], **extra: object) -> Row:
    return {
        "measure": name,
        "median_s": statistics.median(times),
        "min_s": min(times),
        "max_s": max(times),
        "peak_rss_mb": max(rss),
        **extra,
    }


def repeat(site: Path, prepare: Callable[[int], None], name: str) -> Row:
    """Run `prepare(n)` then a build, RUNS times; time the builds and count rewrites."""
    times: list[float] = []
    rss: list[float] = []
    changed: list[int] = []
    for n in range(RUNS):
        prepare(n)
        before = snapshot(site / "output")
        seconds, peak = journalgen_build(site)
        changed.append(rewritten(before, snapshot(site / "output")))
        times.append(seconds)
        rss.append(peak)
    return summary(name, times, rss, files_rewritten=max(changed))


def cold(site: Path, with_hugo: bool) -> list[Row]:
    """Cold builds, each followed (with Hugo) by Hugo's cold build of the same corpus, so
    both meet the machine in the same state; ratios are taken round by round. Then builds
    as a deploy makes them: a fresh checkout with the cache and output/ brought back (as
    Netlify's plugin and GitHub's cache action do), with nothing changed and with one entry
    edited."""
    times: list[float] = []
    rss: list[float] = []
    hugo_times: list[float] = []
    hugo_rss: list[float] = []
    peer = hugo.site(site) if with_hugo else None
    for _ in range(RUNS):
        for name in ("output", ".output.spare", ".cache"):
            shutil.rmtree(site / name, ignore_errors=True)
        seconds, peak = journalgen_build(site)
        times.append(seconds)
        rss.append(peak)
        if peer is not None:
            hugo.clean(peer)
            seconds, peak = run_process(hugo.build_command(peer))
            hugo_times.append(seconds)
            hugo_rss.append(peak)
    files = sum(1 for _ in (site / "output").rglob("*") if _.is_file())
    rows = [summary("cold build, no cache", times, rss, files=files)]
    stash = site.parent / f"{site.name}.deploy-cache"
    shutil.rmtree(stash, ignore_errors=True)
    journalgen_build(site)
    shutil.copytree(site / ".cache" / "journalgen", stash / "cache")
    shutil.copytree(site / "output", stash / "output")
    deploys: dict[str, tuple[list[float], list[float]]] = {}
    entry = sorted((site / "content" / "entries").glob("*.md"))[len(_entries(site)) // 2]
    original = entry.read_bytes()
    for name, edit in (("nothing changed", False), ("one entry edited", True)):
        deploys[name] = ([], [])
        for n in range(RUNS):
            entry.write_bytes(original + (f"\nEdit {n}.\n".encode() if edit else b""))
            as_deploy(site, stash)
            seconds, peak = journalgen_build(site)
            deploys[name][0].append(seconds)
            deploys[name][1].append(peak)
    entry.write_bytes(original)
    shutil.rmtree(stash, ignore_errors=True)
    journalgen_build(site)  # the journal as it was, for the measures that follow
    for name, (taken, peaks) in deploys.items():
        rows.append(summary(f"deploy with its cache and output back, {name}", taken, peaks))
    restored = deploys["nothing changed"][0]
    edited = deploys["one entry edited"][0]
    if peer is not None:
        hugo_files = sum(1 for _ in (peer / "public").rglob("*") if _.is_file())
        row = summary("Hugo cold build", hugo_times, hugo_rss, files=hugo_files)
        row["ratio_cold"] = statistics.median(a / b for a, b in zip(times, hugo_times, strict=True))
        row["ratio_cache"] = statistics.median(restored) / statistics.median(hugo_times)
        row["ratio_cache_edit"] = statistics.median(edited) / statistics.median(hugo_times)
        row["ratio_rss"] = max(rss) / max(hugo_rss)
        rows.append(row)
    return rows


def as_deploy(site: Path, stash: Path) -> None:
    """The journal as a deploy finds it: a fresh checkout (every file new: other inodes and
    times) with journalgen's cache and the last output brought back by the host as copies
    (times kept to the millisecond, as Netlify's cache does)."""
    for name in ("output", ".output.spare", ".cache", ".journalgen"):
        shutil.rmtree(site / name, ignore_errors=True)
    for name in ("content", "journalgen.yaml"):
        moved = site / f"{name}.checkout"
        if (site / name).is_dir():
            shutil.copytree(site / name, moved)
            shutil.rmtree(site / name)
        else:
            shutil.copyfile(site / name, moved)
        moved.rename(site / name)
    shutil.copytree(stash / "cache", site / ".cache" / "journalgen", copy_function=_host_copy)
    shutil.copytree(stash / "output", site / "output", copy_function=_host_copy)


def _host_copy(source: str, target: str) -> None:
    shutil.copyfile(source, target)
    mtime = os.stat(source).st_mtime_ns // 1_000_000 * 1_000_000
    os.utime(target, ns=(mtime, mtime))


def edit_body(site: Path) -> Callable[[int], None]:
    entry = sorted((site / "content" / "entries").glob("*.md"))[len(_entries(site)) // 2]

    def prepare(n: int) -> None:
        text = entry.read_text(encoding="utf-8").rstrip("\n")
        entry.write_text(text + f"\n\nOne more line, number {n}.\n", encoding="utf-8")

    return prepare


def add_entry(site: Path) -> Callable[[int], None]:
    def prepare(n: int) -> None:
        path = site / "content" / "entries" / f"2030-01-0{n + 1}-added-{n}.md"
        path.write_text(
            f'---\ntitle: "Added entry {n}"\ndate: 2030-01-0{n + 1} 09:00\n'
            "tags: [home]\n---\n\nA new entry, *added* by the benchmark.\n",
            encoding="utf-8",
        )

    return prepare


def _entries(site: Path) -> list[Path]:
    return sorted((site / "content" / "entries").glob("*.md"))


def watch(site: Path, edits: int) -> Row:
    """Saves under `journalgen watch`: seconds from each save to the page holding it."""
    out = site / "output"
    child = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "journalgen",
            "watch",
            "--site",
            str(site),
            "--output",
            str(out),
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert child.stdout is not None
    for line in child.stdout:  # the first build is done when it says it is watching
        if line.startswith("Watching"):
            break
    else:
        raise SystemExit("journalgen watch stopped before watching")
    entry = _entries(site)[-1]
    page = _page_of(entry, out)
    delays = [_save_and_wait(entry, page, n) for n in range(edits)]
    child.send_signal(signal.SIGTERM)
    child.stdout.read()
    _pid, _status, usage = os.wait4(child.pid, 0)
    child.returncode = 0
    ordered = sorted(delays)
    p95 = ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]
    return {
        "measure": f"watch: save -> page rewritten ({edits} edits)",
        "median_s": statistics.median(delays),
        "p95_s": p95,
        "min_s": min(delays),
        "max_s": max(delays),
        "peak_rss_mb": usage.ru_maxrss / 1024,
    }


def serve(site: Path, edits: int) -> Row:
    """Saves under `journalgen serve`: seconds from each save to the entry's page, asked
    for over HTTP as the browser does, holding the new text."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    child = subprocess.Popen(
        [sys.executable, "-m", "journalgen", "serve", "--site", str(site), "--port", str(port)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 600
    while True:  # the first build is done when the home page is served
        try:
            _get(base)
            break
        except OSError:
            if time.monotonic() > deadline or child.poll() is not None:
                raise SystemExit("journalgen serve did not start") from None
            time.sleep(0.05)
    entry = _entries(site)[-1]
    preview = site / ".journalgen" / "preview"
    url = base + _page_of(entry, preview).parent.relative_to(preview).as_posix() + "/"
    original = entry.read_text(encoding="utf-8")
    delays = []
    for number in range(edits):
        marker = f"Served edit number {number}."
        temp = entry.with_name(f".{entry.name}.tmp")
        temp.write_text(original.rstrip("\n") + f"\n\n{marker}\n", encoding="utf-8")
        started = time.perf_counter()
        os.replace(temp, entry)
        while marker not in _get(url):
            time.sleep(0.002)
        delays.append(time.perf_counter() - started)
        _get(base)  # answered once the whole rebuild has ended: edits do not overlap
        time.sleep(0.1)
    entry.write_text(original, encoding="utf-8")
    child.send_signal(signal.SIGTERM)
    _pid, _status, usage = os.wait4(child.pid, 0)
    child.returncode = 0
    ordered = sorted(delays)
    return {
        "measure": f"serve: save -> page served ({edits} edits)",
        "median_s": statistics.median(delays),
        "p95_s": ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)],
        "min_s": min(delays),
        "max_s": max(delays),
        "peak_rss_mb": usage.ru_maxrss / 1024,
    }


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=60) as response:
        text: str = response.read().decode("utf-8")
        return text


def _save_and_wait(entry: Path, page: Path, number: int) -> float:
    """Save `entry` with a new sentence (atomic rename, as many editors do); seconds until
    `page` holds it."""
    marker = f"Watched edit number {number}."
    text = entry.read_text(encoding="utf-8").rstrip("\n") + f"\n\n{marker}\n"
    temp = entry.with_name(f".{entry.name}.tmp")
    temp.write_text(text, encoding="utf-8")
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
    time.sleep(0.3)  # let the watcher go idle, so edits do not overlap
    return delay


# Pelican ----------------------------------------------------------------------------------

PELICAN_CONF = """\
AUTHOR = "Jenny"
SITENAME = "Benchmark journal"
SITEURL = "https://bench.example.org"
PATH = "content"
TIMEZONE = "Europe/London"
DEFAULT_LANG = "en"
DEFAULT_PAGINATION = 10
RELATIVE_URLS = False
FEED_DOMAIN = SITEURL
FEED_ALL_ATOM = "feeds/all.atom.xml"
FEED_ALL_RSS = "feeds/all.rss.xml"
TAG_FEED_ATOM = "feeds/tag.{slug}.atom.xml"
TAG_FEED_RSS = "feeds/tag.{slug}.rss.xml"
FEED_MAX_ITEMS = 20
STATIC_PATHS = ["photos"]
LOAD_CONTENT_CACHE = False
CACHE_CONTENT = False
"""


def pelican_python() -> Path:
    """The Pelican virtual environment's Python (created and filled on first use)."""
    python = PELICAN_VENV / "bin" / "python"
    if not (PELICAN_VENV / ".installed").exists():
        subprocess.run([sys.executable, "-m", "venv", str(PELICAN_VENV)], check=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", "pelican", "markdown"], check=True
        )
        (PELICAN_VENV / ".installed").touch()
    return python


def pelican_site(site: Path) -> Path:
    """The corpus in Pelican's Markdown metadata format (`Title:`, `Date:` … lines)."""
    target = site.with_name(site.name + "-pelican")
    if (target / "pelicanconf.py").exists():
        return target
    shutil.rmtree(target, ignore_errors=True)
    (target / "content").mkdir(parents=True)
    shutil.copytree(site / "content" / "photos", target / "content" / "photos")
    names = {"jenny": "Jenny", "mark": "Mark", "nana": "Nana"}
    for entry in _entries(site):
        text = entry.read_text(encoding="utf-8")
        _, front, body = text.split("---\n", 2)
        meta: dict[str, str] = {}
        for line in front.splitlines():
            key, _, value = line.partition(":")
            meta[key.strip()] = value.strip()
        tags = re.sub(r"[\[\]]", "", meta["tags"])
        lines = [
            f"Title: {meta['title'].strip(chr(34))}",
            f"Date: {meta['date']}",
            f"Author: {names.get(meta.get('author', 'jenny'), 'Jenny')}",
            f"Tags: {tags}",
            f"Slug: {entry.stem[11:]}",
        ]
        if "summary" in meta:
            lines.append(f"Summary: {meta['summary'].strip(chr(34))}")
        lines.append("")
        body = body.replace("](../photos/", "]({static}/photos/")
        (target / "content" / entry.name).write_text(
            "\n".join(lines) + body.lstrip("\n"), encoding="utf-8"
        )
    (target / "pelicanconf.py").write_text(PELICAN_CONF, encoding="utf-8")
    return target


def pelican(site: Path) -> Row:
    python = pelican_python()
    folder = pelican_site(site)
    times: list[float] = []
    rss: list[float] = []
    for _ in range(RUNS):
        shutil.rmtree(folder / "output", ignore_errors=True)
        shutil.rmtree(folder / "cache", ignore_errors=True)
        seconds, peak = run_process(
            [str(python), "-m", "pelican", "content", "-s", "pelicanconf.py", "-o", "output", "-q"],
            cwd=folder,
        )
        times.append(seconds)
        rss.append(peak)
    return summary("Pelican cold build", times, rss)


# Main -------------------------------------------------------------------------------------


def measure_size(size: int, edits: int, with_pelican: bool, with_hugo: bool) -> list[Row]:
    site = CORPORA / f"n{size}"
    shutil.rmtree(site, ignore_errors=True)
    shutil.rmtree(site.with_name(site.name + "-pelican"), ignore_errors=True)
    shutil.rmtree(site.with_name(site.name + "-hugo"), ignore_errors=True)
    make_corpus(site, size)
    rows = cold(site, with_hugo)
    rows.append(repeat(site, lambda n: None, "rebuild, nothing changed"))
    rows.append(repeat(site, edit_body(site), "rebuild after editing one body"))
    rows.append(repeat(site, add_entry(site), "rebuild after adding one entry"))
    rows.append(watch(site, edits))
    rows.append(serve(site, edits))
    if with_pelican:
        rows.append(pelican(site))
        rows[-1]["journalgen_speedup"] = _number(rows[-1], "median_s") / _number(
            rows[0], "median_s"
        )
    shutil.rmtree(site.with_name(site.name + "-hugo"), ignore_errors=True)
    for row in rows:
        row["entries"] = size
        row["ms_per_entry"] = 1000 * _number(row, "median_s") / size
    shutil.rmtree(site, ignore_errors=True)
    return rows


def _number(row: Row, key: str) -> float:
    value = row[key]
    assert isinstance(value, int | float)
    return float(value)


def table(rows: list[Row]) -> str:
    lines = [
        "| N | measure | median | min-max | p95 | ms/entry | peak RSS | notes |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        notes = []
        if "files_rewritten" in row:
            notes.append(f"{row['files_rewritten']} files rewritten")
        if "files" in row:
            notes.append(f"{row['files']} files")
        if "journalgen_speedup" in row:
            notes.append(f"journalgen cold is {row['journalgen_speedup']:.1f}x faster")
        if "ratio_cold" in row:
            notes.append(
                f"journalgen ÷ Hugo: cold {row['ratio_cold']:.2f}x, a deploy with nothing "
                f"changed {row['ratio_cache']:.2f}x, with one entry edited "
                f"{row['ratio_cache_edit']:.2f}x, peak RSS {row['ratio_rss']:.2f}x"
            )
        p95 = f"{row['p95_s']:.3f} s" if "p95_s" in row else ""
        lines.append(
            f"| {row['entries']} | {row['measure']} | {row['median_s']:.3f} s | "
            f"{row['min_s']:.3f}-{row['max_s']:.3f} s | {p95} | {row['ms_per_entry']:.2f} | "
            f"{row['peak_rss_mb']:.0f} MB | {'; '.join(notes)} |"
        )
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="Time journalgen builds (and Pelican's).")
    parser.add_argument("sizes", nargs="*", type=int, help="numbers of entries (same as --sizes)")
    parser.add_argument(
        "--sizes", dest="sizes_option", nargs="+", type=int, help="numbers of entries to time"
    )
    parser.add_argument(
        "--edits", type=int, default=20, help="saves timed under journalgen watch (default 20)"
    )
    parser.add_argument(
        "--no-pelican", action="store_true", help="skip the Pelican build of the same corpus"
    )
    parser.add_argument(
        "--no-hugo", action="store_true", help="skip the Hugo build of the same corpus"
    )
    args = parser.parse_args(argv)
    sizes = args.sizes_option or args.sizes or [1000, 4000]
    rows: list[Row] = []
    for size in sizes:
        rows += measure_size(size, args.edits, not args.no_pelican, not args.no_hugo)
        print(table(rows), flush=True)
        print(flush=True)
    print(table(rows))
    results = HERE / "results"
    results.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    (results / f"bench-{stamp}.json").write_text(
        json.dumps(
            {
                "machine": platform.platform(),
                "cpus": os.cpu_count(),
                "python": platform.python_version(),
                "runs": RUNS,
                "rows": rows,
            },
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
