"""Rights-holder groups counted by the dimensions the cluster chooses: an empty box is
unknown, shown and exported as such, never summed as zero."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.urls import reverse

from clusters.models import AuditEntry, Cluster
from core.dimensions import all_cells, breakdowns, is_known_cell
from reports.models import ReportJob
from reports.render import render_html
from rights import services
from rights.holders import Total, count_tables
from rights.models import RightsHolderCount, RightsHolderGroup, RightsIssueChange
from tests.conftest import World
from tests.factories import holder_group, write_gender_analysis


def part_url(world: World) -> str:
    return reverse(
        "rights:issue-part",
        kwargs={"slug": world.cluster.slug, "pk": world.issue.pk, "part": "groups"},
    )


def detail_url(world: World) -> str:
    return world.issue.get_absolute_url()


def choose(cluster: Cluster, *dimensions: str) -> None:
    Cluster.objects.filter(pk=cluster.pk).update(
        **{
            f"groups_by_{name}": name in dimensions
            for name in ("sex", "age", "disability", "migration")
        }
    )


def boxes(html: str) -> dict[str, str]:
    """The count boxes of the first row of the form, as a browser would post them."""
    found = {}
    for tag in re.findall(r"<input[^>]*>", html):
        name = re.search(r'name="(items-0-count_[^"]+)"', tag)
        if name:
            value = re.search(r'value="([^"]*)"', tag)
            found[name.group(1)] = value.group(1) if value else ""
    return found


def posted(world: World, html: str, **changes: str) -> dict:
    """The page's form posted back as it stands (one existing group), with changes."""
    group = world.issue.holder_groups.get()
    data = {
        "items-TOTAL_FORMS": "1",
        "items-INITIAL_FORMS": "1",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "60",
        "items-0-id": str(group.pk),
        "items-0-issue": str(world.issue.pk),
        "items-0-name": group.name,
        "items-0-description": group.description,
        **boxes(html),
    }
    data.update({f"items-0-{name}": value for name, value in changes.items()})
    return data


# The pure parts.


def test_sex_and_age_are_crossed_and_the_others_each_on_their_own():
    assert [b.dimensions for b in breakdowns(["sex", "age", "disability", "migration"])] == [
        ("sex", "age"),
        ("disability",),
        ("migration",),
    ]
    assert len(all_cells(["sex", "age", "disability", "migration"])) == 12 + 2 + 4
    assert all_cells(["age"]) == [
        "age=children",
        "age=adolescents",
        "age=adults",
        "age=elderly",
    ]
    assert is_known_cell("sex=female|age=adults")
    assert not is_known_cell("age=adults|sex=female")  # not in the fixed order
    assert not is_known_cell("sex=alien") and not is_known_cell("colour=blue")


def test_a_total_of_every_cell_unknown_is_unknown_not_zero():
    assert str(Total(known=0, unknown=12, cells=12)) == "unknown"
    assert Total(known=0, unknown=12, cells=12).value is None


def test_a_mixed_total_is_the_sum_of_the_known_cells_and_says_how_many_are_unknown():
    (table,) = count_tables(
        {"sex=female|age=adults": 100, "sex=male|age=adults": 32}, ["sex", "age"]
    )
    assert str(table.total) == "132, unknown in 10 of 12 cells"
    (women, _men, nonbinary) = table.rows
    assert str(women[2]) == "100, unknown in 3 of 4 cells"
    assert str(nonbinary[2]) == "unknown"


def test_a_zero_is_a_known_none():
    (table,) = count_tables({"disability=yes": 0, "disability=no": 0}, ["disability"])
    assert str(table.total) == "0"


# The page, the form and the service.


def test_the_page_shows_unknown_cells_and_the_total_of_the_known(world: World):
    holder_group(world.issue, counts={"sex=female|age=adults": 100, "sex=male|age=adults": 32})
    holder_group(world.issue, name="Nobody counted", counts={})
    page = world.client("observer").get(detail_url(world)).content.decode()
    assert "Families" in page and "total: 132, unknown in 10 of 12 cells" in page
    assert "Nobody counted" in page and "total: unknown" in page
    assert "total: 0" not in page


