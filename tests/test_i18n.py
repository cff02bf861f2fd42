"""A journal in French, German or Spanish reads in that language: lang, dates and labels."""

from __future__ import annotations

from html.parser import HTMLParser

import feedparser
import pytest

from conftest import BASIC_CONFIG, SiteDir
from journalgen.errors import JournalError


class Reader(HTMLParser):
    """The `<html lang>`, the visible text, and the text of each <time> element."""

    def __init__(self) -> None:
        super().__init__()
        self.lang: str | None = None
        self.text: list[str] = []
        self.times: list[str] = []
        self._in_time = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "html":
            self.lang = dict(attrs).get("lang")
        self._in_time = tag == "time"

    def handle_endtag(self, tag: str) -> None:
        if tag == "time":
            self._in_time = False

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._in_time:
            self.times.append(data.strip())


def read(html: str) -> Reader:
    reader = Reader()
    reader.feed(html)
    reader.close()
    return reader


LANGUAGES = {
    # language: (entry page date, home page date, month archive title, labels)
    "en": (
        "Sunday, November 22, 2026",
        "November 22, 2026",
        "Entries from November 2026",
        ("Skip to content", "Home", "Archive", "Tags:", "Share this entry", "Previous entry"),
    ),
    "fr": (
        "dimanche 22 novembre 2026",
        "22 novembre 2026",
        "Billets de novembre 2026",
        ("Aller au contenu", "Accueil", "Archives", "Étiquettes :", "Partager ce billet"),
    ),
    "de": (
        "Sonntag, 22. November 2026",
        "22. November 2026",
        "Einträge aus November 2026",
        ("Zum Inhalt springen", "Startseite", "Archiv", "Schlagwörter:", "Vorheriger Eintrag"),
    ),
    "es": (
        "domingo, 22 de noviembre de 2026",
        "22 de noviembre de 2026",
        "Entradas de noviembre de 2026",
        ("Saltar al contenido", "Inicio", "Archivo", "Etiquetas:", "Entrada anterior"),
    ),
}


def journal_in(site: SiteDir, language: str) -> SiteDir:
    site.write("journalgen.yaml", BASIC_CONFIG.replace("language: en", f"language: {language}"))
    site.entry("2026-11-01-before.md", 'title: "Before"')
    site.entry("2026-11-22-sunday.md", 'title: "Sunday"\ntags: [hospital]', "Text.\n")
    site.build()
    return site


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_pages_use_the_sites_language(site: SiteDir, language: str) -> None:
    full_date, long_date, month_title, labels = LANGUAGES[language]
    journal_in(site, language)
    entry = read(site.read("2026/11/sunday/index.html"))
    assert entry.lang == language
    assert entry.times == [full_date]
    text = " ".join(" ".join(entry.text).split())
    for label in labels:
        assert label in text, label
    home = read(site.read("index.html"))
    assert home.lang == language
    assert long_date in home.times
    assert f"<h1>{month_title}</h1>" in site.read("2026/11/index.html")
    feed = feedparser.parse(site.read("feed.xml"))
    assert feed.feed.language == language


def test_other_languages_get_their_dates_and_english_labels(site: SiteDir) -> None:
    journal_in(site, "pt-BR")
    entry = read(site.read("2026/11/sunday/index.html"))
    assert entry.lang == "pt-BR"
    assert entry.times == ["domingo, 22 de novembro de 2026"]
    assert "Skip to content" in entry.text


def test_unknown_language_is_refused(site: SiteDir) -> None:
    site.write("journalgen.yaml", BASIC_CONFIG.replace("language: en", "language: klingon"))
    with pytest.raises(JournalError, match="unknown language 'klingon'") as caught:
        site.build()
    assert caught.value.problems[0].line == BASIC_CONFIG.splitlines().index("language: en") + 1
