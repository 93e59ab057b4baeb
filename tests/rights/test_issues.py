from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from core.errors import DomainError
from rights import services
from rights.models import (
    CapacityGap,
    Cause,
    Consequence,
    DutyBearer,
    Evidence,
    Participation,
    Right,
    RightsHolderGroup,
    RightsIssue,
    RightsIssueChange,
    SDGTarget,
)
from tests.clock import days
from tests.conftest import World
from tests.factories import (
    ActorFactory,
    ActorUserFactory,
    MembershipFactory,
    RightsIssueFactory,
    holder_group,
    write_gender_analysis,
)


def url(world: World, name: str, issue: RightsIssue | None = None, **kwargs) -> str:
    args = {"slug": world.cluster.slug, **kwargs}
    if issue is not None:
        args["pk"] = issue.pk
    return reverse(f"rights:{name}", kwargs=args)


def issue_form(**overrides) -> dict:
    return {
        "title": "Energy poverty",
        "rights": [Right.objects.get(code="UDHR-25").pk],
        "description": "Households that cannot heat their homes",
        "territory": "Nou Barris",
        "sdg_targets": [SDGTarget.objects.get(code="7.1").pk],
        **overrides,
    }


def formset(rows: list[dict], initial: int = 0) -> dict:
    data = {
        "items-TOTAL_FORMS": str(len(rows)),
        "items-INITIAL_FORMS": str(initial),
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "60",
    }
    for i, row in enumerate(rows):
        data.update({f"items-{i}-{key}": value for key, value in row.items()})
    return data


def test_a_member_creates_an_issue_numbered_in_the_cluster(world: World):
    response = world.client("member").post(url(world, "issue-create"), issue_form())
    issue = world.cluster.rights_issues.get(title="Energy poverty")
    assert response.url == url(world, "issue-part", issue, part="consequences")
    assert issue.number == world.issue.number + 1
    assert list(issue.rights.values_list("code", flat=True)) == ["UDHR-25"]
    assert issue.created_by == world.users["member"]
    assert issue.changes.get().action == RightsIssueChange.Action.CREATED


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"rights": ["999999"]}, "Select a valid choice"),
        ({"rights": ["not-a-number"]}, "Select a valid choice"),
        ({"rights": []}, "This field is required"),
        ({"title": ""}, "This field is required"),
        ({"title": "x" * 201}, "at most 200 characters"),
        ({"sdg_targets": ["0"]}, "Select a valid choice"),
    ],
)
def test_bad_issue_input_is_refused_and_creates_nothing(world: World, overrides, error):
    before = RightsIssue.objects.count()
    response = world.client("member").post(url(world, "issue-create"), issue_form(**overrides))
    assert response.status_code == 200
    assert error in response.content.decode()
    assert RightsIssue.objects.count() == before


def test_editing_records_each_change_before_and_after(world: World):
    response = world.client("coordinator").post(
        url(world, "issue-edit", world.issue), issue_form(title="Evictions, revised")
    )
    assert response.status_code == 302
    change = world.issue.changes.get(action=RightsIssueChange.Action.EDITED)
    assert change.user == world.users["coordinator"]
    assert change.details["changes"]["title"] == ["Evictions in the district", "Evictions, revised"]
    assert change.details["changes"]["rights"] == [["ICESCR-11", "UDHR-25"], ["UDHR-25"]]


def test_consequences_and_causes_linked_to_them(world: World):
    client = world.client("member")
    client.post(
        url(world, "issue-part", world.issue, part="consequences"),
        formset([{"description": "Children change school"}, {"description": "Overcrowding"}]),
    )
    school, crowding = world.issue.consequences.order_by("id")
    response = client.post(
        url(world, "issue-part", world.issue, part="causes"),
        formset(
            [
                {
                    "level": "immediate",
                    "description": "Rent arrears",
                    "consequences": [school.pk, crowding.pk],
                },
                # Only immediate causes produce consequences (tests/rights/test_chains.py).
                {"level": "structural", "description": "Too little social housing"},
            ]
        ),
    )
    assert response.status_code == 302
    arrears = world.issue.causes.get(description="Rent arrears")
    assert set(arrears.consequences.all()) == {school, crowding}
    assert world.issue.changes.filter(action="part_edited", part="causes").exists()