def test_the_clusters_choice_changes_the_forms_boxes(world: World):
    holder_group(world.issue, counts={})
    client = world.client("member")
    assert len(boxes(client.get(part_url(world)).content.decode())) == 12
    choose(world.cluster, "disability", "migration")
    page = client.get(part_url(world)).content.decode()
    assert sorted(boxes(page)) == sorted(
        f"items-0-count_{name}"
        for name in (
            "disability_yes",
            "disability_no",
            "migration_national",
            "migration_regular",
            "migration_irregular",
            "migration_protection",
        )
    )
    assert "Applicants for or beneficiaries of international protection" in page
    assert "leave a box empty where you do not know; 0 means none" in page.lower()


def test_empty_stays_unknown_zero_stays_zero_and_an_unchanged_save_writes_nothing(world: World):
    holder_group(world.issue, counts={"sex=female|age=adults": 0, "sex=male|age=adults": 5})
    client = world.client("member")
    html = client.get(part_url(world)).content.decode()
    shown = boxes(html)
    assert shown["items-0-count_sex_female__age_adults"] == "0"
    assert shown["items-0-count_sex_nonbinary__age_adults"] == ""
    history = RightsIssueChange.objects.count()
    audit = AuditEntry.objects.count()
    response = client.post(part_url(world), posted(world, html))
    assert response.status_code == 302
    assert RightsIssueChange.objects.count() == history
    assert AuditEntry.objects.count() == audit
    assert world.issue.holder_groups.get().cell_counts() == {
        "sex=female|age=adults": 0,
        "sex=male|age=adults": 5,
    }


def test_a_box_emptied_becomes_unknown_and_a_new_one_is_stored(world: World):
    holder_group(world.issue, counts={"sex=male|age=adults": 5})
    client = world.client("member")
    html = client.get(part_url(world)).content.decode()
    changes = {"count_sex_male__age_adults": "", "count_sex_female__age_children": "7"}
    assert client.post(part_url(world), posted(world, html, **changes)).status_code == 302
    group = world.issue.holder_groups.get()
    assert group.cell_counts() == {"sex=female|age=children": 7}
    change = RightsIssueChange.objects.filter(part="groups").latest("id")
    assert change.details["changed"][0]["fields"] == [
        "sex=female|age=children",
        "sex=male|age=adults",
    ]


def test_a_dimension_removed_keeps_its_cells_stored_and_shown(world: World):
    holder_group(world.issue, counts={"sex=female|age=adults": 40, "disability=yes": 4})
    choose(world.cluster, "migration")
    client = world.client("member")
    page = client.get(detail_url(world)).content.decode()
    assert "no longer asked by the cluster" in page
    assert "total: unknown" in page  # migration status, the one asked for, is not known
    html = client.get(part_url(world)).content.decode()
    assert "items-0-count_sex_female__age_adults" in boxes(html)
    assert client.post(part_url(world), posted(world, html)).status_code == 302
    assert world.issue.holder_groups.get().cell_counts() == {
        "sex=female|age=adults": 40,
        "disability=yes": 4,
    }


def test_a_new_version_copies_the_cells(world: World):
    from tests.rights.test_issues import complete

    complete(world.issue, world)
    RightsHolderCount.objects.create(
        group=world.issue.holder_groups.get(), cell="sex=male|age=elderly", count=0
    )
    write_gender_analysis(world.issue)
    services.rights_issue_validate(issue=world.issue, by=world.users["coordinator"])
    copy = services.rights_issue_new_version(issue=world.issue, by=world.users["coordinator"])
    assert copy.holder_groups.get().cell_counts() == {
        "sex=female|age=adults": 3,
        "sex=male|age=elderly": 0,
    }
    assert world.issue.holder_groups.get().counts.count() == 2  # the old ones stay


