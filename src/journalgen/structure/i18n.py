"""Labels and dates in the site's language (Babel formats the dates)."""

from __future__ import annotations

import datetime as dt
import functools
import re
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
        "subscribe_title": "Follow this journal",
        "subscribe_intro": "There are two ways to hear when something new is written here.",
        "subscribe_reader_heading": "In a feed reader",
        "subscribe_reader_text": (
            "A feed reader is a free app that shows you the new entries of the "
            "journals and websites you follow, as soon as they are published."
        ),
        "subscribe_reader_address": (
            "Open the app, choose to add a feed (or a subscription), and give it this address:"
        ),
        "subscribe_reader_apps": (
            "Free apps that do this: Feedly and Inoreader (on the web, iPhone and "
            "Android), NetNewsWire (iPhone, iPad and Mac), Feeder (Android)."
        ),
        "subscribe_email_heading": "By email",
        "subscribe_email_text": (
            "If you would rather have each new entry in your email, ask us: we will"
            " send them to you."
        ),
        "subscribe_email_form": (
            "Leave your name and email address here. Once the family has approved your "
            "request, each new entry comes to your inbox, with a link to read it on the journal."
        ),
        "subscribe_email_write": "Write to {email} and ask: each new entry will then come to "
        "you by email.",
        "subscribe_email_privacy": (
            "Your address is seen only by the family, who use it to send you the journal; it is "
            "never published or given to anyone. Every email says how to stop."
        ),
        "follow_email": "Your email address",
        "follow_send": "Follow by email",
        "follow_thanks": "Thank you",
        "follow_thanks_text": "Your request has been sent to the family. Once they have "
        "approved it, each new entry will come to you by email. To stop, reply to any of them.",
        "feed_page_intro": "This is the journal’s feed. A feed reader app shows you each new "
        "entry: give it this page’s address. This page itself is only a preview of it.",
        "feed_page_how": "How to follow this journal (by email, too)",
        "mail_subject": "New in {journal}: {title}",
        "mail_subject_farewell": "{journal}: {title}",
        "mail_read": "Read it on the journal",
        "mail_guestbook": "The guestbook",
        "mail_photo": "Photo: {alt}",
        "mail_photo_plain": "Photo",
        "mail_why": "You receive this because you asked to follow {journal} by email.",
        "mail_stop": "To stop, reply with the word “stop”, or write to {email}.",
        "mail_stop_subject": "Stop sending me {journal}",
        "moved_here": "This page has moved: continue here.",
        "subscribe_privacy_heading": "Your privacy",
        "subscribe_privacy_text": (
            "A feed reader fetches the journal as a browser does: nobody, not even "
            "we, learns who follows it. This site has no trackers and no adverts."
        ),
        "scroll_code": "Code (scrolls sideways)",
        "scroll_table": "Table (scrolls sideways)",
        "subscribe": "Subscribe",
        "follow_link": "Follow this journal by email or in a feed reader",
        "keepsake_note": ("A copy kept of the journal published at {address}."),
        "keepsake_messages": (
            "Messages were left on the journal’s website, {address}; the ones shown "
            "here are those the family approved."
        ),
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
        # The guestbook (guestbook.py, templates/_guestbook*.html).
        "guestbook": "Guestbook",
        "gb_intro": "Kind words from friends and family.",
        "gb_none": "No messages yet.",
        "gb_heading_one": "1 message from friends",
        "gb_heading_other": "{n} messages from friends",
        "gb_count_one": "1 message",
        "gb_count_other": "{n} messages",
        "gb_leave": "Leave a message for the family",
        "gb_closed": "Messages are closed for this entry.",
        "gb_name": "Your name",
        "gb_location": "Where you are writing from (optional)",
        "gb_message": "Your message",
        "gb_message_help": "Plain words are best. A blank line starts a new paragraph.",
        "gb_moderation": "The family reads every message before it appears on the site.",
        "gb_send": "Send your message",
        "gb_honeypot": "Leave this field empty (it catches robots):",
        "gb_recaptcha_note": "Before sending, the form asks you to show you are not a robot; that "
        "part needs JavaScript.",
        "gb_email_text": "Write to the family by email; they will add your message here.",
        "gb_email_subject": "A message for the family",
        "gb_email_subject_entry": "A message about “{title}”",
        "gb_email_body": "Your message:\n\n\nYour name:\nWhere you are writing from (optional):\n",
        "gb_about": "About “{title}”",
        "gb_all": "All messages in the guestbook",
        "gb_thanks": "Thank you for your message",
        "gb_thanks_text": "It has been sent to the family. It will appear on the site once they "
        "have read it.",
        "gb_back": "Back to the journal",
        "gb_older": "Older messages",
        "gb_newer": "Newer messages",
        # Farewell posts, memorial mode and the book.
        "in_memory_of": "In loving memory of {name}",
        "memorial_guestbook_title": "Memories and condolences",
        "memorial_guestbook_intro": "Share a memory of {name}, or a few words for the family.",
        "farewell_held_banner": "A farewell, held back: it is not published, and will not be "
        "until the family publishes it (journalgen farewell publish {slug}). You see it only "
        "because this is a preview.",
        "book": "The book",
        "book_intro": "The whole journal on one page, oldest entry first. To keep it on paper "
        "or as a PDF, use your browser’s Print command.",
        "book_link": "The whole journal on one page, to read or print",
        "contents": "Contents",
        "book_span": "{count}, from {first} to {last}",
        "back_to_contents": "Back to contents",
    },
    "fr": {
        "skip": "Aller au contenu",
        "home": "Accueil",
        "archive": "Archives",
        "tags": "Étiquettes",
        "subscribe_title": "Suivre ce journal",
        "subscribe_intro": (
            "Il y a deux façons d’être prévenu quand nous écrivons quelque chose de nouveau."
        ),
        "subscribe_reader_heading": "Dans un lecteur de flux",
        "subscribe_reader_text": (
            "Un lecteur de flux est une application gratuite qui vous montre les "
            "nouveaux articles des journaux et des sites que vous suivez, dès leur "
            "publication."
        ),
        "subscribe_reader_address": (
            "Ouvrez l’application, choisissez d’ajouter un flux (ou un abonnement) "
            "et donnez-lui cette adresse :"
        ),
        "subscribe_reader_apps": (
            "Des applications gratuites qui le font : Feedly et Inoreader (sur le "
            "web, iPhone et Android), NetNewsWire (iPhone, iPad et Mac), Feeder "
            "(Android)."
        ),
        "subscribe_email_heading": "Par courriel",
        "subscribe_email_text": (
            "Si vous préférez recevoir chaque nouvel article par courriel, "
            "demandez-le-nous : nous vous les enverrons."
        ),
        "subscribe_email_form": (
            "Laissez ici votre nom et votre adresse. Dès que la famille aura accepté votre "
            "demande, chaque nouvelle entrée arrivera dans votre boîte, avec un lien pour la "
            "lire sur le journal."
        ),
        "subscribe_email_write": "Écrivez à {email} pour le demander : chaque nouvelle entrée "
        "vous arrivera alors par courriel.",
        "subscribe_email_privacy": (
            "Seule la famille voit votre adresse, pour vous envoyer le journal ; elle n’est "
            "jamais publiée ni donnée à personne. Chaque courriel dit comment arrêter."
        ),
        "follow_email": "Votre adresse électronique",
        "follow_send": "Suivre par courriel",
        "follow_thanks": "Merci",
        "follow_thanks_text": "Votre demande a été envoyée à la famille. Dès qu’elle l’aura "
        "acceptée, chaque nouvelle entrée vous arrivera par courriel. Pour arrêter, répondez "
        "à l’un d’eux.",
        "feed_page_intro": "Voici le flux du journal. Un lecteur de flux vous montre chaque "
        "nouvelle entrée : donnez-lui l’adresse de cette page. Cette page n’en est qu’un aperçu.",
        "feed_page_how": "Comment suivre ce journal (aussi par courriel)",
        "mail_subject": "Nouveau dans {journal} : {title}",
        "mail_subject_farewell": "{journal} : {title}",
        "mail_read": "Le lire sur le journal",
        "mail_guestbook": "Le livre d’or",
        "mail_photo": "Photo : {alt}",
        "mail_photo_plain": "Photo",
        "mail_why": "Vous recevez ceci parce que vous avez demandé à suivre {journal} par "
        "courriel.",
        "mail_stop": "Pour arrêter, répondez par le mot « stop », ou écrivez à {email}.",
        "mail_stop_subject": "Ne plus recevoir {journal}",
        "moved_here": "Cette page a déménagé : continuez ici.",
        "subscribe_privacy_heading": "Votre vie privée",
        "subscribe_privacy_text": (
            "Un lecteur de flux consulte le journal comme le fait un navigateur : "
            "personne, pas même nous, ne sait qui le suit. Ce site n’a ni traceurs "
            "ni publicités."
        ),
        "scroll_code": "Code (défile horizontalement)",
        "scroll_table": "Tableau (défile horizontalement)",
        "subscribe": "S’abonner",
        "follow_link": "Suivre ce journal par courriel ou dans un lecteur de flux",
        "keepsake_note": ("Copie conservée du journal publié à l’adresse {address}."),
        "keepsake_messages": (
            "Les messages étaient laissés sur le site du journal, {address} ; ceux "
            "qui figurent ici sont ceux que la famille a approuvés."
        ),
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
        # The guestbook (guestbook.py, templates/_guestbook*.html).
        "guestbook": "Livre d’or",
        "gb_intro": "Des mots affectueux de la famille et des amis.",
        "gb_none": "Pas encore de message.",
        "gb_heading_one": "1 message d’un proche",
        "gb_heading_other": "{n} messages de proches",
        "gb_count_one": "1 message",
        "gb_count_other": "{n} messages",
        "gb_leave": "Laisser un message à la famille",
        "gb_closed": "Les messages sont fermés pour ce billet.",
        "gb_name": "Votre nom",
        "gb_location": "D’où vous écrivez (facultatif)",
        "gb_message": "Votre message",
        "gb_message_help": "Des mots simples suffisent. Une ligne vide commence un nouveau "
        "paragraphe.",
        "gb_moderation": "La famille lit chaque message avant qu’il n’apparaisse sur le site.",
        "gb_send": "Envoyer votre message",
        "gb_honeypot": "Laissez ce champ vide (il sert à repérer les robots) :",
        "gb_recaptcha_note": "Avant l’envoi, le formulaire vous demande de prouver que vous "
        "n’êtes pas un robot ; cette étape nécessite JavaScript.",
        "gb_email_text": "Écrivez à la famille par courriel ; elle ajoutera votre message ici.",
        "gb_email_subject": "Un message pour la famille",
        "gb_email_subject_entry": "Un message à propos de « {title} »",
        "gb_email_body": "Votre message :\n\n\nVotre nom :\nD’où vous écrivez (facultatif) :\n",
        "gb_about": "À propos de « {title} »",
        "gb_all": "Tous les messages du livre d’or",
        "gb_thanks": "Merci pour votre message",
        "gb_thanks_text": "Il a été envoyé à la famille. Il apparaîtra sur le site dès qu’elle "
        "l’aura lu.",
        "gb_back": "Retour au journal",
        "gb_older": "Messages plus anciens",
        "gb_newer": "Messages plus récents",
        "in_memory_of": "À la mémoire de {name}",
        "memorial_guestbook_title": "Souvenirs et condoléances",
        "memorial_guestbook_intro": "Partagez un souvenir de {name}, ou quelques mots pour "
        "la famille.",
        "farewell_held_banner": "Un adieu en attente : il n’est pas publié, et ne le sera que "
        "lorsque la famille le publiera (journalgen farewell publish {slug}). Vous le voyez "
        "parce qu’il s’agit d’un aperçu.",
        "book": "Le livre",
        "book_intro": "Tout le journal sur une seule page, du plus ancien billet au plus "
        "récent. Pour le garder sur papier ou en PDF, utilisez la commande Imprimer de votre "
        "navigateur.",
        "book_link": "Tout le journal sur une seule page, à lire ou à imprimer",
        "contents": "Sommaire",
        "book_span": "{count}, du {first} au {last}",
        "back_to_contents": "Retour au sommaire",
    },
    "de": {
        "skip": "Zum Inhalt springen",
        "home": "Startseite",
        "archive": "Archiv",
        "tags": "Schlagwörter",
        "subscribe_title": "Diesem Tagebuch folgen",
        "subscribe_intro": "Es gibt zwei Wege, zu erfahren, wenn hier etwas Neues steht.",
        "subscribe_reader_heading": "In einem Feedreader",
        "subscribe_reader_text": (
            "Ein Feedreader ist eine kostenlose App, die Ihnen die neuen Einträge "
            "der Tagebücher und Websites zeigt, denen Sie folgen, sobald sie "
            "erscheinen."
        ),
        "subscribe_reader_address": (
            "Öffnen Sie die App, wählen Sie „Feed hinzufügen“ (oder „Abonnement“) "
            "und geben Sie diese Adresse ein:"
        ),
        "subscribe_reader_apps": (
            "Kostenlose Apps dafür: Feedly und Inoreader (im Web, auf iPhone und "
            "Android), NetNewsWire (iPhone, iPad und Mac), Feeder (Android)."
        ),
        "subscribe_email_heading": "Per E-Mail",
        "subscribe_email_text": (
            "Wenn Sie jeden neuen Eintrag lieber per E-Mail bekommen möchten, sagen"
            " Sie es uns: Wir schicken sie Ihnen."
        ),
        "subscribe_email_form": (
            "Hinterlassen Sie hier Ihren Namen und Ihre E-Mail-Adresse. Sobald die Familie "
            "Ihre Anfrage angenommen hat, kommt jeder neue Eintrag in Ihr Postfach, mit einem "
            "Link zum Tagebuch."
        ),
        "subscribe_email_write": "Schreiben Sie an {email} und fragen Sie: Dann kommt jeder "
        "neue Eintrag per E-Mail zu Ihnen.",
        "subscribe_email_privacy": (
            "Nur die Familie sieht Ihre Adresse, um Ihnen das Tagebuch zu schicken; sie wird "
            "nie veröffentlicht oder weitergegeben. Jede E-Mail sagt, wie Sie aufhören können."
        ),
        "follow_email": "Ihre E-Mail-Adresse",
        "follow_send": "Per E-Mail folgen",
        "follow_thanks": "Danke",
        "follow_thanks_text": "Ihre Anfrage wurde an die Familie geschickt. Sobald sie "
        "angenommen ist, kommt jeder neue Eintrag per E-Mail zu Ihnen. Um aufzuhören, "
        "antworten Sie auf eine davon.",
        "feed_page_intro": "Dies ist der Feed des Tagebuchs. Ein Feedreader zeigt Ihnen jeden "
        "neuen Eintrag: Geben Sie ihm die Adresse dieser Seite. Diese Seite ist nur eine "
        "Vorschau davon.",
        "feed_page_how": "Wie Sie diesem Tagebuch folgen (auch per E-Mail)",
        "mail_subject": "Neu in {journal}: {title}",
        "mail_subject_farewell": "{journal}: {title}",
        "mail_read": "Im Tagebuch lesen",
        "mail_guestbook": "Das Gästebuch",
        "mail_photo": "Foto: {alt}",
        "mail_photo_plain": "Foto",
        "mail_why": "Sie erhalten dies, weil Sie {journal} per E-Mail folgen wollten.",
        "mail_stop": "Um aufzuhören, antworten Sie mit dem Wort „stop“ oder schreiben Sie an "
        "{email}.",
        "mail_stop_subject": "{journal} nicht mehr senden",
        "moved_here": "Diese Seite ist umgezogen: hier weiter.",
        "subscribe_privacy_heading": "Ihre Privatsphäre",
        "subscribe_privacy_text": (
            "Ein Feedreader ruft das Tagebuch ab wie ein Browser: Niemand, auch wir"
            " nicht, erfährt, wer ihm folgt. Diese Website hat keine Tracker und "
            "keine Werbung."
        ),
        "scroll_code": "Code (seitlich scrollbar)",
        "scroll_table": "Tabelle (seitlich scrollbar)",
        "subscribe": "Abonnieren",
        "follow_link": "Diesem Tagebuch per E-Mail oder im Feedreader folgen",
        "keepsake_note": (
            "Eine aufbewahrte Kopie des Tagebuchs, das unter {address} veröffentlicht wurde."
        ),
        "keepsake_messages": (
            "Nachrichten wurden auf der Website des Tagebuchs hinterlassen, "
            "{address}; hier stehen die, die die Familie freigegeben hat."
        ),
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
        # The guestbook (guestbook.py, templates/_guestbook*.html).
        "guestbook": "Gästebuch",
        "gb_intro": "Liebe Worte von Familie und Freunden.",
        "gb_none": "Noch keine Nachrichten.",
        "gb_heading_one": "1 Nachricht von Freunden",
        "gb_heading_other": "{n} Nachrichten von Freunden",
        "gb_count_one": "1 Nachricht",
        "gb_count_other": "{n} Nachrichten",
        "gb_leave": "Eine Nachricht für die Familie hinterlassen",
        "gb_closed": "Zu diesem Eintrag können keine Nachrichten mehr geschrieben werden.",
        "gb_name": "Ihr Name",
        "gb_location": "Von wo Sie schreiben (freiwillig)",
        "gb_message": "Ihre Nachricht",
        "gb_message_help": "Einfache Worte genügen. Eine Leerzeile beginnt einen neuen Absatz.",
        "gb_moderation": "Die Familie liest jede Nachricht, bevor sie auf der Seite erscheint.",
        "gb_send": "Nachricht senden",
        "gb_honeypot": "Dieses Feld bitte leer lassen (es erkennt Roboter):",
        "gb_recaptcha_note": "Vor dem Senden prüft das Formular, dass Sie kein Roboter sind; "
        "dieser Schritt braucht JavaScript.",
        "gb_email_text": "Schreiben Sie der Familie eine E-Mail; sie stellt Ihre Nachricht hier "
        "ein.",
        "gb_email_subject": "Eine Nachricht für die Familie",
        "gb_email_subject_entry": "Eine Nachricht zu „{title}“",
        "gb_email_body": "Ihre Nachricht:\n\n\nIhr Name:\nVon wo Sie schreiben (freiwillig):\n",
        "gb_about": "Zu „{title}“",
        "gb_all": "Alle Nachrichten im Gästebuch",
        "gb_thanks": "Danke für Ihre Nachricht",
        "gb_thanks_text": "Sie wurde an die Familie geschickt. Sie erscheint auf der Seite, "
        "sobald die Familie sie gelesen hat.",
        "gb_back": "Zurück zum Tagebuch",
        "gb_older": "Ältere Nachrichten",
        "gb_newer": "Neuere Nachrichten",
        "in_memory_of": "In liebevoller Erinnerung an {name}",
        "memorial_guestbook_title": "Erinnerungen und Anteilnahme",
        "memorial_guestbook_intro": "Teilen Sie eine Erinnerung an {name} oder ein paar Worte "
        "für die Familie.",
        "farewell_held_banner": "Ein zurückgehaltener Abschied: Er ist nicht veröffentlicht "
        "und wird es erst, wenn die Familie ihn veröffentlicht (journalgen farewell publish "
        "{slug}). Sie sehen ihn nur in der Vorschau.",
        "book": "Das Buch",
        "book_intro": "Das ganze Tagebuch auf einer Seite, vom ältesten Eintrag an. Um es auf "
        "Papier oder als PDF aufzubewahren, verwenden Sie die Druckfunktion Ihres Browsers.",
        "book_link": "Das ganze Tagebuch auf einer Seite, zum Lesen oder Drucken",
        "contents": "Inhalt",
        "book_span": "{count}, vom {first} bis zum {last}",
        "back_to_contents": "Zurück zum Inhalt",
    },
    "es": {
        "skip": "Saltar al contenido",
        "home": "Inicio",
        "archive": "Archivo",
        "tags": "Etiquetas",
        "subscribe_title": "Seguir este diario",
        "subscribe_intro": "Hay dos maneras de enterarse cuando escribimos algo nuevo.",
        "subscribe_reader_heading": "En un lector de feeds",
        "subscribe_reader_text": (
            "Un lector de feeds es una aplicación gratuita que le muestra las "
            "nuevas entradas de los diarios y sitios que sigue, en cuanto se "
            "publican."
        ),
        "subscribe_reader_address": (
            "Abra la aplicación, elija añadir un feed (o una suscripción) y escriba esta dirección:"
        ),
        "subscribe_reader_apps": (
            "Aplicaciones gratuitas que lo hacen: Feedly e Inoreader (en la web, "
            "iPhone y Android), NetNewsWire (iPhone, iPad y Mac), Feeder (Android)."
        ),
        "subscribe_email_heading": "Por correo",
        "subscribe_email_text": (
            "Si prefiere recibir cada entrada nueva por correo, pídanoslo: se las enviaremos."
        ),
        "subscribe_email_form": (
            "Deje aquí su nombre y su correo. Cuando la familia haya aceptado su solicitud, "
            "cada nueva entrada llegará a su buzón, con un enlace para leerla en el diario."
        ),
        "subscribe_email_write": "Escriba a {email} y pídalo: cada nueva entrada le llegará "
        "por correo.",
        "subscribe_email_privacy": (
            "Solo la familia ve su dirección, para enviarle el diario; nunca se publica ni se "
            "da a nadie. Cada correo dice cómo dejar de recibirlos."
        ),
        "follow_email": "Su correo electrónico",
        "follow_send": "Seguir por correo",
        "follow_thanks": "Gracias",
        "follow_thanks_text": "Su solicitud se ha enviado a la familia. Cuando la acepte, cada "
        "nueva entrada le llegará por correo. Para dejar de recibirlas, responda a cualquiera.",
        "feed_page_intro": "Este es el canal del diario. Un lector de canales le muestra cada "
        "nueva entrada: dele la dirección de esta página. Esta página es solo una vista previa.",
        "feed_page_how": "Cómo seguir este diario (también por correo)",
        "mail_subject": "Nuevo en {journal}: {title}",
        "mail_subject_farewell": "{journal}: {title}",
        "mail_read": "Leerlo en el diario",
        "mail_guestbook": "El libro de visitas",
        "mail_photo": "Foto: {alt}",
        "mail_photo_plain": "Foto",
        "mail_why": "Recibe esto porque pidió seguir {journal} por correo.",
        "mail_stop": "Para dejar de recibirlo, responda con la palabra «stop» o escriba a {email}.",
        "mail_stop_subject": "No enviarme más {journal}",
        "moved_here": "Esta página se ha trasladado: continúe aquí.",
        "subscribe_privacy_heading": "Su privacidad",
        "subscribe_privacy_text": (
            "Un lector de feeds consulta el diario como lo hace un navegador: "
            "nadie, ni siquiera nosotros, sabe quién lo sigue. Este sitio no tiene "
            "rastreadores ni anuncios."
        ),
        "scroll_code": "Código (se desplaza hacia los lados)",
        "scroll_table": "Tabla (se desplaza hacia los lados)",
        "subscribe": "Suscribirse",
        "follow_link": "Seguir este diario por correo o en un lector de feeds",
        "keepsake_note": ("Copia guardada del diario publicado en {address}."),
        "keepsake_messages": (
            "Los mensajes se dejaban en el sitio del diario, {address}; aquí están "
            "los que la familia aprobó."
        ),
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
        # The guestbook (guestbook.py, templates/_guestbook*.html).
        "guestbook": "Libro de visitas",
        "gb_intro": "Palabras de cariño de familiares y amigos.",
        "gb_none": "Todavía no hay mensajes.",
        "gb_heading_one": "1 mensaje de amigos",
        "gb_heading_other": "{n} mensajes de amigos",
        "gb_count_one": "1 mensaje",
        "gb_count_other": "{n} mensajes",
        "gb_leave": "Dejar un mensaje a la familia",
        "gb_closed": "Los mensajes están cerrados para esta entrada.",
        "gb_name": "Su nombre",
        "gb_location": "Desde dónde escribe (opcional)",
        "gb_message": "Su mensaje",
        "gb_message_help": "Bastan unas palabras sencillas. Una línea en blanco empieza un "
        "párrafo nuevo.",
        "gb_moderation": "La familia lee cada mensaje antes de que aparezca en el sitio.",
        "gb_send": "Enviar su mensaje",
        "gb_honeypot": "Deje este campo vacío (sirve para detectar robots):",
        "gb_recaptcha_note": "Antes de enviar, el formulario le pide demostrar que no es un "
        "robot; ese paso necesita JavaScript.",
        "gb_email_text": "Escriba a la familia por correo; ellos añadirán su mensaje aquí.",
        "gb_email_subject": "Un mensaje para la familia",
        "gb_email_subject_entry": "Un mensaje sobre «{title}»",
        "gb_email_body": "Su mensaje:\n\n\nSu nombre:\nDesde dónde escribe (opcional):\n",
        "gb_about": "Sobre «{title}»",
        "gb_all": "Todos los mensajes del libro de visitas",
        "gb_thanks": "Gracias por su mensaje",
        "gb_thanks_text": "Se ha enviado a la familia. Aparecerá en el sitio cuando la familia lo "
        "haya leído.",
        "gb_back": "Volver al diario",
        "gb_older": "Mensajes anteriores",
        "gb_newer": "Mensajes más recientes",
        "in_memory_of": "En memoria de {name}",
        "memorial_guestbook_title": "Recuerdos y condolencias",
        "memorial_guestbook_intro": "Comparta un recuerdo de {name} o unas palabras para la "
        "familia.",
        "farewell_held_banner": "Una despedida en espera: no está publicada y no lo estará "
        "hasta que la familia la publique (journalgen farewell publish {slug}). La ve solo "
        "porque esto es una vista previa.",
        "book": "El libro",
        "book_intro": "Todo el diario en una sola página, desde la entrada más antigua. Para "
        "guardarlo en papel o en PDF, use la opción Imprimir de su navegador.",
        "book_link": "Todo el diario en una sola página, para leer o imprimir",
        "contents": "Índice",
        "book_span": "{count}, del {first} al {last}",
        "back_to_contents": "Volver al índice",
    },
}