def test_a_cause_at_no_level_is_refused_keeping_what_was_typed(world: World):
    response = world.client("member").post(
        url(world, "issue-part", world.issue, part="causes"),
        formset(
            [
                {"level": "", "description": "Cause without a level"},
                {"level": "immediate", "description": "A good cause typed alongside"},
            ]
        ),
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "This field is required" in body
    assert "Cause without a level" in body
    assert "A good cause typed alongside" in body
    assert not Cause.objects.filter(issue=world.issue).exists()


def test_a_cause_cannot_link_another_issues_consequence(world: World):
    other = RightsIssueFactory(cluster=world.cluster)
    foreign = Consequence.objects.create(issue=other, description="Not ours")
    response = world.client("member").post(
        url(world, "issue-part", world.issue, part="causes"),
        formset([{"level": "immediate", "description": "X", "consequences": [foreign.pk]}]),
    )
    assert response.status_code == 400
    assert not Cause.objects.filter(issue=world.issue).exists()


def box(sex: str, age: str) -> str:
    """The name of the box of one cell of the counts (sex by age, as the cluster asks)."""
    return f"count_sex_{sex}__age_{age}"


def group_row(**counts) -> dict:
    """A new group: the boxes named (female_children=12) filled in, the others empty."""
    row = {"name": "Families with children", "description": ""}
    row.update({box(*name.split("_")): str(v) for name, v in counts.items()})
    return row


def test_rights_holders_counted_by_sex_and_age(world: World):
    response = world.client("member").post(
        url(world, "issue-part", world.issue, part="groups"),
        formset([group_row(female_children=12, male_children=10, nonbinary_adults=1)]),
    )
    assert response.status_code == 302
    group = world.issue.holder_groups.get()
    assert group.cell_counts() == {
        "sex=female|age=children": 12,
        "sex=male|age=children": 10,
        "sex=nonbinary|age=adults": 1,
    }
    assert (group.total.known, group.total.unknown) == (23, 9)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("-1", "A count cannot be negative: 0 means none."),
        ("many", "Write a whole number of people, or leave it empty if unknown."),
        ("1.5", "Write a whole number of people, or leave it empty if unknown."),
        ("99999999999", "More than 10,000,000 people in one cell: check the figure."),
    ],
)
def test_a_count_below_zero_or_not_a_number_is_refused(world: World, value, message):
    response = world.client("member").post(
        url(world, "issue-part", world.issue, part="groups"),
        formset([group_row(female_adults=value)]),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Families with children" in page
    assert message in page
    assert not RightsHolderGroup.objects.filter(issue=world.issue).exists()


def test_duty_bearers_are_member_entities_of_this_cluster_or_outside_bodies(world: World):
    client = world.client("member")
    part = url(world, "issue-part", world.issue, part="duty-bearers")
    outsider_membership = world.other_cluster.memberships.get()
    bad = client.post(
        part, formset([{"membership": outsider_membership.pk, "obligation": "protect"}])
    )
    assert bad.status_code == 400
    neither = client.post(part, formset([{"obligation": "protect", "description": "Who?"}]))
    assert "Choose a member entity or name an outside body" in neither.content.decode()
    both = client.post(
        part,
        formset(
            [
                {
                    "membership": world.member_membership.pk,
                    "outside_body": "City council",
                    "obligation": "protect",
                }
            ]
        ),
    ).content.decode()
    message = "Choose a member entity or name an outside body: one of the two."
    assert both.count(message) == 1
    assert "dutybearer_member_or_outside_body" not in both
    assert not DutyBearer.objects.filter(issue=world.issue).exists()
    good = client.post(
        part,
        formset(
            [
                {"membership": world.member_membership.pk, "obligation": "fulfil"},
                {"outside_body": "City council", "obligation": "protect"},
            ]
        ),
    )
    assert good.status_code == 302
    assert sorted(b.name for b in world.issue.duty_bearers.all()) == [
        "City council",
        "Neighbours Association",
    ]


def test_an_unknown_part_is_not_found(world: World):
    assert (
        world.client("member").get(url(world, "issue-part", world.issue, part="nope")).status_code
        == 404
    )


def upload(world: World, file: SimpleUploadedFile, person: str = "member", title: str = "Report"):
    return world.client(person).post(
        url(world, "evidence-add", world.issue),
        {"title": title, "url": "", "file": file},
        follow=True,
    )


def test_evidence_file_is_stored_and_served_as_an_attachment(world: World):
    response = upload(world, SimpleUploadedFile("census.pdf", b"%PDF-1.7 census data"))
    assert "The evidence has been added" in response.content.decode()
    evidence = world.issue.evidence.get(title="Report")
    assert evidence.content_type == "application/pdf"
    assert "census" not in evidence.file.name  # stored under a random name
    download = world.client("observer").get(
        url(world, "evidence-download", world.issue, evidence_pk=evidence.pk)
    )
    assert download["Content-Disposition"].startswith('attachment; filename="census.pdf"')
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == b"%PDF-1.7 census data"


@pytest.mark.parametrize(
    ("name", "content", "error"),
    [
        ("virus.exe", b"MZ\x90\x00", "not accepted"),
        ("page.pdf", b"<html><script>alert(1)</script></html>", "does not match"),
        ("image.png", b"%PDF-1.4", "does not match"),
        ("drawing.svg", b"<svg onload=alert(1)>", "not accepted"),
        ("notes.csv", b"\x00\x01binary", "does not match"),
        ("sheet.xlsx", b"PK\x03\x04 not a real zip", "does not match"),
        ("page.txt", b"\xef\xbb\xbf<html><body onload=alert(1)>", "does not match"),
        ("data.csv", b"name,value\nx,<script>alert(1)</script>", "does not match"),
    ],
)
def test_files_of_a_refused_type_or_false_content_are_refused(world: World, name, content, error):
    before = Evidence.objects.count()
    response = upload(world, SimpleUploadedFile(name, content))
    assert error in response.content.decode()
    assert Evidence.objects.count() == before


def test_a_file_too_large_is_refused(world: World, settings):
    settings.EVIDENCE_MAX_BYTES = 1024
    response = upload(world, SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * 2000))
    assert "the limit is 1.0\xa0KB" in response.content.decode()
    assert not world.issue.evidence.filter(title="Report").exists()


