"""Time journalgen builds as whole processes on generated journals.

    python benchmarks/run.py               # N = 1000
    python benchmarks/run.py 1000 4000     # several sizes

Prints a Markdown table (median of 3 runs, with min and max) and writes the numbers as
JSON to benchmarks/results/. Run by hand: timings depend on the machine.
"""

from __future__ import annotations

import json
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from corpus import make_corpus

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
RUNS = 3


def time_build(site: Path, out: Path) -> float:
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "journalgen",
            "build",
            "--quiet",
            "--site",
            str(site),
            "--output",
            str(out),
        ],
        check=True,
        stdin=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def measure(name: str, site: Path) -> dict[str, float | str]:
    times = []
    for _ in range(RUNS):
        out = site / "output"
        shutil.rmtree(out, ignore_errors=True)
        times.append(time_build(site, out))
    return {
        "site": name,
        "median_s": statistics.median(times),
        "min_s": min(times),
        "max_s": max(times),
    }


def main(argv: list[str]) -> int:
    sizes = [int(arg) for arg in argv] or [1000]
    rows = [measure("example journal", _copy_example())]
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            site = make_corpus(Path(tmp) / f"n{size}", size)
            row = measure(f"{size} entries", site)
            row["entries_per_s"] = size / float(row["median_s"])
            rows.append(row)
    print("| site | median | min | max | entries/s |")
    print("|---|---|---|---|---|")
    for row in rows:
        rate = f"{row['entries_per_s']:.0f}" if "entries_per_s" in row else ""
        print(
            f"| {row['site']} | {row['median_s']:.2f} s | {row['min_s']:.2f} s | "
            f"{row['max_s']:.2f} s | {rate} |"
        )
    results = HERE / "results"
    results.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    (results / f"cold-build-{stamp}.json").write_text(
        json.dumps(
            {
                "machine": platform.platform(),
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


def _copy_example() -> Path:
    target = Path(tempfile.mkdtemp()) / "example"
    target.mkdir()
    shutil.copy(REPO / "journalgen.yaml", target)
    shutil.copytree(REPO / "content", target / "content")
    return target


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
