"""Labels and dates in the site's language (Babel formats the dates)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_datetime, format_skeleton

# Each label in English, French, German and Spanish. A language Babel knows but we have no
# labels for gets its dates localized and these labels in English.
LABELS: Final[dict[str, dict[str, str]]] = {
    "en": {
        "skip": "Skip to content",
        "home": "Home",
        "archive": "Archive",
        "tags": "Tags",
        "subscribe": "Subscribe",
        "subscribe_text": "Follow this journal in a feed reader or by email with the",
        "rss_feed": "RSS feed",
        "atom_feed": "Atom feed",
        "by": "by",
        "tagged": "Tags:",
        "read_more": "Continue reading",
        "read_more_about": "Continue reading “{title}”",
        "older_entries": "Older entries",
        "newer_entries": "Newer entries",
        "older_entry": "Previous entry",
        "newer_entry": "Next entry",
        "more_entries": "More entries",
        "share": "Share this entry",
        "share_email": "Email",
        "page_n": "Page {n} of {count}",
        "entries_tagged": "Entries tagged “{tag}”",
        "entries_by": "Entries by {author}",
        "entries_in": "Entries from {period}",
        "all_tags": "All tags",
        "entries_one": "1 entry",
        "entries_other": "{n} entries",
        "draft_banner": "Draft: not published. You see it only because this is a preview.",
        "scheduled_banner": "Scheduled for {date}: not yet published. You see it only because "
        "this is a preview.",
        "not_found_title": "Page not found",
        "not_found_text": "Sorry, there is no page at this address. It may have moved, or "
        "the link may have a typing mistake.",
        "not_found_home": "Go to the home page",
        "no_entries": "Nothing has been written yet.",
        "updated": "Updated",
        "main_navigation": "Main",
        "pagination": "Pages",
        "farewell": "A farewell",
        "pinned": "Pinned",
        "made_with": "Made with journalgen",
        "feed_for_tag": "Entries tagged “{tag}”",
        "all_entries_by_date": "All entries by date",
        "authors": "Authors",
        "preview": "Preview",
    },
    "fr": {
        "skip": "Aller au contenu",
        "home": "Accueil",
        "archive": "Archives",
        "tags": "Étiquettes",
        "subscribe": "S’abonner",
        "subscribe_text": "Suivez ce journal dans un lecteur de flux ou par courriel avec le",
        "rss_feed": "flux RSS",
        "atom_feed": "flux Atom",
        "by": "par",
        "tagged": "Étiquettes :",
        "read_more": "Lire la suite",
        "read_more_about": "Lire la suite de « {title} »",
        "older_entries": "Billets plus anciens",
        "newer_entries": "Billets plus récents",
        "older_entry": "Billet précédent",
        "newer_entry": "Billet suivant",
        "more_entries": "Autres billets",
        "share": "Partager ce billet",
        "share_email": "Courriel",
        "page_n": "Page {n} sur {count}",
        "entries_tagged": "Billets avec l’étiquette « {tag} »",
        "entries_by": "Billets de {author}",
        "entries_in": "Billets de {period}",
        "all_tags": "Toutes les étiquettes",
        "entries_one": "1 billet",
        "entries_other": "{n} billets",
        "draft_banner": "Brouillon : non publié. Vous le voyez parce qu’il s’agit d’un aperçu.",
        "scheduled_banner": "Prévu pour le {date} : pas encore publié. Vous le voyez parce "
        "qu’il s’agit d’un aperçu.",
        "not_found_title": "Page introuvable",
        "not_found_text": "Désolé, il n’y a pas de page à cette adresse. Elle a peut-être "
        "été déplacée, ou le lien contient une faute de frappe.",
        "not_found_home": "Aller à l’accueil",
        "no_entries": "Rien n’a encore été écrit.",
        "updated": "Mis à jour le",
        "main_navigation": "Principale",
        "pagination": "Pages",
        "farewell": "Un adieu",
        "pinned": "Épinglé",
        "made_with": "Réalisé avec journalgen",
        "feed_for_tag": "Billets avec l’étiquette « {tag} »",
        "all_entries_by_date": "Tous les billets par date",
        "authors": "Auteurs",
        "preview": "Aperçu",
    },
    "de": {
        "skip": "Zum Inhalt springen",
        "home": "Startseite",
        "archive": "Archiv",
        "tags": "Schlagwörter",
        "subscribe": "Abonnieren",
        "subscribe_text": "Folgen Sie diesem Tagebuch in einem Feedreader oder per E-Mail mit dem",
        "rss_feed": "RSS-Feed",
        "atom_feed": "Atom-Feed",
        "by": "von",
        "tagged": "Schlagwörter:",
        "read_more": "Weiterlesen",
        "read_more_about": "„{title}“ weiterlesen",
        "older_entries": "Ältere Einträge",
        "newer_entries": "Neuere Einträge",
        "older_entry": "Vorheriger Eintrag",
        "newer_entry": "Nächster Eintrag",
        "more_entries": "Weitere Einträge",
        "share": "Diesen Eintrag teilen",
        "share_email": "E-Mail",
        "page_n": "Seite {n} von {count}",
        "entries_tagged": "Einträge mit dem Schlagwort „{tag}“",
        "entries_by": "Einträge von {author}",
        "entries_in": "Einträge aus {period}",
        "all_tags": "Alle Schlagwörter",
        "entries_one": "1 Eintrag",
        "entries_other": "{n} Einträge",
        "draft_banner": "Entwurf: nicht veröffentlicht. Sie sehen ihn nur in der Vorschau.",
        "scheduled_banner": "Geplant für {date}: noch nicht veröffentlicht. Sie sehen ihn nur "
        "in der Vorschau.",
        "not_found_title": "Seite nicht gefunden",
        "not_found_text": "Unter dieser Adresse gibt es leider keine Seite. Vielleicht wurde "
        "sie verschoben, oder der Link enthält einen Tippfehler.",
        "not_found_home": "Zur Startseite",
        "no_entries": "Noch wurde nichts geschrieben.",
        "updated": "Aktualisiert am",
        "main_navigation": "Hauptnavigation",
        "pagination": "Seiten",
        "farewell": "Ein Abschied",
        "pinned": "Angeheftet",
        "made_with": "Erstellt mit journalgen",
        "feed_for_tag": "Einträge mit dem Schlagwort „{tag}“",
        "all_entries_by_date": "Alle Einträge nach Datum",
        "authors": "Autorinnen und Autoren",
        "preview": "Vorschau",
    },
    "es": {
        "skip": "Saltar al contenido",
        "home": "Inicio",
        "archive": "Archivo",
        "tags": "Etiquetas",
        "subscribe": "Suscribirse",
        "subscribe_text": "Siga este diario en un lector de feeds o por correo con el",
        "rss_feed": "feed RSS",
        "atom_feed": "feed Atom",
        "by": "por",
        "tagged": "Etiquetas:",
        "read_more": "Seguir leyendo",
        "read_more_about": "Seguir leyendo «{title}»",
        "older_entries": "Entradas anteriores",
        "newer_entries": "Entradas más recientes",
        "older_entry": "Entrada anterior",
        "newer_entry": "Entrada siguiente",
        "more_entries": "Más entradas",
        "share": "Compartir esta entrada",
        "share_email": "Correo",
        "page_n": "Página {n} de {count}",
        "entries_tagged": "Entradas con la etiqueta «{tag}»",
        "entries_by": "Entradas de {author}",
        "entries_in": "Entradas de {period}",
        "all_tags": "Todas las etiquetas",
        "entries_one": "1 entrada",
        "entries_other": "{n} entradas",
        "draft_banner": "Borrador: no publicado. Lo ve solo porque esto es una vista previa.",
        "scheduled_banner": "Programado para el {date}: aún no publicado. Lo ve solo porque "
        "esto es una vista previa.",
        "not_found_title": "Página no encontrada",
        "not_found_text": "Lo sentimos, no hay ninguna página en esta dirección. Puede que se "
        "haya movido o que el enlace tenga un error.",
        "not_found_home": "Ir a la página de inicio",
        "no_entries": "Todavía no se ha escrito nada.",
        "updated": "Actualizado el",
        "main_navigation": "Principal",
        "pagination": "Páginas",
        "farewell": "Una despedida",
        "pinned": "Fijada",
        "made_with": "Hecho con journalgen",
        "feed_for_tag": "Entradas con la etiqueta «{tag}»",
        "all_entries_by_date": "Todas las entradas por fecha",
        "authors": "Autores",
        "preview": "Vista previa",
    },
}


def supported_language(code: str) -> bool:
    """True when Babel can format dates in `code` (e.g. `en`, `fr`, `pt-BR`)."""
    try:
        Locale.parse(code.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return False
    return True


@dataclass(frozen=True, slots=True)
class Language:
    """Labels and date formats for one language."""

    code: str
    """As in the settings, e.g. `en` or `pt-BR`: used for `<html lang>`."""

    @property
    def locale(self) -> str:
        return self.code.replace("-", "_")

    def label(self, key: str, **values: object) -> str:
        base = self.code.split("-")[0].lower()
        text = LABELS.get(base, LABELS["en"]).get(key) or LABELS["en"][key]
        return text.format(**values) if values else text

    def count(self, n: int) -> str:
        return self.label("entries_one") if n == 1 else self.label("entries_other", n=n)

    def date(self, moment: dt.date | dt.datetime, style: str = "long") -> str:
        """`November 22, 2026`, `22 novembre 2026`, `22. November 2026`…"""
        day = moment.date() if isinstance(moment, dt.datetime) else moment
        return str(format_date(day, format=style, locale=self.locale))

    def datetime(self, moment: dt.datetime) -> str:
        return str(format_datetime(moment, format="long", tzinfo=moment.tzinfo, locale=self.locale))

    def month(self, month: dt.date) -> str:
        """`November 2026`, `novembre 2026`, `noviembre de 2026`… (the locale's own order)."""
        return str(format_skeleton("yMMMM", month, locale=self.locale))

    def year(self, month: dt.date) -> str:
        return str(month.year)
