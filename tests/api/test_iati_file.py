"""The cluster's IATI 2.03 file as a funder reads it: valid against the official schema,
with the cluster's entities in their roles, its objectives as results, and as actuals
only what the coordination validated."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from lxml import etree

from api.iati import builder, validation
from clusters.models import Membership
from indicators import services as indicator_services
from indicators.models import Indicator, Objective, ReportingPeriod
from tests.conftest import World
from tests.factories import (
    ActorFactory,
    ClusterFactory,
    MembershipFactory,
    make_iati_ready,
)

pytestmark = pytest.mark.django_db


def file_of(cluster) -> etree._Element:
    checked = validation.checked_file(cluster)
    assert checked.problems == []
    return etree.fromstring(checked.content)


def test_the_world_clusters_file_validates_against_the_iati_schema(world: World):
    root = file_of(make_iati_ready(world.cluster))
    assert validation.schema().validate(root), validation.schema().error_log
    assert root.get("version") == "2.03"
    world.lead.refresh_from_db()
    activity = root.find("iati-activity")
    lead = world.lead.iati_identifier
    assert activity.findtext("iati-identifier") == f"{lead}-housing"
    assert activity.find("reporting-org").get("ref") == lead
    roles = {
        org.findtext("narrative"): org.get("role") for org in activity.iter("participating-org")
    }
    # Observers take no part in the work: they are not in the file.
    assert roles == {
        "Lead Foundation": "4",
        "Neighbours Association": "4",
        "Funding Institution": "1",
    }
    assert activity.find("sector").attrib == {
        "vocabulary": "1",
        "code": "16030",
        "percentage": "100",
    }
    assert activity.find("recipient-country").get("code") == "ES"
    assert activity.find("activity-status").get("code") == "2"
    result = activity.find("result")
    assert result.get("type") == "2"
    assert result.findtext("title/narrative") == "O1 · No eviction without alternative"
    indicator = result.find("indicator")
    assert (indicator.get("measure"), indicator.get("ascending")) == ("1", "1")
    period = indicator.find("period")
    assert period.find("period-start").get("iso-date") == world.period.start.isoformat()
    # The joint action is an activity of its own, a child of the cluster's.
    action = root.findall("iati-activity")[1]
    assert action.find("related-activity").attrib == {"ref": f"{lead}-housing", "type": "1"}
    assert activity.find("related-activity").get("type") == "2"
    assert activity.find("policy-marker").get("significance") == str(world.action.gender_marker)


def test_a_submitted_report_is_not_an_actual(world: World):
    root = file_of(make_iati_ready(world.cluster))
    assert world.report.status == "submitted"
    assert list(root.iter("actual")) == []


def test_a_validated_report_is_the_actual_with_its_breakdown_by_sex(world: World):
    indicator_services.report_validate(report=world.report, by=world.users["coordinator"])
    root = file_of(make_iati_ready(world.cluster))
    actuals = [
        (actual.get("value"), [(d.get("name"), d.get("value")) for d in actual])
        for actual in root.find(".//period").iter("actual")
    ]
    assert actuals == [
        ("10", []),
        ("6", [("sex", "female")]),
        ("4", [("sex", "male")]),
        ("0", [("sex", "nonbinary")]),
    ]


def test_targets_baselines_and_qualitative_indicators(world: World):
    indicator = world.indicator
    indicator.baseline_date = date(2026, 1, 1)
    indicator.target_date = world.period.end
    indicator.save()
    Indicator.objects.create(
        cluster=world.cluster,
        objective=indicator.objective,
        code="I2",
        name="How the district's housing board works",
        type="process",
        measure="qualitative",
        direction="increase",
        aggregation="latest",
        data_source="expert",
    )
    root = file_of(make_iati_ready(world.cluster))
    assert validation.schema().validate(root)
    first, second = root.iter("indicator")
    assert first.find("baseline").attrib == {"year": "2026", "iso-date": "2026-01-01", "value": "0"}
    assert first.find("period/target").get("value") == "100"
    assert second.get("measure") == "5" and second.get("ascending") is None


def test_a_cluster_with_every_optional_part_empty_still_validates(db):
    cluster = ClusterFactory(name="Empty cluster", status="forming")
    MembershipFactory(cluster=cluster, role=Membership.Role.LEAD)
    root = file_of(make_iati_ready(cluster))
    assert validation.schema().validate(root), validation.schema().error_log
    (activity,) = root.findall("iati-activity")
    assert activity.find("result") is None and activity.find("policy-marker") is None
    assert activity.find("activity-status").get("code") == "1"
    assert validation.checked_file(cluster).counts == validation.Counts(1, 0, 0, 0)


def test_the_other_clusters_data_is_never_in_the_file(world: World):
    content = validation.checked_file(make_iati_ready(world.cluster)).content.decode()
    for secret in ("Secret", world.outsider_actor.name):
        assert secret not in content


def problems_of(cluster) -> list[str]:
    checked = validation.checked_file(cluster)
    assert checked.content is None
    return [problem.message for problem in checked.problems]


def test_an_entity_without_an_identifier_is_named_and_no_file_is_written(world: World):
    make_iati_ready(world.cluster)
    for actor in (world.lead, world.member_actor):
        actor.iati_identifier = ""
        actor.save()
    assert problems_of(world.cluster) == [
        "Lead Foundation has no IATI organisation identifier: add it on the entity's page.",
        "Neighbours Association has no IATI organisation identifier: add it on the entity's page.",
    ]


def test_a_cluster_without_a_sector_or_a_lead_is_refused(db):
    cluster = ClusterFactory()
    MembershipFactory(cluster=cluster, actor=ActorFactory(iati_identifier="ES-CIF-G11111111"))
    assert problems_of(cluster) == [
        "The cluster has no lead entity: the IATI file is reported in its name.",
        "Choose the cluster's sector in its settings.",
    ]


def test_the_rules_the_schema_cannot_check(world: World):
    root = builder.build(builder.load(make_iati_ready(world.cluster)))
    period = root.find(".//period")
    period.find("period-start").set("iso-date", "2026-07-01")
    etree.SubElement(period, "actual", value="ten")
    assert validation.rule_problems(root) == [
        "A period ends before it starts (2026-07-01).",
        "A quantitative value is not a number: ten.",
    ]


def grow(world: World, objectives: int) -> None:
    """More objectives, each with two indicators, and more periods with validated reports."""
    indicator_services.report_validate(report=world.report, by=world.users["coordinator"])
    for number in range(objectives):
        objective = Objective.objects.create(
            cluster=world.cluster, code=f"O{number + 2}", statement=f"Goal {number}"
        )
        for code in ("A", "B"):
            Indicator.objects.create(
                cluster=world.cluster,
                objective=objective,
                code=f"{code}{number}",
                name=f"Indicator {code}{number}",
                type="outcome",
                measure="percentage",
                direction="decrease",
                aggregation="average",
                by_age=True,
                data_source="survey",
            )
    ReportingPeriod.objects.create(
        cluster=world.cluster, start=date(2026, 1, 1), end=date(2026, 3, 31), due=date(2026, 4, 15)
    )


@pytest.mark.parametrize("objectives", [0, 4])
def test_the_file_is_read_in_a_fixed_number_of_queries(
    world: World, objectives: int, django_assert_num_queries
):
    grow(world, objectives)
    cluster = make_iati_ready(world.cluster)
    # Memberships, objectives, their indicators, periods, joint actions, the validated
    # totals, their cells, the qualitative texts.
    with django_assert_num_queries(8):
        data = builder.load(cluster)
        root = builder.build(data)
    assert len(list(root.iter("indicator"))) == 1 + 2 * objectives


def test_a_joint_action_without_a_description_is_described_by_its_objective(world: World):
    world.action.description = ""
    world.action.save()
    root = file_of(make_iati_ready(world.cluster))
    action = root.findall("iati-activity")[1]
    assert action.findtext("description/narrative") == "O1 · No eviction without alternative"


def test_characters_xml_cannot_hold_are_left_out_not_a_failure(world: World):
    """A vertical tab pasted from a word processor into the common goal, or a control
    character in an entity's name: the file is still written, without them."""
    world.cluster.common_goal = "Decent\x0b housing\x01 for all"
    world.cluster.save(update_fields=["common_goal"])
    world.member_actor.name = "Neighbours\x0c Association"
    world.member_actor.save(update_fields=["name"])
    root = file_of(make_iati_ready(world.cluster))
    activity = root.find("iati-activity")
    assert activity.findtext("description/narrative") == "Decent housing for all"
    names = [org.findtext("narrative") for org in activity.findall("participating-org")]
    assert "Neighbours Association" in names


