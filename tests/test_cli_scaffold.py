"""`journalgen init`, `journalgen new` and every command's --help."""

from __future__ import annotations

import argparse
import datetime as dt
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml

from journalgen.cli import main, make_parser

BUILD_OPTIONS = ("--site", "--output", "--drafts", "--future", "--force", "--quiet", "--debug")
INIT_OPTIONS = ("--title", "--base-url", "--language", "--author", "--timezone")
NEW_OPTIONS = ("--site", "--date", "--author", "--tag", "--draft")


def build_cli(folder: Path) -> Path:
    out = folder / "output"
    assert main(["build", "--site", str(folder), "--quiet"]) == 0
    return out


def test_init_makes_a_site_that_builds(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "cooper-journal"
    assert main(["init", str(folder)]) == 0
    assert f"Created a new journal in {folder}" in capsys.readouterr().out
    out = build_cli(folder)
    home = (out / "index.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in home
    assert "Our family journal" in home
    assert "Welcome to our journal" in home
    assert (out / "about" / "index.html").is_file()
    assert (out / "feed.xml").is_file()


def test_init_in_french_builds_a_french_site(tmp_path: Path) -> None:
    folder = tmp_path / "journal"
    command = ["init", str(folder), "--language", "fr", "--title", "Le journal de Léa"]
    assert main([*command, "--timezone", "Europe/Paris", "--author", "Zoé Müller"]) == 0
    settings = yaml.safe_load((folder / "journalgen.yaml").read_text(encoding="utf-8"))
    assert settings["title"] == "Le journal de Léa"
    assert settings["language"] == "fr"
    assert settings["authors"] == {"zoe-muller": {"name": "Zoé Müller"}}
    home = (build_cli(folder) / "index.html").read_text(encoding="utf-8")
    assert '<html lang="fr">' in home
    assert "Le journal de Léa" in home
    assert "Aller au contenu" in home


def test_init_refuses_a_folder_that_is_not_empty(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "documents"
    folder.mkdir()
    (folder / "letter.txt").write_text("keep me", encoding="utf-8")
    assert main(["init", str(folder)]) == 1
    assert "not empty" in capsys.readouterr().err
    assert [p.name for p in folder.iterdir()] == ["letter.txt"]
    assert (folder / "letter.txt").read_text(encoding="utf-8") == "keep me"


@pytest.mark.parametrize(
    ("option", "said"),
    [
        (["--timezone", "London"], "--timezone: unknown time zone 'London'"),
        (["--language", "xx"], "--language: unknown language 'xx'"),
        (["--base-url", "cooper.example"], "is not a web address"),
    ],
)
def test_a_mistake_in_init_writes_nothing_and_the_corrected_command_works(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], option: list[str], said: str
) -> None:
    for folder in (tmp_path / "new", tmp_path / "empty"):
        if folder.name == "empty":
            folder.mkdir()
        assert main(["init", str(folder), "--title", "Cooper", *option]) == 1
        assert said in capsys.readouterr().err
        assert not folder.exists() if folder.name == "new" else not any(folder.iterdir())
        assert main(["init", str(folder), "--title", "Cooper"]) == 0
        capsys.readouterr()


def test_init_refuses_an_existing_journal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "journal"
    assert main(["init", str(folder)]) == 0
    settings = (folder / "journalgen.yaml").read_bytes()
    assert main(["init", str(folder)]) == 1
    assert "already a journal here" in capsys.readouterr().err
    assert (folder / "journalgen.yaml").read_bytes() == settings


def test_new_creates_an_entry_that_parses_and_builds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "journal"
    assert main(["init", str(folder)]) == 0
    capsys.readouterr()
    before = dt.datetime.now(ZoneInfo("UTC")).date()
    command = ["new", "Round two starts Monday", "--site", str(folder), "--tag", "hospital"]
    assert main(command) == 0
    after = dt.datetime.now(ZoneInfo("UTC")).date()
    printed = Path(capsys.readouterr().out.strip())
    names = {f"{day.isoformat()}-round-two-starts-monday.md" for day in (before, after)}
    assert printed.parent == folder / "content" / "entries"
    assert printed.name in names
    text = printed.read_text(encoding="utf-8")
    assert text.startswith("---\n")
    front = yaml.safe_load(text.split("---\n")[1])
    assert front["title"] == "Round two starts Monday"
    assert front["tags"] == ["hospital"]
    assert "draft" not in front
    assert front["author"] == yaml.safe_load((folder / "journalgen.yaml").read_text())["author"]
    out = build_cli(folder)
    day = dt.date.fromisoformat(printed.name[:10])
    page = out / f"{day:%Y/%m}" / "round-two-starts-monday" / "index.html"
    assert "<h1>Round two starts Monday</h1>" in page.read_text(encoding="utf-8")


def test_new_with_date_and_draft_stays_unpublished(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "journal"
    assert main(["init", str(folder)]) == 0
    command = ["new", "Not yet", "--site", str(folder), "--date", "2026-11-22", "--draft"]
    assert main(command) == 0
    entry = folder / "content" / "entries" / "2026-11-22-not-yet.md"
    assert yaml.safe_load(entry.read_text(encoding="utf-8").split("---\n")[1])["draft"] is True
    assert not (build_cli(folder) / "2026" / "11" / "not-yet").exists()
    assert main(command) == 1  # the same entry again: refused, not overwritten
    assert "already exists" in capsys.readouterr().err


def help_text(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    assert stopped.value.code == 0
    return capsys.readouterr().out


def subcommands() -> list[str]:
    parser = make_parser()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return sorted(action.choices)
    return []


def test_help_lists_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    text = help_text(["--help"], capsys)
    for command in ("build", "init", "new"):
        assert command in text


@pytest.mark.parametrize(
    ("command", "options"),
    [("build", BUILD_OPTIONS), ("init", INIT_OPTIONS), ("new", NEW_OPTIONS)],
)
def test_command_help_shows_its_options(
    command: str, options: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    text = help_text([command, "--help"], capsys)
    assert text.startswith(f"usage: journalgen {command}")
    for option in options:
        assert option in text, option


def test_every_command_has_help(capsys: pytest.CaptureFixture[str]) -> None:
    commands = subcommands()
    assert {"build", "init", "new"} <= set(commands)
    for command in commands:
        assert f"usage: journalgen {command}" in help_text([command, "--help"], capsys)


def test_python_dash_m_journalgen_help() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "journalgen", "--help"],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: journalgen")
    assert "build" in result.stdout
