"""Lighthouse scores and page weight of the example journal's pages (run by hand).

    make audit

Builds the example journal, serves it on 127.0.0.1 with the headers of netlify.toml,
runs Lighthouse (from node_modules, against Debian's /usr/bin/chromium) on the entry page
and the home page, prints the four category scores and the bytes each page loads, and
writes the numbers as JSON to benchmarks/results/.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
from pathlib import Path
from typing import Any, ClassVar

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
LIGHTHOUSE = REPO / "node_modules" / ".bin" / "lighthouse"
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run "
    "--disable-background-networking --disable-component-update --disable-sync"
)
PAGES = {"entry": "2026/10/the-garden/", "home": ""}
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")


class _Handler(http.server.SimpleHTTPRequestHandler):
    headers_to_send: ClassVar[dict[str, str]] = {}

    def end_headers(self) -> None:
        for name, value in self.headers_to_send.items():
            self.send_header(name, value)
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


def netlify_headers() -> dict[str, str]:
    settings = tomllib.loads((REPO / "netlify.toml").read_text(encoding="utf-8"))
    for table in settings["headers"]:
        if table["for"] == "/*":
            return {k: v for k, v in table["values"].items() if k != "Cache-Control"}
    return {}


def lighthouse(url: str, profile: Path) -> dict[str, Any]:
    profile.mkdir(parents=True, exist_ok=True)
    report = profile / "report.json"
    subprocess.run(
        [
            str(LIGHTHOUSE),
            url,
            "--quiet",
            "--output=json",
            f"--output-path={report}",
            f"--chrome-flags={CHROME_FLAGS} --user-data-dir={profile / 'chrome'}",
            "--only-categories=" + ",".join(CATEGORIES),
        ],
        check=True,
        env={**os.environ, "CHROME_PATH": "/usr/bin/chromium"},
        stdin=subprocess.DEVNULL,
    )
    data: dict[str, Any] = json.loads(report.read_text(encoding="utf-8"))
    return data


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "output"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "journalgen",
                "build",
                "--quiet",
                "--site",
                str(REPO),
                "--output",
                str(out),
            ],
            check=True,
        )
        handler_class = type("H", (_Handler,), {"headers_to_send": netlify_headers()})
        server = http.server.ThreadingHTTPServer(
            ("127.0.0.1", 0), functools.partial(handler_class, directory=str(out))
        )
        threading.Thread(target=server.serve_forever, daemon=True).start()
        address = f"http://127.0.0.1:{server.server_address[1]}/"
        rows = []
        try:
            for name, path in PAGES.items():
                data = lighthouse(address + path, Path(tmp) / name)
                scores = {c: round(data["categories"][c]["score"] * 100) for c in CATEGORIES}
                weight = data["audits"]["total-byte-weight"]["numericValue"]
                requests = len(data["audits"]["network-requests"]["details"]["items"])
                rows.append({"page": name, **scores, "bytes": weight, "requests": requests})
                for audit in data["audits"].values():
                    if audit.get("scoreDisplayMode") == "binary" and audit.get("score") == 0:
                        print(f"{name}: failed audit {audit['id']}: {audit['title']}")
        finally:
            server.shutdown()
    print("| page | performance | accessibility | best practices | SEO | bytes | requests |")
    print("|---|---|---|---|---|---|---|")
    for row in rows:
        print(
            f"| {row['page']} | {row['performance']} | {row['accessibility']} | "
            f"{row['best-practices']} | {row['seo']} | {row['bytes']:.0f} | {row['requests']} |"
        )
    results = HERE / "results"
    results.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    (results / f"audit-{stamp}.json").write_text(json.dumps(rows, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
