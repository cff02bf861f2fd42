"""`journalgen build` with nothing changed says so and stops; anything that could change
the site (a file, an option, the clock reaching a scheduled entry, the output folder
itself) makes it build."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from conftest import NOW, SiteDir
from journalgen.build import BuildOptions, build
from journalgen.cli import main
from journalgen.incremental import record


@pytest.fixture
def site(tmp_path: Path) -> SiteDir:
    journal = SiteDir(tmp_path / "journal")
    journal.entry("2026-11-01-news.md", 'title: "The news"')
    journal.entry("2026-11-10-scan.md", 'title: "Scan day"', "A quiet scan.\n")
    return journal


def times(folder: Path) -> dict[str, tuple[int, int]]:
    return {
        p.relative_to(folder).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
        for p in folder.rglob("*")
        if p.is_file()
    }


def run(site: SiteDir, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str, str]:
    code = main(["build", "--site", str(site.root), *extra])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_a_second_build_with_nothing_changed_does_nothing(
    site: SiteDir, capsys: pytest.CaptureFixture[str]
) -> None:
    site.write(
        "content/entries/2026-11-12-photo.md", '---\ntitle: "Photo"\n---\n\n![](../photos/x.svg)\n'
    )
    site.write("content/photos/x.svg", '<svg xmlns="http://www.w3.org/2000/svg"/>\n')
    code, out, err = run(site, capsys)
    assert code == 0 and out.startswith("Built 3 entries")
    assert "no alt text" in err
    before = times(site.out)

    code, out, again = run(site, capsys)
    assert code == 0
    assert out.startswith("Nothing changed since the last build")
    assert again == err, "the same warnings are shown again"
    assert times(site.out) == before

    site.entry("2026-11-01-news.md", 'title: "The news, retold"')
    code, out, _err = run(site, capsys)
    assert out.startswith("Built 3 entries")
    assert "The news, retold" in (site.out / "2026/11/news/index.html").read_text("utf-8")


def test_other_options_a_changed_output_or_settings_mean_a_build(
    site: SiteDir, capsys: pytest.CaptureFixture[str]
) -> None:
    site.entry("2026-11-15-draft.md", 'title: "Not yet"\ndraft: true')
    run(site, capsys)
    assert run(site, capsys)[1].startswith("Nothing changed")
    assert run(site, capsys, "--drafts")[1].startswith("Built")  # other options
    assert run(site, capsys)[1].startswith("Built")  # back to the published site
    (site.out / "index.html").write_text("edited by hand", encoding="utf-8")
    assert run(site, capsys)[1].startswith("Built")
    assert "The news" in (site.out / "index.html").read_text(encoding="utf-8")
    (site.out / "notes.txt").write_text("mine", encoding="utf-8")
    code, _out, err = run(site, capsys)
    assert code == 1 and "notes.txt" in err  # refused, as any build would
    (site.out / "notes.txt").unlink()
    settings = (site.root / "journalgen.yaml").read_text(encoding="utf-8")
    site.write("journalgen.yaml", settings.replace("page_size: 2", "page_size: 1"))
    assert run(site, capsys)[1].startswith("Built")


def test_the_output_goes_stale_when_a_scheduled_entry_comes_due(site: SiteDir) -> None:
    due = NOW + dt.timedelta(days=2)
    site.entry("2026-11-23-later.md", f'title: "Later"\npublish_on: {due:%Y-%m-%d %H:%M}')
    build(BuildOptions(site.root, site.out, now=NOW))
    ident = record.identity(
        site.root, site.out, drafts=False, future=False, strict=False, photos=None
    )
    assert record.up_to_date(site.root, site.out, ident, NOW + dt.timedelta(days=1)) is not None
    assert record.up_to_date(site.root, site.out, ident, due + dt.timedelta(minutes=1)) is None


def _fresh(site: SiteDir) -> bool:
    ident = record.identity(
        site.root, site.out, drafts=False, future=False, strict=False, photos=None
    )
    return record.up_to_date(site.root, site.out, ident, NOW) is not None


def _retitle(site: SiteDir, title: str) -> None:
    settings = (site.root / "journalgen.yaml").read_text(encoding="utf-8")
    settings = settings.replace('title: "Test journal"', f'title: "{title}"')
    (site.root / "journalgen.yaml").write_text(settings, encoding="utf-8")


def test_a_file_saved_while_the_build_runs_is_built_next_time(
    site: SiteDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The settings are saved while a build runs, just before it reads them, and saved
    back as they were right after: the build used the other ones, so the next build must
    not take its output for up to date, although the bytes are those noted before."""
    from journalgen import config

    site.build()
    original = (site.root / "journalgen.yaml").read_bytes()
    real_load = config.load

    def saving_meanwhile(site_dir: Path) -> config.SiteConfig:
        _retitle(site, "Best journal")  # the same size: only its bytes differ
        try:
            return real_load(site_dir)
        finally:
            (site.root / "journalgen.yaml").write_bytes(original)

    monkeypatch.setattr(config, "load", saving_meanwhile)
    site.entry("2026-11-10-scan.md", 'title: "Scan day"', "A louder scan.\n")
    site.build()
    monkeypatch.undo()
    assert "Best journal" in site.read("index.html")
    assert not _fresh(site)
    site.build()
    assert "Best journal" not in site.read("index.html")
    assert _fresh(site)


def test_a_file_saved_as_the_build_ends_is_built_next_time(
    site: SiteDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same, saved between the build's last look at its files and its reading their
    bytes to note them."""
    real_scan = record.scan_inputs
    calls: list[int] = []

    def scan(site_dir: Path) -> dict[str, record.InputState]:
        found = real_scan(site_dir)
        calls.append(1)
        if len(calls) == 2:  # the look at the end of the build
            _retitle(site, "Rest journal")
        return found

    monkeypatch.setattr(record, "scan_inputs", scan)
    site.build()
    monkeypatch.undo()
    assert len(calls) == 2
    assert not _fresh(site)
    site.build()
    assert "Rest journal" in site.read("index.html")


def test_a_link_replaced_by_a_copy_of_its_file_is_a_change(site: SiteDir) -> None:
    """An entry that is a link to another is published once; the same bytes as a file of
    its own are a second entry. Its bytes alone cannot say so."""
    news = site.root / "content" / "entries" / "2026-11-01-news.md"
    again = news.with_name("2026-11-02-again.md")
    again.symlink_to(news.name)
    site.build()
    assert _fresh(site)
    built = sorted(p.relative_to(site.out).as_posix() for p in site.out.rglob("index.html"))
    again.unlink()
    again.write_bytes(news.read_bytes())
    assert not _fresh(site)
    site.build()
    now = sorted(p.relative_to(site.out).as_posix() for p in site.out.rglob("index.html"))
    assert now != built


def test_a_file_with_a_new_date_and_the_same_bytes_is_no_change(site: SiteDir) -> None:
    """A fresh checkout (a deploy) gives every file a new date: the bytes decide."""
    site.build()
    for path in (site.root / "content").rglob("*.md"):
        data = path.read_bytes()
        path.unlink()
        path.write_bytes(data)  # another inode and time
    assert _fresh(site)
    (site.root / "content" / "entries" / "2026-11-10-scan.md").write_text("changed")
    assert not _fresh(site)
