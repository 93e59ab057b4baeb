"""The parts of the analysis a practitioner signs: capacity gaps typed and tied to a group
or a duty-bearer, the gender analysis in six parts each of real content, and the record
of how rights-holders took part."""

from __future__ import annotations

import csv
import io
import string

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from core.errors import DomainError
from rights import services
from rights.models import (
    GENDER_FIELDS,
    GENDER_PART_MIN_LENGTH,
    CapacityGap,
    Cause,
    Consequence,
    DutyBearer,
    Participation,
    RightsHolderGroup,
    RightsIssue,
    gender_text_problem,
)
from tests.clock import days
from tests.conftest import World
from tests.factories import (
    GENDER_ANALYSIS,
    RightsIssueFactory,
    holder_group,
    write_gender_analysis,
)
from tests.rights.test_issues import formset, url

REAL = "Women head 41% of the evicted households, twice their share in the district."


def gender_form(**overrides: str) -> dict:
    return {name: "" for name in GENDER_FIELDS} | overrides


def gender_page(world: World) -> str:
    return reverse("rights:issue-gender", args=[world.cluster.slug, world.issue.pk])


def complete(issue: RightsIssue) -> tuple[RightsHolderGroup, DutyBearer]:
    consequence = Consequence.objects.create(issue=issue, description="Overcrowding")
    Cause.objects.create(issue=issue, level="immediate", description="Arrears").consequences.add(
        consequence
    )
    group = holder_group(issue)
    bearer = DutyBearer.objects.create(
        issue=issue, outside_body="City council", obligation="fulfil"
    )
    return group, bearer


# The gender gate ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("-", "not only signs or figures"),
        ("n/a", "not only signs or figures"),
        ("see above", "not only signs or figures"),
        ("Women are more affected.", "too short"),
        ("-.-.-.-.-.-.-.-.-.-.-.-.-.-.-.-.-.-.-.-.-.-.-", "not only signs or figures"),
        ("2024 2025 41% 12% 33% 1.500 2.000 3.000 4.000 5.000", "not only signs or figures"),
    ],
)
def test_the_gender_gate_refuses_what_is_not_an_analysis(text: str, why: str):
    problem = gender_text_problem("Differential impact", text)
    assert problem is not None
    assert "Differential impact" in problem and why in problem


SIGNS = string.punctuation + string.digits + string.whitespace + "\u2013\u2014«»“”…"


@given(st.text(alphabet=SIGNS))
def test_no_text_of_signs_figures_and_spaces_alone_passes_the_gate(text: str):
    assert gender_text_problem("Differential impact", text) is not None


@pytest.mark.parametrize("text", ["", "   ", "\n\t  \n"])
def test_blank_parts_are_not_written(text: str):
    assert "not written yet" in gender_text_problem("Intersecting grounds", text)


def test_real_text_passes_the_gate():
    assert len(REAL) >= GENDER_PART_MIN_LENGTH
    assert gender_text_problem("Differential impact", REAL) is None
    # Spaces do not make a text long enough.
    padded = "Women more affected" + " " * 40
    assert gender_text_problem("Differential impact", padded) is not None


