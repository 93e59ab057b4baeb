"""Every page of the permission matrix, in Catalan and in Spanish, as a person allowed to
see it: no label of the platform is left in English, and Catalan elides "de" before a
vowel or an h ("de l'Associació", "d'Energia"), as core.words.de writes it.

The English labels are the platform's own: the short msgids of our catalogue whose
translation differs from them and that no translation uses as a word of its own. The
world's data is English ("Housing rights cluster"), so every text the database holds is
taken out of the page before looking for English words.
"""

from __future__ import annotations

import html
import re
from functools import cache
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.apps import apps
from django.conf import settings
from django.db import models
from django.urls import reverse

from tests.conftest import PEOPLE, World
from tests.test_permissions import MATRIX

LANGUAGES = ("ca", "es")
# Words our labels share with Catalan or Spanish text, or that are names, not labels.
# "English" is the language switch naming English in English, as it names every language.
NOT_ENGLISH_ONLY = {"PDF", "CSV", "XLSX", "HXL", "IATI", "SDG", "OK", "No", "Total", "English"}
# A label of at most this many words is distinctive enough to look for.
MAX_WORDS = 3


@cache
def catalogue(language: str) -> list[tuple[str, str]]:
    path = Path(settings.BASE_DIR) / "locale" / language / "LC_MESSAGES" / "django.po"
    with path.open("rb") as f:
        messages = read_po(f)
    pairs = []
    for message in messages:
        if not message.id or isinstance(message.id, tuple):
            continue
        pairs.append((message.id, message.string))
    return pairs


@cache
def english_labels(language: str) -> tuple[re.Pattern, ...]:
    translated_words = set()
    for _msgid, msgstr in catalogue(language):
        translated_words.update(re.findall(r"[\w'\u2019-]+", msgstr))
    translated_text = " ".join(msgstr for _msgid, msgstr in catalogue(language))
    labels = set()
    for msgid, msgstr in catalogue(language):
        words = msgid.split()
        if not (1 <= len(words) <= MAX_WORDS) or not re.fullmatch(r"[A-Z][A-Za-z ]+", msgid):
            continue
        if msgid == msgstr or msgid in NOT_ENGLISH_ONLY:
            continue
        if any(word in translated_words for word in words if word[0].isupper()):
            continue  # "Font", "Document", "Local": a word the translation uses too
        if re.search(rf"\b{re.escape(msgid)}\b", translated_text):
            continue
        labels.add(msgid)
    # Longest first, so that "Open proposals" is reported rather than "Open".
    return tuple(re.compile(rf"(?<![\w-]){re.escape(label)}(?![\w-])") for label in labels)


def database_texts() -> list[str]:
    """Every text the database holds (names, titles, descriptions), longest first."""
    texts = set()
    for model in apps.get_models():
        if model._meta.app_label not in {"actors", "clusters", "rights", "indicators"} | {
            "planning",
            "meetings",
            "reports",
            "accounts",
        }:
            continue
        fields = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField) and not f.choices
        ]
        for row in model.objects.values_list(*fields) if fields else []:
            texts.update(value for value in row if value and len(value) > 2)
    return sorted(texts, key=len, reverse=True)


def visible_text(body: str) -> str:
    """The text a person reads or hears: the page's text and its labels for
    assistive technology, without scripts, styles and markup."""
    body = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", body)
    said = re.findall(r'(?:aria-label|title|placeholder|alt)="([^"]*)"', body)
    body = re.sub(r"(?s)<[^>]+>", " ", body)
    return html.unescape(" ".join([body, *said]))


def without(text: str, texts: list[str]) -> str:
    for value in texts:
        text = text.replace(html.unescape(value), " ")
    return text


# "de Associació", "de Energia", "de Habitatge": an acronym ("de UTF-8") or a
# consonantal i ("de Iolanda") is no mistake.
NOT_ELIDED = re.compile(r"\bde (?:[AEOUHÀÈÉÒÓÚ]|I(?![aeiou]))(?![A-Z\d])[\w·'\u2019-]*")


def viewer(row) -> str | None:
    return next((person for person in PEOPLE if row.expected.get(person) == 200), None)


PAGES = sorted(name for name, row in MATRIX.items() if row.method == "get" and viewer(row))


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_speaks_the_language(world: World, language: str):
    # Texts of the database that are not elided themselves (the UN's "de Aichi" in an SDG
    # target): theirs, not the platform's.
    labels = english_labels(language)
    problems = []
    for name in PAGES:
        row = MATRIX[name]
        person = viewer(row)
        client = world.client(person)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        if (user := world.users[person]) is not None:
            type(user).objects.filter(pk=user.pk).update(language=language)
        response = client.get(reverse(name, kwargs=row.kwargs(world)))
        texts = database_texts()  # after the row's kwargs, which may add an invitation
        unelided_texts = [text for text in texts if NOT_ELIDED.search(text)]
        if response.streaming or "text/html" not in response.get("Content-Type", ""):
            continue
        shown = visible_text(response.content.decode())
        ours = without(shown, texts)
        english = sorted({m.group() for p in labels for m in p.finditer(ours)})
        if english:
            problems.append(f"{name} (as {person}): English {english}")
        if language == "ca":
            unelided = sorted(
                {m.group() for m in NOT_ELIDED.finditer(without(shown, unelided_texts))}
            )
            if unelided:
                problems.append(f"{name} (as {person}): not elided {unelided}")
    assert not problems, f"Pages in {language} that are not:\n" + "\n".join(problems)


def test_the_label_list_is_the_platforms_own():
    """The list is built from the catalogue: it holds the labels a page shows."""
    found = {p.pattern for p in english_labels("ca")}
    for label in ("Dashboard", "Proposals", "Save", "Reports", "Objectives"):
        assert any(label in pattern for pattern in found), label


def test_the_elision_check_finds_what_it_should():
    assert NOT_ELIDED.findall("Informes de Associació Veïnal i de Habitatge Digne") == [
        "de Associació",
        "de Habitatge",
    ]
    assert not NOT_ELIDED.findall("de l'Associació, d'Energia, de Iolanda, de UTF-8, de Barcelona")
