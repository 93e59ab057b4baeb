"""An issue cites the treaty bodies' General Comments and outside references (concluding
observations, UPR recommendations, laws, rulings): edited, shown, copied, exported."""

from __future__ import annotations

import csv
import datetime
import io

import pytest

from rights import services
from rights.models import GeneralComment, OutsideReference, RightsIssueChange
from tests.conftest import World
from tests.factories import RightsIssueFactory, write_gender_analysis
from tests.rights.test_issues import complete, formset, issue_form, url


def comment(body: str, number: int) -> GeneralComment:
    return GeneralComment.objects.get(body=body, number=number)


def test_an_issue_cites_general_comments_and_the_history_says_which(world: World):
    four, seven = comment("CESCR", 4), comment("CESCR", 7)
    response = world.client("member").post(
        url(world, "issue-edit", world.issue),
        issue_form(general_comments=[four.pk, seven.pk]),
    )
    assert response.status_code == 302
    assert set(world.issue.general_comments.all()) == {four, seven}
    change = world.issue.changes.get(action=RightsIssueChange.Action.EDITED)
    assert change.details["changes"]["general_comments"] == [[], ["CESCR-GC-4", "CESCR-GC-7"]]


def test_an_issue_may_cite_a_comment_on_none_of_its_rights(world: World):
    torture = comment("CAT", 2)  # on article 2 of the CAT, which the issue does not name
    world.client("member").post(
        url(world, "issue-edit", world.issue), issue_form(general_comments=[torture.pk])
    )
    assert list(world.issue.general_comments.all()) == [torture]


def test_a_new_issue_cites_general_comments_from_the_start(world: World):
    world.client("member").post(
        url(world, "issue-create"), issue_form(general_comments=[comment("CESCR", 4).pk])
    )
    issue = world.cluster.rights_issues.get(title="Energy poverty")
    assert [c.code for c in issue.general_comments.all()] == ["CESCR-GC-4"]


