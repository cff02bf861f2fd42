"""Make src/journalgen/publishing/pins.txt: every library journalgen runs with, at the
exact version, with the sha256 of every file the package index holds for that version
(every platform's wheel and the source), as `pip-compile --generate-hashes` would.

Run by hand when the libraries should move (then run `make test`: the Netlify build test
installs exactly these pins):

    python3 -m venv /tmp/pins && /tmp/pins/bin/pip install . \\
      && /tmp/pins/bin/pip freeze --exclude journalgen > /tmp/freeze.txt
    python3 scripts/update_pins.py /tmp/freeze.txt

Libraries installed only on some systems are added to the freeze file by hand with their
marker, as the wheels' metadata says (tqdm needs colorama on Windows):
`colorama==0.4.6 ; platform_system == "Windows"`.

feedgen is published only as source, which pip would build with unpinned tools: its wheel
is built once and shipped in src/journalgen/publishing/wheels/ instead (not in pins.txt).
"""

from __future__ import annotations

import json
import re
import sys
import urllib.request
from pathlib import Path
from typing import Any

INDEX = "https://pypi.org"
PINS = Path(__file__).resolve().parents[1] / "src" / "journalgen" / "publishing" / "pins.txt"
SHIPPED_AS_WHEELS = {"feedgen"}


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _json(url: str) -> Any:
    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.load(response)


def hashes(name: str, version: str) -> list[str]:
    """sha256 of every file of name==version on the index."""
    project = _json(f"{INDEX}/pypi/{canonical(name)}/json")
    files = project.get("releases", {}).get(version) or []
    found = sorted({item["digests"]["sha256"] for item in files})
    if not found:
        raise SystemExit(f"no files on the index for {name}=={version}")
    return found


def main(argv: list[str]) -> int:
    pins = []
    for line in Path(argv[0]).read_text(encoding="utf-8").splitlines():
        match = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;]+)\s*(;.*)?$", line.strip())
        if match and canonical(match.group(1)) not in SHIPPED_AS_WHEELS:
            marker = f" {match.group(3)}" if match.group(3) else ""
            pins.append((canonical(match.group(1)), match.group(2), marker))
    blocks = [
        " \\\n".join(
            [f"{name}=={version}{marker}"]
            + [f"    --hash=sha256:{h}" for h in hashes(name, version)]
        )
        for name, version, marker in sorted(pins)
    ]
    PINS.write_text("\n".join(blocks) + "\n", encoding="utf-8")
    print(f"wrote {PINS} ({len(pins)} libraries)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
