"""Saving a form unchanged changes nothing, in every language.

Every page of the permission matrix that edits an existing row (its path says /edit/ or
/settings/, or it is named below) is opened by each person who may edit it, in Catalan,
Spanish and English. Its form is read as a browser reads it: a value the browser cannot
parse for its input's type (a "30/09/2024" in a date input, a "1,5" in a number input) is
held as empty, as the HTML standard's value sanitization says, and a textarea sends its
line breaks as CR LF. The form is posted back as it is, with its first button; the page
must accept it, and no column of any row of any table may change.

The rows are first filled in where the small world leaves fields empty (dates, decimals,
lines of text), so that every kind of input carries a value.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from actors.models import Capacity
from indicators import services as indicator_services
from indicators.models import Indicator
from planning import proposal_services
from planning.models import Proposal
from rights.forms import PARTS
from rights.models import GeneralComment, OutsideReference
from tests.clock import days
from tests.conftest import World
from tests.factories import holder_group
from tests.html_forms import Form, Paths, browser_value, forms_on, pages, refused_with_a_message
from tests.tables import changed_columns, table_state
from tests.test_permissions import MATRIX

LANGUAGES = ("ca", "es", "en")
# Pages that edit an existing row though their path says neither /edit/ nor /settings/.
OTHER_EDIT_PAGES = {"preferences", "indicators:report-edit"}
# Forms that edit one row, on the pages that show it among others (to its author only, for
# a comment).
EDITING_FORMS = {"planning:comment-edit", "clusters:membership-role"}
HOST_PAGES = {"planning:proposal-detail", "clusters:members"}
# Pages only their rows' own people edit, shown with a row of theirs (the world's proposal
# is open, so nobody may edit it): the URL name, what to open, and who edits it.
OWN_ROWS: dict[str, tuple[Callable[[World], dict], tuple[str, ...]]] = {
    "planning:proposal-edit": (
        lambda w: {"slug": w.cluster.slug, "pk": draft_proposal(w).pk},
        ("member", "representative"),
    ),
}


def is_edit_page(name: str, path: str) -> bool:
    return "/edit/" in path or "/settings/" in path or name in OTHER_EDIT_PAGES


def has_editing_forms(name: str, path: str) -> bool:
    return is_edit_page(name, path) or name in HOST_PAGES


def draft_proposal(world: World) -> Proposal:
    proposal = Proposal.objects.filter(cluster=world.cluster, status="draft").first()
    return proposal or proposal_services.proposal_create(
        membership=world.member_membership,
        by=world.users["member"],
        title="Tenants' union in every block",
        description="First line.\nSecond line, after a line break.",
        rationale="Organised tenants negotiate better.",
        estimated_cost=Decimal("1500.50"),
    )


def fill_in(world: World) -> None:
    """Give every kind of input of the edit pages a value to keep."""
    Indicator.objects.filter(pk=world.indicator.pk).update(
        baseline_value=Decimal("12.50"),
        baseline_date=days(-600),
        target_value=Decimal("100.25"),
        target_date=days(400),
        unit="families",
        territories="",
    )
    world.indicator.refresh_from_db()
    world.action.description = "Advice before every hearing.\nAnd a lawyer at the hearing."
    world.action.budget = Decimal("12000.75")
    world.action.save(update_fields=["description", "budget"])
    world.cluster.common_goal = "Adequate housing\nfor every family in the district"
    world.cluster.save(update_fields=["common_goal"])
    Capacity.objects.create(
        actor=world.member_actor, kind="staff", description="Lawyers", quantity=Decimal("2.5")
    )
    # Reports their entities can still change: the member entity's, returned to it, and a
    # draft of the lead entity's with a cell left without data.
    indicator_services.report_return(
        report=world.report, by=world.users["coordinator"], reason="Check the total"
    )
    indicator_services.report_save(
        indicator=world.indicator,
        period=world.period,
        membership=world.cluster.memberships.get(role="lead"),
        by=world.users["coordinator"],
        cells={"sex=female": Decimal(4), "sex=male": Decimal(2), "sex=nonbinary": None},
        total=Decimal(7),
        comment="Counted twice\nby the social services",
    )
    # A dated row of a part of the analysis, and a General Comment the issue cites.
    OutsideReference.objects.create(
        issue=world.issue, kind="law", title="Housing act", date=days(-900), url="https://e.org/l"
    )
    world.issue.general_comments.add(GeneralComment.objects.get(body="CESCR", number=4))
    proposal_services.comment_add(
        proposal=world.proposal,
        by=world.users["member"],
        membership=world.member_membership,
        body="We agree.\nWith one condition.",
    )
    # A group with a count of none, one of some, and the rest unknown (empty boxes).
    holder_group(world.issue, counts={"sex=female|age=adults": 1500, "sex=male|age=adults": 0})


def edit_pages(world: World) -> list[tuple[str, str, tuple[str, ...]]]:
    """(URL name, path, the people who may edit it) of every edit page."""
    paths = Paths(world)
    found = []
    for name, path, expected in pages(world, paths):
        if name in OWN_ROWS:
            kwargs, people = OWN_ROWS[name]
            found.append((name, reverse(name, kwargs=kwargs(world)), people))
        elif has_editing_forms(name, path):
            people = tuple(p for p, status in expected.items() if status == 200)
            found.append((name, path, people))
    return found


def client_in(world: World, person: str, language: str) -> Client:
    client = world.client(person)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def editing_forms(html: str, name: str, path: str) -> list[Form]:
    """The page's own form (it posts to the page), and forms that edit one row."""
    return [
        form
        for form in forms_on(html, name, path)
        if form.method == "post"
        and (form.action.split("?")[0] == path or form.url_name in EDITING_FORMS)
    ]