def test_the_issue_page_runs_the_same_queries_with_one_group_or_ten(
    world: World, django_assert_num_queries
):
    client = world.client("member")
    holder_group(world.issue)
    # session, user, cluster, coordinator role, memberships (access: 5); the issue with
    # its previous version; rights, SDG targets, consequences, causes, groups, their
    # counts, duty-bearers, capacity gaps, evidence, general comments, outside
    # references, consultations (prefetches: 12, no cause to link, nobody consulted); the
    # next version; the history: 20, however many groups and counts.
    with django_assert_num_queries(20):
        client.get(detail_url(world))
    for n in range(9):
        holder_group(world.issue, name=f"Group {n}", counts={"disability=yes": n})
    with django_assert_num_queries(20):
        response = client.get(detail_url(world))
    assert "Group 8" in response.content.decode()


def test_the_csv_has_an_empty_cell_for_unknown_never_zero(world: World):
    holder_group(world.issue, counts={"sex=female|age=adults": 0, "sex=male|age=adults": 5})
    holder_group(world.issue, name="Nobody counted", counts={})
    url = reverse("rights:export-csv", kwargs={"slug": world.cluster.slug})
    response = world.client("observer").get(url)
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    families, nobody = (row for row in rows if row["part"] == "rights_holders")
    assert (families["female_adults"], families["male_adults"]) == ("0", "5")
    assert families["nonbinary_adults"] == ""
    assert (families["total"], families["unknown_cells"]) == ("5", "10")
    assert (nobody["total"], nobody["unknown_cells"]) == ("", "12")


def test_the_dossier_says_unknown_and_counts_the_known(world: World):
    holder_group(world.issue, counts={"sex=female|age=adults": 1500, "sex=male|age=adults": 32})
    holder_group(world.issue, name="Nobody counted", counts={})
    job = ReportJob(cluster=world.cluster, kind=ReportJob.Kind.DOSSIER, language="en")
    html = render_html(job)
    assert "total: 1,532, unknown in 10 of 12 cells" in html
    assert "total: unknown" in html
    job.language = "ca"
    assert "1.532" in render_html(job)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("-3", "A count cannot be negative"),
        ("a few", "Write a whole number of people"),
        ("20000000", "More than 10,000,000 people in one cell"),
    ],
)
def test_a_bad_count_of_an_existing_group_changes_nothing(world: World, value, message):
    holder_group(world.issue, counts={"sex=male|age=adults": 5})
    client = world.client("member")
    html = client.get(part_url(world)).content.decode()
    response = client.post(
        part_url(world), posted(world, html, count_sex_male__age_adults=value, name="Renamed")
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    group = RightsHolderGroup.objects.get()
    assert (group.name, group.cell_counts()) == ("Families", {"sex=male|age=adults": 5})


def test_the_coordinator_chooses_the_dimensions_and_the_log_records_it(world: World):
    from clusters.forms import ClusterForm

    cluster = Cluster.objects.get(pk=world.cluster.pk)
    form = ClusterForm(instance=cluster)
    data = {name: form[name].value() for name in form.fields}
    data["thematic_areas"] = [area.pk for area in cluster.thematic_areas.all()]
    data = {k: v for k, v in data.items() if v not in (None, False)}
    data.update(groups_by_disability="on", groups_by_migration="on")
    url = reverse("clusters:edit", kwargs={"slug": cluster.slug})
    response = world.client("coordinator").post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    cluster.refresh_from_db()
    assert cluster.holder_dimensions() == ["sex", "age", "disability", "migration"]
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.CLUSTER_UPDATED).latest("id")
    assert set(entry.data["changes"]) == {"groups_by_disability", "groups_by_migration"}
    for name in ("groups_by_sex", "groups_by_age", "groups_by_disability", "groups_by_migration"):
        data.pop(name, None)
    refused = world.client("coordinator").post(url, data)
    assert (
        "Choose at least one dimension to count the rights-holders by." in refused.content.decode()
    )
    cluster.refresh_from_db()
    assert cluster.holder_dimensions() == ["sex", "age", "disability", "migration"]
