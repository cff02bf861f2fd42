"""The files a journal carries for its host, all made here: the pinned build
(`vendor/`, `requirements.txt`), and either Netlify's (`netlify.toml`, the cache plugin,
optionally the schedule trigger) or GitHub Pages' (a workflow). `journalgen init` writes
them and `journalgen upgrade` rewrites them."""

from __future__ import annotations

from pathlib import Path
from string import Template
from typing import Literal

from journalgen import files
from journalgen.publishing import headers, trigger, vendor

Host = Literal["netlify", "github-pages"]
HOSTS: tuple[Host, ...] = ("netlify", "github-pages")

PYTHON_VERSION = "3.11"
"""The Python the build machines use (the pins in vendor/pins.txt were tested with it)."""
INSTALL = "python3 -m pip install --require-hashes --only-binary=:all: -r requirements.txt"
BUILD = "python3 -m journalgen build"
CRON = "7 * * * *"
"""Every hour, at 7 minutes past (the top of the hour is the busiest time for schedulers)."""

NETLIFY_TOML = "netlify.toml"
NETLIFY_PLUGIN = "netlify/plugins/journalgen-cache"
PAGES_WORKFLOW = ".github/workflows/journalgen-pages.yml"
SCHEDULE_WORKFLOW = ".github/workflows/journalgen-schedule.yml"
TRIGGER_SCRIPT = ".github/journalgen-trigger.py"

_SCAFFOLD = Path(__file__).resolve().parents[1] / "scaffold"


def _fill(name: str, **values: str) -> bytes:
    text = (_SCAFFOLD / name).read_text(encoding="utf-8")
    return Template(text).substitute(values).encode("utf-8")


def netlify_toml(build_command: str = f"{INSTALL} && {BUILD}") -> bytes:
    return _fill(
        "netlify.toml",
        build_command=build_command,
        python_version=PYTHON_VERSION,
        headers=headers.toml_tables(headers.FIXED).rstrip("\n"),
    )


def journal_files(host: Host, *, schedule: bool) -> dict[str, bytes]:
    """Every file journalgen keeps in a journal for `host` (relative path → bytes).
    `schedule`: Netlify's hourly trigger for scheduled entries (GitHub Pages' workflow
    always has one)."""
    wheel = vendor.make_wheel()
    made = {
        f"{vendor.VENDOR_DIR}/{item.name}": item.data for item in [wheel, *vendor.shipped_wheels()]
    }
    made[vendor.REQUIREMENTS] = vendor.requirements(wheel).encode("utf-8")
    trigger_source = Path(trigger.__file__).read_bytes()
    if host == "netlify":
        made[NETLIFY_TOML] = netlify_toml()
        for name in ("manifest.yml", "index.js", "package.json"):
            made[f"{NETLIFY_PLUGIN}/{name}"] = (_SCAFFOLD / "netlify-plugin" / name).read_bytes()
        if schedule:
            made[SCHEDULE_WORKFLOW] = _fill("github/journalgen-schedule.yml", cron=CRON)
            made[TRIGGER_SCRIPT] = trigger_source
    else:
        made[PAGES_WORKFLOW] = _fill(
            "github/journalgen-pages.yml",
            cron=CRON,
            python_version=PYTHON_VERSION,
            install_command=INSTALL.replace("python3", "python"),
            build_only=BUILD.replace("python3", "python"),
        )
        made[TRIGGER_SCRIPT] = trigger_source
    return made


def detect(site_dir: Path) -> tuple[Host, bool]:
    """The host a journal is set up for, and whether Netlify's schedule trigger is on."""
    if (site_dir / PAGES_WORKFLOW).exists() and not (site_dir / NETLIFY_TOML).exists():
        return "github-pages", True
    return "netlify", (site_dir / SCHEDULE_WORKFLOW).exists()


def write(site_dir: Path, wanted: dict[str, bytes]) -> list[str]:
    """Write the files that differ (each whole or not at all) and remove wheels of other
    versions from vendor/; the paths changed, sorted."""
    changed = []
    for rel, data in sorted(wanted.items()):
        target = site_dir / rel
        if target.is_file() and target.read_bytes() == data:
            continue
        files.write_whole(target, data)
        changed.append(rel)
    vendor_dir = site_dir / vendor.VENDOR_DIR
    if vendor_dir.is_dir():
        for old in sorted(vendor_dir.glob("*.whl")):
            rel = f"{vendor.VENDOR_DIR}/{old.name}"
            if rel not in wanted and old.name.startswith(("journalgen-", "feedgen-")):
                old.unlink()
                changed.append(rel)
    return sorted(changed)