@pytest.mark.parametrize("text", ["-", "n/a", "Too short.", "... ... ... ... ... ... ... ... ..."])
def test_the_gender_page_refuses_a_part_that_is_not_real_content(world: World, text: str):
    response = world.client("member").post(
        gender_page(world), gender_form(gender_impact=REAL, gender_violence=text)
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Gender-based violence risks" in body
    assert "Nothing has been saved yet" in body
    assert REAL in body  # what was typed stays on the page
    world.issue.refresh_from_db()
    assert world.issue.gender_impact == ""
    assert not world.issue.changes.filter(part="gender").exists()


def test_the_gender_page_saves_the_parts_written_and_records_them(world: World):
    client = world.client("member")
    page = client.get(gender_page(world)).content.decode()
    assert "At least 40 characters before validation" in page
    assert "Who does the paid and the unpaid work" in page  # each part's guidance
    response = client.post(gender_page(world), gender_form(gender_impact=REAL))
    assert response.status_code == 302
    world.issue.refresh_from_db()
    assert world.issue.gender_impact == REAL
    change = world.issue.changes.get(part="gender")
    assert change.action == "part_edited"
    assert change.details["changes"] == {"gender_impact": ["", REAL]}
    # Saved again unchanged: nothing rewritten, nothing more in the history.
    client.post(gender_page(world), gender_form(gender_impact=REAL))
    assert world.issue.changes.filter(part="gender").count() == 1


def test_the_service_refuses_a_thin_part_whoever_calls_it(world: World):
    with pytest.raises(DomainError, match="Participation in decisions"):
        services.rights_issue_save_gender(
            issue=world.issue, by=world.users["member"], texts={"gender_participation": "-"}
        )
    services.rights_issue_save_gender(
        issue=world.issue, by=world.users["member"], texts={"gender_participation": ""}
    )
    assert not world.issue.changes.filter(part="gender").exists()


def test_the_gender_page_is_among_the_parts_and_its_tab_leads_to_it(world: World):
    tab = reverse(
        "rights:issue-part", args=[world.cluster.slug, world.issue.pk, "gender"]
    )  # the tabs' address of the part
    assert tab == gender_page(world)
    detail = world.client("member").get(url(world, "issue-detail", world.issue)).content.decode()
    assert f'href="{tab}"' in detail


def test_validation_names_each_part_missing_or_too_thin(world: World):
    complete(world.issue)
    assert "The gender analysis is missing." in services.validation_problems(world.issue)
    texts = dict(GENDER_ANALYSIS, gender_violence="", gender_roles="-")
    RightsIssue.objects.filter(pk=world.issue.pk).update(**texts)
    world.issue.refresh_from_db()
    problems = services.validation_problems(world.issue)
    assert problems == [
        "Gender analysis, “Gendered roles and division of labour”: write it in words, "
        "not only signs or figures.",
        "Gender analysis, “Gender-based violence risks”: not written yet.",
    ]
    response = world.client("coordinator").post(
        url(world, "issue-validate", world.issue), follow=True
    )
    assert "Gender-based violence risks" in response.content.decode()
    world.issue.refresh_from_db()
    assert world.issue.status == RightsIssue.Status.DRAFT


def test_the_database_refuses_a_validated_issue_with_a_thin_part(world: World):
    write_gender_analysis(world.issue)
    with pytest.raises(IntegrityError), transaction.atomic():
        RightsIssue.objects.filter(pk=world.issue.pk).update(
            gender_resources="n/a", status="validated", validated_at=world.issue.created_at
        )


def test_the_issue_page_shows_each_part_under_its_heading(world: World):
    write_gender_analysis(world.issue)
    body = world.client("observer").get(url(world, "issue-detail", world.issue)).content.decode()
    for heading in ("Differential impact", "Intersecting grounds", "Participation in decisions"):
        assert f"<h3>{heading}</h3>" in body
    assert GENDER_ANALYSIS["gender_violence"] in body


# Capacity gaps -----------------------------------------------------------------------------


def gap_row(whose: str, kind: str = "knowledge", text: str = "Know their rights") -> dict:
    return {"whose": whose, "type": kind, "description": text}


def test_a_gap_is_typed_and_of_a_group_or_a_duty_bearer_its_side_following(world: World):
    group, bearer = complete(world.issue)
    page = url(world, "issue-part", world.issue, part="gaps")
    offered = world.client("member").get(page).content.decode()
    assert '<optgroup label="Rights-holder groups">' in offered
    assert '<optgroup label="Duty-bearers">' in offered
    response = world.client("member").post(
        page,
        formset(
            [
                gap_row(f"group-{group.pk}"),
                gap_row(f"bearer-{bearer.pk}", "resources", "No emergency flats"),
            ]
        ),
    )
    assert response.status_code == 302
    rights_holders, duty_bearers = world.issue.capacity_gaps.order_by("-side")
    assert (rights_holders.side, rights_holders.type) == ("rights_holders", "knowledge")
    assert (rights_holders.holder_group, rights_holders.duty_bearer) == (group, None)
    assert (duty_bearers.side, duty_bearers.duty_bearer, duty_bearers.holder_group) == (
        "duty_bearers",
        bearer,
        None,
    )
    body = world.client("observer").get(url(world, "issue-detail", world.issue)).content.decode()
    assert "Capacity to take rational decisions and learn" in body
    assert "<td>City council</td><td>No emergency flats</td>" in body


def test_changing_whose_gap_it_is_moves_it_to_the_other_side(world: World):
    group, bearer = complete(world.issue)
    gap = CapacityGap.objects.create(
        issue=world.issue,
        side="rights_holders",
        type="authority",
        holder_group=group,
        description="X",
    )
    page = url(world, "issue-part", world.issue, part="gaps")
    world.client("member").post(
        page, formset([{"id": gap.pk, **gap_row(f"bearer-{bearer.pk}", "authority", "X")}], 1)
    )
    gap.refresh_from_db()
    assert (gap.side, gap.holder_group, gap.duty_bearer) == ("duty_bearers", None, bearer)
    change = world.issue.changes.get(part="gaps")
    assert set(change.details["changed"][0]["fields"]) == {"side", "holder_group", "duty_bearer"}


@pytest.mark.parametrize(
    ("row", "error"),
    [
        (lambda o: gap_row(f"group-{o['group'].pk}"), "Select a valid choice"),
        (lambda o: gap_row(f"bearer-{o['bearer'].pk}"), "Select a valid choice"),
        (lambda o: gap_row("group-999999"), "Select a valid choice"),
        (lambda o: gap_row("nonsense"), "Select a valid choice"),
        (lambda o: gap_row(f"group-{o['ours'].pk}", kind=""), "This field is required"),
        (lambda o: gap_row("", text="Of nobody"), "This field is required"),
    ],
)
def test_a_gap_of_another_issue_of_nobody_or_untyped_is_refused(world: World, row, error):
    ours, _bearer = complete(world.issue)
    other = RightsIssueFactory(cluster=world.cluster)
    theirs = {
        "group": RightsHolderGroup.objects.create(issue=other, name="Theirs"),
        "bearer": DutyBearer.objects.create(issue=other, outside_body="B", obligation="protect"),
        "ours": ours,
    }
    response = world.client("member").post(
        url(world, "issue-part", world.issue, part="gaps"), formset([row(theirs)])
    )
    assert response.status_code == 400
    assert error in response.content.decode()
    assert not world.issue.capacity_gaps.exists()


def test_the_model_refuses_a_gap_of_the_wrong_side_or_another_issue(world: World):
    group, _bearer = complete(world.issue)
    wrong_side = CapacityGap(
        issue=world.issue,
        side="duty_bearers",
        type="authority",
        holder_group=group,
        description="X",
    )
    with pytest.raises(ValidationError, match="a duty-bearers' gap of a duty-bearer"):
        wrong_side.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        wrong_side.save()
    other = RightsIssueFactory(cluster=world.cluster)
    elsewhere = CapacityGap(
        issue=other, side="rights_holders", type="authority", holder_group=group, description="X"
    )
    with pytest.raises(ValidationError, match="of this issue"):
        elsewhere.full_clean()


def test_validation_asks_each_gap_for_its_type_and_whose_it_is(world: World):
    complete(world.issue)
    write_gender_analysis(world.issue)
    world.issue.refresh_from_db()
    CapacityGap.objects.create(issue=world.issue, side="rights_holders", description="Old gap")
    assert services.validation_problems(world.issue) == [
        "The capacity gap “Old gap” has no type.",
        "The capacity gap “Old gap” is of no rights-holder group or duty-bearer.",
    ]


def test_deleting_a_group_leaves_its_gaps_to_be_tied_again(world: World):
    group, _bearer = complete(world.issue)
    gap = CapacityGap.objects.create(
        issue=world.issue,
        side="rights_holders",
        type="knowledge",
        holder_group=group,
        description="X",
    )
    group.delete()
    gap.refresh_from_db()
    assert not gap.has_tie
    assert any("“X” is of no" in p for p in services.validation_problems(world.issue))


# Participation -----------------------------------------------------------------------------


def consultation_row(**values) -> dict:
    row = {
        "method": "focus_group",
        "held_on": days(-30).isoformat(),
        "others": "",
        "women": "",
        "men": "",
        "nonbinary": "",
        "notes": "",
    }
    return row | {k: v for k, v in values.items()}


def test_consultations_keep_unknown_counts_unknown(world: World):
    group, _bearer = complete(world.issue)
    page = url(world, "issue-part", world.issue, part="participation")
    response = world.client("member").post(
        page,
        formset(
            [
                consultation_row(holder_groups=[group.pk], women="9", men="0", nonbinary="0"),
                consultation_row(
                    method="assembly",
                    memberships=[world.member_membership.pk],
                    others="Neighbours of Roquetes",
                    women="38",
                    men="21",
                ),
            ]
        ),
    )
    assert response.status_code == 302
    focus, assembly = world.issue.participation.all()
    assert (focus.known_total, focus.unknown_count) == (9, 0)
    assert list(focus.holder_groups.all()) == [group]
    assert assembly.nonbinary is None  # unknown, not 0
    assert (assembly.known_total, assembly.unknown_count) == (59, 1)
    assert list(assembly.memberships.all()) == [world.member_membership]
    body = world.client("observer").get(url(world, "issue-detail", world.issue)).content.decode()
    assert "1 of 3 counts unknown" in body
    assert "Neighbours of Roquetes" in body
    assert world.issue.changes.filter(part="participation").exists()


@pytest.mark.parametrize(
    ("values", "error"),
    [
        ({}, "Say who was consulted"),
        ({"holder_groups": ["theirs"]}, "Select a valid choice"),
        ({"memberships": ["outsider"]}, "Select a valid choice"),
        ({"others": "Tenants", "women": "-3"}, "greater than or equal to 0"),
        ({"others": "Tenants", "held_on": "yesterday"}, "Enter a valid date"),
        ({"others": "Tenants", "held_on": days(1).isoformat()}, "record it once held"),
    ],
)
def test_a_consultation_of_nobody_or_of_another_issue_is_refused(world: World, values, error):
    complete(world.issue)
    other = RightsIssueFactory(cluster=world.cluster)
    ids = {
        "theirs": RightsHolderGroup.objects.create(issue=other, name="Theirs").pk,
        "outsider": world.other_cluster.memberships.get().pk,
    }
    values = {k: [ids[x] for x in v] if isinstance(v, list) else v for k, v in values.items()}
    response = world.client("member").post(
        url(world, "issue-part", world.issue, part="participation"),
        formset([consultation_row(**values)]),
    )
    assert response.status_code == 400
    assert error in response.content.decode()
    assert not world.issue.participation.exists()


def test_the_export_lists_gender_parts_gaps_and_consultations(world: World):
    group, _bearer = complete(world.issue)
    write_gender_analysis(world.issue)
    CapacityGap.objects.create(
        issue=world.issue,
        side="rights_holders",
        type="knowledge",
        holder_group=group,
        description="X",
    )
    consultation = Participation.objects.create(
        issue=world.issue, method="assembly", held_on=days(-10), women=4, men=2
    )
    consultation.holder_groups.add(group)
    response = world.client("observer").get(url(world, "export-csv"))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    gender = [row[8] for row in rows if row[7] == "gender_analysis"]
    assert gender == list(GENDER_FIELDS)
    gap = next(row for row in rows if row[7] == "capacity_gap")
    assert (gap[8], gap[9], gap[10]) == ("rights_holders:knowledge", "X", "Families")
    row = next(row for row in rows if row[7] == "participation")
    assert row[9] == "Families (women=4, men=2, nonbinary=unknown)"


# A new version ---------------------------------------------------------------------------


def test_a_new_version_copies_gaps_gender_and_consultations_pointing_to_its_own_rows(
    world: World,
):
    group, bearer = complete(world.issue)
    write_gender_analysis(world.issue)
    CapacityGap.objects.create(
        issue=world.issue,
        side="rights_holders",
        type="knowledge",
        holder_group=group,
        description="G",
    )
    CapacityGap.objects.create(
        issue=world.issue,
        side="duty_bearers",
        type="resources",
        duty_bearer=bearer,
        description="B",
    )
    consultation = Participation.objects.create(
        issue=world.issue, method="focus_group", held_on=days(-20), women=7, nonbinary=None
    )
    consultation.holder_groups.add(group)
    consultation.memberships.add(world.member_membership)
    validated = services.rights_issue_validate(issue=world.issue, by=world.users["coordinator"])

    copy = services.rights_issue_new_version(issue=validated, by=world.users["member"])

    new_group, new_bearer = copy.holder_groups.get(), copy.duty_bearers.get()
    assert new_group != group and new_bearer != bearer
    gaps = {gap.description: gap for gap in copy.capacity_gaps.all()}
    assert (gaps["G"].type, gaps["G"].holder_group) == ("knowledge", new_group)
    assert (gaps["B"].type, gaps["B"].duty_bearer) == ("resources", new_bearer)
    assert all(getattr(copy, name) == text for name, text in GENDER_ANALYSIS.items())
    copied = copy.participation.get()
    assert (copied.method, copied.women, copied.nonbinary) == ("focus_group", 7, None)
    assert list(copied.holder_groups.all()) == [new_group]
    assert list(copied.memberships.all()) == [world.member_membership]
    # The validated version keeps its own.
    assert validated.capacity_gaps.get(description="G").holder_group == group
    assert list(validated.participation.get().holder_groups.all()) == [group]


# Pages -------------------------------------------------------------------------------------


@pytest.mark.parametrize("part", ["gaps", "participation"])
def test_the_new_part_pages_run_a_fixed_number_of_queries(
    world: World, part, django_assert_num_queries, django_assert_max_num_queries
):
    client = world.client("member")
    page = url(world, "issue-part", world.issue, part=part)

    def rows(n: int) -> None:
        for i in range(n):
            group = RightsHolderGroup.objects.create(issue=world.issue, name=f"Group {i}")
            bearer = DutyBearer.objects.create(
                issue=world.issue, outside_body=f"Body {i}", obligation="fulfil"
            )
            CapacityGap.objects.create(
                issue=world.issue, side="duty_bearers", type="authority", duty_bearer=bearer
            )
            consultation = Participation.objects.create(
                issue=world.issue, method="survey", held_on=days(-i), others="Tenants"
            )
            consultation.holder_groups.add(group)
            consultation.memberships.add(world.member_membership)

    rows(2)
    # Access (5), the issue, the rows (and their groups and entities), the choices once.
    with django_assert_max_num_queries(12) as small:
        client.get(page)
    rows(15)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(page)
    assert response.content.decode().count("Group 14") >= 1


def test_the_dossier_analysis_has_the_gender_parts_gaps_and_participation(world: World):
    from django.template.loader import render_to_string

    from reports import content

    group, _bearer = complete(world.issue)
    write_gender_analysis(world.issue)
    CapacityGap.objects.create(
        issue=world.issue,
        side="rights_holders",
        type="knowledge",
        holder_group=group,
        description="Know",
    )
    Participation.objects.create(
        issue=world.issue, method="assembly", held_on=days(-5), others="Neighbours", women=12
    )
    html = render_to_string(
        "reports/pdf/dossier.html",
        {"cluster": world.cluster, **content.dossier(world.cluster), "job": None},
    )
    assert "Gendered roles and division of labour" in html
    assert GENDER_ANALYSIS["gender_intersections"] in html
    assert "Capacity to take rational decisions and learn" in html
    assert "Participation of rights-holders in the analysis" in html
    assert "2 of 3 counts unknown" in html


@pytest.mark.parametrize("language", ["ca", "es", "en"])
def test_the_new_pages_saved_as_shown_change_nothing(world: World, language: str):
    """Read each page's form as a browser does and post it back untouched: nothing is
    rewritten and nothing enters the history, in every language."""
    from tests.html_forms import forms_on

    group, bearer = complete(world.issue)
    write_gender_analysis(world.issue)
    CapacityGap.objects.create(
        issue=world.issue,
        side="duty_bearers",
        type="authority",
        duty_bearer=bearer,
        description="B",
    )
    consultation = Participation.objects.create(
        issue=world.issue, method="assembly", held_on=days(-9), women=12, notes="Open assembly"
    )
    consultation.holder_groups.add(group)
    consultation.memberships.add(world.member_membership)
    client = world.client("member")
    client.post(reverse("set_language"), {"language": language})
    before = world.issue.changes.count()
    for page in (
        url(world, "issue-part", world.issue, part="gaps"),
        url(world, "issue-part", world.issue, part="participation"),
        gender_page(world),
    ):
        (form,) = [
            f
            for f in forms_on(client.get(page).content.decode(), "", page)
            if f.url_name in ("rights:issue-part", "rights:issue-gender")
        ]
        response = client.post(form.action, form.submission())
        assert response.status_code == 302, page
    assert world.issue.changes.count() == before
    consultation.refresh_from_db()
    assert (consultation.held_on, consultation.women, consultation.men) == (days(-9), 12, None)
