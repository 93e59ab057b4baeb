"""The audit log reads in the reader's language, whatever the language of the moment the
change was made, and downloads as CSV with the page's filters."""

from __future__ import annotations

import csv
import io

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from clusters.audit import audit, changed, details_of, snapshot, with_details
from clusters.models import AuditEntry, Membership
from tests.conftest import World


def audit_page(world: World, language: str, **filters) -> str:
    client = world.client("coordinator")
    client.cookies["django_language"] = language
    url = reverse("clusters:audit-log", args=[world.cluster.slug])
    return client.get(url, filters).content.decode()


def change_role(world: World, language: str) -> None:
    client = world.client("coordinator")
    client.cookies["django_language"] = language
    url = reverse("clusters:membership-role", args=[world.cluster.slug, world.member_membership.pk])
    client.post(url, {"role": "observer"})


def test_a_change_made_in_english_reads_in_catalan_with_what_it_was_and_is(world: World):
    change_role(world, "en")
    catalan = audit_page(world, "ca")
    assert "Rol: Membre → Observadora" in catalan
    assert "Neighbours Association" in catalan
    english = audit_page(world, "en")
    assert "Role: Member → Observer" in english


def test_a_report_is_named_in_the_readers_language(world: World):
    # Asked for while the page spoke English: the page in Catalan says what it is in Catalan.
    with translation.override("en"):
        audit(
            cluster=world.cluster,
            by=world.users["coordinator"],
            action=AuditEntry.Action.REPORT_PUBLISHED,
            target=world.published_report,
        )
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.REPORT_PUBLISHED).latest("id")
    assert entry.target.startswith("Dossier of the cluster")  # as it read at the time
    catalan = audit_page(world, "ca", action="report_published")
    assert "Dossier del clúster" in catalan and "Dossier of the cluster" not in catalan


def test_only_what_changed_is_recorded_and_an_unchanged_save_records_nothing(world: World):
    membership = world.member_membership
    before = snapshot(membership, ["role", "status"])
    assert changed(before, snapshot(membership, ["role", "status"])) == {}
    membership.role = Membership.Role.OBSERVER
    assert changed(before, snapshot(membership, ["role", "status"])) == {
        "role": ["member", "observer"]
    }


def test_details_that_are_not_fields_have_labels_and_values_in_words(world: World):
    entry = audit(
        cluster=world.cluster,
        by=world.users["coordinator"],
        action=AuditEntry.Action.PROPOSAL_SENT_BACK,
        target=world.proposal,
        reason="Needs a budget",
        closes_at="2026-05-20T10:30:00+02:00",
    )
    with translation.override("en"):
        lines = [str(line) for line in details_of(entry)]
    assert "Reason: Needs a budget" in lines
    assert any(line.startswith("Closes at: ") and "2026" in line for line in lines)


def test_the_log_downloads_as_csv_with_the_filters_in_the_readers_language(world: World):
    change_role(world, "en")
    client = world.client("coordinator")
    client.cookies["django_language"] = "ca"
    url = reverse("clusters:audit-export", args=[world.cluster.slug])
    response = client.get(url, {"action": "member_role_changed"})
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Quan", "Qui", "Què", "Sobre què", "Detalls"]
    assert len(rows) == 2
    assert rows[1][3] == "Neighbours Association" and "Rol: Membre → Observadora" in rows[1][4]


def test_the_page_shows_details_with_a_fixed_number_of_queries(
    world: World, django_assert_num_queries
):
    client = world.client("coordinator")
    url = reverse("clusters:audit-log", args=[world.cluster.slug])
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(40):
        audit(
            cluster=world.cluster,
            by=world.users["member"],
            action=AuditEntry.Action.MEMBER_ROLE_CHANGED,
            target=world.member_membership,
            changes={"role": ["member", "observer" if n % 2 else "lead"]},
        )
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(url)


def test_with_details_runs_no_query(world: World, django_assert_num_queries):
    entries = list(world.cluster.audit.select_related("by"))
    assert entries
    with django_assert_num_queries(0):
        shown = with_details(entries)
    assert all(entry.about for entry in shown if entry.target)


def test_a_reports_values_read_with_the_cells_named_in_the_readers_language(world: World):
    from indicators import services

    client = world.client("coordinator")
    services.report_return(report=world.report, by=world.users["coordinator"], reason="Check")
    services.report_save(
        indicator=world.indicator,
        period=world.period,
        membership=world.member_membership,
        by=world.users["member"],
        cells={"sex=female": 7, "sex=male": 4, "sex=nonbinary": 0},
        total=None,
        submit=False,
    )
    client.cookies["django_language"] = "ca"
    page = client.get(
        reverse("clusters:audit-log", args=[world.cluster.slug]), {"action": "report_saved"}
    ).content.decode()
    assert "Dones i nenes: 6" in page and "Dones i nenes: 7" in page
    assert "sex=female" not in page


def test_a_moment_in_the_details_reads_in_the_sites_time(world: World):
    # Stored as the UTC timezone.now() gives: 08:30 UTC is 10:30 in Barcelona in May.
    entry = audit(
        cluster=world.cluster,
        by=world.users["coordinator"],
        action=AuditEntry.Action.PERIOD_LOCKED,
        target=world.period,
        changes={"locked_at": [None, "2026-05-13T08:30:00+00:00"]},
    )
    with translation.override("en"):
        (line,) = details_of(entry)
    assert "10:30" in line.after and "08:30" not in line.after


def test_settings_changes_read_as_values_in_the_readers_words(world: World):
    from actors.models import ThematicArea
    from clusters import services

    services.cluster_update(
        cluster=world.cluster,
        by=world.users["coordinator"],
        changes={"decision_rule": "consent", "quorum": 60},
        thematic_areas=ThematicArea.objects.filter(code__in=["housing", "energy"]),
    )
    entry = AuditEntry.objects.get(action=AuditEntry.Action.CLUSTER_UPDATED)
    assert entry.data["changes"]["quorum"] == [50, 60]  # a number, not the text "50"
    with translation.override("ca"):
        lines = [str(line) for line in details_of(entry)]
    assert "Regla de decisió: Consens → Consentiment" in lines
    assert any(line.startswith("Àmbits temàtics: ") and "Energia" in line for line in lines)