def test_the_dates_are_the_clusters_own_zone(world: World):
    """A cluster far from Madrid started on its own calendar day."""
    # 23:30 in Madrid on 1 March is already 2 March in Tokyo.
    created = datetime(2026, 3, 1, 23, 30, tzinfo=ZoneInfo("Europe/Madrid"))
    world.cluster.time_zone = "Asia/Tokyo"
    world.cluster.save(update_fields=["time_zone"])
    type(world.cluster).objects.filter(pk=world.cluster.pk).update(created_at=created)
    world.cluster.refresh_from_db()
    root = file_of(make_iati_ready(world.cluster))
    started = root.find("iati-activity/activity-date[@type='2']")
    assert started.get("iso-date") == "2026-03-02"


def test_a_situation_two_entities_describe_alike_is_said_once(world: World):
    indicator = Indicator.objects.create(
        cluster=world.cluster,
        objective=world.indicator.objective,
        code="Q9",
        name="Protocol in place",
        type=Indicator.Type.OUTCOME,
        measure=Indicator.Measure.QUALITATIVE,
        direction=Indicator.Direction.INCREASE,
        data_source=Indicator.Source.EXPERT,
    )
    period = world.period
    lead = Membership.objects.get(cluster=world.cluster, actor=world.lead)
    for membership in (lead, world.member_membership):
        report = indicator_services.report_save(
            indicator=indicator,
            period=period,
            membership=membership,
            by=world.users["coordinator"],
            cells={},
            total=None,
            text_value="No protocol yet.",
            submit=True,
        )
        indicator_services.report_validate(report=report, by=world.users["coordinator"])
    root = file_of(make_iati_ready(world.cluster))
    found = root.xpath("//indicator[title/narrative[starts-with(., 'Q9')]]//actual")
    assert [a.findtext("comment/narrative") for a in found] == ["No protocol yet."]