def test_evidence_needs_a_link_or_a_file(world: World):
    response = world.client("member").post(
        url(world, "evidence-add", world.issue), {"title": "Nothing", "url": ""}, follow=True
    )
    assert "Give a link, attach a file, or both" in response.content.decode()
    assert not world.issue.evidence.filter(title="Nothing").exists()


def complete(issue: RightsIssue, world: World) -> None:
    consequence = Consequence.objects.create(issue=issue, description="Overcrowding")
    Cause.objects.create(issue=issue, level="immediate", description="Arrears").consequences.add(
        consequence
    )
    holder_group(issue)
    DutyBearer.objects.create(issue=issue, outside_body="City council", obligation="fulfil")


def test_validation_needs_the_gender_analysis(world: World):
    complete(world.issue, world)
    response = world.client("coordinator").post(
        url(world, "issue-validate", world.issue), follow=True
    )
    assert "The gender analysis is missing" in response.content.decode()
    world.issue.refresh_from_db()
    assert world.issue.status == RightsIssue.Status.DRAFT


def test_the_coordinator_validates_a_complete_issue(world: World):
    complete(world.issue, world)
    write_gender_analysis(world.issue)
    world.client("coordinator").post(url(world, "issue-validate", world.issue))
    world.issue.refresh_from_db()
    assert world.issue.status == RightsIssue.Status.VALIDATED
    assert world.issue.validated_by == world.users["coordinator"]
    assert world.issue.changes.filter(action="validated").exists()


@pytest.fixture
def validated(world: World) -> RightsIssue:
    complete(world.issue, world)
    write_gender_analysis(world.issue)
    return services.rights_issue_validate(issue=world.issue, by=world.users["coordinator"])


def test_a_validated_issue_is_read_only(world: World, validated: RightsIssue):
    client = world.client("member")
    edit = client.post(
        url(world, "issue-edit", validated), issue_form(title="Changed"), follow=True
    )
    assert "cannot be changed" in edit.content.decode()
    part = client.post(
        url(world, "issue-part", validated, part="consequences"),
        formset([{"description": "Sneaked in"}]),
        follow=True,
    )
    assert "cannot be changed" in part.content.decode()
    upload(world, SimpleUploadedFile("late.pdf", b"%PDF-1.4"), title="Late")
    validated.refresh_from_db()
    assert validated.title == "Evictions in the district"
    assert not validated.consequences.filter(description="Sneaked in").exists()
    assert not validated.evidence.filter(title="Late").exists()
    with pytest.raises(DomainError):
        services.rights_issue_update(
            issue=validated,
            by=world.users["member"],
            changes={"title": "x"},
            rights=[],
            sdg_targets=[],
        )


