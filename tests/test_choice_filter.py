"""Long multiple choices (58 rights, 169 SDG targets, a cluster's entities) are checkboxes
grouped in fieldsets with legends, under a filter box that a static script shows
(core.widgets.ChoiceFilter, static/js/choice-filter.js): no Ctrl-click list anywhere.
The script itself is tried in a browser (tests/e2e/test_choice_filter_journey.py)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from core.widgets import ChoiceFilter
from indicators.forms import ObjectiveForm
from rights.forms import RightsIssueForm
from rights.models import Instrument, Right, SDGGoal, SDGTarget
from tests.conftest import World
from tests.html_forms import Paths, forms_on, html_pages
from tests.test_form_widgets import ADMIN_FORMS, project_classes


class Groups(HTMLParser):
    """The legends of the choice groups of a page, and the checkboxes (by name) in each."""

    def __init__(self) -> None:
        super().__init__()
        self.groups: list[tuple[str, list[str]]] = []
        self.in_group = self.in_legend = False
        # Checkbox names in a ChoiceFilter, and every checkbox name of the page with its count.
        self.depth = 0
        self.filtered: dict[str, int] = {}
        self.all: dict[str, int] = {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "div" and "data-choice-filter" in a:
            self.depth = 1
        elif tag == "div" and self.depth:
            self.depth += 1
        if tag == "fieldset" and "choice-group" in (a.get("class") or ""):
            self.in_group = True
        elif tag == "legend" and self.in_group:
            self.in_legend = True
            self.groups.append(("", []))
        elif tag == "input" and a.get("type") == "checkbox" and a.get("name"):
            self.all[a["name"]] = self.all.get(a["name"], 0) + 1
            if self.depth:
                self.filtered[a["name"]] = self.filtered.get(a["name"], 0) + 1
            if self.in_group and self.groups:
                self.groups[-1][1].append(a["value"])

    def handle_endtag(self, tag):
        if tag == "div" and self.depth:
            self.depth -= 1
        elif tag == "fieldset":
            self.in_group = False
        elif tag == "legend":
            self.in_legend = False

    def handle_data(self, data):
        if self.in_legend:
            legend, values = self.groups[-1]
            self.groups[-1] = (legend + data, values)


def parse(html: str) -> Groups:
    parser = Groups()
    parser.feed(html)
    return parser


def test_the_rights_are_grouped_by_instrument_and_the_targets_by_goal(db):
    with translation.override("en"):
        html = str(RightsIssueForm()["rights"]) + str(RightsIssueForm()["sdg_targets"])
    groups = dict(parse(html).groups)
    udhr = Instrument.objects.get(code="UDHR")
    udhr_rights = [str(pk) for pk in udhr.rights.order_by("position").values_list("pk", flat=True)]
    assert groups[f"{udhr.name_en} ({udhr.abbreviation_en})"] == udhr_rights
    goal = SDGGoal.objects.get(number=7)
    assert groups[str(goal)] == [
        str(pk) for pk in goal.targets.order_by("position").values_list("pk", flat=True)
    ]
    # Every right and every target once, each in its own instrument's or goal's group.
    assert sum(len(values) for values in groups.values()) == (
        Right.objects.count() + SDGTarget.objects.count()
    )
    assert len(groups) == Instrument.objects.count() + SDGGoal.objects.count()


def test_the_filter_box_waits_for_the_script_and_sends_nothing(db):
    html = str(RightsIssueForm()["rights"])
    assert re.search(r'<div class="choice-filter-tools" hidden>', html)
    search = re.search(r"<input type=\"search\"[^>]*>", html).group(0)
    assert "name=" not in search  # typed words are never sent with the form
    assert "<script" not in html and "style=" not in html


def test_the_list_counts_those_chosen(db):
    chosen = list(Right.objects.filter(code__in=["UDHR-25", "ICESCR-11"]))
    with translation.override("en"):
        html = str(RightsIssueForm(initial={"rights": chosen})["rights"])
    assert re.search(r'class="choice-count"[^>]*>2 chosen<', html)
    # The script's words for one and for several, in the page's language.
    assert 'data-one="1 chosen"' in html and 'data-other="0 chosen"' in html
    assert html.count(" checked") == 2


def test_no_form_of_the_project_offers_a_ctrl_click_list():
    # A <select multiple> asks for Ctrl-click (and hides what is chosen past the box).
    problems = [
        f"{cls.__module__}.{cls.__qualname__}.{name}"
        for cls in project_classes(forms.BaseForm)
        if cls.__name__ not in ADMIN_FORMS
        for name, field in cls.base_fields.items()
        if isinstance(field.widget, forms.SelectMultiple)
    ]
    assert problems == []


def test_the_catalogue_fields_use_the_choice_filter():
    for form, names in (
        (RightsIssueForm, ("rights", "sdg_targets")),
        (ObjectiveForm, ("sdg_targets",)),
    ):
        for name in names:
            assert isinstance(form.base_fields[name].widget, ChoiceFilter), (form, name)


def test_every_long_list_of_checkboxes_of_the_pages_has_the_filter(world: World, settings):
    """Every page of the matrix the coordinator opens: a list of more than twenty
    checkboxes of one name is a ChoiceFilter (and the page loads its script). The 18
    thematic areas, a fixed list laid out in columns, need no filter."""
    script = f'<script src="{settings.STATIC_URL}js/choice-filter.js" defer></script>'
    seen = set()
    for name, response in html_pages(world, "coordinator", Paths(world)):
        html = response.content.decode()
        page = parse(html)
        for field, count in page.all.items():
            if count > 20:
                assert page.filtered.get(field) == count, (name, field)
                seen.add(field)
        if page.filtered:
            assert html.count(script) == 1, name
    assert {"rights", "sdg_targets"} <= seen


def test_the_issue_form_posts_back_what_it_shows_and_keeps_the_choice(world: World):
    """Read as a browser reads it, posted with two rights more ticked: both saved."""
    issue = world.issue
    edit = reverse("rights:issue-edit", args=[world.cluster.slug, issue.pk])
    client = world.client("coordinator")
    page = client.get(edit)
    form = next(
        f for f in forms_on(page.content.decode(), "", edit) if f.url_name == "rights:issue-edit"
    )
    data = form.submission()
    before = set(data.get("rights", []))
    added = [str(Right.objects.get(code=code).pk) for code in ("ICESCR-11", "CEDAW-14")]
    data["rights"] = sorted(before | set(added))
    response = client.post(edit, data)
    assert response.status_code == 302
    assert {str(pk) for pk in issue.rights.values_list("pk", flat=True)} == before | set(added)


def test_the_groups_come_with_their_rows_not_a_query_each(world: World):
    edit = reverse("rights:issue-edit", args=[world.cluster.slug, world.issue.pk])
    client = world.client("coordinator")
    with CaptureQueriesContext(connection) as captured:
        assert client.get(edit).status_code == 200
    sql = [q["sql"] for q in captured.captured_queries]
    # The instruments and goals are joined to the rights and targets they group.
    assert not [q for q in sql if q.startswith("SELECT") and 'FROM "rights_instrument"' in q]
    assert not [q for q in sql if q.startswith("SELECT") and 'FROM "rights_sdggoal"' in q]
    assert sum('FROM "rights_right" INNER JOIN "rights_instrument"' in q for q in sql) == 1