@pytest.mark.parametrize("value", ["999999", "x"])
def test_an_unknown_general_comment_is_refused(world: World, value):
    response = world.client("member").post(
        url(world, "issue-edit", world.issue), issue_form(general_comments=[value])
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not world.issue.changes.exists()


def test_saving_the_issue_unchanged_with_its_comments_writes_nothing(world: World):
    four = comment("CESCR", 4)
    world.issue.general_comments.add(four)
    form = issue_form(
        title=world.issue.title,
        description=world.issue.description,
        territory=world.issue.territory,
        rights=[r.pk for r in world.issue.rights.all()],
        sdg_targets=[t.pk for t in world.issue.sdg_targets.all()],
        general_comments=[four.pk],
    )
    world.client("member").post(url(world, "issue-edit", world.issue), form)
    assert not world.issue.changes.exists()


def reference_row(**overrides) -> dict:
    return {
        "kind": "concluding_observations",
        "title": "CESCR, concluding observations on Spain (E/C.12/ESP/CO/6)",
        "date": "2018-04-25",
        "url": "https://docs.un.org/en/E/C.12/ESP/CO/6",
        **overrides,
    }


def post_references(world: World, rows: list[dict], initial: int = 0, person: str = "member"):
    return world.client(person).post(
        url(world, "issue-part", world.issue, part="references"), formset(rows, initial)
    )


def test_outside_references_are_added_as_a_part_of_the_analysis(world: World):
    response = post_references(world, [reference_row(), reference_row(kind="law", url="")])
    assert response.status_code == 302
    first, law = world.issue.outside_references.all()
    assert first.date == datetime.date(2018, 4, 25)
    assert first.get_kind_display() == "Treaty body concluding observations"
    assert law.url == ""
    change = world.issue.changes.get(action="part_edited")
    assert change.part == "references"
    assert len(change.details["added"]) == 2


@pytest.mark.parametrize(
    ("row", "error"),
    [
        ({"date": "2018-02-30"}, "Enter a valid date"),
        ({"date": ""}, "This field is required"),
        ({"date": "2027-01-01"}, "cannot be in the future"),
        ({"url": "not a link"}, "Enter a valid URL"),
        ({"url": "javascript:alert(1)"}, "Enter a valid URL"),
        ({"url": "https://e.org/" + "x" * 500}, "at most 500 characters"),
        ({"title": "x" * 301}, "at most 300 characters"),
        ({"title": ""}, "This field is required"),
        ({"kind": "gossip"}, "Select a valid choice"),
    ],
)
def test_a_bad_outside_reference_is_refused_and_nothing_is_saved(world: World, row, error):
    response = post_references(world, [reference_row(), reference_row(**row)])
    assert response.status_code == 400
    assert error in response.content.decode()
    assert not world.issue.outside_references.exists()
    assert not world.issue.changes.exists()


def test_another_issues_reference_cannot_be_edited_through_this_one(world: World):
    other = RightsIssueFactory(cluster=world.cluster, title="Another issue")
    theirs = OutsideReference.objects.create(
        issue=other, kind="law", title="Their law", date=datetime.date(2020, 1, 1)
    )
    response = post_references(world, [reference_row(id=theirs.pk, title="Hijacked")], initial=1)
    assert response.status_code == 400
    assert "not one of this issue" in response.content.decode()
    theirs.refresh_from_db()
    assert theirs.title == "Their law"
    assert not world.issue.outside_references.exists()


def test_saving_the_references_unchanged_writes_nothing(world: World):
    post_references(world, [reference_row()])
    saved = world.issue.outside_references.get()
    before = world.issue.changes.count()
    post_references(world, [reference_row(id=saved.pk)], initial=1)
    assert world.issue.changes.count() == before


def test_the_issue_page_shows_what_the_analysis_cites(world: World):
    world.issue.general_comments.add(comment("CESCR", 7))
    post_references(world, [reference_row()])
    body = world.client("observer").get(world.issue.get_absolute_url()).content.decode()
    assert "CESCR, General comment 7" in body
    assert "E/C.12/ESP/CO/6" in body
    assert 'href="https://docs.un.org/en/E/C.12/ESP/CO/6"' in body
    assert 'href="/rights/catalogue/ICESCR-11/"' in body  # its rights link to their page


def test_the_export_lists_the_comments_and_references(world: World):
    world.issue.general_comments.add(comment("CESCR", 4))
    post_references(world, [reference_row()])
    response = world.client("member").get(url(world, "export-csv"))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    parts = {row[7]: row for row in rows[1:]}
    assert parts["general_comment"][8:10] == ["CESCR-GC-4", "The right to adequate housing"]
    reference = parts["outside_reference"]
    assert reference[8] == "concluding_observations"
    assert reference[10] == "2018-04-25 https://docs.un.org/en/E/C.12/ESP/CO/6"


def test_a_new_version_keeps_the_comments_and_references(world: World):
    world.issue.general_comments.add(comment("CESCR", 4))
    post_references(world, [reference_row()])
    complete(world.issue, world)
    write_gender_analysis(world.issue)
    validated = services.rights_issue_validate(issue=world.issue, by=world.users["coordinator"])
    copy = services.rights_issue_new_version(issue=validated, by=world.users["member"])
    assert [c.code for c in copy.general_comments.all()] == ["CESCR-GC-4"]
    reference = copy.outside_references.get()
    assert reference.date == datetime.date(2018, 4, 25)
    assert reference.pk != validated.outside_references.get().pk


def test_the_dossier_content_has_the_comments_and_references(world: World):
    from reports.content import rights_issues

    world.issue.general_comments.add(comment("CESCR", 4))
    post_references(world, [reference_row()])
    (issue, _tree), *_rest = rights_issues(world.cluster)
    assert [c.number for c in issue.general_comments.all()] == [4]
    assert issue.outside_references.get().title.startswith("CESCR")