def test_a_new_version_copies_everything_and_leaves_the_validated_one(world: World, validated):
    response = world.client("member").post(url(world, "issue-new-version", validated))
    copy = RightsIssue.objects.get(previous_version=validated)
    assert response.url == copy.get_absolute_url()
    assert (copy.number, copy.version, copy.status) == (validated.number, 2, "draft")
    assert copy.label == f"RI-{validated.number} v2"
    assert copy.causes.get().consequences.get().issue == copy
    assert copy.holder_groups.get().cell_counts() == {"sex=female|age=adults": 3}
    assert set(copy.rights.all()) == set(validated.rights.all())
    validated.refresh_from_db()
    assert validated.status == "validated"
    # The list shows the newest version only.
    listed = world.client("member").get(url(world, "issue-list")).context["page"].object_list
    assert copy in listed and validated not in listed
    again = world.client("member").post(url(world, "issue-new-version", validated), follow=True)
    assert "newer version of this issue already exists" in again.content.decode()


@pytest.mark.parametrize(
    "name", ["issue-detail", "issue-edit", "issue-validate", "issue-new-version", "evidence-add"]
)
def test_another_clusters_issue_is_not_found(world: World, name):
    theirs = world.other_cluster.rights_issues.get()
    method = "get" if name in ("issue-detail", "issue-edit") else "post"
    response = getattr(world.client("coordinator"), method)(url(world, name, theirs))
    assert response.status_code == 404


def test_detail_runs_the_same_queries_with_3_causes_or_30(world: World, django_assert_num_queries):
    client = world.client("member")

    def add_causes(n: int) -> None:
        consequence = Consequence.objects.create(issue=world.issue, description="Harm")
        group = RightsHolderGroup.objects.create(issue=world.issue, name="Tenants")
        for i in range(n):
            cause = Cause.objects.create(
                issue=world.issue, level="structural", description=f"Cause {i}"
            )
            cause.consequences.add(consequence)
            CapacityGap.objects.create(
                issue=world.issue, side="rights_holders", type="knowledge", holder_group=group
            )
            consultation = Participation.objects.create(
                issue=world.issue, method="assembly", held_on=days(-60), women=i
            )
            consultation.holder_groups.add(group)
            consultation.memberships.add(world.member_membership)

    add_causes(3)
    # session, user, cluster, coordinator role, memberships (access: 5); the issue with
    # its previous version; rights, SDG targets, consequences, causes, the causes'
    # consequences, the causes they lead to and are led from, their duty-bearers
    # responsible, groups, their counts, duty-bearers, capacity gaps, evidence, general
    # comments, outside references, consultations with the groups and entities consulted
    # (prefetches: 17); the next version; the history: 26, however many causes.
    with django_assert_num_queries(26) as small:
        client.get(url(world, "issue-detail", world.issue))
    add_causes(27)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(url(world, "issue-detail", world.issue))
    assert response.content.decode().count("Cause 2") >= 2  # in the table and in the tree


def test_the_list_filters_by_right_goal_status_territory_and_words(world: World):
    energy = RightsIssueFactory(
        cluster=world.cluster,
        title="Energy poverty",
        territory="Horta",
        rights=Right.objects.filter(code="ICESCR-12"),
    )
    energy.sdg_targets.set(SDGTarget.objects.filter(code="7.1"))
    Cause.objects.create(issue=energy, level="structural", description="Energy prices")
    client = world.client("observer")

    def listed(**query) -> list[str]:
        return [i.title for i in client.get(url(world, "issue-list"), query).context["page"]]

    right = Right.objects.get(code="ICESCR-12").pk
    goal_7 = SDGTarget.objects.get(code="7.1").goal_id
    assert listed(right=right) == ["Energy poverty"]
    assert listed(goal=goal_7) == ["Energy poverty"]
    assert listed(territory="horta") == ["Energy poverty"]
    assert listed(q="prices") == ["Energy poverty"]
    assert listed(status="validated") == []
    assert sorted(listed()) == ["Energy poverty", "Evictions in the district"]
    assert client.get(url(world, "issue-list"), {"right": "x", "page": "9"}).status_code == 200


