"""Time builds of a journal with many large photos, with and without the photo cache.

    python benchmarks/photos.py            # 50 photos of 12 megapixels (4000x3000)
    python benchmarks/photos.py 20 8       # 20 photos of 8 megapixels

The photos are generated in a temporary folder (never in the repository): smooth colour
fields with sensor-like grain, saved as phone JPEGs with an orientation flag and a GPS
position. Each build runs `journalgen build` as a whole process:

- "no cache": the site's .cache/ folder is deleted first, so every photo is encoded;
- "with cache": a rebuild right after, so every photo comes from the cache.

Prints a Markdown table (median, min and max of the runs) and writes the numbers as JSON
to benchmarks/results/. Run by hand: timings depend on the machine. Timings are never
asserted in tests (tests count the photos encoded instead).
"""

from __future__ import annotations

import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image

HERE = Path(__file__).resolve().parent
COLD_RUNS = 2
WARM_RUNS = 3

CONFIG = """\
title: "Photo benchmark"
base_url: https://example.org/
timezone: Europe/London
author: tester
"""


def make_photo(path: Path, megapixels: int, seed: int) -> int:
    """A 4:3 phone-like JPEG of about `megapixels`; returns its size in bytes."""
    width = int((megapixels * 1_000_000 * 4 / 3) ** 0.5)
    height = width * 3 // 4
    small = Image.effect_noise((width // 64, height // 64), 80 + seed % 40).convert("L")
    red = small.resize((width, height), Image.Resampling.BICUBIC)
    green = Image.linear_gradient("L").resize((width, height)).rotate(seed * 37 % 360)
    blue = small.transpose(Image.Transpose.FLIP_LEFT_RIGHT).resize(
        (width, height), Image.Resampling.BICUBIC
    )
    photo = Image.merge("RGB", (red, green, blue))
    grain = Image.effect_noise((width, height), 30).convert("RGB")
    photo = Image.blend(photo, grain, 0.12)
    exif = Image.Exif()
    exif[0x0112] = 6 if seed % 3 == 0 else 1
    exif[0x010F] = "Benchmark phone"
    exif.get_ifd(0x8825).update({1: "N", 2: (51.0, 30.0, 0.0), 3: "W", 4: (0.0, 7.0, 0.0)})
    photo.save(path, "JPEG", quality=88, exif=exif)
    return path.stat().st_size


def make_site(root: Path, count: int, megapixels: int) -> int:
    """A journal of `count` entries, each showing one photo; returns the photos' bytes."""
    (root / "content" / "entries").mkdir(parents=True)
    (root / "content" / "photos").mkdir()
    (root / "journalgen.yaml").write_text(CONFIG, encoding="utf-8")
    total = 0
    for n in range(count):
        total += make_photo(root / "content" / "photos" / f"photo-{n:03}.jpg", megapixels, n)
        (root / "content" / "entries" / f"2026-10-{n % 28 + 1:02}-day-{n:03}.md").write_text(
            f'---\ntitle: "Day {n}"\n---\n\nA good day.\n\n'
            f"![Photo number {n} of the benchmark](../photos/photo-{n:03}.jpg)\n",
            encoding="utf-8",
        )
    return total


def time_build(site: Path) -> tuple[float, float, str]:
    """Wall-clock and CPU seconds (of journalgen and its worker processes) of one build."""
    cpu_before = _children_cpu()
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "journalgen", "build", "--site", str(site), "--force"],
        check=True,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - started
    return wall, _children_cpu() - cpu_before, result.stdout.strip()


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def row(name: str, times: list[float], cpu: list[float], said: str) -> dict[str, object]:
    return {
        "build": name,
        "median_s": statistics.median(times),
        "min_s": min(times),
        "max_s": max(times),
        "median_cpu_s": statistics.median(cpu),
        "runs": len(times),
        "journalgen_said": said,
    }


def main(argv: list[str]) -> int:
    count = int(argv[0]) if argv else 50
    megapixels = int(argv[1]) if len(argv) > 1 else 12
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        started = time.perf_counter()
        photo_bytes = make_site(site, count, megapixels)
        print(
            f"Generated {count} photos of {megapixels} MP ({photo_bytes / 1e6:.0f} MB) in "
            f"{time.perf_counter() - started:.0f} s.",
            file=sys.stderr,
        )
        load = os.getloadavg()[0]
        cold: list[float] = []
        cold_cpu: list[float] = []
        cold_said = ""
        for _ in range(COLD_RUNS):
            shutil.rmtree(site / ".cache", ignore_errors=True)
            seconds, cpu, cold_said = time_build(site)
            cold.append(seconds)
            cold_cpu.append(cpu)
        warm: list[float] = []
        warm_cpu: list[float] = []
        warm_said = ""
        for _ in range(WARM_RUNS):
            seconds, cpu, warm_said = time_build(site)
            warm.append(seconds)
            warm_cpu.append(cpu)
        output = sum(p.stat().st_size for p in (site / "output").rglob("*") if p.is_file())
    rows = [row("no cache (every photo encoded)", cold, cold_cpu, cold_said)]
    rows.append(row("with cache (rebuild)", warm, warm_cpu, warm_said))
    print(
        f"{count} photos of {megapixels} MP, {os.cpu_count()} processors, load average "
        f"{load:.1f} before the builds"
    )
    print("| build | median | min | max | CPU time (median) |")
    print("|---|---|---|---|---|")
    for found in rows:
        print(
            f"| {found['build']} | {found['median_s']:.2f} s | {found['min_s']:.2f} s | "
            f"{found['max_s']:.2f} s | {found['median_cpu_s']:.1f} s |"
        )
    print(f"Photos in: {photo_bytes / 1e6:.0f} MB; whole built site: {output / 1e6:.1f} MB.")
    results = HERE / "results"
    results.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    report = {
        "machine": platform.platform(),
        "python": platform.python_version(),
        "processors": os.cpu_count(),
        "load_average_before": load,
        "photos": count,
        "megapixels": megapixels,
        "photo_bytes": photo_bytes,
        "output_bytes": output,
        "rows": rows,
    }
    (results / f"photos-{stamp}.json").write_text(json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