@functools.lru_cache(maxsize=1 << 16)
def _format_date(day: dt.date, style: str, locale: str) -> str:
    """Babel's formatting, remembered: a journal shows each entry's date on many pages
    (its own, the home page, lists, the book) and Babel takes ~0.1 ms for each."""
    return str(format_date(day, format=style, locale=locale))


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

    def labels(self) -> dict[str, str]:
        """Every label in this language (English where it has none)."""
        base = self.code.split("-")[0].lower()
        return {**LABELS["en"], **LABELS.get(base, {})}

    def count(self, n: int) -> str:
        return self.label("entries_one") if n == 1 else self.label("entries_other", n=n)

    def date(self, moment: dt.date | dt.datetime, style: str = "long") -> str:
        """`November 22, 2026`, `22 novembre 2026`, `22. November 2026`…"""
        day = moment.date() if isinstance(moment, dt.datetime) else moment
        return _format_date(day, style, self.locale)

    def date_pieces(self) -> list[list[tuple[str, str]]]:
        """For each month, how `date` writes a day of it, as pieces: ("text", words),
        ("day", "") and ("year", ""). The page a browser shows for a feed (feed.xsl) dates
        its entries with them in the journal's language, where a feed's own dates are
        English (RSS) or numbers (Atom)."""
        found = []
        for month in range(1, 13):
            written = self.date(dt.date(2000, month, 28))
            pieces: list[tuple[str, str]] = []
            for part in re.split(r"(28|2000)", written):
                if part == "28":
                    pieces.append(("day", ""))
                elif part == "2000":
                    pieces.append(("year", ""))
                elif part:
                    pieces.append(("text", part))
            found.append(pieces)
        return found

    def datetime(self, moment: dt.datetime) -> str:
        return str(format_datetime(moment, format="long", tzinfo=moment.tzinfo, locale=self.locale))

    def month(self, month: dt.date) -> str:
        """`November 2026`, `novembre 2026`, `noviembre de 2026`… (the locale's own order)."""
        return str(format_skeleton("yMMMM", month, locale=self.locale))

    def year(self, month: dt.date) -> str:
        return str(month.year)