def test_the_csv_export_has_every_part_of_the_analysis(world: World):
    complete(world.issue, world)
    response = world.client("observer").get(url(world, "export-csv"))
    assert response["Content-Disposition"] == 'attachment; filename="housing-rights-analysis.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    parts = [row[7] for row in rows[1:]]
    for part in (
        "issue",
        "gender_analysis",
        "consequence",
        "cause",
        "rights_holders",
        "duty_bearer",
    ):
        assert part in parts
    cause = next(row for row in rows if row[7] == "cause")
    assert cause[10] == "C1"
    assert "Secret evictions issue" not in response.content.decode("utf-8-sig")


def test_removing_evidence_is_recorded_and_the_file_goes_after_the_commit(
    world: World, django_capture_on_commit_callbacks
):
    storage, name = world.evidence.file.storage, world.evidence.file.name
    assert storage.exists(name)
    delete = url(world, "evidence-delete", world.issue, evidence_pk=world.evidence.pk)
    with django_capture_on_commit_callbacks(execute=True):
        world.client("member").post(delete)
    assert not Evidence.objects.filter(pk=world.evidence.pk).exists()
    assert not storage.exists(name)
    assert world.issue.changes.filter(action="evidence_removed").exists()


def test_a_file_shared_with_an_earlier_version_is_kept(
    world: World, validated, django_capture_on_commit_callbacks
):
    evidence = validated.evidence.get()
    copy = services.rights_issue_new_version(issue=validated, by=world.users["member"])
    copied = copy.evidence.get()
    assert copied.file.name == evidence.file.name
    with django_capture_on_commit_callbacks(execute=True):
        services.rights_issue_remove_evidence(
            evidence=copied,
            by=world.users["member"],
            is_coordinator=False,
            membership=world.member_membership,
        )
    assert evidence.file.storage.exists(evidence.file.name)


def test_evidence_is_removed_only_by_its_entity_or_the_coordinator(world: World):
    """Another member entity may edit the analysis, not remove a source it did not
    attach; the page offers it no button."""
    neighbour = MembershipFactory(cluster=world.cluster, actor=ActorFactory(name="Neighbour"))
    other = ActorUserFactory(actor=neighbour.actor).user
    client = Client()
    client.force_login(other)
    delete = url(world, "evidence-delete", world.issue, evidence_pk=world.evidence.pk)
    assert client.post(delete).status_code == 403
    assert Evidence.objects.filter(pk=world.evidence.pk).exists()
    page = client.get(url(world, "issue-detail", world.issue)).content.decode()
    assert delete not in page
    assert (
        delete
        in world.client("representative")
        .get(url(world, "issue-detail", world.issue))
        .content.decode()
    )
    assert world.client("coordinator").post(delete).status_code == 302
    assert not Evidence.objects.filter(pk=world.evidence.pk).exists()


def test_evidence_added_is_attached_for_the_entity_of_who_adds_it(world: World):
    world.client("representative").post(
        url(world, "evidence-add", world.issue),
        {"title": "Census", "url": "https://example.org/census"},
    )
    assert world.issue.evidence.get(title="Census").added_for == world.member_membership


def test_the_list_runs_a_fixed_number_of_queries(world: World, django_assert_num_queries):
    for _ in range(5):
        RightsIssueFactory(cluster=world.cluster)
    client = world.client("observer")
    # session, user, cluster, coordinator role, memberships (access: 5); the filter form's
    # rights and SDG goals; count; the page of issues with counts; their rights: 10.
    with django_assert_num_queries(10):
        response = client.get(url(world, "issue-list"))
    assert len(response.context["page"]) == 6


def test_a_csv_with_comparisons_is_still_text(world: World):
    response = upload(world, SimpleUploadedFile("ages.csv", b"band,count\n<5,12\n5-11,30\n"))
    assert "The evidence has been added" in response.content.decode()


