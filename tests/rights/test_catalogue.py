"""The catalogue is loaded by the migrations, in the three languages."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from rights.models import Instrument, Right, SDGGoal, SDGIndicator, SDGTarget

LANGUAGES = ("ca", "es", "en")


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_counts_in_each_language(db, language):
    udhr = Right.objects.filter(instrument__code="UDHR")
    articles = udhr.exclude(article="preamble")
    assert articles.count() == 30
    assert udhr.filter(article="preamble").count() == 1
    assert Instrument.objects.filter(kind="treaty").count() == 9
    assert SDGGoal.objects.count() == 17
    assert SDGTarget.objects.count() == 169
    field = f"title_{language}"
    for model in (Right, SDGGoal, SDGTarget, SDGIndicator):
        assert not model.objects.filter(**{field: ""}).exists(), (model, language)
    assert not articles.filter(**{f"text_{language}": ""}).exists()
    assert not Instrument.objects.filter(**{f"name_{language}": ""}).exists()


def test_the_nine_core_treaties_with_their_years(db):
    years = dict(Instrument.objects.filter(kind="treaty").values_list("code", "year"))
    assert years == {
        "ICERD": 1965,
        "ICCPR": 1966,
        "ICESCR": 1966,
        "CEDAW": 1979,
        "CAT": 1984,
        "CRC": 1989,
        "ICMW": 1990,
        "CPED": 2006,
        "CRPD": 2006,
    }


def test_missing_catalan_indicators_fall_back_and_are_marked(db):
    missing = {"2.2.3", "3.d.2", "4.1.2", "10.4.2", "10.7.3", "10.7.4", "13.2.2", "16.3.3"}
    marked = set(SDGIndicator.objects.exclude(ca_source="ca").values_list("code", flat=True))
    assert missing <= marked
    indicator = SDGIndicator.objects.get(code="2.2.3")
    assert indicator.title_ca == indicator.title_es
    with translation.override("ca"):
        assert indicator.is_fallback
    with translation.override("es"):
        assert not indicator.is_fallback


def test_the_demo_rights_are_linked_to_sdg_targets(db):
    housing = Right.objects.get(code="ICESCR-11")
    assert "11.1" in set(housing.sdg_targets.values_list("code", flat=True))
    assert Right.objects.get(code="UDHR-25").sdg_targets.exists()


def test_texts_follow_the_persons_language(db):
    article = Right.objects.get(code="UDHR-25")
    with translation.override("ca"):
        assert article.text.startswith(article.text_ca[:20])
        assert article.reference.startswith("DUDH")
    with translation.override("en"):
        assert article.reference.startswith("UDHR")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "UDHR-25"}, "UDHR-25"),
        ({"q": "habitatge"}, "UDHR-25"),  # Catalan words in the Catalan page
    ],
)
def test_catalogue_search_by_code_or_words_in_the_persons_language(world, query, expected):
    client = world.client("member")
    client.cookies["django_language"] = "ca"
    response = client.get(reverse("rights:catalogue"), query)
    codes = [right.code for right in response.context["page"]]
    assert expected in codes


def test_catalogue_searches_sdg_targets_and_marks_catalan_fallbacks(world):
    client = world.client("observer")
    client.cookies["django_language"] = "ca"
    response = client.get(reverse("rights:catalogue"), {"tab": "sdg", "q": "2.2"})
    codes = [target.code for target in response.context["page"]]
    assert codes == ["2.2"]
    # Indicator 2.2.3 has no Catalan title: it shows the Spanish one, marked "es".
    body = response.content.decode()
    assert body.count('<span class="badge warn"') == 1
    assert ">es</span>" in body


def test_catalogue_search_with_english_words_in_an_english_page(world):
    client = world.client("member")
    response = client.get(reverse("rights:catalogue"), {"q": "housing"})
    assert "UDHR-25" in [right.code for right in response.context["page"]]


@pytest.mark.parametrize("query", [{"instrument": "999"}, {"page": "-1"}, {"q": "x" * 300}])
def test_catalogue_bad_parameters_do_not_fail(world, query):
    assert world.client("member").get(reverse("rights:catalogue"), query).status_code == 200
