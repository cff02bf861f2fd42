"""The files a journal carries for its host, all made here: the pinned build
(`vendor/`, `requirements.txt`), and either Netlify's (`netlify.toml`, the cache plugin,
optionally the schedule trigger) or GitHub Pages' (a workflow). `journalgen init` writes
them and `journalgen upgrade` rewrites them."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from string import Template
from typing import Literal

from journalgen.output import files
from journalgen.publishing import CLOUDFLARE_WORKFLOW, headers, trigger, vendor

Host = Literal["netlify", "github-pages", "cloudflare"]
HOSTS: tuple[Host, ...] = ("netlify", "github-pages", "cloudflare")
WRANGLER = "4.80.0"
"""Cloudflare's uploader, at the version the tests run its local runtime with."""

PYTHON_VERSION = "3.11"
"""The Python the build machines use (the pins in vendor/pins.txt were tested with it)."""
INSTALL = "python3 -m pip install --require-hashes --only-binary=:all: -r requirements.txt"
BUILD = "python3 -m journalgen build"
GATE = "python3 -m journalgen deploy-check"
"""Run after every build on the host: a build with a problem (a broken link, a draft's
words, any warning) is never published."""
CRON = "7 * * * *"
"""Every hour, at 7 minutes past (the top of the hour is the busiest time for schedulers)."""

NETLIFY_TOML = "netlify.toml"
NETLIFY_PLUGIN = "netlify/plugins/journalgen-cache"
PAGES_WORKFLOW = ".github/workflows/journalgen-pages.yml"
CLOUDFLARE_FORMS = {
    "guestbook": "functions/guestbook/thanks/index.js",
    "follow": "functions/subscribe/thanks/index.js",
}
"""Cloudflare Pages Functions receiving the guestbook's and the follow form's posts."""
SCHEDULE_WORKFLOW = ".github/workflows/journalgen-schedule.yml"
TRIGGER_SCRIPT = ".github/journalgen-trigger.py"

_SCAFFOLD = Path(__file__).resolve().parents[1] / "scaffold"


def _fill(name: str, **values: str) -> bytes:
    text = (_SCAFFOLD / name).read_text(encoding="utf-8")
    return Template(text).substitute(values).encode("utf-8")


PUBLISHED = (
    "content", "static", "templates", "journalgen.yaml", "requirements.txt", "vendor",
    "netlify.toml", "netlify",
)  # fmt: skip
"""What a deploy publishes or is built from: a push that changes none of it deploys nothing."""
IGNORE = (
    '[ "$CACHED_COMMIT_REF" != "$COMMIT_REF" ] && '
    'git diff --quiet "$CACHED_COMMIT_REF" "$COMMIT_REF" -- ' + " ".join(PUBLISHED)
)
"""Netlify's `ignore` command: exit 0 (no deploy) when nothing published changed since the
last deploy; a first build (no cache: the two refs are equal) or a build hook's builds."""


def netlify_toml(build_command: str = f"{INSTALL} && {BUILD} && {GATE}") -> bytes:
    return _fill(
        "netlify.toml",
        build_command=build_command,
        ignore_command=IGNORE.replace('"', '\\"'),
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
        # GitHub Actions builds the journal: checked, then uploaded or handed to Pages.
        steps = {
            "cron": CRON,
            "python_version": PYTHON_VERSION,
            "install_command": INSTALL.replace("python3", "python"),
            "build_only": BUILD.replace("python3", "python"),
            "gate": GATE.replace("python3", "python"),
        }
        made[TRIGGER_SCRIPT] = trigger_source
        if host == "cloudflare":
            made[CLOUDFLARE_WORKFLOW] = _fill(
                "github/journalgen-cloudflare.yml", **steps, wrangler=WRANGLER
            )
            for form, rel in CLOUDFLARE_FORMS.items():
                thanks = "/" + rel.removeprefix("functions/").removesuffix("index.js")
                made[rel] = _fill("cloudflare/form.js", form=form, thanks=thanks)
        else:
            made[PAGES_WORKFLOW] = _fill("github/journalgen-pages.yml", **steps)
    return made


RECORD = f"{vendor.VENDOR_DIR}/journalgen-files.json"
"""What journalgen last wrote into the journal for publishing (path → SHA-256), so that
`upgrade` replaces only files nobody changed since."""


def detect(site_dir: Path) -> tuple[Host, bool]:
    """The host a journal is set up for, and whether Netlify's schedule trigger is on."""
    if (site_dir / CLOUDFLARE_WORKFLOW).exists() and not (site_dir / NETLIFY_TOML).exists():
        return "cloudflare", True
    if (site_dir / PAGES_WORKFLOW).exists() and not (site_dir / NETLIFY_TOML).exists():
        return "github-pages", True
    return "netlify", (site_dir / SCHEDULE_WORKFLOW).exists()


@dataclass(frozen=True, slots=True)
class Written:
    changed: tuple[str, ...]
    """Files written, replaced or removed."""
    kept: tuple[str, ...]
    """Files someone changed since journalgen wrote them: left alone, the new version
    written beside each as NAME.journalgen-new."""


def write(site_dir: Path, wanted: dict[str, bytes]) -> Written:
    """Write the files that differ (each whole or not at all; wheels first, so that
    requirements.txt never names a wheel that is not there yet), remove what journalgen
    wrote before and no longer wants (another host's files, older wheels), and leave alone
    any file a person changed."""
    record = _record(site_dir)
    changed: list[str] = []
    kept: list[str] = []
    for rel, data in sorted(wanted.items(), key=lambda item: not item[0].endswith(".whl")):
        target = site_dir / rel
        current = target.read_bytes() if target.is_file() else None
        if current == data:
            continue
        if current is not None and not _ours(rel, current, record):
            files.write_whole(target.with_name(target.name + ".journalgen-new"), data)
            kept.append(rel)
            continue
        files.write_whole(target, data)
        changed.append(rel)
    for rel in sorted(set(record) - set(wanted)):
        target = site_dir / rel
        if target.is_file() and _ours(rel, target.read_bytes(), record):
            target.unlink()
            changed.append(rel)
    vendor_dir = site_dir / vendor.VENDOR_DIR
    if vendor_dir.is_dir():
        for old in sorted(vendor_dir.glob("*.whl")):
            rel = f"{vendor.VENDOR_DIR}/{old.name}"
            if (
                rel not in wanted
                and rel not in changed
                and old.name.startswith(("journalgen-", "feedgen-"))
            ):
                old.unlink()
                changed.append(rel)
    now = {rel: hashlib.sha256(data).hexdigest() for rel, data in wanted.items()}
    now.update({rel: record[rel] for rel in kept if rel in record})
    if now != record:
        text = json.dumps(now, indent=1, sort_keys=True) + "\n"
        files.write_text_whole(site_dir / RECORD, text)
    return Written(tuple(sorted(changed)), tuple(kept))


def _record(site_dir: Path) -> dict[str, str]:
    try:
        found = json.loads((site_dir / RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in found.items()} if isinstance(found, dict) else {}


def _ours(rel: str, data: bytes, record: dict[str, str]) -> bool:
    """True when `data` is what journalgen wrote at `rel` (or a file journalgen alone
    writes: its wheels and requirements.txt, which nobody edits by hand)."""
    if rel.endswith(".whl") or rel == vendor.REQUIREMENTS:
        return True
    return record.get(rel) == hashlib.sha256(data).hexdigest()
