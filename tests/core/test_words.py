"""Figures, names, dates and periods as each language writes them."""

from __future__ import annotations

import html
from datetime import date
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import formats, translation

from core.words import de, number
from indicators.models import ReportingPeriod


@pytest.mark.parametrize(
    ("language", "value", "shown"),
    [
        ("ca", Decimal("1500.00"), "1.500"),
        ("ca", 150000, "150.000"),
        ("ca", Decimal("7.50"), "7,5"),
        ("ca", Decimal("49.375"), "49,38"),
        ("ca", Decimal("-1234.5"), "-1.234,5"),
        ("es", Decimal("1500.00"), "1.500"),
        ("es", Decimal("7.25"), "7,25"),
        ("en", Decimal("1500.00"), "1,500"),
        ("en", 57.2, "57.2"),
        ("en", 0, "0"),
    ],
)
def test_number_groups_thousands_and_drops_zero_decimals(language, value, shown):
    with translation.override(language):
        assert number(value) == shown


def test_no_figure_is_empty_so_a_template_can_say_so():
    assert number(None) == ""
    with translation.override("ca"):
        rendered = Template('{% load words %}{{ a|number|default:"—" }} · {{ b|number }}')
        assert rendered.render(Context({"a": None, "b": Decimal("1500.00")})) == "— · 1.500"


@pytest.mark.parametrize(
    ("name", "catalan"),
    [
        ("Associació Veïnal del Turó", "de l'Associació Veïnal del Turó"),
        ("Fundació Dones i Llar", "de la Fundació Dones i Llar"),
        ("Universitat de Barcelona", "de la Universitat de Barcelona"),
        ("Institut de Drets Humans", "de l'Institut de Drets Humans"),
        ("Consell Comarcal", "del Consell Comarcal"),
        ("Energia Justa", "d'Energia Justa"),
        ("Habitatge Digne Nou Barris", "d'Habitatge Digne Nou Barris"),
        ("Òmnium", "d'Òmnium"),
        ("El Xiprer", "del Xiprer"),
        ("Els Amics del Parc", "dels Amics del Parc"),
        ("La Fageda", "de La Fageda"),
        ("Barcelona Activa", "de Barcelona Activa"),
        ("Iolanda Pérez", "de Iolanda Pérez"),
    ],
)
def test_de_elides_in_catalan(name, catalan):
    assert de(name, "ca") == catalan


def test_de_in_spanish_and_english():
    assert de("Fundació Dones i Llar", "es") == "de Fundació Dones i Llar"
    assert de("El Prat", "es") == "del Prat"
    # English keeps its own preposition in the msgid: the name alone.
    assert de("Associació Veïnal", "en") == "Associació Veïnal"


def test_de_filter_follows_the_active_language():
    template = Template("{% load words %}Informes {{ name|de }}")
    with translation.override("ca"):
        shown = template.render(Context({"name": "Associació X"}))
        assert html.unescape(shown) == "Informes de l'Associació X"


@pytest.mark.parametrize(
    ("language", "long", "short"),
    [
        ("ca", "1 de desembre de 2026", "01/12/2026"),
        ("es", "1 de diciembre de 2026", "01/12/2026"),
        ("en", "1 December 2026", "01/12/2026"),
    ],
)
def test_dates_as_each_language_writes_them(language, long, short):
    with translation.override(language):
        assert formats.date_format(date(2026, 12, 1), "DATE_FORMAT") == long
        assert formats.date_format(date(2026, 12, 1), "SHORT_DATE_FORMAT") == short


def test_catalan_elides_the_month():
    with translation.override("ca"):
        assert formats.date_format(date(2026, 4, 1), "DATE_FORMAT") == "1 d'abril de 2026"
        assert formats.date_format(date(2026, 10, 12), "DATE_FORMAT") == "12 d'octubre de 2026"


@pytest.mark.parametrize(
    ("language", "label"), [("ca", "2026 T3"), ("es", "2026 T3"), ("en", "Q3 2026")]
)
def test_a_quarter_is_named_as_each_language_names_it(language, label):
    period = ReportingPeriod(start=date(2026, 7, 1), end=date(2026, 9, 30), due=date(2026, 10, 30))
    with translation.override(language):
        assert period.label == label


def test_years_and_months_keep_their_label():
    year = ReportingPeriod(start=date(2026, 1, 1), end=date(2026, 12, 31), due=date(2027, 1, 30))
    month = ReportingPeriod(start=date(2026, 5, 1), end=date(2026, 5, 31), due=date(2026, 6, 30))
    assert (year.label, month.label) == ("2026", "2026-05")


def test_charts_group_thousands_as_the_pages_do():
    from core.svg import format_number

    assert format_number(1500, decimal_mark=",", group_mark=".") == "1.500"
    assert format_number(-1234567.5, decimal_mark=",", group_mark=".") == "-1.234.567,5"
    assert format_number(57.2, decimal_mark=",", group_mark=".") == "57,2"
    assert format_number(1500.0) == "1500"  # coordinates: never grouped


@pytest.mark.parametrize(
    ("language", "reference"),
    [("ca", "DUDH, preàmbul"), ("es", "DUDH, preámbulo"), ("en", "UDHR, preamble")],
)
def test_the_preamble_is_named_in_each_language(db, language, reference):
    from rights.models import Right

    preamble = Right.objects.get(instrument__code="UDHR", article="preamble")
    with translation.override(language):
        assert preamble.reference == reference


@pytest.mark.parametrize(
    ("language", "count", "message"),
    [
        ("ca", 1, "S'ha importat 1 informe."),
        ("ca", 3, "S'han importat 3 informes."),
        ("es", 1, "Se ha importado 1 informe."),
        ("en", 1, "1 report has been imported."),
    ],
)
def test_the_import_message_agrees_with_its_count(language, count, message):
    from django.utils.translation import ngettext

    with translation.override(language):
        said = ngettext(
            "%(count)s report has been imported.", "%(count)s reports have been imported.", count
        )
        assert said % {"count": count} == message


@pytest.mark.parametrize(
    ("language", "label"),
    [("ca", "Obre-la"), ("es", "Abrirla"), ("en", "Open")],
)
def test_the_button_that_opens_a_proposal_says_what_it_does(language, label):
    from django.utils.translation import pgettext

    with translation.override(language):
        assert pgettext("button that opens a proposal for positions", "Open") == label
