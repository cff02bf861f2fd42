"""The journal carries what builds it: the wheel of the running journalgen and a
`requirements.txt` that installs it from that file and every library at an exact version,
each checked against its hash.

Nothing is ever installed by name alone: whoever registers a name on the package index
cannot run code in a family's build, and the journal that builds today builds the same way
years from now. The pins (`pins.txt` beside this file) are the versions journalgen was
tested with, with the hash of every file the index holds for each (`scripts/update_pins.py`
makes them).
"""

from __future__ import annotations

import base64
import hashlib
import io
import re
import zipfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import journalgen
from journalgen import __version__

VENDOR_DIR = "vendor"
REQUIREMENTS = "requirements.txt"
PINS = Path(__file__).with_name("pins.txt")
SHIPPED = Path(__file__).with_name("wheels")
"""Wheels of libraries the index has only as source (feedgen), built once and shipped, so
that nothing is built, with unpinned tools, on the build machine."""
_EPOCH = (1980, 1, 1, 0, 0, 0)
"""Every file in the wheel carries this time, so the same code makes the same bytes."""


@dataclass(frozen=True, slots=True)
class Wheel:
    name: str
    """`journalgen-VERSION-py3-none-any.whl`."""
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def wheel_name(version: str = __version__) -> str:
    return f"journalgen-{version}-py3-none-any.whl"


def make_wheel() -> Wheel:
    """The wheel of the running journalgen, made from its own files (whether it was
    installed from a wheel or from a checkout): the same code always gives the same bytes."""
    package = Path(journalgen.__file__).parent
    files: list[tuple[str, bytes]] = []
    for path in sorted(package.rglob("*")):
        rel = path.relative_to(package)
        if not path.is_file() or "__pycache__" in rel.parts or path.suffix in (".pyc", ".pyo"):
            continue
        files.append(("journalgen/" + rel.as_posix(), path.read_bytes()))
    info = f"journalgen-{__version__}.dist-info"
    files.append((f"{info}/METADATA", _metadata().encode("utf-8")))
    files.append((f"{info}/WHEEL", _WHEEL.encode("utf-8")))
    files.append((f"{info}/entry_points.txt", _ENTRY_POINTS.encode("utf-8")))
    files.append((f"{info}/top_level.txt", b"journalgen\n"))
    record = [f"{name},sha256={_digest(data)},{len(data)}" for name, data in files]
    record.append(f"{info}/RECORD,,")
    files.append((f"{info}/RECORD", ("\n".join(record) + "\n").encode("utf-8")))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files:
            item = zipfile.ZipInfo(name, date_time=_EPOCH)
            item.compress_type = zipfile.ZIP_DEFLATED
            item.external_attr = 0o644 << 16
            archive.writestr(item, data)
    return Wheel(wheel_name(), buffer.getvalue())


_WHEEL = "Wheel-Version: 1.0\nGenerator: journalgen\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
_ENTRY_POINTS = "[console_scripts]\njournalgen = journalgen.cli:main\n"


def _digest(data: bytes) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def _metadata() -> str:
    """The installed distribution's metadata (name, version, what it requires), without
    its long description, which only the package index shows."""
    try:
        found = metadata.metadata("journalgen")
    except metadata.PackageNotFoundError:  # pragma: no cover - run from a bare source tree
        found = None
    lines = ["Metadata-Version: 2.1", "Name: journalgen", f"Version: {__version__}"]
    if found is not None:
        for field in ("Summary", "License", "Requires-Python"):
            lines += [f"{field}: {value}" for value in found.get_all(field) or []]
        lines += [f"Requires-Dist: {req}" for req in found.get_all("Requires-Dist") or []]
    return "\n".join(lines) + "\n"


def pins() -> str:
    """The libraries journalgen runs with, pinned and hashed (requirements format)."""
    return PINS.read_text(encoding="utf-8")


def pinned_versions(text: str) -> dict[str, str]:
    """`name==version` lines of a requirements text: name (normalised as PyPI does:
    `typing_extensions` is `typing-extensions`) → version."""
    found: dict[str, str] = {}
    for line in text.splitlines():
        head = line.strip().split(" ")[0]
        if "==" in head and not head.startswith(("#", "-")):
            name, _, version = head.partition("==")
            found[re.sub(r"[-_.]+", "-", name).lower()] = version
    return found


def shipped_wheels() -> list[Wheel]:
    return [Wheel(path.name, path.read_bytes()) for path in sorted(SHIPPED.glob("*.whl"))]


def requirements(wheel: Wheel) -> str:
    """requirements.txt of a journal: journalgen and the shipped wheels from vendor/,
    then the pins."""
    local = "".join(
        f"./{VENDOR_DIR}/{item.name} \\\n    --hash=sha256:{item.sha256}\n"
        for item in [wheel, *shipped_wheels()]
    )
    return (
        "# What Netlify (or any build machine) installs to build this journal, written by\n"
        "# journalgen: journalgen itself from the file in vendor/ (never a package found by\n"
        "# name) and every library it uses at the exact version it was tested with, each\n"
        "# checked against its hash. `journalgen upgrade` moves the journal to the journalgen\n"
        "# you have installed. Install with: pip install --require-hashes -r requirements.txt\n"
        + local
        + pins()
    )