def round_trip(
    world: World, person: str, language: str, name: str, path: str, posted: set[str]
) -> list[str]:
    """Post back each editing form of the page as the browser holds it; what went wrong.
    The URL names the forms post to are added to ``posted``."""
    client = client_in(world, person, language)
    response = client.get(path)
    assert response.status_code == 200, (name, person, language)
    served_in = response.wsgi_request.LANGUAGE_CODE
    assert served_in == language
    forms = editing_forms(response.content.decode(), name, path)
    if not forms:
        return [f"{name} as {person}: no form to post back"] if is_edit_page(name, path) else []
    problems = []
    for form in forms:
        posted.add(form.url_name)
        before = dict(table_state())
        answer = client.post(form.action, form.submission())
        where = f"{form.action} ({name}) as {person}"
        if answer.status_code != 302 or refused_with_a_message(answer):
            problems.append(f"{where}: refused ({answer.status_code})")
        problems.extend(
            f"{where}: {change}" for change in changed_columns(before, dict(table_state()))
        )
    return problems


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_edit_page_saves_back_unchanged_what_it_shows(world: World, language: str):
    fill_in(world)
    posted: set[str] = set()
    problems: list[str] = []
    parts = set()
    for name, path, people in edit_pages(world):
        parts.update([path] if name == "rights:issue-part" else [])
        for person in people:
            problems += round_trip(world, person, language, name, path, posted)
    assert problems == [], "\n".join(problems)
    edit_urls = {n for n, row in MATRIX.items() if n.endswith("-edit") or n == "clusters:edit"}
    assert edit_urls | EDITING_FORMS <= posted
    assert len(parts) == len(PARTS)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("person", ["coordinator", "member"])
def test_every_date_and_number_a_page_shows_can_be_held_by_the_browser(
    world: World, person: str, language: str
):
    """On every page, not only edit pages: an input the browser empties loses its value
    when the form is sent (a proposal's closing date, a report's period)."""
    fill_in(world)
    client = client_in(world, person, language)
    checked = 0
    for name, path, expected in pages(world, Paths(world)):
        if expected[person] != 200:
            continue
        response = client.get(path)
        if "text/html" not in response.get("Content-Type", ""):
            continue
        for form in forms_on(response.content.decode(), name, path):
            for field in form.fields:
                if field.kind in ("date", "datetime-local", "time", "number") and field.value:
                    checked += 1
                    assert browser_value(field.kind, field.value) == field.value.replace(
                        " ", "T"
                    ), f"{name} as {person} in {language}: {field.name}={field.value!r}"
    assert checked >= 10


def test_the_browser_reading_empties_what_it_cannot_parse():
    """The reading the tests rely on, checked against the standard's examples."""
    assert browser_value("date", "2024-09-30") == "2024-09-30"
    assert browser_value("date", "30/09/2024") == ""
    assert browser_value("date", "2023-02-29") == ""
    assert browser_value("datetime-local", "2026-05-20 10:30") == "2026-05-20T10:30"
    assert browser_value("datetime-local", "2026-05-20T10:30:00") == "2026-05-20T10:30"
    assert browser_value("datetime-local", "20/05/2026 10:30") == ""
    assert browser_value("number", "1500.50") == "1500.50"
    assert browser_value("number", "1,5") == ""
    assert browser_value("number", "1.500,50") == ""
    assert browser_value("number", "-2e3") == "-2e3"
    assert browser_value("text", "two\nlines") == "twolines"
    assert browser_value("email", " someone@example.org\n") == "someone@example.org"
