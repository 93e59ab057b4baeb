"""Every write of objectives, indicators, periods and reports leaves exactly one entry in
the cluster's audit log, with what changed (values, never sentences)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Max
from django.urls import reverse

from clusters.audit import details_of, json_value
from clusters.models import AuditEntry
from core.errors import DomainError
from indicators import services
from indicators.importing import import_reports
from indicators.models import Indicator, MeasurementReport, Objective
from rights.models import SDGTarget
from tests.conftest import World

Action = AuditEntry.Action


@pytest.fixture
def log(world: World):
    """The entries written since the world was built."""
    since = AuditEntry.objects.aggregate(last=Max("id"))["last"] or 0

    def entries() -> list[AuditEntry]:
        return list(AuditEntry.objects.filter(id__gt=since).order_by("id"))

    return entries


def url(world: World, name: str, **kwargs) -> str:
    return reverse(f"indicators:{name}", kwargs={"slug": world.cluster.slug, **kwargs})


def the_entry(log, action: str) -> AuditEntry:
    entries = log()
    assert [entry.action for entry in entries] == [action]
    return entries[0]


# --- Objectives ------------------------------------------------------------------------


def test_a_new_objective_is_logged_with_its_values(world: World, log):
    target = SDGTarget.objects.order_by("code").first()
    objective = services.objective_create(
        cluster=world.cluster,
        by=world.users["coordinator"],
        code="O9",
        statement="No evictions",
        status=Objective.Status.PROPOSED,
        sdg_targets=[target],
    )
    entry = the_entry(log, Action.OBJECTIVE_CREATED)
    assert (entry.cluster, entry.by, entry.object_id) == (
        world.cluster,
        world.users["coordinator"],
        objective.pk,
    )
    assert entry.data == {
        "changes": {
            "code": [None, "O9"],
            "statement": [None, "No evictions"],
            "status": [None, "proposed"],
            "sdg_targets": [None, [target.code]],
        }
    }


def test_an_objective_changed_on_its_page_is_logged_once_with_before_and_after(world: World, log):
    objective = world.indicator.objective
    response = world.client("coordinator").post(
        url(world, "objective-edit", pk=objective.pk),
        {"code": objective.code, "statement": "Every family keeps its home"},
    )
    assert response.status_code == 302
    entry = the_entry(log, Action.OBJECTIVE_CHANGED)
    assert entry.data == {
        "changes": {"statement": ["No eviction without alternative", "Every family keeps its home"]}
    }
    assert [str(detail) for detail in details_of(entry)] == [
        "Statement: No eviction without alternative → Every family keeps its home"
    ]


def test_an_objective_saved_unchanged_or_refused_leaves_no_entry(world: World, log):
    objective = world.indicator.objective
    client = world.client("coordinator")
    client.post(
        url(world, "objective-edit", pk=objective.pk),
        {"code": objective.code, "statement": objective.statement},
    )
    duplicate = client.post(url(world, "objective-create"), {"code": "o1", "statement": "Again"})
    assert "already has this code" in duplicate.content.decode()
    assert log() == []


def test_a_new_objective_from_its_page_is_logged_once(world: World, log):
    response = world.client("coordinator").post(
        url(world, "objective-create"), {"code": "o2", "statement": "Safe homes"}
    )
    assert response.status_code == 302
    entry = the_entry(log, Action.OBJECTIVE_CREATED)
    assert entry.data["changes"] == {
        "code": [None, "O2"],
        "statement": [None, "Safe homes"],
        "status": [None, "adopted"],
    }


# --- Indicators ------------------------------------------------------------------------

INDICATOR = {
    "code": "I9",
    "name": "Evictions without alternative",
    "type": "outcome",
    "measure": "number",
    "direction": "decrease",
    "aggregation": "latest",
    "target_kind": "cumulative",
    "baseline_value": "80",
    "target_value": "20",
    "data_source": "administrative",
    "frequency": "quarterly",
    "hxl_tag": "#affected",
    "weight": "1",
}


def test_a_new_indicator_is_logged_once_with_its_values(world: World, log):
    data = {**INDICATOR, "objective": world.indicator.objective_id, "by_sex": "on"}
    response = world.client("coordinator").post(url(world, "indicator-create"), data)
    indicator = world.cluster.indicators.get(code="I9")
    assert response.url == indicator.get_absolute_url()
    entry = the_entry(log, Action.INDICATOR_CREATED)
    assert entry.object_id == indicator.pk
    changes = entry.data["changes"]
    assert changes["code"] == [None, "I9"]
    assert changes["objective"] == [None, "O1"]
    assert changes["baseline_value"] == [None, "80"]
    assert changes["by_sex"] == [None, True]
    assert changes["by_age"] == [None, False]
    assert "responsible" not in changes and "unit" not in changes, "nothing given, nothing logged"


def test_an_indicator_changed_is_logged_once_with_what_changed(world: World, log):
    indicator = world.indicator
    values = {
        name: getattr(indicator, name)
        for name in ("objective", "code", "type", "measure", "direction", "aggregation")
    }
    services.indicator_save(
        cluster=world.cluster,
        by=world.users["coordinator"],
        indicator=indicator,
        values={
            **values,
            "name": "Families advised on their rights",
            "responsible": [world.member_membership],
        },
    )
    entry = the_entry(log, Action.INDICATOR_CHANGED)
    assert entry.data == {
        "changes": {
            "name": ["Families advised", "Families advised on their rights"],
            "responsible": [[], ["Neighbours Association"]],
        }
    }
    indicator.refresh_from_db()
    assert indicator.name == "Families advised on their rights"
    assert list(indicator.responsible.all()) == [world.member_membership]


def test_an_indicator_code_taken_is_refused_and_not_logged(world: World, log):
    with pytest.raises(DomainError, match="already has this code"):
        services.indicator_save(
            cluster=world.cluster,
            by=world.users["coordinator"],
            values={
                "objective": world.indicator.objective,
                "code": "I1",
                "name": "Twice",
                "type": Indicator.Type.OUTCOME,
                "measure": Indicator.Measure.NUMBER,
                "direction": Indicator.Direction.INCREASE,
                "aggregation": Indicator.Aggregation.SUM,
                "data_source": Indicator.Source.SURVEY,
            },
        )
    assert log() == []
    assert world.cluster.indicators.count() == 1


def test_indicator_save_takes_only_the_fields_of_a_definition(world: World):
    with pytest.raises(ValueError, match="cluster"):
        services.indicator_save(
            cluster=world.cluster,
            by=world.users["coordinator"],
            indicator=world.indicator,
            values={"cluster": world.other_cluster},
        )


# --- Periods ---------------------------------------------------------------------------


def test_locking_a_period_is_logged_once(world: World, log):
    services.report_validate(report=world.report, by=world.users["coordinator"])
    since_validation = AuditEntry.objects.aggregate(last=Max("id"))["last"]
    response = world.client("coordinator").post(url(world, "period-lock", pk=world.period.pk))
    assert response.status_code == 302
    entries = [entry for entry in log() if entry.id > since_validation]
    assert [entry.action for entry in entries] == [Action.PERIOD_LOCKED]
    world.period.refresh_from_db()
    assert entries[0].object_id == world.period.pk
    assert entries[0].data == {"changes": {"locked_at": [None, world.period.locked_at.isoformat()]}}


# --- Reports ---------------------------------------------------------------------------


def report_url(world: World) -> str:
    return url(world, "report-edit", indicator_pk=world.indicator.pk, period_pk=world.period.pk)


def grid(**values) -> dict:
    data = {"total": "", "cell_0": "", "cell_1": "", "cell_2": "", "comment": ""}
    data.update({k: str(v) for k, v in values.items()})
    return data


@pytest.fixture
def returned(world: World, log) -> World:
    services.report_return(report=world.report, by=world.users["coordinator"], reason="Check")
    assert [entry.action for entry in log()] == [Action.REPORT_RETURNED]
    AuditEntry.objects.filter(action=Action.REPORT_RETURNED).delete()
    return world


def test_a_draft_saved_on_the_report_page_is_logged_once_with_its_changes(returned: World, log):
    response = returned.client("member").post(
        report_url(returned), {**grid(total=12, comment="Two more"), "save": ""}
    )
    assert response.status_code == 302
    entry = the_entry(log, Action.REPORT_SAVED)
    assert entry.object_type == "indicators.measurementreport"
    assert entry.object_id == returned.report.pk
    assert entry.data == {
        "changes": {
            "comment": ["", "Two more"],
            "values": [
                ["total=10", "sex=female=6", "sex=male=4", "sex=nonbinary=0"],
                ["total=12"],
            ],
        }
    }


def test_a_report_submitted_on_its_page_is_logged_once(returned: World, log):
    returned.client("member").post(
        report_url(returned), {**grid(cell_0=7, cell_1=4, cell_2=1), "submit": ""}
    )
    entry = the_entry(log, Action.REPORT_SUBMITTED)
    assert entry.data == {
        "changes": {
            "status": ["returned", "submitted"],
            "values": [
                ["total=10", "sex=female=6", "sex=male=4", "sex=nonbinary=0"],
                ["total=12", "sex=female=7", "sex=male=4", "sex=nonbinary=1"],
            ],
        }
    }


def test_a_new_report_is_logged_with_its_values(world: World, log):
    lead = world.cluster.memberships.get(role="lead")
    report = services.report_save(
        indicator=world.indicator,
        period=world.period,
        membership=lead,
        by=world.users["coordinator"],
        cells={},
        total=D(3),
        comment="Estimated",
    )
    entry = the_entry(log, Action.REPORT_SAVED)
    assert entry.object_id == report.pk
    assert entry.data == {
        "changes": {
            "status": [None, "draft"],
            "comment": [None, "Estimated"],
            "values": [None, ["total=3"]],
        }
    }


def test_a_report_saved_unchanged_or_refused_leaves_no_entry(returned: World, log):
    client = returned.client("member")
    client.post(report_url(returned), {**grid(cell_0=6, cell_1=4, cell_2=0), "save": ""})
    refused = client.post(
        report_url(returned), {**grid(total=99, cell_0=1, cell_1=1, cell_2=1), "submit": ""}
    )
    assert refused.status_code == 400
    assert log() == []


def upload(rows: list[list[object]]) -> SimpleUploadedFile:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["indicator", "period", "cell", "value"])
    writer.writerows(rows)
    return SimpleUploadedFile("values.csv", buffer.getvalue().encode("utf-8"))


def test_an_import_is_logged_once_with_its_counts_whatever_the_number_of_reports(
    returned: World, log
):
    second = Indicator.objects.create(
        cluster=returned.cluster,
        objective=returned.indicator.objective,
        code="I2",
        name="Households housed",
        type="outcome",
        measure="number",
        direction="increase",
        aggregation="sum",
        data_source="survey",
    )
    start = returned.period.start.isoformat()
    count = import_reports(
        cluster=returned.cluster,
        membership=returned.member_membership,
        by=returned.users["member"],
        upload=upload([["I1", start, "", 11], ["", "", "", ""], ["I2", start, "", 3]]),
        submit=True,
    )
    assert count == 2
    entry = the_entry(log, Action.REPORTS_IMPORTED)
    assert (entry.by, entry.object_type, entry.object_id) == (
        returned.users["member"],
        "clusters.membership",
        returned.member_membership.pk,
    )
    assert entry.data == {
        "reports": 2,
        "rows": 3,
        "submitted": True,
        "about": {"entity": "Neighbours Association"},
    }
    assert MeasurementReport.objects.filter(indicator=second, status="submitted").exists()


def test_an_import_that_changes_nothing_leaves_no_entry(returned: World, log):
    start = returned.period.start.isoformat()
    rows = [["I1", start, "", 10], ["I1", start, "sex=female", 6], ["I1", start, "sex=male", 4]]
    rows.append(["I1", start, "sex=nonbinary", 0])
    count = import_reports(
        cluster=returned.cluster,
        membership=returned.member_membership,
        by=returned.users["member"],
        upload=upload(rows),
        submit=False,
    )
    assert count == 0
    assert log() == []


def test_the_entries_are_put_in_the_readers_words(returned: World, log):
    returned.client("member").post(
        report_url(returned), {**grid(cell_0=7, cell_1=4, cell_2=1), "submit": ""}
    )
    import_reports(
        cluster=returned.cluster,
        membership=returned.cluster.memberships.get(role="lead"),
        by=returned.users["coordinator"],
        upload=upload([["I1", returned.period.start.isoformat(), "", 100]]),
        submit=False,
    )
    submitted, imported = log()
    assert [str(detail) for detail in details_of(submitted)] == [
        "Status: Returned → Submitted",
        "Values: Total: 10, Women and girls: 6, Men and boys: 4, Non-binary: 0 → "
        "Total: 12, Women and girls: 7, Men and boys: 4, Non-binary: 1",
    ]
    assert [str(detail) for detail in details_of(imported)] == [
        "Reports: 1",
        "Rows: 1",
        "Submitted for validation: no",
    ]
    page = returned.client("coordinator").get(
        reverse("clusters:audit-log", args=[returned.cluster.slug])
    )
    assert "imported measurement reports" in page.content.decode()


def test_decimals_are_logged_one_way_whatever_their_trailing_zeros():
    assert json_value(D(10)) == "10"
    assert json_value(D("80.00")) == "80"
    # 12.50 and 12.5 are one value: saving either over the other is no change.
    assert json_value(D("12.50")) == json_value(D("12.5")) == "12.5"
