"""`journalgen build` with nothing changed says so and stops; anything that could change
the site (a file, an option, the clock reaching a scheduled entry, the output folder
itself) makes it build."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from conftest import NOW, SiteDir
from journalgen import record
from journalgen.build import BuildOptions, build
from journalgen.cli import main


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