def test_a_forged_number_of_rows_never_builds_more_than_the_limit(world: World):
    data = formset([{"description": "One"}])
    data["items-TOTAL_FORMS"] = "100000"
    response = world.client("member").post(
        url(world, "issue-part", world.issue, part="consequences"), data
    )
    assert response.status_code == 400
    assert len(response.context["formset"].forms) <= 60
    assert not world.issue.consequences.exists()


@pytest.mark.parametrize("part", ["causes", "duty-bearers"])
def test_part_pages_run_a_fixed_number_of_queries(
    world: World, part, django_assert_num_queries, django_assert_max_num_queries
):
    consequence = Consequence.objects.create(issue=world.issue, description="Harm")
    client = world.client("member")
    page = url(world, "issue-part", world.issue, part=part)

    def rows(n: int) -> None:
        for i in range(n):
            Cause.objects.create(
                issue=world.issue, level="immediate", description=f"c{i}"
            ).consequences.add(consequence)
            DutyBearer.objects.create(
                issue=world.issue, outside_body=f"Body {i}", obligation="fulfil"
            )

    rows(2)
    # Access (5), the issue, the rows, and the choices once for all rows; the causes also
    # prefetch their links (4: consequences, causes led to and from, duty-bearers) and
    # read three kinds of choices (consequences, causes, duty-bearers).
    with django_assert_max_num_queries(14 if part == "causes" else 10) as small:
        client.get(page)
    rows(18)
    with django_assert_num_queries(len(small.captured_queries)):
        client.get(page)


def test_a_duty_bearer_whose_entity_left_does_not_block_saving(world: World):
    from django.utils import timezone

    bearer = DutyBearer.objects.create(
        issue=world.issue, membership=world.member_membership, obligation="fulfil"
    )
    world.member_membership.status = "left"
    world.member_membership.left_at = timezone.now()
    world.member_membership.save()
    response = world.client("coordinator").post(
        url(world, "issue-part", world.issue, part="duty-bearers"),
        formset(
            [{"id": bearer.pk, "membership": world.member_membership.pk, "obligation": "protect"}],
            initial=1,
        ),
    )
    assert response.status_code == 302
    bearer.refresh_from_db()
    assert bearer.obligation == "protect"


@pytest.mark.parametrize("value", ["9" * 30, "18446744073709551616"])
def test_ids_too_large_for_any_column_are_an_invalid_choice(world: World, value):
    response = world.client("member").post(url(world, "issue-create"), issue_form(rights=[value]))
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_part_edits_record_what_was_added_changed_and_deleted(world: World):
    client = world.client("member")
    part = url(world, "issue-part", world.issue, part="consequences")
    client.post(part, formset([{"description": "Overcrowding"}, {"description": "Debts"}]))
    first, second = world.issue.consequences.order_by("id")
    client.post(
        part,
        formset(
            [
                {"id": first.pk, "description": "Severe overcrowding"},
                {"id": second.pk, "description": "Debts", "DELETE": "on"},
            ],
            initial=2,
        ),
    )
    latest = world.issue.changes.filter(action="part_edited").first()
    assert latest.details["changed"] == [
        {"before": "Overcrowding", "after": "Severe overcrowding", "fields": ["description"]}
    ]
    assert latest.details["deleted"] == ["Debts"]
    assert world.issue.changes.filter(action="part_edited").last().details["added"] == [
        "Overcrowding",
        "Debts",
    ]


def test_the_export_neutralises_spreadsheet_formulas(world: World):
    Consequence.objects.create(issue=world.issue, description='=HYPERLINK("http://evil","x")')
    response = world.client("observer").get(url(world, "export-csv"))
    body = response.content.decode("utf-8-sig")
    assert "'=HYPERLINK" in body
    assert ",=HYPERLINK" not in body


def test_a_validated_version_under_revision_still_stands(world: World, validated):
    draft = services.rights_issue_new_version(issue=validated, by=world.users["member"])
    client = world.client("observer")
    listed = client.get(url(world, "issue-list")).context["page"].object_list
    assert list(listed) == [draft]
    validated_only = client.get(url(world, "issue-list"), {"status": "validated"})
    assert list(validated_only.context["page"].object_list) == [validated]
    rows = client.get(url(world, "export-csv")).content.decode("utf-8-sig").splitlines()
    versions = {row.split(",")[1] for row in rows[1:]}
    assert versions == {"1", "2"}
